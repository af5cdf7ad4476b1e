"""Choose between the splits of run-together digits by constraints; never guess.

Each printed row of a flattened table has a digit run ("6233440") and a number of cells;
its candidate splits are narrowed by constraints over cell values: the identities R1–R4,
numbers the report states in its narrative, logical bounds (a stock never exceeds last
year's stock plus this year's additions), and the same agency's reports of the year before
and the year after (Y1, Y2 both ways; :mod:`normalizers.neighbour_constraints`).

A constraint that no candidate satisfies on its own is dropped (it fails as printed or does
not apply), so a constraint only chooses among splits, never forces a value the digits do not
print. The usable constraints are then solved jointly over the whole table (backtracking
over rows): a split survives only if it is part of some assignment satisfying all of them.
When the usable constraints contradict each other nothing is narrowed by them: one of them
fails as printed and we cannot tell which.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

MAX_COMBOS = 4096
MAX_JOINT_STEPS = 200_000  # a joint search this large keeps the per-constraint narrowing only


@dataclass(frozen=True, slots=True)
class Constraint:
    """``ok`` over cell values ("table.row.col" → value) of the rows it names."""

    name: str
    rows: tuple[str, ...]
    ok: Callable[[Mapping[str, float]], bool]


@dataclass(slots=True)
class RowSplit:
    """One printed row: its cell ids, its digits and the splits still possible."""

    key: str  # "active.normative_docs", or "appeals" for the 15 cells of 表四
    cells: tuple[str, ...]
    digits: str
    cands: list[tuple[str, ...]]
    complete: bool = True  # False: too many splits to list, or none to trust (``doubt``): none may be claimed
    why: list[str] = field(default_factory=list)
    doubt: str = ""  # why the splits listed cannot be trusted

    @property
    def forced(self) -> bool:
        return self.complete and len(self.cands) == 1

    def values(self, cand: tuple[str, ...]) -> dict[str, float]:
        return {c: 0.0 if v in ("-", "无", "/", "") else float(v.replace(",", "")) for c, v in zip(self.cells, cand)}

    def agreed(self) -> dict[str, str]:
        """Cells printed the same in every remaining split (exact whatever the choice)."""
        if not self.complete or not self.cands:
            return {}
        return {c: vs[0] for c, *vs in zip(self.cells, *self.cands) if len(set(vs)) == 1}


@dataclass(slots=True)
class Outcome:
    """Constraints dropped alone (``unusable``) and those that contradicted each other (``conflicting``)."""

    unusable: list[Constraint] = field(default_factory=list)
    conflicting: list[Constraint] = field(default_factory=list)


def _applies(c: Constraint, rows: Mapping[str, RowSplit]) -> bool:
    return all(r in rows and rows[r].complete and rows[r].cands for r in c.rows)


def _fixed(rows: Mapping[str, RowSplit], names: tuple[str, ...]) -> dict[str, float]:
    out: dict[str, float] = {}
    for r in names:
        if len(rows[r].cands) == 1:
            out.update(rows[r].values(rows[r].cands[0]))
    return out


def _good_combos(rows: Mapping[str, RowSplit], c: Constraint) -> tuple[list[RowSplit], list[tuple]] | None:
    """The open rows of ``c`` and the combinations of their splits that satisfy it (None: too many to try)."""
    open_rows = [rows[r] for r in dict.fromkeys(c.rows) if len(rows[r].cands) > 1]
    if math.prod(len(r.cands) for r in open_rows) > MAX_COMBOS:
        return None
    fixed = _fixed(rows, c.rows)
    good = []
    for combo in itertools.product(*(r.cands for r in open_rows)):
        trial = dict(fixed)
        for r, cand in zip(open_rows, combo):
            trial.update(r.values(cand))
        if c.ok(trial):
            good.append(combo)
    return open_rows, good


def solve(rows: Mapping[str, RowSplit], constraints: list[Constraint], rounds: int = 2) -> Outcome:
    """Narrow ``rows`` in place by the constraints that can hold; says which were dropped and why."""
    out = Outcome()
    live = [c for c in constraints if _applies(c, rows)]
    usable, unchecked = [], []
    for c in live:  # each alone, against every split the digits allow
        res = _good_combos(rows, c)
        if res is None:
            unchecked.append(c)  # too many combinations to try alone: only the joint search can tell
        elif not res[1]:
            out.unusable.append(c)
        else:
            usable.append(c)
    before = {k: (list(r.cands), list(r.why)) for k, r in rows.items()}
    if _consistent(rows, usable + unchecked, rounds, before):
        return out
    if unchecked and _consistent(rows, usable, rounds, before):  # those no split can satisfy with the rest
        out.unusable.extend(unchecked)
        return out
    out.conflicting = usable + unchecked  # the usable ones contradict each other: narrow by none of them
    return out


def _consistent(rows: Mapping[str, RowSplit], cons: list[Constraint], rounds: int,
                before: Mapping[str, tuple[list, list]]) -> bool:
    """Narrow by ``cons`` together; on a contradiction put the rows back as ``before`` and say False."""
    if _propagate(rows, cons, rounds) and _joint(rows, cons):
        return True
    for k, (cands, why) in before.items():
        rows[k].cands, rows[k].why = list(cands), list(why)
    return False


def _propagate(rows: Mapping[str, RowSplit], usable: list[Constraint], rounds: int) -> bool:
    """Each constraint alone drops the splits no combination of its rows satisfies; False on a contradiction."""
    for _ in range(rounds):
        for c in usable:
            res = _good_combos(rows, c)
            if res is None or not res[0]:
                continue
            open_rows, good = res
            if not good:
                return False
            for i, r in enumerate(open_rows):
                keep = {combo[i] for combo in good}
                if len(keep) < len(r.cands):
                    r.cands = [x for x in r.cands if x in keep]
                    r.why.append(c.name)
    return True


def _joint(rows: Mapping[str, RowSplit], usable: list[Constraint]) -> bool:
    """Keep only splits that are part of an assignment of every row satisfying every constraint at once.

    Backtracking over the open rows, each constraint checked as soon as its last row is set.
    False when no assignment exists; True (rows unchanged) when the search is too large."""
    names = sorted({r for c in usable for r in c.rows if len(rows[r].cands) > 1}, key=lambda r: len(rows[r].cands))
    if not names:
        return True
    depth = {r: i for i, r in enumerate(names)}
    at: list[list[Constraint]] = [[] for _ in names]
    for c in usable:
        idx = [depth[r] for r in c.rows if r in depth]
        if idx:
            at[max(idx)].append(c)
    vals: dict[str, float] = _fixed(rows, tuple(rows))
    seen: dict[str, set[tuple[str, ...]]] = {r: set() for r in names}
    chosen: list[tuple[str, ...]] = []
    steps = [0]
    # each split's cell values, read once: the search visits a split once per assignment of the rows above it
    options = [[(cand, rows[r].values(cand)) for cand in rows[r].cands] for r in names]
    seen_at = [seen[r] for r in names]
    oks = [tuple(c.ok for c in cs) for cs in at]
    last = len(names) - 1
    recorded = [0]  # chosen[:recorded[0]] is in the seen sets already: a full assignment adds only what changed

    def rec(d: int) -> bool:
        steps[0] += 1
        if steps[0] > MAX_JOINT_STEPS:
            return False
        checks = oks[d]
        for cand, values in options[d]:
            vals.update(values)
            for ok in checks:  # all(...), without a generator per split: this loop runs ~10^5 times
                if not ok(vals):
                    break
            else:
                chosen.append(cand)
                if d < last:
                    rec(d + 1)
                else:  # a full assignment: it counts the step a call for it would, then its splits are possible
                    steps[0] += 1
                    if steps[0] <= MAX_JOINT_STEPS:
                        for k in range(recorded[0], last + 1):
                            seen_at[k].add(chosen[k])
                        recorded[0] = last + 1
                chosen.pop()
                if recorded[0] > d:  # chosen[d] changes next
                    recorded[0] = d
            if steps[0] > MAX_JOINT_STEPS:
                return False
        return True

    if not rec(0):
        return True  # too large to search: the per-constraint narrowing stands
    if not seen[names[0]]:
        return False
    for r in names:
        if len(seen[r]) < len(rows[r].cands):
            rows[r].cands = [x for x in rows[r].cands if x in seen[r]]
            rows[r].why.append("all constraints jointly")
    return True


def _eq(a: float, b: float) -> bool:
    return abs(a - b) < 1e-6


def sum_constraint(name: str, rows: tuple[str, ...], parts: list[str], total: str) -> Constraint:
    return Constraint(name, rows, lambda v: _eq(sum(v[p] for p in parts), v[total]))


def statement_constraint(name: str, rows: tuple[str, ...], cells: tuple[str, ...], values: frozenset[float]) -> Constraint:
    return Constraint(name, rows, lambda v: any(_eq(sum(v[c] for c in cells), x) for x in values))
