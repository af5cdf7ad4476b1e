"""The batch never stops on a bad file, and every input file gets exactly one report."""

from pathlib import Path

import pytest

from pipeline.batch import RunSettings, discover, process_file, process_many


def _bad_folder(tmp_path: Path, fixtures: Path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    (d / "empty.txt").write_bytes(b"")
    (d / "garbage.pdf").write_bytes(b"\x00\x13garbage" * 50)
    (d / "notes #1 'odd'.txt").write_text("今天天气很好。\n明天见。\n", encoding="utf-8")
    (d / "fake.docx").write_bytes(b"this is not a zip")
    (d / "unknown.xyz").write_bytes(b"\x01\x02\x03")
    (d / "keys.json").write_text("{}")  # not a report file: skipped
    (d / "大水坑镇 2020.txt").write_bytes((fixtures / "text" / "dashuikeng_2020.txt").read_bytes())
    return d


def test_bad_inputs_recorded_and_good_one_kept(tmp_path, fixtures):
    files = discover(_bad_folder(tmp_path, fixtures))
    assert len(files) == 6
    reports, stats = process_many(files, RunSettings(workers=2))
    by = {r.file_name: r for r in reports}
    assert len(by) == 6
    good = by["大水坑镇 2020.txt"]
    assert good.status == "ok" and len(good.facts) == 198
    for name, r in by.items():
        if name != "大水坑镇 2020.txt":
            assert r.status != "ok" and r.error, name
    assert by["notes #1 'odd'.txt"].status == "not_a_report"
    assert len(stats.failed) == 5


def test_cache_skips_unchanged_files(tmp_path, fixtures):
    src = tmp_path / "src"
    src.mkdir()
    (src / "seed.txt").write_bytes((fixtures / "text" / "dashuikeng_2020.txt").read_bytes())
    settings = RunSettings(workers=1, cache_dir=str(tmp_path / "cache"))
    _, s1 = process_many(discover(src), settings)
    reports, s2 = process_many(discover(src), settings)
    assert (s1.extracted, s2.extracted, s2.cached) == (1, 0, 1)
    assert len(reports[0].facts) == 198


def test_settings_validate_themselves():
    with pytest.raises(ValueError):
        RunSettings(workers=0)
    with pytest.raises(ValueError):
        RunSettings(years=(1066,))


def test_process_file_of_missing_path(tmp_path):
    from pipeline.batch import InputFile

    r = process_file(InputFile(path=str(tmp_path / "nope.pdf"), key="nope.pdf", file_name="nope.pdf"))
    assert r.status == "unreadable" and "cannot read" in r.error


def test_unreadable_file_still_gets_metadata_from_its_name(tmp_path):
    from pipeline.batch import InputFile

    p = tmp_path / "沂水县民政局2022年政府信息公开工作年度报告.pdf"
    p.write_bytes(b"%PDF-1.4 truncated")
    r = process_file(InputFile(path=str(p), key=p.name, file_name=p.name))
    assert r.status != "ok" and r.error
    assert (r.year, r.agency, r.county) == (2022, "沂水县民政局", "沂水县")


def test_previous_year_in_the_batch_settles_a_run_together_split(tmp_path, fixtures):
    """Y2 against the same agency's previous report picks the one split of '6233440' (62|33|440)."""
    fx = (fixtures / "text" / "pingtan_2023_flattened.txt").read_text(encoding="utf-8")
    tail = fx[fx.index("三、收到和处理"):]
    head = ("二、主动公开政府信息情况第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章000"
            "行政规范性文件{docs}第二十条第（五）项信息内容本年处理决定数量行政许可4529"
            "第二十条第（六）项信息内容本年处理决定数量行政处罚1100行政强制65"
            "第二十条第（八）项信息内容本年收费金额（单位：万元）行政事业性收费18651.06")
    for y, docs, said in ((2023, "123411", "制发规范性文件12件，废止规范性文件3件。"), (2024, "6233440", "")):
        (tmp_path / f"pingtan_{y}_flat.txt").write_text(
            f"平潭综合实验区{y}年度政府信息公开工作年度报告\n一、总体情况{y}年，{said}" + head.format(docs=docs) + tail,
            encoding="utf-8")
    reports, _ = process_many(discover(tmp_path), RunSettings(workers=1))
    r24 = next(r for r in reports if r.year == 2024)
    assert r24.status == "ok", r24.error
    assert [f.raw for f in r24.facts if f.row == "normative_docs"] == ["62", "33", "440"]
    assert "Y2" in next(c.detail for c in r24.checks if c.rule == "S:active")


def test_report_to_json_is_asdict_json_and_round_trips():
    import json
    from dataclasses import asdict

    from ogi.types import Check, Fact, Report, Section
    from pipeline.batch import report_from_json, report_to_json

    rep = Report(report_id="r1", file_name="a.pdf", sha256="ab", format="pdf", year=2023, fee_charged=False,
                 facts=[Fact("requests", "total", "total", 3.0, "3", page=2, bbox=(1.0, 2.0, 3.5, 4.0)),
                        Fact("requests", "x", "y", None, "—")],
                 sections=[Section(1, "总体情况", "正文", ["公开"])], checks=[Check("R1 requests.total", False, "1 != 2")])
    text = report_to_json(rep)
    assert text == json.dumps(asdict(rep), ensure_ascii=False)
    assert report_from_json(text) == rep


def test_a_split_settled_by_its_neighbour_settles_the_next_year_in_turn(tmp_path, fixtures):
    """2023 is settled by 2022 (Y2); only then can 2024 be settled by 2023: the batch tries again."""
    fx = (fixtures / "text" / "pingtan_2023_flattened.txt").read_text(encoding="utf-8")
    tail = fx[fx.index("三、收到和处理"):]
    head = ("二、主动公开政府信息情况第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章000"
            "行政规范性文件{docs}第二十条第（五）项信息内容本年处理决定数量行政许可4529"
            "第二十条第（六）项信息内容本年处理决定数量行政处罚1100行政强制65"
            "第二十条第（八）项信息内容本年收费金额（单位：万元）行政事业性收费18651.06")
    for y, docs, said in ((2022, "123411", "制发规范性文件12件，废止规范性文件3件。"), (2023, "6233440", ""),
                          (2024, "545400", "")):
        (tmp_path / f"pingtan_{y}_flat.txt").write_text(
            f"平潭综合实验区{y}年度政府信息公开工作年度报告\n一、总体情况{y}年，{said}" + head.format(docs=docs) + tail,
            encoding="utf-8")
    reports, _ = process_many(discover(tmp_path), RunSettings(workers=1))
    by = {r.year: r for r in reports}
    assert [f.raw for f in by[2023].facts if f.row == "normative_docs"] == ["62", "33", "440"]
    assert [f.raw for f in by[2024].facts if f.row == "normative_docs"] == ["5", "45", "400"]
    assert by[2024].status == "ok", by[2024].error
