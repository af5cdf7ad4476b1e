"""The codebook: committed Markdown is the generated text; CSV and data package describe the dataset."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ogi.codebook import CSV_FIELDS, DOC, cells, codebook_markdown, codebook_rows, column_meanings, kind_of
from ogi.datapackage import _package_json, datapackage, package_text, write_codebook
from ogi.datapackage import _resource_name as res_name
from ogi.schema import DATASETS, PARTITION_COLS
from ogi.types import Fact, Report
from publish.local import publish
from tests.support import FIXTURES, ROOT


def test_committed_markdown_is_the_generated_text() -> None:
    assert DOC.read_text(encoding="utf-8") == codebook_markdown(), \
        "docs/codebook.md is stale: run .venv/bin/python -m ogi.codebook and commit it"


def test_every_schema_column_has_a_meaning_and_no_meaning_is_orphaned() -> None:
    need = {(d, f.name) for d, s in DATASETS.items() for f in s}
    assert set(column_meanings()) == need


def test_every_field_id_once_with_its_labels() -> None:
    with (ROOT / "ogi" / "fields.csv").open(encoding="utf-8") as f:
        recs = list(csv.DictReader(f))
    ids = {f"{r['table']}.{r['row']}.{r['col']}" for r in recs}
    entries = {c.id: c for c in cells()}
    assert len(entries) == len(cells()) and set(entries) == ids
    nd = entries["active.normative_docs.in_force"]
    assert nd.templates == ("2021",) and nd.labels["2021"] == ("行政规范性文件", "现行有效件数")
    both = entries["requests.new_received.natural_person"]
    assert both.templates == ("2019", "2021")
    md, harmonized = codebook_markdown().split("## Harmonized variables")
    assert "| `active.procurement.amount` | 政府集中采购 | 采购总金额 | 2019 | decimal amount |" in md
    assert md.count("| `requests.") == sum(1 for i in ids if i.startswith("requests."))
    assert "| `requests.other.total` | （六）其他处理（合计）：总计 |" in harmonized


def test_every_cell_and_harmonized_variable_has_both_labels_and_its_templates() -> None:
    rows = codebook_rows()
    cell_rows = {r["variable"]: r for r in rows if r["kind"] == "cell"}
    assert set(cell_rows) == {c.id for c in cells()}
    assert all(r["label_zh"] and r["label_en"] and r["templates"] for r in cell_rows.values())
    assert cell_rows["requests.other.total"]["templates"] == "2019"
    assert cell_rows["requests.other.other.total"]["templates"] == "2021"
    harm = {r["variable"]: r for r in rows if r["kind"] == "harmonized"}
    assert harm["requests.other.total"]["templates"] == "2019 2021"
    assert "requests.other.no_correction.total + requests.other.unpaid_fee.total + requests.other.other.total" \
        in harm["requests.other.total"]["description"]
    assert all(r["label_zh"] and r["label_en"] for r in harm.values())
    assert "active.rules.in_force" not in harm and "active.licensing.decisions" in harm  # meanings must match


@pytest.mark.parametrize("col,kind", [("change", "signed change"), ("amount", "decimal amount"),
                                      ("amount_10k_yuan", "decimal amount"), ("total", "int count"),
                                      ("in_force", "int count")])
def test_kinds(col: str, kind: str) -> None:
    assert kind_of(col) == kind


def test_identities_are_all_there() -> None:
    rules = [r["variable"] for r in codebook_rows() if r["kind"] == "rule"]
    assert rules == ["R1", "R2", "R3", "R4", "Y1", "Y2"]


@pytest.fixture
def published(tmp_path: Path) -> Path:
    facts = [Fact("requests", "new_received", "total", 3.0, "3"), Fact("active", "licensing", "change", -2.0, "-2")]
    publish([Report(report_id="a", file_name="a.txt", sha256="0" * 64, format="txt", year=2020, facts=facts),
             Report(report_id="b", file_name="b.txt", sha256="1" * 64, format="txt", status="not_a_report")], tmp_path)
    return tmp_path


def test_csv_beside_the_dataset(published: Path) -> None:
    write_codebook(published)
    df = pd.read_csv(published / "codebook.csv", dtype=str, keep_default_na=False)
    assert tuple(df.columns) == CSV_FIELDS
    assert set(df["kind"]) == {"column", "rule", "cell", "harmonized"}
    row = df[df["variable"] == "active.licensing.change"].iloc[0]
    assert (row["type"], row["templates"], row["row_label_2019"], row["col_label_2019"]) == \
        ("signed change", "2019", "行政许可", "本年增/减")
    assert len(df[df["kind"] == "cell"]) == len(cells())


def test_datapackage_describes_the_year_folders_and_their_columns(published: Path) -> None:
    write_codebook(published)
    pkg = json.loads((published / "datapackage.json").read_text(encoding="utf-8"))
    res = {r["name"]: r for r in pkg["resources"]}
    assert [r["path"] for r in pkg["resources"] if r["name"].startswith("reports-")] == \
        ["reports/year=2020", "reports/year_unknown.parquet"]
    assert list(res)[-1] == "codebook" and res_name("reports/year=2020") == "reports-2020"
    for r in pkg["resources"][:-1]:
        name = r["path"].split("/")[0]
        schema = DATASETS[name]
        fields = r["schema"]["fields"]
        assert [f["name"] for f in fields] == [n for n in schema.names if n not in PARTITION_COLS]
        assert all(f["type"] in {"string", "integer", "number", "boolean", "any"} for f in fields)
        assert all(f["description"] and f["title"] for f in fields)
        # a year folder reads as one table of exactly the columns listed (its segment folders add none)
        assert set(pq.read_table(published / r["path"]).column_names) == set(schema.names) - set(PARTITION_COLS)
    facts = res["facts-2020"]["schema"]
    types = {f["name"]: f["type"] for f in facts["fields"]}
    assert (types["value"], types["page"], types["bbox"], types["raw"]) == ("number", "integer", "any", "string")
    assert facts["foreignKeys"][0]["reference"] == {"resource": "reports-2020", "fields": ["report_id"]}
    assert (published / res["codebook"]["path"]).exists()


def test_datapackage_does_not_grow_with_the_files_a_dataset_holds(tmp_path: Path) -> None:
    """Issue 12: one resource per Parquet file made every publish into 100 000 reports rewrite ~1000
    resources (2.5 MB); a year folder is one resource however many files and segments it holds."""
    rep = [Report(report_id=f"r{i}", file_name=f"r{i}.txt", sha256=f"{i:064x}", format="txt", year=2019 + i % 3,
                  agency="甲" if i % 2 else "乙", facts=[Fact("requests", "carried_over", "total", 1.0, "1"),
                                                      Fact("requests", "carried_forward", "total", 1.0, "1")])
           for i in range(12)]
    publish(rep + [Report(report_id="u", file_name="u.txt", sha256="f" * 64, format="txt")], tmp_path)
    first = package_text(tmp_path, created="2026-01-01T00:00:00Z")
    for k in range(3):  # more files in 2020, one publish each
        publish([Report(report_id=f"late{k}", file_name=f"late{k}.txt", sha256=f"e{k}" * 32, format="txt",
                        year=2020)], tmp_path)
    assert len(list((tmp_path / "reports" / "year=2020").glob("*/*.parquet"))) == 4
    later = json.loads(package_text(tmp_path, created="2026-01-01T00:00:00Z"))
    assert [r["name"] for r in later["resources"]] == [r["name"] for r in json.loads(first)["resources"]]
    assert package_text(tmp_path, created="2026-01-01T00:00:00Z") == _package_json(
        datapackage(tmp_path, created="2026-01-01T00:00:00Z"))


def test_labels_in_both_languages_for_every_row_of_the_codebook() -> None:
    rows = codebook_rows()
    assert all(r["label_zh"] and r["label_en"] for r in rows), [r["variable"] for r in rows if not r["label_en"]]
    cell = {r["variable"]: r for r in rows}["requests.carried_forward.total"]
    assert (cell["label_zh"], cell["label_en"]) == ("四、结转下年度继续办理：总计", "IV. Carried forward to next year: Total")
    nd = {r["variable"]: r for r in rows}["active.normative_docs.in_force"]
    assert nd["label_zh"] == "行政规范性文件：现行有效件数"  # the latest template's official label


def _validate(path: Path) -> dict:
    """`frictionless validate` as a user runs it (the command line, JSON report)."""
    exe = Path(sys.executable).with_name("frictionless")
    proc = subprocess.run([str(exe), "validate", "--json", str(path / "datapackage.json")], cwd=path,
                          capture_output=True, text=True, timeout=600, check=False)
    return json.loads(proc.stdout)


@pytest.mark.slow  # frictionless reads every row
def test_frictionless_validates_a_dataset_built_from_fixtures(tmp_path: Path) -> None:
    from pipeline.batch import RunSettings, discover, process_many

    src = tmp_path / "src"
    src.mkdir()
    for name in ("text/hongze_2024_plain.txt", "text/dashuikeng_2020.txt", "html/pingtan_2021_cut.html"):
        shutil.copy(FIXTURES / name, src / Path(name).name)
    (src / "notes.txt").write_text("会议纪要，不是报告。", encoding="utf-8")
    reports, _ = process_many(discover(src), RunSettings(workers=1))
    publish(reports, tmp_path / "out")
    report = _validate(tmp_path / "out")
    assert report["valid"], [e["message"] for t in report["tasks"] for e in t["errors"]][:5]
    assert len(report["tasks"]) >= 9  # four datasets in two partitions, and the codebook
    pkg = json.loads((tmp_path / "out" / "datapackage.json").read_text(encoding="utf-8"))
    current = (tmp_path / "out" / "current").resolve().name
    assert pkg["version"].startswith("dev+") and current.split("-")[0] in pkg["version"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", pkg["created"])
    assert pkg["licenses"][0]["name"] == "CC-BY-4.0" and pkg["sources"] and pkg["contributors"][0]["roles"]


@pytest.mark.slow
def test_frictionless_catches_a_broken_dataset(published: Path) -> None:
    """The validation can fail: a facts row whose report is missing breaks the foreign key."""
    write_codebook(published)
    f = next((published / "facts" / "year=2020").glob("*/part-*.parquet"))
    t = pq.read_table(f)
    pq.write_table(t.set_column(0, "report_id", pa.array(["zz"] * t.num_rows)), f)
    report = _validate(published)
    assert not report["valid"]
    assert any(e["type"] == "foreign-key" for t in report["tasks"] for e in t["errors"])
