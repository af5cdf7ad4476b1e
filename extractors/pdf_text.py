"""Narrative text of a PDF: lines → paragraphs, without page furniture.

Lines come from pypdfium2 on plain pages (fast) and from pdfplumber glyphs on table
pages (the same coordinates as the tables, so text inside a table is left out).
"""

from __future__ import annotations

import bisect
import ctypes
import logging
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pypdfium2 as pdfium

from extractors import pdfium_calls as P
from extractors import pdfium_native as native
from extractors.pdf_layout import (
    Glyph,
    TextLine,
    clean_prose,
    glyph_lines,
    join_wrapped,
    line_text,
    median,
    printed_index,
)
from ogi.numbers import PDF_PAGE_NUMBER
from ogi.types import Paragraph, RawTable

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TextSettings:
    margin_zone: float = 0.09  # top/bottom share of the page where furniture lives
    repeat_share: float = 0.5  # a margin line on at least this share of pages is a running header/footer
    indent_chars: float = 1.0  # x0 further right than this many glyph sizes = first-line indent
    short_chars: float = 2.5  # a line ending this many glyph sizes before the right edge ends a paragraph
    gap_lines: float = 1.6  # a vertical gap above this many glyph sizes starts a paragraph


PAGE_NO = PDF_PAGE_NUMBER
_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+\s*[、．.]|[（(]\s*[一二三四五六七八九十]+\s*[）)]|第[一二三四五六七八九十]+[章节部分])")


def pdfium_lines(textpage: Any, page_no: int, page_height: float, text: str | None = None) -> list[TextLine]:
    """Visual lines of a pypdfium2 text page with their boxes (y flipped to top-down);
    ``text``: the page's text when read already. One box read per character: in one C call
    (:mod:`extractors.pdfium_native`) or a bare PDFium call each."""
    if text is None:
        text = textpage.get_text_range()
    tp = P.handle(textpage.raw)
    boxes_of = _boxes_native(tp, text) if native.LIB is not None else _boxes_python(tp)
    out: list[TextLine] = []
    start = 0
    for part in re.split(r"(\r\n|\n|\r)", text):
        if part in ("\r\n", "\n", "\r"):
            start += len(part)
            continue
        boxes = boxes_of(start, part)
        start += len(part)
        if not boxes or not part.strip():
            continue
        left, right = min(b[0] for b in boxes), max(b[2] for b in boxes)
        top, bottom = page_height - max(b[3] for b in boxes), page_height - min(b[1] for b in boxes)
        size = median(b[3] - b[1] for b in boxes)
        out.append(TextLine(part.strip(), page_no, left, top, right, bottom, size))
    return merge_same_row(out)


Box = tuple[float, float, float, float]  # left, bottom, right, top (PDF space: y up)


def _boxes_python(tp: P.Handle) -> Callable[[int, str], list[Box]]:
    """Boxes of a line's non-space characters (``part`` starts at character ``start``), a call each."""
    rect = P.new_rect()
    rect_ref, loose_box, read_rect = ctypes.byref(rect), P.GetLooseCharBox, P.read_rect

    def boxes_of(start: int, part: str) -> list[Box]:
        boxes = []
        for i in range(start, start + len(part)):
            if not part[i - start].isspace():
                if not loose_box(tp, i, rect_ref):
                    raise pdfium.PdfiumError("Failed to get charbox.")
                left, top, right, bottom = read_rect(rect)
                boxes.append((left, bottom, right, top))
        return boxes

    return boxes_of


def _boxes_native(tp: P.Handle, text: str) -> Callable[[int, str], list[Box]]:
    """:func:`_boxes_python` with the page's boxes read in one C call."""
    idx = printed_index(text)
    boxes, oks = native.char_boxes(tp, idx) if idx else (np.zeros((0, 4), np.float32), np.ones(0))
    if not oks.all():
        raise pdfium.PdfiumError("Failed to get charbox.")
    rows = boxes.astype(np.float64).tolist()

    def boxes_of(start: int, part: str) -> list[Box]:
        k0, k1 = bisect.bisect_left(idx, start), bisect.bisect_left(idx, start + len(part))
        return [(left, bottom, right, top) for left, top, right, bottom in rows[k0:k1]]

    return boxes_of


def merge_same_row(lines: Sequence[TextLine]) -> list[TextLine]:
    """Sort lines top-down and merge pieces that sit on the same visual row."""
    out: list[TextLine] = []
    for ln in sorted(lines, key=lambda x: ((x.top + x.bottom) / 2, x.x0)):
        if out and abs((ln.top + ln.bottom) / 2 - (out[-1].top + out[-1].bottom) / 2) <= 0.45 * max(ln.size, 1):
            a, b = sorted((out[-1], ln), key=lambda x: x.x0)
            out[-1] = TextLine(f"{a.text} {b.text}", a.page, a.x0, min(a.top, b.top), max(a.x1, b.x1),
                               max(a.bottom, b.bottom), max(a.size, b.size))
        else:
            out.append(ln)
    return out


