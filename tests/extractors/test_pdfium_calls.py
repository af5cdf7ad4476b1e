"""extractors.pdfium_calls: PDFium bound without argtypes (3x cheaper calls) reads exactly what
pypdfium2's typed bindings read, on real report pages; handles are never truncated to C ints."""

from __future__ import annotations

import ctypes
import math

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from extractors import pdfium_calls as P
from extractors.pdf_fast import glyphs_of, rules_of
from tests.support import FIXTURES

PDFS = sorted((FIXTURES / "pdf").glob("*.pdf"))


def _typed_glyphs(tp, height: float) -> list[tuple]:
    """Each printed character's box and size through pypdfium2's own (typed) calls."""
    text = tp.get_text_range()
    out = []
    mat = pdfium_c.FS_MATRIX()
    for i, ch in enumerate(text):
        if ch.isspace() or pdfium_c.FPDFText_IsGenerated(tp.raw, i) == 1:
            continue
        x0, bottom, x1, top = tp.get_charbox(i, loose=True)
        nominal = pdfium_c.FPDFText_GetFontSize(tp.raw, i)
        ok = pdfium_c.FPDFText_GetMatrix(tp.raw, i, ctypes.byref(mat))
        size = (nominal * math.sqrt(abs(mat.a * mat.d - mat.b * mat.c)) if nominal and ok else 0.0) or (top - bottom)
        if x1 - x0 > 3 * size or top - bottom > 3 * size or top - bottom <= 0:
            continue  # the ink-box fallback: not what this test is about
        out.append((ch, x0, height - top, x1, height - bottom, size))
    return out


@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name)
def test_bare_glyph_boxes_equal_the_typed_bindings(path) -> None:
    pdf = pdfium.PdfDocument(str(path))
    try:
        for i in range(len(pdf)):
            page = pdf[i]
            tp = page.get_textpage()
            h = page.get_size()[1]
            typed = _typed_glyphs(tp, h)
            bare = [tuple(g) for g in glyphs_of(tp, h, None)]
            assert typed, "a born-digital page has text"
            assert [g for g in bare if g in set(typed)] == typed
    finally:
        pdf.close()


def test_page_objects_are_handles_that_survive_a_round_trip() -> None:
    pdf = pdfium.PdfDocument(str(PDFS[0]))
    try:
        page = pdf[0]
        objs = P.page_objects(page.raw)
        typed = [pdfium_c.FPDFPageObj_GetType(pdfium_c.FPDFPage_GetObject(page.raw, i))
                 for i in range(pdfium_c.FPDFPage_CountObjects(page.raw))]
        assert [k for k, _ in objs] == typed
        assert all(isinstance(h, P.Handle) and h.value for _, h in objs)
        assert not P.GetObject(P.handle(page.raw), len(typed) + 5)  # past the end: NULL, falsy
        assert rules_of(page, page.get_size()[1], objects=objs) == rules_of(page, page.get_size()[1])
    finally:
        pdf.close()


def test_rect_buffer_reads_what_the_struct_fields_read() -> None:
    """new_rect/read_rect (one unpack) give FS_RECTF's left, top, right, bottom, for every character."""
    pdf = pdfium.PdfDocument(str(PDFS[0]))
    try:
        tp = pdf[0].get_textpage()
        h = P.handle(tp.raw)
        buf, rect = P.new_rect(), pdfium_c.FS_RECTF()
        assert ctypes.sizeof(buf) == ctypes.sizeof(rect)
        for i in range(tp.count_chars()):
            assert P.GetLooseCharBox(h, i, ctypes.byref(buf)) == P.GetLooseCharBox(h, i, ctypes.byref(rect))
            assert P.read_rect(buf) == (rect.left, rect.top, rect.right, rect.bottom)
    finally:
        pdf.close()
