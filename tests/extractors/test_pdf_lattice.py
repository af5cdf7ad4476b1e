"""The fast lattice gives exactly pdfplumber's cells, on real table pages and on odd grids."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pdfplumber.table import cells_to_tables as plumber_tables
from pdfplumber.table import edges_to_intersections, intersections_to_cells, merge_edges

from extractors.pdf_fast import read_page_fast
from extractors.pdf_lattice import cells_to_tables, crossings, smallest_cells
from extractors.pdf_layout import nearest_index, nearest_sorted
from extractors.pdf_ruled import RuledSettings, _edge, open_ends

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "pdf"


def _both(edges: list[dict], tol: float = 3.0) -> tuple[list, list]:
    return smallest_cells(crossings(edges, tol, tol)), intersections_to_cells(edges_to_intersections(edges, tol, tol))


def _page_edges(path: Path) -> list[list[dict]]:
    st = RuledSettings()
    out = []
    pdf = pdfium.PdfDocument(path.read_bytes())
    try:
        for i in range(len(pdf)):
            page = pdf[i]
            geom = read_page_fast(page, page.get_textpage(), i + 1)
            segs = tuple(geom.segs) + tuple(open_ends(geom.segs, st))
            out.append(merge_edges([_edge(s) for s in segs], st.snap, st.snap, st.join, st.join))
    finally:
        pdf.close()
    return out


@pytest.mark.parametrize("path", sorted(FIX.glob("*.pdf")), ids=lambda p: p.stem)
def test_same_cells_as_pdfplumber_on_fixture_pages(path: Path) -> None:
    for edges in _page_edges(path):
        ours, theirs = _both(edges)
        assert ours == theirs
        assert cells_to_tables(ours) == plumber_tables(theirs)


def _grid_edges(rng: random.Random) -> list[dict]:
    """A random ruled grid with merged cells (missing rule pieces), broken and overshooting rules."""
    xs = sorted(rng.sample(range(50, 550, 7), rng.randint(2, 8)))
    ys = sorted(rng.sample(range(50, 800, 5), rng.randint(2, 12)))
    edges = []
    for y in ys:
        for a, b in itertools.pairwise(xs):
            if rng.random() < 0.85:
                edges.append({"orientation": "h", "x0": a - rng.choice((0, 0, 1.5)), "x1": b + rng.choice((0, 2)),
                              "top": y + rng.choice((0, 0, 0.5)), "bottom": y, "width": b - a, "height": 0})
    for x in xs:
        for a, b in itertools.pairwise(ys):
            if rng.random() < 0.85:
                edges.append({"orientation": "v", "x0": x, "x1": x, "top": a - rng.choice((0, 1)),
                              "bottom": b + rng.choice((0, 0, 2.5)), "width": 0, "height": b - a})
    return edges


@pytest.mark.slow  # 200 random grids through both readers
def test_same_cells_as_pdfplumber_on_random_grids() -> None:
    rng = random.Random(12)
    for _ in range(200):
        edges = _grid_edges(rng)
        for merged in (edges, merge_edges(edges, 3, 3, 3, 3)):
            ours, theirs = _both(merged)
            assert ours == theirs
            assert cells_to_tables(ours) == plumber_tables(theirs)


def test_same_tables_as_pdfplumber_from_shuffled_and_separate_cells() -> None:
    """Cells in any order, touching only at a corner, apart, or a lone cell: the same groups."""
    rng = random.Random(4)
    for _ in range(300):
        cells = []
        for _ in range(rng.randint(0, 12)):
            x, y = rng.randint(0, 6) * 10.0, rng.randint(0, 6) * 10.0
            cells.append((x, y, x + rng.choice((10.0, 20.0)), y + rng.choice((10.0, 20.0))))
        rng.shuffle(cells)
        assert cells_to_tables(cells) == plumber_tables(cells)


def test_nearest_sorted_agrees_with_nearest_index_including_ties() -> None:
    rng = random.Random(3)
    for _ in range(500):
        centres = sorted(rng.choice((rng.uniform(0, 100), float(rng.randint(0, 20)))) for _ in range(rng.randint(1, 9)))
        for v in [rng.uniform(-10, 110), float(rng.randint(-2, 22)), *centres, *((a + b) / 2 for a, b in itertools.pairwise(centres))]:
            assert nearest_sorted(centres, v) == nearest_index(centres, v)
