"""Printed lines of one table → template rows → facts, with the identities settling doubtful rows.

Why: the aligner (normalizers/align.py) proposes the best order-keeping mapping; a match whose
label is only loosely like its row is kept only when the structure leaves it one candidate
row and the identities R1/R2 that involve that row hold. Otherwise its cells stay empty and
the problem names the printed row and its candidates: never a wrong value.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import product

from normalizers.align import (
    DEFAULT,
    AlignSettings,
    LineLike,
    Match,
    Slot,
    align,
    build_slots,
    cleaned,
    fitted,
    similarity,
)
from normalizers.checks import report_checks
from normalizers.glued import GluedRow, glued_run
from normalizers.leftovers import blank_rows, fill_lost_labels, place_unordered
from normalizers.spec import Spec
from normalizers.stacked import unstack
from normalizers.values import digits_in_label, explicit_zeros, unread_blanks
from ogi.types import Cell, Fact

log = logging.getLogger(__name__)

MakeFact = Callable[[str, str, str, Cell, "int | None"], Fact]
MAX_COMBOS = 512  # candidate combinations tried against the identities


@dataclass(slots=True)
class RowMapping:
    facts: list[Fact] = field(default_factory=list)
    rows: list[str] = field(default_factory=list)  # row ids that got their cells
    problems: list[str] = field(default_factory=list)
    single_other: bool = False
    glued: list[GluedRow] = field(default_factory=list)  # rows whose digits ran together (normalizers.glued)


@dataclass(slots=True)
class _Plan:
    slots: list[Slot]
    matches: list[Match]
    score: float
    single_other: bool


def _plans(lines: Sequence[LineLike], table: str, template: str, spec: Spec, st: AlignSettings,
           keep: str) -> list[_Plan]:
    shapes = (False, True) if table == "requests" else (False,)
    out = []
    for single in shapes:
        slots = build_slots(spec, table, template, single_other=single)
        score, matches = align(lines, slots, st)
        if table == "active":  # independent rows, no identities: a sure label may sit anywhere
            matches = place_unordered(lines, slots, matches, st)
        matches = fill_lost_labels(lines, slots, matches, keep)
        found = blank_rows(lines, slots, matches, st)
        if single:
            found = [mt for mt in found
                     if not (mt.blank and slots[mt.slot].id == "other" and _heads_items(lines, mt, found))]
        out.append(_Plan(slots, found, score, single))
    return sorted(out, key=lambda p: -p.score)


_ITEM_NO = re.compile(r"^\s*\d{1,2}\s*[.．、]")


def _heads_items(lines: Sequence[LineLike], mt: Match, matches: list[Match], reach: int = 3) -> bool:
    """A blank （六） read as one row beside label-only lines numbered 1./2. that no row takes: it heads
    sub-rows printing nothing, and whether it is a row of its own no value can show."""
    used = {i for m in matches for i in m.lines}
    i = mt.value_line
    near = [k for k in range(max(0, i - reach), min(len(lines), i + reach + 1))
            if k != i and k not in used and lines[k].numbers == 0]
    return any(_ITEM_NO.match(getattr(lines[k], "raw", "") or lines[k].label) for k in near)


def _cells(lines: Sequence[LineLike], mt: Match, slot: Slot, keep: str) -> list[Cell] | None:
    return fitted(lines[mt.value_line].values, slot.width, keep)


def _row_facts(table: str, row: str, cols: Sequence[str], cells: list[Cell], page, make: MakeFact) -> list[Fact]:
    return [make(table, row, c, cell, page) for c, cell in zip(cols, cells)]


def _unreadable(line: LineLike, cells: list[Cell], marks: bool) -> str | None:
    """Why a row's cells may be digits run together and so cannot be written, else None."""
    tail = digits_in_label(getattr(line, "raw", "") or line.label)
    if tail is not None:
        return f"label ends in the digits {tail!r}: numbers run into the label"
    why = unread_blanks(cells) if marks else None
    return None if why is None else f"{why} while the table prints its zeros as marks: may be digits run together"


def _identities(facts: list[Fact]) -> dict[str, bool]:
    return {c.rule: c.passed for c in report_checks(facts) if c.rule.startswith(("R1", "R2"))}


def _unused_value_lines(lines: Sequence[LineLike], plan: _Plan) -> int:
    """Value lines between the first and last row a plan maps that no row of it takes: a shape
    must not 'explain' the identities by leaving printed numbers out."""
    used = [i for mt in plan.matches if not plan.slots[mt.slot].heading for i in mt.lines]
    if not used:
        return 0
    return sum(1 for i in range(min(used), max(used) + 1) if i not in used and lines[i].numbers > 0)


