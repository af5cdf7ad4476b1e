"""The split solver: constraints jointly over the whole table, never a guess."""

from hypothesis import given, settings
from hypothesis import strategies as st

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


# ---- the joint search: the same narrowing, step for step, as the plain backtracking it replaced ----

def _joint_plain(rows, usable, max_steps):
    """The search as first written (one call per full assignment, every row recorded at each): the oracle."""
    names = sorted({r for c in usable for r in c.rows if len(rows[r].cands) > 1}, key=lambda r: len(rows[r].cands))
    if not names:
        return True
    depth = {r: i for i, r in enumerate(names)}
    at = [[] for _ in names]
    for c in usable:
        idx = [depth[r] for r in c.rows if r in depth]
        if idx:
            at[max(idx)].append(c)
    vals = {}
    for r in rows:
        if len(rows[r].cands) == 1:
            vals.update(rows[r].values(rows[r].cands[0]))
    seen = {r: set() for r in names}
    chosen, steps = [], [0]

    def rec(d):
        steps[0] += 1
        if steps[0] > max_steps:
            return False
        if d == len(names):
            for r, cand in zip(names, chosen):
                seen[r].add(cand)
            return True
        row = rows[names[d]]
        for cand in row.cands:
            vals.update(row.values(cand))
            if all(c.ok(vals) for c in at[d]):
                chosen.append(cand)
                rec(d + 1)
                chosen.pop()
            if steps[0] > max_steps:
                return False
        return True

    if not rec(0):
        return True
    if not seen[names[0]]:
        return False
    for r in names:
        if len(seen[r]) < len(rows[r].cands):
            rows[r].cands = [x for x in rows[r].cands if x in seen[r]]
            rows[r].why.append("all constraints jointly")
    return True


@st.composite
def _search(draw):
    """Up to 4 rows of 1–2 cells with up to 4 splits each, and sum/equality constraints between them."""
    n = draw(st.integers(1, 4))
    rows = {}
    for i in range(n):
        width = draw(st.integers(1, 2))
        cands = draw(st.lists(st.tuples(*[st.sampled_from(["0", "1", "2", "3", "5", "-"])] * width),
                              min_size=1, max_size=4, unique=True))
        cells = tuple(f"t.r{i}.c{k}" for k in range(width))
        rows[f"t.r{i}"] = RowSplit(f"t.r{i}", cells, "".join(cands[0]), list(cands))
    names = sorted(rows)
    cons = []
    for j in range(draw(st.integers(0, 4))):
        picked = draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True))
        cells = [c for r in picked for c in rows[r].cells]
        target = draw(st.integers(0, 8))
        cons.append(Constraint(f"c{j}", tuple(picked), lambda v, cells=cells, t=target: sum(v[c] for c in cells) <= t))
    return rows, cons


@settings(max_examples=300, deadline=None)
@given(_search(), st.sampled_from([1, 2, 3, 5, 8, 13, 40, 10_000]))
def test_the_joint_search_narrows_exactly_as_the_plain_one(search, limit):
    rows, cons = search
    import copy

    import normalizers.resplit as resplit

    mine, theirs = copy.deepcopy(rows), copy.deepcopy(rows)
    old = resplit.MAX_JOINT_STEPS
    resplit.MAX_JOINT_STEPS = limit
    try:
        got = resplit._joint(mine, cons)
    finally:
        resplit.MAX_JOINT_STEPS = old
    assert got == _joint_plain(theirs, cons, limit)
    assert {k: (r.cands, r.why) for k, r in mine.items()} == {k: (r.cands, r.why) for k, r in theirs.items()}
