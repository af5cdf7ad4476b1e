"""Which column a printed number sits in, from its position and the table's column anchors.

Tables printed without rules (borderless PDFs, `pdftotext -layout` text) show a zero printed as an
empty cell as nothing at all: the numbers after it keep their x positions, not their order. So a
number's column is the anchor (a column's centre, learned from the whole table: header texts and the
numbers of every row) its centre lies on. Shared by :mod:`extractors.pdf_borderless` (glyph boxes, in
points) and :mod:`extractors.text_columns` (character columns). Pure; nothing here knows the template.

Never a guess: a position farther than ``tol`` from every anchor, one that lies about as near two
anchors (it straddles them), or two numbers of one row on one anchor make the row not placeable
(None), and the caller leaves it as it was read.
"""

from __future__ import annotations

from collections.abc import Sequence


def assign(positions: Sequence[float], anchors: Sequence[float], tol: float) -> list[int] | None:
    """The anchor index of each position, or None when any is unsure (see the module docstring).

    A position is sure when its nearest anchor is within ``tol`` and every other anchor is more than
    twice as far and farther than ``tol`` (a column pitch of at least ``2 * tol`` always separates)."""
    if not anchors:
        return None
    out: list[int] = []
    for x in positions:
        d = sorted((abs(a - x), k) for k, a in enumerate(anchors))
        best, k = d[0]
        if best > tol or len(d) > 1 and (d[1][0] <= tol or d[1][0] < 2 * best):
            return None
        out.append(k)
    return out if len(set(out)) == len(out) else None


def fits(rows: Sequence[Sequence[float]], anchors: Sequence[float], tol: float) -> bool:
    """Whether every row's positions are placeable on ``anchors`` (a table continued without its
    header: the columns of the part above hold, or they do not)."""
    return bool(anchors) and all(assign(r, anchors, tol) is not None for r in rows)


def spread_cells(texts: Sequence[str], positions: Sequence[float], anchors: Sequence[float],
                 tol: float) -> list[str] | None:
    """One cell per anchor: each text at its anchor, '' where the row prints nothing; None if unsure."""
    ks = assign(positions, anchors, tol)
    if ks is None:
        return None
    cells = [""] * len(anchors)
    for t, k in zip(texts, ks):
        cells[k] = t
    return cells