def glyph_text_lines(glyphs: Iterable[Glyph], page_no: int, lines: list[list[Glyph]] | None = None,
                     ) -> list[TextLine]:
    """Visual lines from pdfplumber glyphs (already upright, tables removed); ``lines``: their
    :func:`~extractors.pdf_layout.glyph_lines` when grouped already."""
    out = []
    for line in glyph_lines(glyphs) if lines is None else lines:
        text = line_text(line).strip()
        if text:
            _, x0s, tops, x1s, bottoms, sizes = zip(*line)  # the glyphs' fields as columns, in line order
            out.append(TextLine(text, page_no, min(x0s), min(tops), max(x1s), max(bottoms), median(sizes)))
    return out


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", clean_prose(text))


def drop_furniture(pages: dict[int, list[TextLine]], heights: dict[int, float],
                   st: TextSettings = TextSettings()) -> dict[int, list[TextLine]]:
    """Remove page numbers and running headers/footers (text in the margin zones)."""

    def in_zone(ln: TextLine) -> bool:
        h = heights[ln.page]
        return ln.bottom <= st.margin_zone * h or ln.top >= (1 - st.margin_zone) * h

    seen: Counter[str] = Counter()
    for lines in pages.values():
        seen.update({_furniture_key(ln.text) for ln in lines if in_zone(ln)})
    n = len(pages)
    repeated = {k for k, c in seen.items() if n >= 2 and c >= 2 and c >= st.repeat_share * n}
    out = {}
    for p, lines in pages.items():
        keep = []
        for ln in lines:
            if in_zone(ln) and (PAGE_NO.match(clean_prose(ln.text)) or _furniture_key(ln.text) in repeated):
                log.debug("page %d: dropped furniture %r", p, ln.text)
                continue
            keep.append(ln)
        out[p] = keep
    return out


@dataclass(frozen=True, slots=True)
class _Metrics:
    left: float
    right: float
    size: float
    centre: float


def _metrics(lines: Sequence[TextLine], page_width: float) -> _Metrics:
    size = median((ln.size for ln in lines), 12.0)
    xs = Counter(round(ln.x0 / 2) * 2 for ln in lines)
    common = [x for x, c in xs.most_common(3) if c >= max(2, xs.most_common(1)[0][1] // 3)] or [0]
    left = float(min(common))
    rights = sorted(ln.x1 for ln in lines)
    right = rights[int(0.9 * (len(rights) - 1))] if rights else page_width
    return _Metrics(left, right, size, page_width / 2)


def is_heading(text: str) -> bool:
    return bool(_HEADING.match(text)) and len(text) <= 40


def paragraphs(items: Sequence[TextLine | RawTable], page_width: float,
               st: TextSettings = TextSettings()) -> list[Paragraph | RawTable]:
    """Wrapped lines → one Paragraph per paragraph or heading line; tables pass through."""
    lines = [x for x in items if isinstance(x, TextLine)]
    if not lines:
        return [x for x in items if isinstance(x, RawTable)]
    m = _metrics(lines, page_width)
    out: list[Paragraph | RawTable] = []
    cur: list[TextLine] = []
    cur_heading = False

    def flush() -> None:
        nonlocal cur, cur_heading
        if cur:
            text = ""
            for ln in cur:
                text = join_wrapped(text, clean_prose(ln.text))
            if text:
                out.append(Paragraph(text=clean_prose(text), page=cur[0].page, heading=cur_heading))
        cur, cur_heading = [], False

    for item in items:
        if isinstance(item, RawTable):
            flush()
            out.append(item)
            continue
        ln = item
        s = max(ln.size, 1.0)
        short = ln.x1 < m.right - st.short_chars * s
        centred = ln.x0 > m.left + 2 * s and short and abs((ln.x0 + ln.x1) / 2 - m.centre) < 2 * s
        heading = (is_heading(clean_prose(ln.text)) and short) or centred
        if cur:
            prev = cur[-1]
            prev_short = prev.x1 < m.right - st.short_chars * max(prev.size, 1.0)
            gap = ln.top - prev.bottom if ln.page == prev.page else 0.0
            indented = ln.x0 > m.left + st.indent_chars * s
            if cur_heading or heading or prev_short or indented or gap > st.gap_lines * s:
                flush()
        cur.append(ln)
        cur_heading = cur_heading or heading
        if heading:
            cur_heading = True
    flush()
    return out