def _lone_subrow(plan: _Plan) -> bool:
    """A sub-row shape that found at most one of （六）'s sub-rows: likelier the whole （六） row."""
    subs = [plan.slots[mt.slot].id for mt in plan.matches if plan.slots[mt.slot].id.startswith("other.")]
    return not plan.single_other and len(subs) <= 1


def map_rows(lines: Sequence[LineLike], table: str, template: str, spec: Spec, make: MakeFact,
             cols_of: Callable[[str], Sequence[str]], keep: str = "last",
             st: AlignSettings = DEFAULT) -> RowMapping:
    """Facts of one table (active or requests) from its printed lines, by whole-table alignment."""
    lines = unstack(lines)
    marks = explicit_zeros(c for ln in lines for c in ln.values)
    plans = _plans(lines, table, template, spec, st, keep)
    if len(plans) > 1 and plans[0].score - plans[1].score < st.close:
        # close shapes: the identities both can compute decide; a tie keeps the better alignment
        ids = [_identities(_build(lines, p, table, make, cols_of, keep, st, False, marks).facts) for p in plans]
        common = set.intersection(*(set(d) for d in ids))
        fails = [sum(1 for r in common if not d[r]) for d in ids]
        unused = [_unused_value_lines(lines, p) for p in plans]
        lone = [_lone_subrow(p) for p in plans]
        plans = [plans[min(range(len(plans)), key=lambda i: (unused[i], fails[i], lone[i], i))]]
    return _build(lines, plans[0], table, make, cols_of, keep, st, True, marks)


def _build(lines: Sequence[LineLike], plan: _Plan, table: str, make: MakeFact,
           cols_of: Callable[[str], Sequence[str]], keep: str, st: AlignSettings, verify: bool,
           marks: bool = False) -> RowMapping:
    """``marks``: the table prints its zeros as marks (0, —), so its empty cells are not read as
    zeros where they may be digits run together (:func:`normalizers.values.unread_blanks`)."""
    res = RowMapping(single_other=plan.single_other)
    slots, taken = plan.slots, {mt.slot for mt in plan.matches}
    sure: list[tuple[Match, list[Cell]]] = []
    doubtful: list[tuple[Match, list[Cell]]] = []
    blanks: list[Match] = []
    for mt in plan.matches:
        s = slots[mt.slot]
        if s.heading:
            continue
        if mt.blank:
            blanks.append(mt)
            continue
        cells = _cells(lines, mt, s, keep)
        why = None if cells is None else _unreadable(lines[mt.value_line], cells, marks)
        if (cells is None or why is not None) and _glued(lines[mt.value_line], table, s.id, cols_of, res):
            continue
        if cells is None:
            n = len(lines[mt.value_line].values)
            res.problems.append(f"{table}.{s.id}: {n} value cells printed, {s.width} expected")
            continue
        if why is not None:
            res.problems.append(f"{table}.{s.id}: {why}; row left unread")
            continue
        plain = mt.sim >= st.accept and not _names_another_row(mt, plan)
        (sure if plain or not mt.label or not verify else doubtful).append((mt, cells))
    page = lambda mt: getattr(lines[mt.value_line], "page", None)
    for mt, cells in sure:
        res.rows.append(slots[mt.slot].id)
        res.facts.extend(_row_facts(table, slots[mt.slot].id, cols_of(slots[mt.slot].id), cells, page(mt), make))
    if doubtful:
        _resolve(lines, plan, doubtful, taken, res, table, make, cols_of, page, keep, st)
    if blanks:
        _blank_rows(lines, plan, blanks, res, table, make, cols_of, marks)
    return res


def _glued(line: LineLike, table: str, rid: str, cols_of: Callable[[str], Sequence[str]], res: RowMapping) -> bool:
    """A row whose cells cannot be read one by one but whose printed digits can be split later
    (:mod:`normalizers.glued`): recorded, True; else False."""
    run = glued_run(getattr(line, "raw", "") or line.label, line.values)
    cols = list(cols_of(rid))
    if run is None or len(run.text) < len(cols) or any(res_g.row == rid for res_g in res.glued):
        return False
    res.glued.append(GluedRow(table, rid, tuple(f"{table}.{rid}.{c}" for c in cols), run,
                              getattr(line, "page", None)))
    return True


