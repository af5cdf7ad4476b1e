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
