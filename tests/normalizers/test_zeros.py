"""Zeros printed as empty cells: dev reports with every zero cell left blank map to their keys exactly.

Fixtures (``tests/fixtures/zeros``) are dev documents passed through ``benchmarks/blank_zeros.py``; the goldens
are the dev keys' values (a blank cell is a printed 0, ``raw`` keeps ``''``).
"""

import json

import pytest

from extractors import extract_file
from normalizers.template import map_tables

EXACT = ["tsv_2021_blank.txt", "tsv_2019_blank.txt", "md_tsv_2021_blank.md", "md_pipe_2019_blank.md",
         "html_2021_blank.html", "docx_2021_blank.docx", "pdf_ruled_2021_blank.pdf", "pdf_borderless_2019_blank.pdf",
         "pdf_borderless_2021_blank.pdf"]


@pytest.mark.parametrize("name", EXACT)
def test_zeros_printed_as_empty_cells_map_to_every_key_cell(fixtures, name):
    doc = extract_file(fixtures / "zeros" / name)
    got = map_tables(doc.blocks, None)
    golden = json.loads((fixtures / "zeros" / f"{name}.golden.json").read_text(encoding="utf-8"))
    assert got.template == golden["template"]
    assert {f"{f.table}.{f.row}.{f.col}": f.value for f in got.facts} == golden["facts"]
    assert got.problems == []
    blanks = [f for f in got.facts if f.raw == ""]
    assert blanks and all(f.value == 0 for f in blanks)  # the printed text is kept: '' not '0'


def test_zeros_printed_as_empty_tsv_fields(fixtures):
    """Held-out failure: a TSV report printing zeros as empty fields, trailing ones included, got 64 %."""
    doc = extract_file(fixtures / "zeros" / "tsv_2021_blank.txt")
    got = {f"{f.table}.{f.row}.{f.col}": (f.value, f.raw) for f in map_tables(doc.blocks, None).facts}
    # 规章\t\t\t (every cell blank), an all-tab appeals row, and a row whose last fields are blank
    assert got["active.rules.issued"] == (0.0, "")
    assert got["appeals.litigation_after_review.total"] == (0.0, "")
    assert got["requests.carried_over.total"] == (0.0, "")


@pytest.mark.parametrize("name", ["layout_2021_blank.txt"])
def test_zeros_printed_blank_in_layouts_never_give_a_wrong_cell(fixtures, name):
    """Borderless PDF / pdftotext -layout: a row printing no number at all stays missing (flagged), but every
    cell read equals the key, and the rows that print numbers keep their blank cells in place."""
    doc = extract_file(fixtures / "zeros" / name)
    got = map_tables(doc.blocks, None)
    key = json.loads((fixtures / "zeros" / f"{name}.golden.json").read_text(encoding="utf-8"))["facts"]
    facts = {f"{f.table}.{f.row}.{f.col}": f.value for f in got.facts}
    assert facts and {k: v for k, v in facts.items() if key.get(k) != v} == {}
    assert got.problems  # the rows printing nothing are reported, not guessed
    assert facts.get("requests.new_received.total") == key["requests.new_received.total"]


def test_blank_group_heading_over_its_sub_rows_is_not_a_row_of_zeros(fixtures):
    """'（六）其他处理' printed on its own line with every field blank heads 1./2./3.: no requests.other cells."""
    from extractors.text import lines_to_blocks

    src = (fixtures / "zeros" / "md_tsv_2021_blank.md").read_text(encoding="utf-8").split("\n")
    lines: list[str] = []
    for ln in src:
        head, _, rest = ln.partition("\t")
        if head == "（六）其":
            lines.append("（六）其他处理" + "\t" * 8)
        lines.append("\t" + rest if head in ("（六）其", "他", "处理") else ln)
    got = map_tables(lines_to_blocks(lines), None)
    golden = json.loads((fixtures / "zeros" / "md_tsv_2021_blank.md.golden.json").read_text(encoding="utf-8"))
    assert {f"{f.table}.{f.row}.{f.col}": f.value for f in got.facts} == golden["facts"]