def _blank_rows(lines: Sequence[LineLike], plan: _Plan, blanks: list[Match], res: RowMapping, table: str,
                make: MakeFact, cols_of: Callable[[str], Sequence[str]], marks: bool) -> None:
    """Rows printed as their label alone (:func:`normalizers.leftovers.blank_rows`) are rows of
    zeros printed blank (``raw`` ''), only in a table that prints its zeros blank and, for
    requests, only where the identities R1/R2 then hold; else they stay empty with the reason."""
    ids = [plan.slots[mt.slot].id for mt in blanks]
    why = "the table prints its zeros as marks" if marks else None
    facts: list[Fact] = []
    for mt, rid in zip(blanks, ids):
        page = getattr(lines[mt.value_line], "page", None)
        cells = [Cell("", mt.value_line, k, page=page) for k in range(len(cols_of(rid)))]
        facts += _row_facts(table, rid, cols_of(rid), cells, page, make)
    if why is None and table == "requests" and not _identities_hold(res.facts + facts):
        why = "the identities do not hold with them as zeros"
    if why is not None:
        res.problems.append(f"{table}: rows printing their label only ({', '.join(ids)}) left empty: {why}")
        return
    log.info("%s rows printing their label only read as zeros printed blank: %s", table, ", ".join(ids))
    res.rows.extend(ids)
    res.facts.extend(facts)


def _resolve(lines, plan: _Plan, doubtful: list[tuple[Match, list[Cell]]], taken: set[int], res: RowMapping,
             table: str, make: MakeFact, cols_of, page, keep: str, st: AlignSettings) -> None:
    """Doubtful matches: try every combination of their candidate rows, keep the combinations
    whose identities R1/R2 all hold; a line whose row all those combinations agree on takes it,
    the others stay empty with their candidates named in the problem."""
    slots = plan.slots
    cands = [_candidates(lines, plan, mt, taken, st, keep) for mt, _ in doubtful]
    combos = [c for c in product(*cands) if len(set(c)) == len(c)] if math.prod(map(len, cands)) <= MAX_COMBOS \
        else [tuple(mt.slot for mt, _ in doubtful)]
    holding = []
    for combo in combos if table == "requests" else []:
        trial = list(res.facts)
        for (mt, cells), j in zip(doubtful, combo):
            trial += _row_facts(table, slots[j].id, cols_of(slots[j].id), cells, page(mt), make)
        if _identities_hold(trial):
            holding.append(combo)
    for k, (mt, cells) in enumerate(doubtful):
        agreed = {combo[k] for combo in holding}
        if len(agreed) == 1:
            j = agreed.pop()
            rid = slots[j].id
            log.info("%s row %r mapped to %s: the identities hold so", table, mt.label[:30], rid)
            res.rows.append(rid)
            res.facts.extend(_row_facts(table, rid, cols_of(rid), cells, page(mt), make))
            continue
        names = ", ".join(f"{slots[j].id} ({similarity(mt.label, slots[j], st):.2f})" for j in cands[k])
        why = ("the identities hold for more than one" if agreed else "no identity confirms it") \
            if table == "requests" else "the label is too unlike"
        res.problems.append(f"{table}: printed row '{mt.label[:30]}' left empty: could be {names}; {why}")


def _identities_hold(facts: list[Fact]) -> bool:
    """R1 and R2 are computed and all hold (R3/R4 do not depend on which row a line is)."""
    got = [c for c in report_checks(facts) if c.rule.startswith(("R1 ", "R2 "))]
    return bool(got) and all(c.passed for c in got)


def _names_another_row(mt: Match, plan: _Plan) -> bool:
    """The label hits the patterns of another free row too: two rows' labels run together
    (a blank row collapsed into its neighbour), so which one the numbers belong to is open."""
    taken = {m.slot for m in plan.matches}
    label = cleaned(mt.label)
    return any(j != mt.slot and j not in taken and not s.heading and not s.weak and s.patterns
               and any(p.search(label) for p in s.patterns) for j, s in enumerate(plan.slots))


def _candidates(lines: Sequence[LineLike], plan: _Plan, mt: Match, taken: set[int], st: AlignSettings,
                keep: str) -> list[int]:
    """The aligned slot and every other free row between the neighbouring matches that could
    carry this line's cells and reads at least a little like it."""
    others = [m.slot for m in plan.matches if m is not mt]
    lo = max((j for j in others if j < mt.slot), default=-1)
    hi = min((j for j in others if j > mt.slot), default=len(plan.slots))
    line = lines[mt.value_line]
    out = [mt.slot]
    for j in range(lo + 1, hi):
        s = plan.slots[j]
        if j == mt.slot or j in taken or s.heading or fitted(line.values, s.width, keep) is None:
            continue
        if similarity(mt.label, s, st) >= st.low:
            out.append(j)
    return sorted(out)
