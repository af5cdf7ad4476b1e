"""The codebook: committed Markdown is the generated text; CSV and data package describe the dataset."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from ogi.codebook import (CSV_FIELDS, DOC, cells, codebook_markdown, codebook_rows, column_meanings, kind_of,
                          write_codebook)
from publish.local import publish
from ogi.schema import DATASETS, PARTITION_COLS
from ogi.types import Fact, Report
from tests.conftest import ROOT


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
    md = codebook_markdown()
    assert "| `active.procurement.amount` | 政府集中采购 | 采购总金额 | 2019 | decimal amount |" in md
    assert md.count("| `requests.") == sum(1 for i in ids if i.startswith("requests."))


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
    assert set(df["kind"]) == {"column", "rule", "cell"}
    row = df[df["variable"] == "active.licensing.change"].iloc[0]
    assert (row["type"], row["templates"], row["row_label_2019"], row["col_label_2019"]) == \
        ("signed change", "2019", "行政许可", "本年增/减")
    assert len(df[df["kind"] == "cell"]) == len(cells())


def test_datapackage_describes_the_files_and_their_columns(published: Path) -> None:
    write_codebook(published)
    pkg = json.loads((published / "datapackage.json").read_text(encoding="utf-8"))
    res = {r["name"]: r for r in pkg["resources"]}
    assert list(res) == [*DATASETS, "codebook"]
    first, unknown = res["reports"]["path"]  # file names carry the version stamp that wrote them
    assert re.fullmatch(r"reports/year=2020/part-[\w-]+\.parquet", first) and unknown == "reports/year_unknown.parquet"
    for name, schema in DATASETS.items():
        fields = res[name]["schema"]["fields"]
        assert [f["name"] for f in fields] == schema.names
        assert all(f["type"] in {"string", "integer", "number", "boolean", "array"} for f in fields)
        assert all(f["description"] for f in fields)
        for p in res[name]["path"]:  # every listed file exists and holds the columns described
            cols = set(pq.read_schema(published / p).names)
            assert cols == set(schema.names) - set(PARTITION_COLS)
    types = {f["name"]: f["type"] for f in res["facts"]["schema"]["fields"]}
    assert (types["value"], types["page"], types["bbox"], types["raw"]) == ("number", "integer", "array", "string")
    assert res["facts"]["schema"]["foreignKeys"][0]["reference"] == {"resource": "reports", "fields": ["report_id"]}
    assert (published / res["codebook"]["path"]).exists()
