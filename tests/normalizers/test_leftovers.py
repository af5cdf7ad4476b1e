"""Value lines the alignment left over (normalizers/leftovers.py): placed only where one row is possible."""

from normalizers.align import align, build_slots
from normalizers.leftovers import fill_lost_labels, place_unordered
from normalizers.spec import load_spec
from normalizers.template import Line
from ogi.types import Cell

SPEC = load_spec()


def _line(label: str, *texts: str) -> Line:
    return Line(label, [Cell(t, 0, i) for i, t in enumerate(texts, 1)])


def _ids(slots, matches):
    return [(slots[m.slot].id, m.lines) for m in matches]


def test_a_value_line_without_label_takes_the_free_row_between_its_neighbours():
    slots = build_slots(SPEC, "active", "2021")
    lines = [_line("规章", "1", "0", "2"), _line("", "3", "1", "9"), _line("行政许可", "12")]
    _, matches = align(lines, slots)
    got = _ids(slots, fill_lost_labels(lines, slots, matches))
    assert ("normative_docs", (1,)) in got


def test_a_lost_label_never_takes_a_row_outside_its_gap():
    """An unlabelled line between two neighbouring rows (规章, 规范性文件) has no free row in its
    gap: it is left alone, not given a row further down."""
    slots = build_slots(SPEC, "active", "2021")
    lines = [_line("规章", "1", "0", "2"), _line("", "3", "1", "9"), _line("规范性文件", "3", "1", "9")]
    _, matches = align(lines, slots)
    got = fill_lost_labels(lines, slots, matches)
    assert [m.lines for m in got] == [(0,), (2,)]


def test_a_sure_label_printed_out_of_order_takes_its_one_free_row():
    slots = build_slots(SPEC, "active", "2021")
    lines = [_line("行政许可", "12"), _line("行政处罚", "5"), _line("规章", "1", "0", "2")]
    _, matches = align(lines, slots)
    got = dict((sid, ln) for sid, ln in _ids(slots, place_unordered(lines, slots, matches)))
    assert got.get("rules") == (2,) and got.get("licensing") == (0,) and got.get("penalty") == (1,)


# --- rows printing their label only (zeros printed blank in a PDF or layout text) -------------

def _active_2021(rules_row, normative):
    from normalizers.template import map_tables
    from ogi.types import Paragraph, RawTable
    rows = [["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"], rules_row, ["行政规范性文件", *normative],
            ["信息内容", "本年处理决定数量"], ["行政许可", "74"]]
    return map_tables([Paragraph("二、主动公开政府信息情况"), RawTable.from_rows(rows)], 2024)


def test_a_row_printing_its_label_only_is_a_row_of_blank_zeros_where_the_table_prints_zeros_blank():
    got = _active_2021(["规章"], ["5", "", "67"])
    rules = [(f.col, f.value, f.raw) for f in got.facts if f.row == "rules"]
    assert rules == [("issued", 0, ""), ("repealed", 0, ""), ("in_force", 0, "")]
    assert not any("rules" in p for p in got.problems)


def test_a_row_printing_its_label_only_stays_empty_where_the_table_prints_zeros_as_marks():
    got = _active_2021(["规章"], ["5", "0", "67"])
    assert not any(f.row == "rules" for f in got.facts)
    assert any("rules" in p and "marks" in p for p in got.problems)


def test_a_label_only_line_next_to_a_value_line_without_label_is_not_a_blank_row():
    """'规章' then a line of numbers with no label: the numbers are 规章's (its label wrapped above
    them), never a row of blank zeros followed by a stray line."""
    from normalizers.template import map_tables
    from ogi.types import Paragraph, RawTable
    rows = [["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"], ["规章"], ["", "1", "", "3"],
            ["行政规范性文件", "5", "", "67"]]
    got = map_tables([Paragraph("二、主动公开政府信息情况"), RawTable.from_rows(rows)], 2024)
    assert [f.value for f in got.facts if f.row == "rules"] == [1, 0, 3]


def test_blank_rows_need_numbers_elsewhere_and_no_leftover_value_line():
    slots = build_slots(SPEC, "active", "2021")
    nothing = [_line("规章"), _line("行政规范性文件")]
    _, matches = align(nothing, slots)
    from normalizers.leftovers import blank_rows
    assert blank_rows(nothing, slots, matches) == matches  # a table printing no number at all: no zeros
    leftover = [_line("规章"), _line("行政规范性文件", "5", "", "67"), _line("某某事项", "9", "9", "9")]
    _, matches = align(leftover, slots)
    assert not any(m.blank for m in blank_rows(leftover, slots, matches))


def test_label_only_neighbours_that_each_start_an_item_are_two_blank_rows_not_one_wrapped_label():
    """Layout text, zeros printed blank: '1.信访举报投诉类申请' over '2.重复申请' (both printing nothing) read
    as one label wrapped over two lines, so neither became a row; a line opening an item wraps nothing."""
    from normalizers.leftovers import blank_rows, starts_item

    assert starts_item(_line("2.重复申请")) and starts_item(_line("（二）部分公开")) and starts_item(_line("四、结转"))
    assert not starts_item(_line("形）")) and not starts_item(_line("具已获取信息"))
    slots = build_slots(SPEC, "requests", "2021")
    lines = [_line("1.本机关不掌握相关政府信息", "1", "", "", "", "", "", "1"), _line("1.信访举报投诉类申请"),
             _line("2.重复申请"), _line("3.要求提供公开出版物", "2", "", "", "", "", "", "2")]
    _, matches = align(lines, slots)
    blank = {slots[m.slot].id for m in blank_rows(lines, slots, matches) if m.blank}
    assert {"not_processed.petition_complaint", "not_processed.duplicate"} <= blank