@pytest.mark.parametrize("name", ["pdf_borderless_2021_blank.pdf", "layout_2021_blank.txt"])
def test_rows_printing_their_label_alone_in_layouts_are_rows_of_zeros(fixtures, name):
    """Regression (issue 11): the extractors dropped label-only rows (borderless PDF) or ended the table
    at them (layout text, '二、上年结转…' looks like a heading), so the blank-row rule never saw them."""
    got = map_tables(extract_file(fixtures / "zeros" / name).blocks, None)
    facts = {f"{f.table}.{f.row}.{f.col}": (f.value, f.raw) for f in got.facts}
    assert facts["requests.carried_over.total"] == (0.0, "")
    assert facts["requests.denied.internal_affairs.total"] == (0.0, "")
    assert len([k for k, (v, raw) in facts.items() if raw == ""]) >= 60


def test_blank_group_heading_among_blank_numbered_sub_rows_in_layout_text_is_not_a_row(fixtures):
    """Layout text: '（六）其他处' prints mid-way down its blank sub-rows 1./2./3.; read as （六） the whole row
    it gave requests.other.* = 0, cells the 2021 key does not have."""
    got = map_tables(extract_file(fixtures / "zeros" / "layout_2021_blank.txt").blocks, None)
    assert not [f for f in got.facts if f.table == "requests" and f.row == "other"]


def _facts(fixtures, name: str) -> dict[str, tuple[float, str]]:
    got = map_tables(extract_file(fixtures / "zeros" / name).blocks, None)
    return {f"{f.table}.{f.row}.{f.col}": (f.value, f.raw) for f in got.facts}


@pytest.mark.parametrize(("name", "rows"), [
    ("pdf_borderless_2019_blank.pdf", ["requests.unable.needs_creation", "requests.not_processed.duplicate",
                                       "requests.handled_total", "requests.carried_forward"]),
    ("pdf_borderless_2021_blank.pdf", ["requests.handled_total", "requests.carried_forward"])])
def test_borderless_rows_continued_over_a_page_break_keep_their_blank_cells_in_place(fixtures, name, rows):
    """Regression: the part of the requests table on the next page, printed without its header, took only
    the columns its own numbers used (3-5 of 7), so every row there was unread (N value cells, 7 expected)."""
    facts = _facts(fixtures, name)
    key = json.loads((fixtures / "zeros" / f"{name}.golden.json").read_text(encoding="utf-8"))["facts"]
    cols = ["natural_person", "commercial", "research", "nonprofit", "legal_services", "other_org", "total"]
    for row in rows:
        assert [facts[f"{row}.{c}"][0] for c in cols] == [key[f"{row}.{c}"] for c in cols]
        assert any(facts[f"{row}.{c}"][1] == "" for c in cols)  # blank cells read in place, as zeros


def test_borderless_appeals_with_their_first_columns_blank_are_read(fixtures):
    """Regression: the appeals row prints numbers only; with the review columns blank, their headers lay
    left of the first number and were taken for row labels (10 value cells of 15)."""
    facts = _facts(fixtures, "pdf_borderless_2021_blank.pdf")
    key = json.loads((fixtures / "zeros" / "pdf_borderless_2021_blank.pdf.golden.json").read_text(encoding="utf-8"))
    got = {k: v for k, (v, _) in facts.items() if k.startswith("appeals.")}
    assert len(got) == 15 and got == {k: v for k, v in key["facts"].items() if k.startswith("appeals.")}


def test_label_only_lines_each_starting_an_item_are_not_one_wrapped_label(fixtures):
    """Layout text: '3.补正后申请内容仍不明确' over '1.信访举报投诉类申请' (both blank) was taken for one label
    wrapped over two lines, so neither was read as a row of zeros; a line opening an item wraps nothing."""
    facts = _facts(fixtures, "layout_2021_blank.txt")
    assert facts["requests.unable.unclear_after_correction.total"] == (0.0, "")
    assert facts["requests.not_processed.vexatious.natural_person"] == (0.0, "")


def test_borderless_pdf_printing_its_zeros_stays_exact(fixtures):
    """Regression (found while building the blank-row rules): in the same borderless report printing its
    zeros as marks, a group label beside a row's label (（四） by '1.本机关不掌握…', （五）, （六）) was split
    off as a blank row, and a label line inside the header band read as a row: 14 cells lost."""
    doc = extract_file(fixtures / "zeros" / "pdf_borderless_2021_marks.pdf")
    got = map_tables(doc.blocks, None)
    golden = json.loads((fixtures / "zeros" / "pdf_borderless_2021_marks.pdf.golden.json").read_text(encoding="utf-8"))
    assert {f"{f.table}.{f.row}.{f.col}": f.value for f in got.facts} == golden["facts"]
    assert got.problems == []
