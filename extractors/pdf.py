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
import re
from dataclasses import dataclass, field
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from extractors.base import Extractor, register
from extractors.pdf_borderless import BorderlessSettings, borderless_tables
from extractors.pdf_layout import TextLine, inside
from extractors.pdf_page import PageGeom, read_page
from extractors.pdf_ruled import FoundTable, RuledSettings, ruled_tables
from extractors.pdf_text import TextSettings, drop_furniture, glyph_text_lines, paragraphs, pdfium_lines
from ogi.errors import ExtractionError, NeedsOCR, OgiError
from ogi.types import Document, RawTable

log = logging.getLogger(__name__)

# Words printed inside the template's tables (not in its narrative headings).
TABLE_WORDS = ("信息内容", "本年新收", "上年结转", "申请人情况", "予以公开", "部分公开", "不予公开", "无法提供",
               "不予处理", "其他处理", "结转下年度", "结果维持", "结果纠正", "尚未审结", "第二十条", "处理决定数量",
               "本年制发", "新制作数量", "收费金额", "自然人", "总计")
_NUM_TOKEN = re.compile(r"^[-—–/／]?[\d０-９][\d０-９,，.．]*$|^[—–/／\-无]$")


@dataclass(frozen=True, slots=True)
class PdfSettings:
    min_table_words: int = 2  # distinct TABLE_WORDS on a page to parse it with pdfplumber
    min_numeric_lines: int = 2  # …or this many lines holding >= 3 numbers
    min_text_chars: int = 20  # fewer non-space characters than this per page = no text layer
    ruled: RuledSettings = field(default_factory=RuledSettings)
    borderless: BorderlessSettings = field(default_factory=BorderlessSettings)
    text: TextSettings = field(default_factory=TextSettings)


def looks_tabular(text: str, st: PdfSettings) -> bool:
    """Cheap test on a page's plain text: does it hold (part of) a template table?"""
    words = sum(1 for w in TABLE_WORDS if w in text)
    if words >= st.min_table_words:
        return True
    numeric = sum(1 for ln in text.splitlines() if sum(bool(_NUM_TOKEN.match(t)) for t in ln.split()) >= 3)
    return numeric >= st.min_numeric_lines


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


def _ocr(data: bytes, file_name: str) -> Document:
    try:
        from extractors.ocr import extract_scanned_pdf
    except ImportError as e:
        raise NeedsOCR("PDF has no text layer (scanned); OCR needed", file=file_name) from e
    doc = extract_scanned_pdf(data, file_name)
    doc.warnings.append("no text layer: read by OCR")
    return doc


@register
class PdfExtractor(Extractor):
    """Text PDFs: pypdfium2 for text and page triage, pdfplumber rules/glyphs for tables."""

    name = "pdf"
    version = "1"
    kinds = ("pdf",)

    def __init__(self, settings: PdfSettings | None = None) -> None:
        self.settings = settings or PdfSettings()

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
            textless: list[int] = []
            widths: dict[int, float] = {}
            heights: dict[int, float] = {}
            for i in range(n):
                page = pdf[i]
                widths[i + 1], heights[i + 1] = page.get_size()
                tp = page.get_textpage()
                text = tp.get_text_range()
                if len(re.sub(r"\s", "", text)) < st.min_text_chars and _has_images(page):
                    textless.append(i + 1)
                elif page.get_rotation() or looks_tabular(text, st):
                    table_pages.append(i + 1)
                else:
                    plain[i + 1] = pdfium_lines(tp, i + 1, heights[i + 1])
        finally:
            pdf.close()
        if textless and (len(textless) == n or not table_pages):
            log.info("%s: pages %s have no text layer", file_name, textless)
            return _ocr(data, file_name)
        doc = Document(file_name=file_name, format="pdf", pages=n, meta=meta)
        if textless:
            doc.warnings.append(f"pages without text layer (not read): {textless}")
        tables, table_lines = self._table_pages(data, file_name, table_pages, doc)
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

    def _table_pages(self, data: bytes, file_name: str, pages: list[int], doc: Document,
                     ) -> tuple[dict[int, list[tuple[float, RawTable]]], dict[int, list[TextLine]]]:
        """Tables (with their top) and the remaining text lines of each table page."""
        import pdfplumber

        tables: dict[int, list[tuple[float, RawTable]]] = {}
        lines: dict[int, list[TextLine]] = {}
        if not pages:
            return tables, lines
        with pdfplumber.open(io.BytesIO(data)) as pp:
            for p in pages:
                geom = read_page(pp.pages[p - 1], p)
                found = self._page_tables(geom, doc)
                tables[p] = [(f.bbox[1], f.table) for f in found]
                rest = [g for g in geom.glyphs if not any(inside(g, f.bbox, 1.0) for f in found)]
                lines[p] = glyph_text_lines(rest, p)
                pp.pages[p - 1].close()  # drop pdfplumber's per-page caches
        return tables, lines

    def _page_tables(self, geom: PageGeom, doc: Document) -> list[FoundTable]:
        found = ruled_tables(geom, self.settings.ruled)
        found += borderless_tables(geom, [f.bbox for f in found], self.settings.borderless)
        found.sort(key=lambda f: f.bbox[1])
        log.debug("page %d: %d table(s)", geom.number, len(found))
        return found
