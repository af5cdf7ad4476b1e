"""extractors.pdf_borderless.may_hold_table: the page-skip decision before reading borderless
tables is exact: whenever it says no, the full reading finds no table either."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from extractors.pdf_borderless import _NUMBER_END, borderless_tables, may_hold_table
from extractors.pdf_fast import read_page_fast
from extractors.pdf_layout import Glyph, glyph_lines, outside
from extractors.pdf_page import PageGeom
from extractors.pdf_ruled import ruled_tables
from ogi.numbers import LAYOUT_NUMBER

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "pdf"


def _geom(*lines: tuple[float, str]) -> PageGeom:
    """A page of 12 pt glyphs: each (top, text) line, '|' marking a wide gap between cells."""
    glyphs = []
    for top, text in lines:
        x = 90.0
        for word in text.split("|"):
            for ch in word:
                glyphs.append(Glyph(ch, x, top, x + 12, top + 12, 12.0))
                x += 12
            x += 60
    return PageGeom(1, 595, 842, tuple(glyphs), ())


def _lines(geom: PageGeom) -> list[list[Glyph]]:
    return glyph_lines(geom.glyphs)


def test_narrative_and_a_page_number_hold_no_table() -> None:
    page = _geom((60, "本年度共收到申请12件，办结12件。"), (100, "二、主动公开政府信息情况"), (800, "- 3 -"))
    assert not may_hold_table(_lines(page))
    assert not borderless_tables(page, [])


def test_a_label_with_its_number_holds_a_table() -> None:
    page = _geom((100, "行政事业性收费|0"))
    assert may_hold_table(_lines(page))
    assert borderless_tables(page, [])


def test_a_row_ending_in_a_printed_zero_or_a_percentage_is_a_candidate() -> None:
    for cell in ("—", "／", "无", "--", "12.5%", "１２"):
        assert may_hold_table(_lines(_geom((100, f"规章|3|{cell}")))), cell


def test_every_number_ends_with_a_character_the_decision_looks_for() -> None:
    """Any character a LAYOUT_NUMBER match can end with (alone, after a digit, doubled, as a
    percentage; a run's text is stripped, as the decision strips it) is one :data:`_NUMBER_END`
    accepts: the decision never skips a number."""
    for code in range(sys.maxunicode + 1):
        c = chr(code)
        for s in (c, "1" + c, c + c, "-" + c, "1" + c + "%"):
            if LAYOUT_NUMBER.match(s.strip()):
                assert _NUMBER_END.fullmatch(s.strip()[-1:]), repr(s)


def _random_page(rng: random.Random) -> PageGeom:
    words = ["申请", "规章", "（一）予以公开", "3", "0", "—", "2023年", "第3页", "- 2 -", "。", "合计", "12.5%", "无"]
    return _geom(*[(60.0 + 16 * i, "|".join(rng.choice(words) for _ in range(rng.randint(1, 4))))
                   for i in range(rng.randint(1, 8))])


def test_a_no_is_never_wrong_on_random_pages() -> None:
    rng = random.Random(11)
    for _ in range(400):
        page = _random_page(rng)
        if not may_hold_table(_lines(page)):
            assert borderless_tables(page, []) == []


@pytest.mark.parametrize("path", sorted(FIX.glob("*.pdf")), ids=lambda p: p.stem)
def test_a_no_is_never_wrong_on_fixture_pages(path: Path) -> None:
    pdf = pdfium.PdfDocument(path.read_bytes())
    try:
        for i in range(len(pdf)):
            geom = read_page_fast(pdf[i], pdf[i].get_textpage(), i + 1)
            taken = [f.bbox for f in ruled_tables(geom)]
            if not may_hold_table(glyph_lines(outside(geom.glyphs, taken, 1.0))):
                assert borderless_tables(geom, taken) == []
    finally:
        pdf.close()
