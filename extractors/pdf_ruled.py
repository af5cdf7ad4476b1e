"""Ruled tables: printed rules → cells with real rowspan/colspan.

We reuse pdfplumber's lattice steps (merge rules, intersections, smallest closed
cells) on our upright segments, then place every closed cell on a grid made of all
distinct cell edges: a merged cell covers several grid rows/columns, which gives
its spans. Text comes from the glyphs whose centre lies in the cell.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
from pdfplumber.table import merge_edges

from extractors.pdf_lattice import cells_to_tables, crossings, smallest_cells
from extractors.pdf_layout import Glyph, Seg, centres, cluster, glyphs_text, nearest_sorted_many
from extractors.pdf_page import BBox, PageGeom
from ogi.types import Cell, RawTable

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RuledSettings:
    snap: float = 3.0  # rules closer than this are one rule
    join: float = 3.0  # collinear pieces with gaps up to this are one rule
    min_length: float = 3.0
    grid_tol: float = 2.0  # cell edges closer than this are one grid line
    min_cols: int = 2  # a one-column "table" is a framed paragraph, not a table


def _edge(s: Seg) -> dict:
    return {"orientation": s.orient, "x0": s.x0, "x1": s.x1, "top": s.top, "bottom": s.bottom,
            "width": s.x1 - s.x0, "height": s.bottom - s.top}


def open_ends(segs: tuple[Seg, ...] | list[Seg], st: RuledSettings) -> list[Seg]:
    """Rules closing a table cut by a page break (vertical rules ending where no horizontal rule is).

    A table continued on the next page has no bottom rule on this page (and no top rule on
    the next), so its last row would not form closed cells and would be lost.
    """
    vs = [s for s in segs if s.orient == "v" and s.bottom - s.top >= st.min_length]
    hs = [s for s in segs if s.orient == "h"]
    out: list[Seg] = []
    for end in ("top", "bottom"):
        for y in cluster([getattr(v, end) for v in vs], st.snap):
            ending = [v for v in vs if abs(getattr(v, end) - y) <= st.snap]
            if len(ending) < 2:
                continue
            x0, x1 = min(v.x0 for v in ending), max(v.x0 for v in ending)
            covered = any(abs(h.top - y) <= st.snap and h.x0 <= x0 + st.snap and h.x1 >= x1 - st.snap for h in hs)
            if not covered:
                out.append(Seg("h", x0, y, x1, y))
    return out


def closed_cells(segs: tuple[Seg, ...], st: RuledSettings) -> list[list[BBox]]:
    """Groups of closed cell boxes, one group per table (pdfplumber's lattice)."""
    if len(segs) < 4:
        return []
    segs = tuple(segs) + tuple(open_ends(segs, st))
    edges = merge_edges([_edge(s) for s in segs], st.snap, st.snap, st.join, st.join)
    edges = [e for e in edges if (e["x1"] - e["x0"] if e["orientation"] == "h" else e["bottom"] - e["top"])
             >= st.min_length]
    cells = smallest_cells(crossings(edges, st.snap, st.snap))
    return cells_to_tables(cells)


@dataclass(slots=True)
class FoundTable:
    table: RawTable
    bbox: BBox  # upright coordinates (to drop its glyphs from paragraphs)
    cols: tuple[float, ...] = ()  # borderless: x-centres of its last band's number columns (a continuation's)
    continued: bool = False  # borderless: it took the columns of the part before the page break
    open_tail: bool = False  # borderless: label lines after its last number row end the page, left out


def build_table(boxes: list[BBox], glyphs: tuple[Glyph, ...], geom: PageGeom, st: RuledSettings,
                at: tuple[np.ndarray, np.ndarray] | None = None) -> FoundTable | None:
    """One RawTable from closed cell boxes: grid positions, spans, text, page bboxes.
    ``at``: the glyphs' centres (:func:`extractors.pdf_layout.centres`) when computed already."""
    xs = cluster([v for b in boxes for v in (b[0], b[2])], st.grid_tol)
    ys = cluster([v for b in boxes for v in (b[1], b[3])], st.grid_tol)
    if len(xs) - 1 < st.min_cols:
        return None
    bbox = (xs[0], ys[0], xs[-1], ys[-1])
    slots: dict[tuple[int, int], int] = {}  # grid position → index of the cell box covering it
    spans: list[tuple[int, int, int, int, BBox]] = []
    ordered = sorted(boxes, key=lambda b: (b[1], b[0]))
    cs = nearest_sorted_many(xs, [v for b in ordered for v in (b[0], b[2])])
    rs = nearest_sorted_many(ys, [v for b in ordered for v in (b[1], b[3])])
    for k, b in enumerate(ordered):
        c0, c1, r0, r1 = cs[2 * k], cs[2 * k + 1], rs[2 * k], rs[2 * k + 1]
        if c1 <= c0 or r1 <= r0:
            continue
        if r1 - r0 == 1 and c1 - c0 == 1:
            slots.setdefault((r0, c0), len(spans))
        else:
            for r in range(r0, r1):
                for c in range(c0, c1):
                    slots.setdefault((r, c), len(spans))
        spans.append((r0, c0, r1, c1, b))
    members: list[list[Glyph]] = [[] for _ in spans]
    if glyphs:  # each glyph to the cell holding its centre (bisection on the grid lines, vectorised)
        cx, cy = at if at is not None else centres(glyphs)
        left, top, right, bottom = bbox[0] - 1.0, bbox[1] - 1.0, bbox[2] + 1.0, bbox[3] + 1.0
        idx = np.flatnonzero((left <= cx) & (cx <= right) & (top <= cy) & (cy <= bottom))  # inside(g, bbox, 1.0)
        rows = np.clip(np.searchsorted(ys, cy[idx], side="right") - 1, 0, len(ys) - 2).tolist()
        cols = np.clip(np.searchsorted(xs, cx[idx], side="right") - 1, 0, len(xs) - 2).tolist()
        get = slots.get
        for gi, r, c in zip(idx.tolist(), rows, cols):
            i = get((r, c))
            if i is not None:
                members[i].append(glyphs[gi])
    cells: list[Cell] = []
    pboxes = [geom.to_page(b) for _, _, _, _, b in spans]
    rnd = {v: round(v, 2) for v in {v for pb in pboxes for v in pb}}  # cells share edges: round each once
    for (r0, c0, r1, c1, _), mine, (x0, top, x1, bottom) in zip(spans, members, pboxes):
        cells.append(Cell(text=glyphs_text(mine), row=r0, col=c0, rowspan=r1 - r0, colspan=c1 - c0,
                          page=geom.number, bbox=(rnd[x0], rnd[top], rnd[x1], rnd[bottom])))
    if not cells or not any(c.text for c in cells):
        return None
    return FoundTable(RawTable(cells=cells, page=geom.number, source="pdfplumber-ruled"), bbox)


def ruled_tables(geom: PageGeom, st: RuledSettings = RuledSettings(),
                 at: tuple[np.ndarray, np.ndarray] | None = None) -> list[FoundTable]:
    """Every ruled table on the page, top to bottom; ``at``: the glyphs' centres when computed already."""
    out = []
    for boxes in closed_cells(geom.segs, st):
        at = at or centres(geom.glyphs)
        found = build_table(boxes, geom.glyphs, geom, st, at)
        if found is not None:
            out.append(found)
    out.sort(key=lambda f: f.bbox[1])
    return out
