"""Born-digital PDF reports → Document (paragraphs and tables in reading order).

Speed plan (measured, see benchmarks/bench_pdf.py): pypdfium2 reads every page's
text in a few ms and tells which pages hold tables; only those pages are parsed by
pdfplumber (tens of ms each) for glyphs and rules. Ruled tables come from the rules
(pdf_ruled), tables without rules from text alignment (pdf_borderless). A PDF with
no text layer goes to OCR when that extractor is installed.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from extractors.base import Extractor, register
from extractors.pdf_borderless import borderless_tables
from extractors.pdf_borderless_regions import BorderlessSettings
from extractors.pdf_fast import read_page_fast
from extractors.pdf_layout import Glyph, TextLine, centres, glyph_lines, outside_index
from extractors.pdf_page import PageGeom, read_page
from extractors.pdf_ruled import FoundTable, RuledSettings, ruled_tables
from extractors.pdf_text import (
    TextSettings,
    drop_furniture,
    glyph_text_lines,
    paragraphs,
    pdfium_lines,
)
from extractors.pdfium_calls import FORM, page_objects
from ogi.errors import ExtractionError, NeedsOCR, OgiError
from ogi.numbers import PDF_NUMBER_TOKEN
from ogi.settings import PDF_ENGINES, ExtractSettings
from ogi.types import Document, RawTable

log = logging.getLogger(__name__)

# Words printed in the template's table headers (not in narrative text).
TABLE_WORDS = ("信息内容", "申请人情况", "本列数据", "第二十条第", "结果维持", "结果纠正", "尚未审结", "处理决定数量",
               "本年制发件数", "新制作数量", "收费金额", "商业企业", "科研机构", "未经复议直接起诉", "复议后起诉")
_NUM_TOKEN = PDF_NUMBER_TOKEN


@dataclass(frozen=True, slots=True)
class PdfSettings:
    min_table_words: int = 1  # distinct TABLE_WORDS on a page to read its tables
    min_numeric_lines: int = 2  # …or this many lines made mostly of >= 3 numbers
    min_numeric_cells: int = 12  # …or this many numbers on lines made mostly of numbers (one cell a line)
    min_text_chars: int = 20  # fewer non-space characters than this per page = no text layer
    ruled: RuledSettings = field(default_factory=RuledSettings)
    borderless: BorderlessSettings = field(default_factory=BorderlessSettings)
    text: TextSettings = field(default_factory=TextSettings)
    engine: str = PDF_ENGINES[0]  # page geometry from "pdfium" (fast) or "pdfplumber" (pdfminer, slow)
    find_borderless: bool = True  # tables without rules, from the text's alignment (pdf_borderless)


def pdf_settings(extract: ExtractSettings) -> PdfSettings:
    """The PDF tuning a run's settings choose (engine, borderless tables on or off)."""
    return PdfSettings(engine=extract.pdf_engine, find_borderless=extract.borderless_tables)


def row_counts(text: str) -> tuple[int, int]:
    """(:func:`numeric_lines`, :func:`numeric_cells`) of a page's text in one pass over its tokens."""
    lines = cells = 0
    match = _NUM_TOKEN.match
    for ln in text.splitlines():
        tokens = ln.split()
        nums = sum(1 for t in tokens if match(t))
        if nums > len(tokens) / 2:
            cells += nums
            lines += nums >= 3
    return lines, cells


def numeric_lines(text: str) -> int:
    """Lines made mostly of three or more numbers (table rows as plain text)."""
    return row_counts(text)[0]


def numeric_cells(text: str) -> int:
    """Numbers on lines made mostly of numbers.

    PDFium often gives a ruled table's cells one line each ("-", "1", "-" …), so a
    continuation page with no header words and no multi-number line still shows
    its table as a long run of lone numbers; narrative has at most a page number.
    """
    return row_counts(text)[1]


def shows_rows(text: str, st: PdfSettings) -> bool:
    """The page's plain text shows table rows (numbers in rows or a run of lone cells)."""
    lines, cells = row_counts(text)
    return lines >= st.min_numeric_lines or cells >= st.min_numeric_cells


def looks_tabular(text: str, st: PdfSettings) -> bool:
    """Cheap test on a page's plain text: does it hold (part of) a template table?"""
    if sum(1 for w in TABLE_WORDS if w in text) >= st.min_table_words:
        return True
    return shows_rows(text, st)


