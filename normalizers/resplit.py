"""Choose between the splits of run-together digits by constraints; never guess.

Each printed row of a flattened table has a digit run ("6233440") and a number of cells;
its candidate splits are narrowed by constraints over cell values: the identities R1–R4,
numbers the report states in its narrative, and the same agency's previous report (Y1, Y2,
and for the 2019 template 上一年项目数量 = last year's 上一年项目数量 + 本年增/减). A
constraint that no candidate satisfies is dropped (it fails as printed or does not apply),
so a constraint can only choose among splits, never force a value the digits do not print.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

MAX_COMBOS = 4096


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
    complete: bool = True  # False: too many splits to list, none may be claimed
    why: list[str] = field(default_factory=list)

    @property
    def forced(self) -> bool:
        return self.complete and len(self.cands) == 1

    def values(self, cand: tuple[str, ...]) -> dict[str, float]:
        return {c: float(v.replace(",", "")) for c, v in zip(self.cells, cand)}

    def agreed(self) -> dict[str, str]:
        """Cells printed the same in every remaining split (exact whatever the choice)."""
        if not self.complete or not self.cands:
            return {}
        return {c: vs[0] for c, *vs in zip(self.cells, *self.cands) if len(set(vs)) == 1}


def solve(rows: Mapping[str, RowSplit], constraints: list[Constraint], rounds: int = 2) -> list[Constraint]:
    """Narrow ``rows`` in place; returns the constraints no split could satisfy."""
    unusable: list[Constraint] = []
    for _ in range(rounds):
        for c in constraints:
            if any(r not in rows or not rows[r].complete or not rows[r].cands for r in c.rows):
                continue
            open_rows = [rows[r] for r in c.rows if len(rows[r].cands) > 1]
            if not open_rows or math.prod(len(r.cands) for r in open_rows) > MAX_COMBOS:
                continue
            fixed: dict[str, float] = {}
            for r in c.rows:
                if len(rows[r].cands) == 1:
                    fixed.update(rows[r].values(rows[r].cands[0]))
            good = []
            for combo in itertools.product(*(r.cands for r in open_rows)):
                trial = dict(fixed)
                for r, cand in zip(open_rows, combo):
                    trial.update(r.values(cand))
                if c.ok(trial):
                    good.append(combo)
            if not good:
                if c not in unusable:
                    unusable.append(c)
                continue
            for i, r in enumerate(open_rows):
                keep = {combo[i] for combo in good}
                if len(keep) < len(r.cands):
                    r.cands = [x for x in r.cands if x in keep]
                    r.why.append(c.name)
    return unusable


def _eq(a: float, b: float) -> bool:
    return abs(a - b) < 1e-6


def sum_constraint(name: str, rows: tuple[str, ...], parts: list[str], total: str) -> Constraint:
    return Constraint(name, rows, lambda v: _eq(sum(v[p] for p in parts), v[total]))


def statement_constraint(name: str, rows: tuple[str, ...], cells: tuple[str, ...], values: frozenset[float]) -> Constraint:
    return Constraint(name, rows, lambda v: any(_eq(sum(v[c] for c in cells), x) for x in values))


def previous_year_constraints(previous: Mapping[str, float] | None, template: str) -> list[Constraint]:
    """Constraints linking this report to the same agency's report of the year before."""
    if not previous:
        return []
    out: list[Constraint] = []
    p = previous.get("requests.carried_forward.total")
    if p is not None:
        out.append(Constraint(f"Y1 (last year's carried_forward {p:g})", ("requests.carried_over",),
                              lambda v, p=p: _eq(v["requests.carried_over.total"], p)))
    for row in ("rules", "normative_docs"):
        before = previous.get(f"active.{row}.in_force")
        if template == "2021" and before is not None:
            out.append(Constraint(f"Y2 (last year's in_force {before:g})", (f"active.{row}",),
                                  lambda v, b=before, r=row: _eq(b + v[f"active.{r}.issued"] - v[f"active.{r}.repealed"],
                                                                 v[f"active.{r}.in_force"])))
    for row in ("licensing", "other_services", "penalty", "coercion", "fees"):
        items, change = previous.get(f"active.{row}.prev_year_items"), previous.get(f"active.{row}.change")
        if template == "2019" and items is not None and change is not None:
            out.append(Constraint(f"last year's 上一年项目数量 + 本年增/减 = {items + change:g}", (f"active.{row}",),
                                  lambda v, t=items + change, r=row: _eq(v[f"active.{r}.prev_year_items"], t)))
    return out
