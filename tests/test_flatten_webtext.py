"""Fixture reports flattened the way a crawler does: every cell exact or missing and flagged."""

import json

import pytest

from extractors import extract_file
from normalizers.report import normalize
from ogi.types import Document, Paragraph, Report
from tests.flatten_webtext import flatten

FIXTURES = ["yishui_2021_tsv.md", "wangcun_2020_seedlike.txt", "hongze_2024_plain.txt", "dashuikeng_2020.txt"]


@pytest.mark.parametrize("name", FIXTURES)
def test_flattened_fixture_cells_are_exact_or_missing_with_a_reason(fixtures, name):
    src = fixtures / "text" / name
    golden = json.loads((fixtures / "text" / f"{name}.golden.json").read_text(encoding="utf-8"))["facts"]
    # the page title a crawled page carries (the report's own): ok needs the region it names
    title = normalize(extract_file(src), Report(report_id="t", file_name=src.name, sha256="0", format="txt")).title
    text = flatten(extract_file(src), title or src.stem)
    assert "二、主动公开政府信息情况第二十条" in text or "第二十条" in text  # headings and cells run on
    doc = Document(file_name=f"{src.stem}_flat.txt", format="txt", blocks=[Paragraph(t) for t in text.split("\n")])
    rep = normalize(doc, Report(report_id="x", file_name=doc.file_name, sha256="0", format="txt"))
    got = {f"{f.table}.{f.row}.{f.col}": f.value for f in rep.facts}
    assert {k: v for k, v in got.items() if golden.get(k) != v} == {}  # never a wrong value
    if rep.status == "ok":
        assert got == golden
    else:
        assert rep.error
    assert {s.number for s in rep.sections} >= {1, 5, 6}
    if name == "yishui_2021_tsv.md":  # every split forced by R1-R4: the report is ok
        assert rep.status == "ok" and all(c.passed for c in rep.checks if c.rule.startswith("S:"))
