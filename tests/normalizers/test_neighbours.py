"""Neighbouring years and logical bounds choose splits of run-together digits (never set a value)."""

from normalizers.flattened import parse_flattened
from normalizers.neighbours import Neighbours, following_constraints
from normalizers.resplit import RowSplit, solve

HEAD_2021 = ("二、主动公开政府信息情况第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章000"
             "行政规范性文件{docs}第二十条第（五）项信息内容本年处理决定数量行政许可4529")
HEAD_2019 = ("二、主动公开政府信息情况第二十条第（一）项信息内容本年新制作数量本年新公开数量对外公开总数量规章000"
             "规范性文件{docs}第二十条第（五）项信息内容上一年项目数量本年增/减处理决定数量行政许可{lic}"
             "其他对外管理服务事项1001530")


def _active(res, row: str) -> list[str]:
    return [f.raw for f in res.facts if f.table == "active" and f.row == row]


def test_last_years_stock_bounds_in_force_and_repealed():
    """Regression (平潭 2023 page text, '77132470'): Y2 fails as printed (698+77−132 ≠ 470), yet a
    stock never exceeds last year's stock plus this year's issued, nor can more be repealed."""
    text = "制发的规范性文件77件。" + HEAD_2021.format(docs="77132470")
    res = parse_flattened(text, "2021", previous={"active.normative_docs.in_force": 698})
    assert _active(res, "normative_docs") == ["77", "132", "470"]
    assert next(c for c in res.checks if c.rule == "S:active").passed
    assert "bound" in next(c.detail for c in res.checks if c.rule == "S:active")
    res = parse_flattened(text, "2021")
    assert _active(res, "normative_docs") == ["77"] and res.problems  # without last year: still open


def test_bounds_that_leave_a_choice_keep_the_report_open():
    text = "本年度制发行政规范性文件62件。" + HEAD_2021.format(docs="6233440")
    res = parse_flattened(text, "2021", previous={"active.normative_docs.in_force": 470})
    assert any("still splits 2 ways: 62|33|440 or 62|334|40" in p for p in res.problems)


def test_next_years_report_decides_as_well_as_last_years():
    """Y2 read backwards: next year's in_force − issued + repealed is this year's in_force."""
    nxt = {"active.normative_docs.in_force": 698, "active.normative_docs.issued": 88, "active.normative_docs.repealed": 55}
    res = parse_flattened(HEAD_2021.format(docs="693665"), "2021", previous=Neighbours(following=nxt))
    assert _active(res, "normative_docs") == ["665"]  # in_force agreed; 6|93 or 69|3 is a real choice
    assert any("6|93|665 or 69|3|665" in p for p in res.problems)


def test_next_years_items_count_is_this_years_count_plus_change():
    """2019 template: 上一年项目数量 of next year = 上一年项目数量 + 本年增/减 of this year."""
    text = HEAD_2019.format(docs="000", lic="3960181")
    assert any("'3960181' still splits" in p for p in parse_flattened(text, "2019").problems)
    res = parse_flattened(text, "2019", previous=Neighbours(following={"active.licensing.prev_year_items": 396}))
    assert _active(res, "licensing") == ["396", "0", "181"]


def test_running_total_includes_this_years_new_ones():
    """对外公开总数量 ≥ 本年新公开数量 (by definition), and next year's total − its new ones is this year's."""
    res = parse_flattened(HEAD_2019.format(docs="898989", lic="0 0 0"), "2019")
    got = next(p for p in res.problems if "898989" in p)
    assert "8|989|89" not in got and "8|9898|9" not in got and "89|89|89" in got
    nxt = {"active.normative_docs.total_published": 166, "active.normative_docs.new_published": 77}
    res = parse_flattened(HEAD_2019.format(docs="898989", lic="0 0 0"), "2019", previous=Neighbours(following=nxt))
    assert any("2 ways: 89|89|89 or 898|9|89" in p for p in res.problems)  # total 89 agreed, the rest open
    assert [f.raw for f in res.facts if f.col == "total_published" and f.row == "normative_docs"] == ["89"]


def test_next_years_carried_over_is_this_years_carried_forward():
    cells = tuple(f"requests.carried_forward.{c}" for c in ("natural_person", "total"))
    rows = {"requests.carried_forward": RowSplit("requests.carried_forward", cells, "1111", [("1", "111"), ("11", "11")])}
    solve(rows, following_constraints({"requests.carried_over.total": 11}, "2021"))
    assert rows["requests.carried_forward"].cands == [("11", "11")]
    assert "Y1 (next year's carried_over 11)" in rows["requests.carried_forward"].why


def test_this_years_issued_not_repealed_are_in_force():
    """in_force ≥ issued − repealed within one report: '693665' cannot be 693|6|65."""
    got = next(p for p in parse_flattened(HEAD_2021.format(docs="693665"), "2021").problems if "693665" in p)
    assert "693|6|65" not in got and "6936|6|5" not in got and "69|3|665" in got
