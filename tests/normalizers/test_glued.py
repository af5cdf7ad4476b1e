"""Rows of a printed table whose digits ran together: split with the rest of the report as evidence."""

from normalizers.flattened import parse_run
from normalizers.glued import GluedRow, _identities, glued_run, prints_zero_marks, resolve_glued, zeros_as_marks
from normalizers.resplit import RowSplit
from normalizers.spec import load_spec
from normalizers.template import glued_paragraph, split_line
from ogi.types import Cell, Fact, Paragraph

COLS = ("natural_person", "commercial", "research", "nonprofit", "legal_services", "other_org", "total")


def _cells(*texts: str) -> list[Cell]:
    return [Cell(t, 0, i) for i, t in enumerate(texts)]


def _row_facts(row: str, nums: tuple[int, ...]) -> list[Fact]:
    return [Fact("requests", row, c, float(n), str(n)) for c, n in zip(COLS, nums)]


def _glued(table: str, row: str, cols: tuple[str, ...], token: str) -> GluedRow:
    return GluedRow(table, row, tuple(f"{table}.{row}.{c}" for c in cols), parse_run(token))


def test_glued_run_keeps_cell_edges_and_takes_digits_from_the_label():
    run = glued_run("规章", _cells("", "12", "03", ""))
    assert run is not None and run.text == "1203" and run.cuts == frozenset({2})
    assert glued_run("规范性文件006", _cells()).text == "006"
    assert glued_run("规章", _cells("", " ")) is None


def test_zero_marks_are_proved_only_where_a_cell_must_start():
    assert prints_zero_marks(parse_run("006"))  # a count never starts with 0 unless it is 0
    assert prints_zero_marks(parse_run("12 0"))  # after a kept cell edge
    assert prints_zero_marks(parse_run("1—"))
    assert not prints_zero_marks(parse_run("12-11760"))  # a minus sign, not a zero
    assert not prints_zero_marks(parse_run("105"))  # 10|5 with a blank lost, or 1|0|5: the digits cannot tell
    assert zeros_as_marks([Fact("active", "rules", "issued", 0.0, "0")], [])
    assert not zeros_as_marks([Fact("active", "rules", "issued", 5.0, "5")], [_glued("active", "x", ("a",), "15")])


def test_label_cell_ending_in_the_row_digits_becomes_label_and_values():
    ln = split_line(_cells("（一）予以公开0000000", ""))
    assert ln.label == "(一)予以公开" and [c.text for c in ln.values] == ["0000000"]  # no padding read as zeros
    assert split_line(_cells("2023年", "")).label == "2023年"  # no digits at the end: untouched


def test_a_row_printed_as_a_paragraph_is_a_table_line():
    assert glued_paragraph(Paragraph("规章000")).label == "规章"
    assert [c.text for c in glued_paragraph(Paragraph("200240000000000")).values] == ["200240000000000"]
    assert glued_paragraph(Paragraph("本年度共收到申请，已全部办结。")) is None


def test_active_row_with_a_leading_zero_splits_one_way():
    g = _glued("active", "normative_docs", ("issued", "repealed", "in_force"), "006")
    res = resolve_glued([g], [Fact("active", "rules", "issued", 0.0, "0")], "2021", load_spec())
    assert [(f.col, f.value, f.raw) for f in res.facts] == [("issued", 0, "0"), ("repealed", 0, "0"), ("in_force", 6, "6")]
    assert res.checks[0].passed and not res.problems


def test_row_without_a_zero_mark_or_identity_is_left_unread():
    """'567' splits only 5|6|7, but '5 _ 67' with its zero printed blank reads the same."""
    g = _glued("active", "normative_docs", ("issued", "repealed", "in_force"), "567")
    res = resolve_glued([g], [Fact("active", "rules", "issued", 0.0, "0")], "2021", load_spec())
    assert not res.facts and not res.checks[0].passed and "no zero mark" in res.problems[0]


def test_handled_total_is_chosen_by_r1_over_the_columns():
    """R3 alone leaves 12|2|0|0|1|0|15, 1|2|2|0|0|10|15 …; R1 with the printed rows leaves one."""
    facts = (_row_facts("new_received", (10, 2, 0, 0, 1, 0, 13)) + _row_facts("carried_over", (2, 0, 0, 0, 0, 0, 2))
             + _row_facts("carried_forward", (0,) * 7))
    g = _glued("requests", "handled_total", COLS, "122001015")
    res = resolve_glued([g], facts, "2021", load_spec())
    assert [f.value for f in res.facts] == [12, 2, 0, 0, 1, 0, 15]
    alone = resolve_glued([g], [], "2021", load_spec())
    assert not alone.facts or len(alone.facts) < 7


def test_r2_is_not_used_while_an_outcome_row_was_not_found():
    """A row missing from the table would make a wrong split sum right."""
    spec = load_spec()
    rows = {f"requests.{r}": RowSplit(f"requests.{r}", (), "", [()]) for r in ("granted", "handled_total")}
    assert [c.name for c in _identities(rows, spec, "2021")] == []


def test_a_cell_of_digits_run_together_with_dashes_is_values_not_label():
    """docx run_together mutant: '19 1 - - - 1 21' merged into one cell '191---121' was read as label text."""
    ln = split_line(_cells("一、本年新收政府信息公开申请数量", "191---121"))
    assert ln.label.startswith("一、本年新收") and [c.text for c in ln.values] == ["191---121"]
    ln = split_line(_cells("5.要求行政机关确认或重新出具已获取信息", "-", "1----1"))
    assert [c.text for c in ln.values] == ["-", "1----1"]
    assert glued_run(ln.raw, ln.values).text == "-1----1"
