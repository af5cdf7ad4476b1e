"""Rows of a printed table whose numbers ran together ("规章 | 006", "规范性文件280114").

A PDF-to-text tool or a portal pasting from Word often prints one row's numbers with no
separator while the rest of the table keeps its cells. Such a row was found (its label
aligned with a template row) but its digits cannot be read cell by cell. Here its digit run is
split into the template's number of cells exactly as :mod:`normalizers.flattened` splits a
flattened dump (no leading zeros, a kept cell boundary is a boundary, 无 / - are zeros), and the
splits are narrowed jointly (:func:`normalizers.resplit.solve`) by the row's own identity
(R3, R4), the other rows of the report as printed (R1, R2 over whole columns), the narrative's
numbers, logical bounds and the neighbouring years. A row still left with a choice keeps only
the cells every split agrees on; the others stay empty with the candidates named.

Only where the tables print their zeros as marks: in a table printing a zero as an empty
cell, a row's empty cells vanish with the run and no split of its digits can be trusted.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from normalizers.flattened import (
    R1_ROWS,
    REQ_COLS,
    Run,
    _open_reason,
    _row_check,
    _split_row,
    parse_run,
)
from normalizers.narrative_numbers import narrative_statements
from normalizers.neighbours import Neighbours, bound_constraints, neighbour_constraints
from normalizers.resplit import Constraint, RowSplit, solve, statement_constraint
from normalizers.spec import Spec
from normalizers.values import digits_in_label, is_blank
from ogi.types import Cell, Check, Fact

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class GluedRow:
    """A template row found in a printed table whose value cells hold its digits run together."""

    table: str
    row: str  # "" for the appeals table: its 15 cells are one row
    cells: tuple[str, ...]  # cell ids "table.row.col"
    run: Run
    page: int | None = None

    @property
    def key(self) -> str:
        return f"{self.table}.{self.row}" if self.row else self.table


@dataclass(slots=True)
class Glued:
    """What resolving the glued rows found: facts, problems for people, one ``S:<table>`` check per table."""

    facts: list[Fact] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    rows: set[str] = field(default_factory=set)  # keys of rows that got at least one cell


def glued_run(label_raw: str, values: Sequence[Cell]) -> Run | None:
    """The printed digits of a row: digits its label ends in, then its non-empty value cells
    (a cell edge is a sure boundary, kept as a space); None when nothing is printed."""
    parts = [c.text.strip() for c in values if not is_blank(c.text)]
    tail = digits_in_label(label_raw) if label_raw else None
    if tail:
        parts.insert(0, tail)
    if not parts or any(" " in p for p in parts):
        return None
    return parse_run(" ".join(parts))


def zeros_as_marks(facts: Sequence[Fact], glued: Sequence[GluedRow]) -> bool:
    """The report's tables print a zero as a mark: a cell read alone as 0 / — / 无, or a run that
    starts a cell with 0 (no count prints a leading zero, so that 0 is a cell of its own)."""
    if any(f.raw and not is_blank(f.raw) and "." not in f.raw and f.value == 0 for f in facts):
        return True
    return any(prints_zero_marks(g.run) for g in glued)


def _fixed_rows(facts: Sequence[Fact], spec: Spec, template: str) -> dict[str, RowSplit]:
    """Rows read cell by cell, as splits with one candidate (their printed values)."""
    by: dict[str, dict[str, float]] = {}
    for f in facts:
        if f.value is None:
            continue
        key = f.table if f.table == "appeals" else f"{f.table}.{f.row}"
        by.setdefault(key, {})[f"{f.table}.{f.row}.{f.col}"] = float(f.value)
    out: dict[str, RowSplit] = {}
    for key, vals in by.items():
        cells = _cell_ids(key, spec, template)
        if cells and all(c in vals for c in cells):  # a row only partly read constrains nothing
            out[key] = RowSplit(key, cells, "", [tuple(repr(vals[c]) for c in cells)])
    return out


def _cell_ids(key: str, spec: Spec, template: str) -> tuple[str, ...]:
    if key == "appeals":
        t = spec.tables["appeals"]
        return tuple(f"appeals.{g}.{c}" for g in t.groups for c in t.columns)
    table, row = key.split(".", 1)
    cols = spec.tables["requests"].columns if table == "requests" else spec.cols(template, table, row)
    return tuple(f"{key}.{c}" for c in cols)


def _identities(rows: Mapping[str, RowSplit], spec: Spec, template: str) -> list[Constraint]:
    """R1 and R2 over whole columns, each only when every row it sums was found (a row not found
    would make a wrong sum hold)."""
    out: list[Constraint] = []
    cols = spec.tables["requests"].columns[:REQ_COLS]
    r1 = tuple(f"requests.{r}" for r in R1_ROWS)
    if all(r in rows for r in r1):
        out.append(Constraint("R1", r1, lambda v: all(
            abs(v[f"requests.new_received.{c}"] + v[f"requests.carried_over.{c}"] - v[f"requests.handled_total.{c}"]
                - v[f"requests.carried_forward.{c}"]) < 1e-9 for c in cols)))
    ids = [r.id for r in spec.tables["requests"].rows_for(template) if r.id not in R1_ROWS]
    single = [r for r in ids if not r.startswith("other.")]
    split = [r for r in ids if r != "other"]
    outcome = next((o for o in (single, split) if all(f"requests.{r}" in rows for r in o)), None)
    if outcome is not None and "requests.handled_total" in rows:
        r2 = tuple(f"requests.{r}" for r in [*outcome, "handled_total"])
        out.append(Constraint("R2", r2, lambda v: all(
            abs(sum(v[f"requests.{r}.{c}"] for r in outcome) - v[f"requests.handled_total.{c}"]) < 1e-9
            for c in cols)))
    return out


def _split(g: GluedRow) -> RowSplit:
    if g.table == "requests":
        n = len(g.cells)
        return _split_row(g.key, g.cells, g.run, _row_check(g.cells, [(list(range(n - 1)), n - 1)]), "R3")
    if g.table == "appeals":
        w = 5
        sums = [(list(range(k * w, k * w + w - 1)), k * w + w - 1) for k in range(len(g.cells) // w)]
        return _split_row(g.key, g.cells, g.run, _row_check(g.cells, sums), "R4")
    return _split_row(g.key, g.cells, g.run, None, "")


def resolve_glued(glued: Sequence[GluedRow], facts: Sequence[Fact], template: str, spec: Spec,
                  narrative: str = "", neighbours: Neighbours | Mapping[str, float] | None = None) -> Glued:
    """Facts for the glued rows whose printed digits split one way given everything else printed."""
    res = Glued()
    if not glued:
        return res
    if not zeros_as_marks(facts, glued):
        res.problems.append("digits run together in " + ", ".join(f"{g.key} ('{g.run.text}')" for g in glued)
                            + ": the tables print no zero as a mark, so empty cells may have vanished with "
                            "the run; left unread")
        return res
    rows = _fixed_rows(facts, spec, template)
    mine: list[RowSplit] = []
    lost: dict[str, str] = {}
    for g in glued:
        r = _split(g)
        mine.append(r)
        if why := _may_have_lost_cells(r, g.run):
            lost[r.key] = why  # not a row of the table: its digits may not be all of its cells
        else:
            rows[g.key] = r
    constraints = _identities(rows, spec, template)
    for st in narrative_statements(narrative, template):
        rs = tuple(dict.fromkeys("appeals" if c.startswith("appeals.") else c.rsplit(".", 1)[0] for c in st.cells))
        constraints.append(statement_constraint(f"narrative '{st.quote}'", rs, st.cells, st.values))
    constraints += bound_constraints(template, rows) + neighbour_constraints(neighbours, template)
    solved = solve(rows, constraints)
    pages = {g.key: g.page for g in glued}
    for table in ("active", "requests", "appeals"):
        here = [r for r in mine if r.key.split(".")[0] == table]
        if not here:
            continue
        open_rows, unread = [], []
        for r in here:
            if r.key in lost:
                res.problems.append(f"digits run together in {r.key} ('{r.digits}'): {lost[r.key]}; left unread")
                unread.append(r)
                continue
            got = dict(zip(r.cells, r.cands[0])) if r.forced else r.agreed()
            res.facts.extend(_fact(c, raw, pages[r.key]) for c, raw in got.items())
            if got:
                res.rows.add(r.key)
            if not r.forced:
                open_rows.append(r)
        if open_rows:
            res.problems.append("digits run together in a printed row, split left open: "
                                + "; ".join(_open_reason(r) for r in open_rows))
        why = sorted({w for r in here for w in r.why})
        dropped = [c.name for c in solved.unusable + solved.conflicting if any(x.startswith(table) for x in c.rows)]
        detail = (f"{len(here) - len(open_rows) - len(unread)} of {len(here)} run-together row(s) split one way"
                  + (f" by cell count, no leading zeros + {', '.join(why)}" if why else " by cell count, no leading zeros")
                  + (f"; not usable: {', '.join(dict.fromkeys(dropped))}" if dropped else ""))
        res.checks.append(Check(rule=f"S:{table}", passed=not (open_rows or unread), detail=detail))
    log.info("run-together rows re-split: %s", ", ".join(sorted(res.rows)))
    return res


ROW_CHECKS = ("R3", "R4")


def prints_zero_marks(run: Run) -> bool:
    """The run itself prints a zero as a cell of its own: a 0 where a cell starts (at the start or
    after a kept boundary: no count prints a leading zero), a 无 / slash, or a dash that is no minus sign."""
    t = run.text
    alone = any(d + 1 == len(t) or not t[d + 1].isdigit() or d + 1 in run.cuts for d in run.dashes)  # not a minus
    return bool(run.words) or alone or t.startswith("0") or any(t[c:c + 1] == "0" for c in run.cuts)


def _may_have_lost_cells(r: RowSplit, run: Run) -> str:
    """Why the row's split cannot be trusted, else "": a row printing its zeros as empty cells
    loses them when its digits run together ('5 _ 67' → '567' splits 5|6|7, wrongly), so a
    split is trusted only where the row prints a zero mark itself or satisfies its own identity."""
    if prints_zero_marks(run) or any(c in r.why for c in ROW_CHECKS):
        return ""
    return "the row prints no zero mark and has no identity of its own, so an empty cell may have vanished in the run"


def _fact(cell: str, raw: str, page: int | None) -> Fact:
    table, rest = cell.split(".", 1)
    row, col = rest.rsplit(".", 1)
    value = 0.0 if raw in ("-", "无", "/") else float(raw.replace(",", ""))
    return Fact(table, row, col, value, raw, page=page)
