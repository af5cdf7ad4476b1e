"""Closed cells from merged rules: pdfplumber's lattice, same answers, without its quadratic scans.

pdfplumber's ``edges_to_intersections`` re-sorts every horizontal rule for each vertical one,
and ``intersections_to_cells`` scans all later points for each point and rebuilds sets of edge
boxes on every connection test: on a template table page that was ~40 % of the ruled-table
time. Here each crossing point keeps the frozen sets of its rule ids, points are indexed by
column and by row, and the search visits candidates in the same order with the same tests, so
the cells (and their order) are exactly pdfplumber's; ``tests/extractors/test_pdf_lattice.py``
compares the two on every corpus page. :func:`cells_to_tables` groups the cells into tables
like pdfplumber's, with set tests in place of its per-corner scans and list removals.
"""

from __future__ import annotations

from collections import defaultdict

from pdfplumber.table import cells_to_tables as plumber_cells_to_tables

BBox = tuple[float, float, float, float]
Point = tuple[float, float]


def _bbox(e: dict) -> BBox:
    return (e["x0"], e["top"], e["x1"], e["bottom"])


def crossings(edges: list[dict], x_tol: float, y_tol: float) -> dict[Point, tuple[set[int], set[int]]]:
    """Points where a vertical and a horizontal rule meet (within the tolerances), each with the
    ids of the vertical and horizontal rules through it; a rule's id is its box, like pdfplumber's
    ``edge_connects`` compares them."""
    ids: dict[BBox, int] = {}
    vs = [(e["x0"], e["top"], e["bottom"], ids.setdefault(_bbox(e), len(ids))) for e in edges if e["orientation"] == "v"]
    hs = [(e["top"], e["x0"], e["x1"], ids.setdefault(_bbox(e), len(ids))) for e in edges if e["orientation"] == "h"]
    out: dict[Point, tuple[set[int], set[int]]] = {}
    for vx, vtop, vbottom, vid in vs:
        for hy, hx0, hx1, hid in hs:
            if vtop <= hy + y_tol and vbottom >= hy - y_tol and hx0 - x_tol <= vx <= hx1 + x_tol:
                pt = (vx, hy)
                got = out.get(pt)
                if got is None:
                    out[pt] = got = (set(), set())
                got[0].add(vid)
                got[1].add(hid)
    return out


def smallest_cells(points: dict[Point, tuple[set[int], set[int]]]) -> list[BBox]:
    """For every crossing (sorted by x, then y), the smallest closed cell it is the top-left
    corner of: the nearest point below and to the right joined to it by rules, whose bottom-right
    corner is joined to both (pdfplumber's ``intersections_to_cells``)."""
    below: dict[float, list[float]] = defaultdict(list)  # x → ys, ascending
    right: dict[float, list[float]] = defaultdict(list)  # y → xs, ascending
    at: dict[Point, tuple[int, int]] = {}  # point → its position in below[x] and in right[y]
    order = sorted(points)
    for x, y in order:
        col, row = below[x], right[y]
        at[(x, y)] = (len(col), len(row))
        col.append(y)
        row.append(x)
    get = points.get
    cells: list[BBox] = []
    for x, y in order:
        pt_v, pt_h = points[(x, y)]
        ci, ri = at[(x, y)]
        rights = right[y][ri + 1:]
        found = None
        for by in below[x][ci + 1:]:
            b_v, b_h = points[(x, by)]
            if pt_v.isdisjoint(b_v):  # not joined by a vertical rule
                continue
            for rx in rights:
                r_v, r_h = points[(rx, y)]
                if pt_h.isdisjoint(r_h):  # not joined by a horizontal rule
                    continue
                corner = get((rx, by))
                if corner is not None and not corner[0].isdisjoint(r_v) and not corner[1].isdisjoint(b_h):
                    found = (x, y, rx, by)
                    break
            if found:
                break
        if found:
            cells.append(found)
    return cells


def cells_to_tables(cells: list[BBox]) -> list[list[BBox]]:
    """Cells grouped into tables by shared corners: pdfplumber's ``cells_to_tables`` (same passes,
    same order, same result) with set tests instead of per-corner scans and list removals.

    Cells from :func:`smallest_cells` are distinct (one per top-left corner); a list holding a
    cell twice goes to pdfplumber's own, whose list removals then reorder the later passes."""
    if len(set(cells)) != len(cells):
        return plumber_cells_to_tables(cells)
    remaining = list(cells)
    corners: set[Point] = set()
    current: list[BBox] = []
    tables: list[list[BBox]] = []
    while remaining:
        before = len(current)
        left = []
        for cell in remaining:
            x0, top, x1, bottom = cell
            mine = ((x0, top), (x0, bottom), (x1, top), (x1, bottom))
            if not current or not corners.isdisjoint(mine):
                corners.update(mine)
                current.append(cell)
            else:
                left.append(cell)
        remaining = left
        if len(current) == before:
            tables.append(list(current))
            corners.clear()
            current.clear()
    if current:
        tables.append(list(current))
    ordered = sorted(tables, key=lambda t: min((c[1], c[0]) for c in t))
    return [t for t in ordered if len(t) > 1]
