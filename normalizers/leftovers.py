"""Printed value lines the whole-table alignment left over, placed where the structure allows.

Why: two shapes the order-keeping alignment cannot take: rows printed out of template order (a
table pasted in parts) and value lines whose label a text dump lost. Each is placed only where
one row is possible: a sure label with one free row, or the next free row between aligned
neighbours; never a guess across the table.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from normalizers.align import (
    DEFAULT,
    AlignSettings,
    LineLike,
    Match,
    Slot,
    core,
    fitted,
    is_label_only,
    is_lost_label,
    similarity,
)
from normalizers.values import digits_in_label

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


_ITEM_START = re.compile(r"^\s*(?:\d{1,2}\s*[.．、]|[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、)")


def starts_item(ln: LineLike) -> bool:
    """Whether a line's label opens a row of its own (1. （一） 一、): no label wraps onto such a line."""
    return bool(_ITEM_START.match(getattr(ln, "raw", "") or ln.label))


def blank_rows(lines: Sequence[LineLike], slots: Sequence[Slot], matches: list[Match],
               st: AlignSettings = DEFAULT) -> list[Match]:
    """Rows printed as their label alone, every cell left empty (a PDF or layout text of a report
    printing its zeros blank has no cell to extract): each becomes a blank match, to be read as
    a row of zeros by the caller, only where nothing else explains it.

    A label-only line qualifies when the table prints numbers in other rows and no value line is
    left over (its numbers cannot be somewhere else), it is no wrapped part of another row's
    label (the lines next to it are not label-only unless the later one starts an item: 1. （二） 三、;
    nor value lines without a label), its label
    reads surely as one free row (similarity >= accept, no other free row that close) and that row
    lies between the rows aligned before and after it. The caller still requires the table to
    print its zeros blank, and for requests the identities to hold."""
    used = {i for mt in matches for i in mt.lines}
    if not any(ln.numbers for ln in lines) or any(
            i not in used and ln.numbers for i, ln in enumerate(lines)):
        return matches
    out = list(matches)
    taken = {mt.slot for mt in matches}
    for i, ln in enumerate(lines):
        if i in used or not is_label_only(ln) or digits_in_label(getattr(ln, "raw", "") or ln.label):
            continue
        near = [k for k in (i - 1, i + 1) if 0 <= k < len(lines) and k not in used]
        if any(lines[k].values and not core(lines[k].label) for k in near):
            continue
        lo = max((mt.slot for mt in out if max(mt.lines) < i), default=-1)
        hi = min((mt.slot for mt in out if min(mt.lines) > i), default=len(slots))
        free = [j for j in range(lo + 1, hi) if j not in taken and not slots[j].heading]
        sims = sorted(((similarity(ln.label, slots[j], st), j) for j in free), reverse=True)
        if not sims or sims[0][0] < st.accept or (len(sims) > 1 and sims[1][0] >= st.accept - 0.1):
            continue
        sim, j = sims[0]
        # a line starting an item (2. （三） 四、) is no wrapped tail of the line above it
        wrapped = [lines[k].label + ln.label if k < i else ln.label + lines[k].label
                   for k in near if is_label_only(lines[k]) and not starts_item(ln if k < i else lines[k])]
        if any(similarity(w, slots[x], st) >= sim for w in wrapped for x in free):
            continue  # part of a label wrapped over two lines: which row it is, and whether blank, is open
        log.info("row %r prints its label only: a row of blank cells for %s", ln.label[:30], slots[j].id)
        out.append(Match(slot=j, lines=(i,), label=ln.label, sim=sim, blank=True))
        taken.add(j)
    out.sort(key=lambda mt: mt.value_line)
    return out
