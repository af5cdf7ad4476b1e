"""extractors.pdf_layout's vectorised helpers answer exactly like the per-glyph code they replace,
and the table page reads the same tables and lines when the glyph lines are grouped once."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from extractors.pdf_borderless import borderless_tables
from extractors.pdf_fast import read_page_fast
from extractors.pdf_layout import (
    _SPACE_RUN,
    Glyph,
    centres,
    glyph_lines,
    glyphs_text,
    inside,
    join_wrapped,
    line_text,
    nearest_sorted,
    nearest_sorted_many,
    outside,
    outside_index,
    printed_index,
    text_runs,
)
from extractors.pdf_page import PageGeom
from extractors.pdf_ruled import ruled_tables
from extractors.pdf_text import glyph_text_lines

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "pdf"


def _glyphs(rng: random.Random, n: int) -> list[Glyph]:
    out = []
    for _ in range(n):
        x0, top = rng.choice((rng.uniform(0, 100), float(rng.randint(0, 100)))), float(rng.randint(0, 100))
        w, h = rng.choice((1.0, 2.0, rng.uniform(0.5, 3))), rng.choice((2.0, rng.uniform(0.5, 3)))
        out.append(Glyph(rng.choice("0123一二"), x0, top, x0 + w, top + h, h))
    return out


def test_outside_keeps_exactly_the_glyphs_no_box_holds_including_centres_on_edges() -> None:
    rng = random.Random(7)
    for _ in range(300):
        glyphs = _glyphs(rng, rng.randint(0, 40))
        boxes = [(float(a), float(b), float(a + rng.randint(0, 40)), float(b + rng.randint(0, 40)))
                 for a, b in ((rng.randint(0, 90), rng.randint(0, 90)) for _ in range(rng.randint(0, 4)))]
        pad = rng.choice((0.0, 1.0, 0.5))
        expected = [g for g in glyphs if not any(inside(g, b, pad) for b in boxes)]
        assert outside(glyphs, boxes, pad) == expected
        assert outside(iter(glyphs), boxes, pad) == expected
        assert [glyphs[i] for i in outside_index(centres(glyphs), boxes, pad)] == expected if glyphs else True


def test_centres_use_the_same_float_arithmetic_as_inside() -> None:
    glyphs = _glyphs(random.Random(1), 200)
    cx, cy = centres(glyphs)
    assert cx.tolist() == [(g.x0 + g.x1) / 2 for g in glyphs]
    assert cy.tolist() == [(g.top + g.bottom) / 2 for g in glyphs]


def test_nearest_sorted_many_agrees_with_nearest_sorted_including_ties_and_ends() -> None:
    rng = random.Random(5)
    for _ in range(500):
        cs = sorted(rng.choice((rng.uniform(0, 100), float(rng.randint(0, 20)))) for _ in range(rng.randint(1, 9)))
        values = [rng.uniform(-10, 110), float(rng.randint(-2, 22)), *cs, *((a + b) / 2 for a, b in itertools.pairwise(cs))]
        assert nearest_sorted_many(cs, values) == [nearest_sorted(cs, v) for v in values]


def _geoms(path: Path) -> list[PageGeom]:
    pdf = pdfium.PdfDocument(path.read_bytes())
    try:
        return [read_page_fast(pdf[i], pdf[i].get_textpage(), i + 1) for i in range(len(pdf))]
    finally:
        pdf.close()


@pytest.mark.parametrize("path", sorted(FIX.glob("*.pdf")), ids=lambda p: p.stem)
def test_lines_grouped_once_read_the_same_borderless_tables_and_text(path: Path) -> None:
    for geom in _geoms(path):
        taken = [f.bbox for f in ruled_tables(geom)]
        free = outside(geom.glyphs, taken, 1.0)
        lines = glyph_lines(free)
        alone = borderless_tables(geom, taken)
        shared = borderless_tables(geom, taken, lines=lines)
        assert repr([(f.bbox, f.table) for f in shared]) == repr([(f.bbox, f.table) for f in alone])  # Cell: eq=False
        assert text_runs(free) == text_runs((), lines=lines)
        assert glyph_text_lines(free, geom.number) == glyph_text_lines((), geom.number, lines)


def _text_by_lines(glyphs: list[Glyph]) -> str:
    """glyphs_text's general path: every line of glyph_lines, joined."""
    out = ""
    for line in glyph_lines(glyphs):
        out = join_wrapped(out, _SPACE_RUN.sub(" ", line_text(line)).strip())
    return out.strip()


def test_cell_text_of_one_printed_line_equals_the_general_path() -> None:
    """glyphs_text's shortcut for glyphs on one baseline (a number, a one-line label) reads what the
    line grouping reads, Latin gaps, equal x0 and input order included."""
    rng = random.Random(9)
    for _ in range(500):
        top = rng.choice((100.0, 100.5))
        glyphs = [Glyph(rng.choice("12 ab一、"), x, top, x + rng.choice((5.0, 6.0)), top + 10, 10.0)
                  for x in (rng.choice((0.0, 6.0, 12.0, rng.uniform(0, 80))) for _ in range(rng.randint(0, 6)))]
        if rng.random() < 0.3 and glyphs:  # one glyph lower: the general path
            g = glyphs[-1]
            glyphs[-1] = g._replace(top=g.top + rng.choice((3.0, 12.0)), bottom=g.bottom + rng.choice((3.0, 12.0)))
        assert glyphs_text(glyphs) == _text_by_lines(glyphs)


def test_printed_index_skips_exactly_what_isspace_skips() -> None:
    """printed_index (numpy over code points) against str.isspace on every code point, lone
    surrogates (PDFium text can hold them) included."""
    import sys

    text = "".join(chr(c) for c in range(sys.maxunicode + 1))
    assert printed_index(text) == [i for i, ch in enumerate(text) if not ch.isspace()]
    assert printed_index("") == []
