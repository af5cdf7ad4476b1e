"""Open splits of run-together digits consult the published dataset for the neighbouring years."""

import pandas as pd

from pipeline.cli import main
from pipeline.neighbours import published_values

HEAD = ("二、主动公开政府信息情况第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章000"
        "行政规范性文件{docs}第二十条第（五）项信息内容本年处理决定数量行政许可4529"
        "第二十条第（六）项信息内容本年处理决定数量行政处罚1100行政强制65"
        "第二十条第（八）项信息内容本年收费金额（单位：万元）行政事业性收费18651.06")
AGENCY = "平潭综合实验区管理委员会"


def _write(folder, fixtures, year: int, docs: str, said: str) -> None:
    fx = (fixtures / "text" / "pingtan_2023_flattened.txt").read_text(encoding="utf-8")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"pingtan_{year}_flat.txt").write_text(
        f"平潭综合实验区{year}年度政府信息公开工作年度报告\n一、总体情况{year}年，{said}" + HEAD.format(docs=docs)
        + fx[fx.index("三、收到和处理"):], encoding="utf-8")


def test_last_year_published_by_an_earlier_batch_settles_the_split(tmp_path, fixtures):
    """Regression: batches are cut per 1000 files, and the previous-year lookup saw only its own batch."""
    out = tmp_path / "out"
    _write(tmp_path / "a", fixtures, 2023, "123411", "制发规范性文件12件，废止规范性文件3件。")
    assert main(["run", "--no-prefect", "--workers", "1", "--source", str(tmp_path / "a"), "--out", str(out)]) == 0
    got = published_values(str(out), {(AGENCY, "福建省", 2023), (AGENCY, "福建省", 2022)})
    assert list(got) == [(AGENCY, "福建省", 2023)] and got[(AGENCY, "福建省", 2023)]["active.normative_docs.in_force"] == 411
    _write(tmp_path / "b", fixtures, 2024, "6233440", "")
    assert main(["run", "--no-prefect", "--workers", "1", "--source", str(tmp_path / "b"), "--out", str(out)]) == 0
    reps = pd.read_parquet(out / "reports")
    r24 = reps[reps["year"] == 2024].iloc[0]
    assert r24["status"] == "ok", r24["error"]
    facts = pd.read_parquet(out / "facts")
    docs = facts[(facts["report_id"] == r24["report_id"]) & (facts["row"] == "normative_docs")]
    assert sorted(docs["raw"]) == ["33", "440", "62"]


def test_no_dataset_gives_nothing(tmp_path):
    assert published_values(str(tmp_path / "none"), {(AGENCY, "福建省", 2023)}) == {}