def _carried(found_by_page: dict[int, tuple[list[FoundTable], list[list[Glyph]]]], page: int) -> tuple[float, ...]:
    """The number columns of the table that ends the page before ``page`` when it is borderless (a
    table continued over the break without its header keeps them); () when that page is not read yet,
    had no table or ended with a ruled one."""
    found = found_by_page.get(page - 1, ([], []))[0]
    return found[-1].cols if found else ()


def _goes_on(found_by_page: dict[int, tuple[list[FoundTable], list[list[Glyph]]]], page: int) -> bool:
    """Whether ``page`` ends with a borderless table whose label lines ending the page were left out and
    the next page starts with its continuation (a table taking its columns): those lines are its rows."""
    here, there = found_by_page.get(page, ([], []))[0], found_by_page.get(page + 1, ([], []))[0]
    return bool(here and there) and here[-1].open_tail and there[0].continued


def open_pdf(data: bytes, file_name: str) -> pdfium.PdfDocument:
    """Open with pypdfium2, turning its errors into ExtractionError a person can act on."""
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        msg = str(e)
        if "password" in msg.lower():
            raise ExtractionError("PDF is encrypted (password required); ask the publisher for an open copy",
                                  file=file_name) from e
        raise ExtractionError(f"not a readable PDF (damaged or not a PDF): {msg}", file=file_name) from e


def _has_images(page: Any) -> bool:
    return any(True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2))


def _ocr(data: bytes, file_name: str, extract: ExtractSettings) -> Document:
    if not extract.ocr:
        raise NeedsOCR("PDF has no text layer (scanned); OCR is turned off for this run", file=file_name)
    try:
        from extractors.ocr import extract_scanned_pdf, ocr_settings
    except ImportError as e:
        raise NeedsOCR("PDF has no text layer (scanned); OCR needed", file=file_name) from e
    doc = extract_scanned_pdf(data, file_name, ocr_settings(extract))
    doc.warnings.append("no text layer: read by OCR")
    return doc


