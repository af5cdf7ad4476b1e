"""Sub-rows printed in one table row, each cell holding their numbers one per line ('0\n1\n0').

Why: a converter that merged three sub-rows into one row keeps their numbers stacked in each
cell; the row's label still names the numbered items (1.… 2.… 3.…), which says how many rows
the stack holds and in what order. Without such a label a stack is never read (never '10').
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace

from normalizers.align import NUM_TOKEN, LineLike, item_number
from normalizers.values import clean_label, is_blank, parse_value
from ogi.types import Cell

log = logging.getLogger(__name__)


def _stack(text: str) -> list[str] | None:
    parts = [p.strip() for p in text.split("\n") if p.strip()]
    return parts if len(parts) >= 2 and all(parse_value(p) is not None for p in parts) else None


def _split_items(label: str, k: int) -> list[str] | None:
    """A label holding k numbered items (1.… 2.… 3.…) cut before each item; the heading text
    before item 1 stays with item 1. None unless exactly k items numbered 1..k."""
    s = clean_label(label)
    found = [m for m in NUM_TOKEN.finditer(s) if m.group(3) or m.group(4) or (m.group(2) or "").isdigit()]
    nums = [item_number(m.group(0)) for m in found]
    if nums != list(range(1, k + 1)):
        return None
    cuts = [m.start() for m in found] + [len(s)]
    return [s[: cuts[1]]] + [s[cuts[i]: cuts[i + 1]] for i in range(1, k)]


def unstack(lines: Sequence[LineLike]) -> list:
    """Sub-rows printed in one row, each cell holding their numbers one per line ('0\n1\n0'),
    become k lines when the label names k numbered items. Cells stacked without such a label
    are dropped from the line (its row stays empty): '0\n1\n0' is never read as 10."""
    out: list = []
    for ln in lines:
        stacks = [None if is_blank(c.text) else _stack(c.text) for c in ln.values]
        depth = {len(s) for s in stacks if s is not None}
        if not any(stacks):
            out.append(ln)
            continue
        labels = _split_items(getattr(ln, "raw", "") or ln.label, depth.pop()) if len(depth) == 1 and all(
            s is not None or is_blank(c.text) for s, c in zip(stacks, ln.values)) else None
        if labels is None:
            log.info("stacked cells under %r do not split into its items: left unread", ln.label[:30])
            out.append(replace(ln, values=[]))
            continue
        for i, lab in enumerate(labels):
            cells = [Cell(s[i] if s else "", c.row, c.col, page=c.page, bbox=None, confidence=c.confidence)
                     for s, c in zip(stacks, ln.values)]
            out.append(replace(ln, label=lab, values=cells, raw=lab))
    return out
