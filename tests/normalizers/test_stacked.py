"""Sub-rows stacked in one printed row (normalizers/stacked.py)."""

from normalizers.stacked import unstack
from normalizers.template import Line
from ogi.types import Cell


def test_unstack_splits_stacked_cells_by_numbered_items():
    ln = Line("x", [Cell("1\n0\n1", 0, 1), Cell("", 0, 2), Cell("1\n0\n1", 0, 3)],
              raw="（六）其他处理\n1.申请人逾期不补正\n2.申请人逾期未缴费\n3.其他")
    got = unstack([ln])
    assert [g.label for g in got] == ["(六)其他处理1.申请人逾期不补正", "2.申请人逾期未缴费", "3.其他"]
    assert [[c.text for c in g.values] for g in got] == [["1", "", "1"], ["0", "", "0"], ["1", "", "1"]]


def test_unstack_leaves_stacked_cells_unread_without_numbered_items():
    ln = Line("x", [Cell("1\n0\n1", 0, 1), Cell("2", 0, 2)], raw="（六）其他处理")
    assert unstack([ln])[0].values == []
