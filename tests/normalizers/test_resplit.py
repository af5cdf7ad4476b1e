"""The split solver: constraints jointly over the whole table, never a guess."""

from normalizers.resplit import Constraint, RowSplit, solve


def _rows(**cands: list[str]) -> dict[str, RowSplit]:
    return {k: RowSplit(k, (f"{k}.v",), "", [(c,) for c in cs]) for k, cs in cands.items()}


def _differ(a: str, b: str) -> Constraint:
    return Constraint(f"{a}≠{b}", (a, b), lambda v: v[f"{a}.v"] != v[f"{b}.v"])


def test_joint_solve_narrows_what_each_constraint_alone_cannot():
    """Regression: rows were narrowed one constraint at a time, so a split no whole-table assignment
    allows was kept (and the report left needs_review)."""
    rows = _rows(a=["1", "2"], b=["1", "2"], c=["1", "2", "3"])
    out = solve(rows, [_differ("a", "b"), _differ("b", "c"), _differ("a", "c")])
    assert rows["c"].cands == [("3",)] and rows["c"].forced
    assert not out.unusable and not out.conflicting
    assert "all constraints jointly" in rows["c"].why


def test_constraints_that_contradict_each_other_choose_nothing():
    rows = _rows(a=["1", "2"], b=["1", "2"], c=["1", "2"])
    out = solve(rows, [_differ("a", "b"), _differ("b", "c"), _differ("a", "c")])
    assert [len(r.cands) for r in rows.values()] == [2, 2, 2]
    assert len(out.conflicting) == 3


def test_a_constraint_no_split_satisfies_is_dropped_and_the_others_still_choose():
    rows = _rows(a=["1", "2"], b=["5"])
    fails = Constraint("a=9", ("a",), lambda v: v["a.v"] == 9)
    out = solve(rows, [fails, Constraint("a+b=7", ("a", "b"), lambda v: v["a.v"] + v["b.v"] == 7)])
    assert out.unusable == [fails] and rows["a"].cands == [("2",)]


def test_rows_not_printed_leave_their_constraints_out():
    rows = _rows(a=["1", "2"])
    out = solve(rows, [Constraint("a=b", ("a", "b"), lambda v: v["a.v"] == v["b.v"])])
    assert len(rows["a"].cands) == 2 and not out.unusable and not out.conflicting


def test_a_constraint_too_large_to_try_alone_is_dropped_when_it_fails_with_the_rest(monkeypatch):
    """A failing-as-printed R2 over many open rows could not be tried alone (too many combinations):
    it must not undo what the other constraints decide."""
    import normalizers.resplit as rs

    monkeypatch.setattr(rs, "MAX_COMBOS", 3)
    rows = _rows(a=["1", "2"], b=["1", "2"], c=["5"])
    big = Constraint("a+b=9", ("a", "b"), lambda v: v["a.v"] + v["b.v"] == 9)
    out = solve(rows, [big, Constraint("a+c=7", ("a", "c"), lambda v: v["a.v"] + v["c.v"] == 7)])
    assert rows["a"].cands == [("2",)] and out.unusable == [big] and not out.conflicting