@register
class PdfExtractor(Extractor):
    """Text PDFs: pypdfium2 for text and page triage, pdfplumber rules/glyphs for tables."""

    name = "pdf"
    version = "3"  # 3: borderless continuations keep the columns (and blank rows) of the page before; 2: label-only rows
    kinds = ("pdf",)

    def __init__(self, settings: PdfSettings | None = None, extract: ExtractSettings | None = None) -> None:
        self.extract_settings = extract or ExtractSettings()  # the run's: OCR of text-less PDFs
        self.settings = settings or pdf_settings(self.extract_settings)

    @classmethod
    def for_run(cls, settings: ExtractSettings) -> PdfExtractor:
        return cls(pdf_settings(settings), settings)

    def extract(self, data: bytes, file_name: str) -> Document:
        try:
            return self._extract(data, file_name)
        except OgiError:
            raise
        except Exception as e:  # a parser bug or an odd file: never a raw traceback type
            log.exception("PDF extraction failed for %s", file_name)
            raise ExtractionError(f"PDF could not be parsed: {type(e).__name__}: {e}", file=file_name) from e

    def _extract(self, data: bytes, file_name: str) -> Document:
        st = self.settings
        pdf = open_pdf(data, file_name)
        try:
            n = len(pdf)
            if n == 0:
                raise ExtractionError("PDF has no pages", file=file_name)
            meta = {k.lower(): v for k, v in pdf.get_metadata_dict(skip_empty=True).items()}
            plain: dict[int, list[TextLine]] = {}
            table_pages: list[int] = []
            geoms: dict[int, PageGeom] = {}
            rows_seen: set[int] = set()  # table pages whose plain text shows rows PDFium may miss
            textless: list[int] = []
            widths: dict[int, float] = {}
            heights: dict[int, float] = {}
            for i in range(n):
                page = pdf[i]
                widths[i + 1], heights[i + 1] = page.get_size()
                tp = page.get_textpage()
                text = tp.get_text_range()
                if sum(map(len, text.split())) < st.min_text_chars and _has_images(page):  # non-space chars
                    textless.append(i + 1)
                elif page.get_rotation() or looks_tabular(text, st):
                    table_pages.append(i + 1)
                    objects = page_objects(page.raw) if st.engine == "pdfium" else []
                    if shows_rows(text, st) and (st.engine != "pdfium" or any(k == FORM for k, _ in objects)):
                        rows_seen.add(i + 1)  # rows in the text that PDFium's geometry may not see
                    if st.engine == "pdfium":
                        geoms[i + 1] = read_page_fast(page, tp, i + 1, text, objects)
                else:
                    plain[i + 1] = pdfium_lines(tp, i + 1, heights[i + 1], text)
        finally:
            pdf.close()
        if textless and (len(textless) == n or not table_pages):
            log.info("%s: pages %s have no text layer", file_name, textless)
            return _ocr(data, file_name, self.extract_settings)
        doc = Document(file_name=file_name, format="pdf", pages=n, properties=meta)
        if textless:
            doc.warnings.append(f"pages without text layer (not read): {textless}")
        tables, table_lines = self._table_pages(data, table_pages, geoms, rows_seen, doc)
        for p, lines in table_lines.items():
            plain[p] = lines
        clean = drop_furniture(dict(sorted(plain.items())), heights, st.text)
        items: list[TextLine | RawTable] = []
        for p in sorted(clean):
            page_items: list[tuple[float, int, TextLine | RawTable]] = [(ln.top, 1, ln) for ln in clean[p]]
            page_items += [(top, 0, t) for top, t in tables.get(p, [])]
            items += [x for _, _, x in sorted(page_items, key=lambda t: (t[0], t[1]))]
        width = max(widths.values()) if widths else 595.0
        doc.blocks = paragraphs(items, min(widths.values(), default=width), st.text)
        return doc

    def _table_pages(self, data: bytes, pages: list[int], geoms: dict[int, PageGeom], rows_seen: set[int],
                     doc: Document) -> tuple[dict[int, list[tuple[float, RawTable]]], dict[int, list[TextLine]]]:
        """Tables (with their top) and the remaining text lines of each table page.

        Geometry comes from PDFium when read already; a page whose text shows table rows
        but where that finds no table, and that draws Form XObjects (whose rules PDFium's
        geometry does not read), is read by pdfplumber, as is every page with that engine.
        """
        tables: dict[int, list[tuple[float, RawTable]]] = {}
        lines: dict[int, list[TextLine]] = {}
        found_by_page: dict[int, tuple[list[FoundTable], list[list[Glyph]]]] = {}  # tables, lines outside them
        retry = []
        for p in pages:
            if p in geoms:
                found, rest = self._page_tables(geoms[p], _carried(found_by_page, p))
                if found or p not in rows_seen:
                    found_by_page[p] = (found, rest)
                    if _goes_on(found_by_page, p - 1) and p - 1 in geoms:  # its table goes on here: read its tail
                        found_by_page[p - 1] = self._page_tables(geoms[p - 1], _carried(found_by_page, p - 1), True)
                    continue
            retry.append(p)
        if retry:
            import pdfplumber

            with pdfplumber.open(io.BytesIO(data)) as pp:
                for p in retry:
                    geom = read_page(pp.pages[p - 1], p)
                    found, rest = self._page_tables(geom, _carried(found_by_page, p))
                    if p in geoms and found:
                        log.warning("%s page %d: tables found by pdfplumber only", doc.file_name, p)
                        doc.warnings.append(f"page {p}: PDFium geometry found no table; used pdfplumber")
                    found_by_page[p] = (found, rest)
                    pp.pages[p - 1].close()  # drop pdfplumber's per-page caches
        for p, (found, rest) in found_by_page.items():
            tables[p] = [(f.bbox[1], f.table) for f in found]
            lines[p] = glyph_text_lines((), p, rest)
        return tables, lines

    def _page_tables(self, geom: PageGeom, inherit: tuple[float, ...] = (),
                     tail: bool = False) -> tuple[list[FoundTable], list[list[Glyph]]]:
        """The page's tables, top to bottom, and the lines of the glyphs outside them.

        The glyphs outside the ruled tables are grouped into lines once: borderless tables are
        read from those lines and, when there are none, they are the page's text lines too.
        ``inherit``: the columns a borderless table ending the page before left (:func:`_carried`);
        ``tail``: the page's last table goes on over the break (:func:`_goes_on`)."""
        glyphs = geom.glyphs
        at = centres(glyphs)
        found = ruled_tables(geom, self.settings.ruled, at)
        free_idx = outside_index(at, [f.bbox for f in found], 1.0).tolist()
        free = [glyphs[i] for i in free_idx]
        rest = glyph_lines(free)
        if self.settings.find_borderless:
            more = borderless_tables(geom, [f.bbox for f in found], self.settings.borderless, rest,
                                     inherit if not found else (), tail)
            if more:
                sub = (at[0][free_idx], at[1][free_idx])
                rest = glyph_lines([free[i] for i in outside_index(sub, [f.bbox for f in more], 1.0).tolist()])
                found += more
        found.sort(key=lambda f: f.bbox[1])
        log.debug("page %d: %d table(s)", geom.number, len(found))
        return found, rest
