"""Constraints that link a report's run-together digits to the same agency's other years, and logical bounds.

The year before and the year after are both evidence: Y1 (carried_over of Y = carried_forward
of Y-1) and Y2 (in_force of Y = in_force of Y-1 + issued − repealed of Y) tie a report to
both neighbours, and so do the 2019 template's running counts (上一年项目数量 of Y =
上一年项目数量 + 本年增/减 of Y-1; 对外公开总数量 of Y = that of Y-1 + 本年新公开数量 of Y).
Published reports break these equations often (a clean-up of the document register), so
besides them there are bounds that hold by definition: a stock of documents in force never
exceeds last year's stock plus this year's issued ones, nor can more be repealed than that;
this year's issued ones not repealed are still in force; a running total includes this
year's additions; an item count is never negative.
Every constraint here only chooses among splits (:func:`normalizers.resplit.solve` drops one
no split satisfies); none sets a value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from normalizers.resplit import Constraint

EPS = 1e-6
STOCK_ROWS = ("rules", "normative_docs")
ITEM_ROWS = ("licensing", "other_services", "penalty", "coercion", "fees")


@dataclass(frozen=True, slots=True)
class Neighbours:
    """Printed values ("table.row.col" → value) of the same agency's reports of the year before and after."""

    previous: Mapping[str, float] | None = None
    following: Mapping[str, float] | None = None

    @classmethod
    def of(cls, value: Neighbours | Mapping[str, float] | None) -> Neighbours:
        """A plain mapping is the previous year's values (the older calling convention)."""
        if value is None or isinstance(value, Neighbours):
            return value or cls()
        return cls(previous=value)

    def __bool__(self) -> bool:
        return bool(self.previous) or bool(self.following)


def _eq(a: float, b: float) -> bool:
    return abs(a - b) < EPS


def _row(cell: str) -> tuple[str, ...]:
    return (cell.rsplit(".", 1)[0],)


def previous_constraints(p: Mapping[str, float] | None, template: str) -> list[Constraint]:
    """This report against the same agency's report of the year before."""
    if not p:
        return []
    out: list[Constraint] = []
    if (cf := p.get("requests.carried_forward.total")) is not None:
        out.append(Constraint(f"Y1 (last year's carried_forward {cf:g})", ("requests.carried_over",),
                              lambda v, x=cf: _eq(v["requests.carried_over.total"], x)))
    for r in STOCK_ROWS:
        a = f"active.{r}."
        before = p.get(a + "in_force")
        if template == "2021" and before is not None:
            out.append(Constraint(f"Y2 (last year's in_force {before:g})", (f"active.{r}",),
                                  lambda v, b=before, a=a: _eq(b + v[a + "issued"] - v[a + "repealed"], v[a + "in_force"])))
            out.append(Constraint(f"bound: in_force and repealed ≤ last year's in_force {before:g} + issued",
                                  (f"active.{r}",), lambda v, b=before, a=a: max(v[a + "in_force"], v[a + "repealed"])
                                  <= b + v[a + "issued"] + EPS))
        total = p.get(a + "total_published")
        if template == "2019" and total is not None:
            out.append(Constraint(f"last year's 对外公开总数量 {total:g} + 本年新公开数量", (f"active.{r}",),
                                  lambda v, t=total, a=a: _eq(t + v[a + "new_published"], v[a + "total_published"])))
    for r in ITEM_ROWS:
        a = f"active.{r}."
        items, change = p.get(a + "prev_year_items"), p.get(a + "change")
        if template == "2019" and items is not None and change is not None:
            out.append(Constraint(f"last year's 上一年项目数量 + 本年增/减 = {items + change:g}", (f"active.{r}",),
                                  lambda v, t=items + change, a=a: _eq(v[a + "prev_year_items"], t)))
    return out


def following_constraints(n: Mapping[str, float] | None, template: str) -> list[Constraint]:
    """This report against the same agency's report of the year after (the same equations read backwards)."""
    if not n:
        return []
    out: list[Constraint] = []
    if (co := n.get("requests.carried_over.total")) is not None:
        out.append(Constraint(f"Y1 (next year's carried_over {co:g})", ("requests.carried_forward",),
                              lambda v, x=co: _eq(v["requests.carried_forward.total"], x)))
    for r in STOCK_ROWS:
        a = f"active.{r}."
        after, issued, repealed = (n.get(a + c) for c in ("in_force", "issued", "repealed"))
        if template == "2021" and None not in (after, issued, repealed):
            out.append(Constraint(f"Y2 (next year's in_force {after:g}, issued {issued:g}, repealed {repealed:g})",
                                  (f"active.{r}",), lambda v, x=after - issued + repealed, a=a: _eq(v[a + "in_force"], x)))
            out.append(Constraint("bound: in_force ≥ next year's in_force and repealed − next year's issued",
                                  (f"active.{r}",), lambda v, x=max(after, repealed) - issued, a=a:
                                  v[a + "in_force"] >= x - EPS))
        total, new = n.get(a + "total_published"), n.get(a + "new_published")
        if template == "2019" and total is not None and new is not None:
            out.append(Constraint(f"next year's 对外公开总数量 {total:g} − 本年新公开数量 {new:g}", (f"active.{r}",),
                                  lambda v, x=total - new, a=a: _eq(v[a + "total_published"], x)))
    for r in ITEM_ROWS:
        a = f"active.{r}."
        items = n.get(a + "prev_year_items")
        if template == "2019" and items is not None:
            out.append(Constraint(f"next year's 上一年项目数量 {items:g} = 上一年项目数量 + 本年增/减", (f"active.{r}",),
                                  lambda v, x=items, a=a: _eq(v[a + "prev_year_items"] + v[a + "change"], x)))
    return out


def bound_constraints(template: str, rows: Mapping[str, object]) -> list[Constraint]:
    """Bounds that hold by definition within one report (only for the rows the text printed)."""
    out: list[Constraint] = []
    if template == "2021":
        for r in STOCK_ROWS:
            a = f"active.{r}."
            if f"active.{r}" in rows:
                out.append(Constraint("bound: in_force ≥ issued − repealed", (f"active.{r}",),
                                      lambda v, a=a: v[a + "in_force"] >= v[a + "issued"] - v[a + "repealed"] - EPS))
    if template != "2019":
        return out
    for r in STOCK_ROWS:
        a = f"active.{r}."
        if f"active.{r}" in rows:
            out.append(Constraint("bound: 对外公开总数量 ≥ 本年新公开数量", (f"active.{r}",),
                                  lambda v, a=a: v[a + "total_published"] >= v[a + "new_published"] - EPS))
    for r in ITEM_ROWS:
        a = f"active.{r}."
        if f"active.{r}" in rows:
            out.append(Constraint("bound: 上一年项目数量 + 本年增/减 ≥ 0", (f"active.{r}",),
                                  lambda v, a=a: a + "change" not in v or v[a + "prev_year_items"] + v[a + "change"] >= -EPS))
    return out


def neighbour_constraints(nb: Neighbours | Mapping[str, float] | None, template: str) -> list[Constraint]:
    nb = Neighbours.of(nb)
    return previous_constraints(nb.previous, template) + following_constraints(nb.following, template)
