"""Printed value lines the whole-table alignment left over, placed where the structure allows.

Why: two shapes the order-keeping alignment cannot take: rows printed out of template order (a
table pasted in parts) and value lines whose label a text dump lost. Each is placed only where
one row is possible: a sure label with one free row, or the next free row between aligned
neighbours; never a guess across the table.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from normalizers.align import DEFAULT, AlignSettings, LineLike, Match, Slot, core, fitted, is_lost_label, similarity

log = logging.getLogger(__name__)


def place_unordered(lines: Sequence[LineLike], slots: Sequence[Slot], matches: list[Match],
                    st: AlignSettings = DEFAULT) -> list[Match]:
    """Rows printed out of template order (a table whose parts were pasted in another order):
    an unaligned value line whose label is surely one free row, and no other, takes it."""
    used_lines = {i for mt in matches for i in mt.lines}
    free = {j for j, s in enumerate(slots) if not s.heading} - {mt.slot for mt in matches}
    out = list(matches)
    for i, ln in enumerate(lines):
        if i in used_lines or not ln.values or not core(ln.label):
            continue
        sims = sorted(((similarity(ln.label, slots[j], st), j) for j in free), reverse=True)
        if not sims or sims[0][0] < st.accept or (len(sims) > 1 and sims[1][0] >= st.accept):
            continue
        sim, j = sims[0]
        if fitted(ln.values, slots[j].width) is None and len(ln.values) < slots[j].width and ln.numbers == 0:
            continue
        log.info("row %r printed out of template order: taken as %s", ln.label[:30], slots[j].id)
        out.append(Match(slot=j, lines=(i,), label=ln.label, sim=sim))
        free.discard(j)
    out.sort(key=lambda mt: mt.value_line)
    return out


def fill_lost_labels(lines: Sequence[LineLike], slots: Sequence[Slot], matches: list[Match],
                     keep: str = "last") -> list[Match]:
    """Value lines with no label take the next free row in template order between their
    aligned neighbours (a text dump lost the label); never a row outside that gap."""
    used_lines = {i for mt in matches for i in mt.lines}
    used_slots = {mt.slot for mt in matches}
    heading_chars = {ch for s in slots if s.heading for v in s.cores for ch in v}
    out = list(matches)
    for i, ln in enumerate(lines):
        if i in used_lines or not ln.values or not is_lost_label(ln.label, heading_chars):
            continue
        anchors = [mt for mt in out if not slots[mt.slot].heading or mt.sim >= DEFAULT.accept]
        before = [mt.slot for mt in anchors if max(mt.lines) < i]
        after = [mt.slot for mt in anchors if min(mt.lines) > i]
        lo = max(before, default=-1)
        hi = min(after, default=len(slots))
        for j in range(lo + 1, hi):
            s = slots[j]
            if j in used_slots or s.heading or not s.positional:
                continue
            if fitted(ln.values, s.width, keep) is None:
                break  # a stray row ('| - | - |' under a header): not a template row
            out.append(Match(slot=j, lines=(i,), label="", sim=0.0))
            used_slots.add(j)
            break
    out.sort(key=lambda mt: mt.value_line)
    return out
