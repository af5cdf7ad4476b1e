"""From OCR words and a detected grid to neutral blocks: cells, paragraphs, digit repair.

Pure functions over plain data (no OCR engine, no images) so each is testable alone.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from extractors.ocr_grid import TableGrid
from ogi.numbers import OCR_NUMBER_SHAPE, OCR_PAGE_NUMBER
from ogi.types import Cell, Paragraph, RawTable


@dataclass(frozen=True)
class Word:
    """One recognised word (a CJK character or a run of digits/latin) on the deskewed page."""

    text: str
    score: float
    bbox: tuple[float, float, float, float]  # x0, top, x1, bottom in pixels
    line: int  # index of the OCR text line it came from

    @property
    def center(self) -> tuple[float, float]:
        return (self.bbox[0] + self.bbox[2]) / 2, (self.bbox[1] + self.bbox[3]) / 2


@dataclass(frozen=True)
class Line:
    text: str
    score: float
    bbox: tuple[float, float, float, float]
    height: float  # median glyph height: a tilted line's bbox is taller than its type

    @property
    def cy(self) -> float:
        return (self.bbox[1] + self.bbox[3]) / 2


# ---------------------------------------------------------------- numeric repair

_SPECK = ".·•,，'`‘’:：;、_"
_CONFUSABLE = str.maketrans({"O": "0", "o": "0", "D": "0", "〇": "0", "l": "1", "I": "1", "|": "1"})
_NUMERIC_SHAPE = OCR_NUMBER_SHAPE
_DIGIT = re.compile(r"[0-9]")


_DECIMAL_COMMA = re.compile(r"^([-−–]?[0-9]{4,})[,，]([0-9]{1,2})$")


def _load_forms(path: Path = Path(__file__).with_name("ocr_forms.csv")) -> dict[int, str]:
    with path.open(encoding="utf-8", newline="") as f:
        return {ord(r["japanese"]): r["chinese"] for r in csv.DictReader(f)}


_FORMS = _load_forms()


def chinese_forms(text: str) -> str:
    """Japanese-only character forms the recogniser's dictionary holds (庁, 県, 総 …) as the Chinese
    characters they were printed as: a report of a Chinese agency never prints them, so a read of one
    is a misread (data: ``ocr_forms.csv``)."""
    return text.translate(_FORMS)


def decimal_comma(text: str) -> str:
    """``83507,90`` is a decimal point read as a comma: a thousands separator has at most
    three digits before it and exactly three after. ``1,23`` stays (a dropped digit of
    ``1,234`` is as likely), so the cell keeps failing the number shape."""
    m = _DECIMAL_COMMA.match(text)
    return f"{m.group(1)}.{m.group(2)}" if m else text


def strip_specks(text: str) -> str:
    """Drop dust read as marks at the ends of a number (``.415``, ``18.86.``, ``0·``, ``1ª``, ``0+``)."""
    t = decimal_comma(re.sub(r"\s+", "", text))
    core = t
    while core and not (core[0].isdigit() or core[0] in "-−–OoDlI|〇" or _cjk(core[0])):
        core = core[1:]
    while core and not (core[-1].isdigit() or core[-1] in "OoDlI|〇" or _cjk(core[-1])):
        core = core[:-1]
    return core if core and _DIGIT.search(core) else t


def repair_numeric(text: str, column_numeric: bool) -> str:
    """Fix OCR letter/digit confusions only where a number belongs; never invent digits.

    A cell is repaired when, after removing specks, it has the shape of a number and
    either contains a real digit or sits in a column that is mostly numbers. Anything
    else is returned as read.
    """
    t = strip_specks(text)
    if not t or not _NUMERIC_SHAPE.match(t):
        return text.strip()
    if not _DIGIT.search(t) and not column_numeric:
        return text.strip()
    if not _DIGIT.search(t) and len(t) > 1:
        return text.strip()
    fixed = t.translate(_CONFUSABLE).replace("，", ",")
    return re.sub(r"^[−–]", "-", fixed)


def is_numberlike(text: str) -> bool:
    t = strip_specks(text)
    return bool(t) and bool(_NUMERIC_SHAPE.match(t)) and bool(_DIGIT.search(t))


# ---------------------------------------------------------------- joining words

def _cjk(ch: str) -> bool:
    return "\u2e80" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\uff00" <= ch <= "\uffef"


def group_lines(words: list[Word]) -> list[list[Word]]:
    """Words grouped by OCR line, lines top to bottom, words left to right."""
    by_line: dict[int, list[Word]] = {}
    for w in words:
        by_line.setdefault(w.line, []).append(w)
    lines = [sorted(ws, key=lambda w: w.bbox[0]) for ws in by_line.values()]
    return sorted(lines, key=lambda ws: (min(w.bbox[1] for w in ws), ws[0].bbox[0]))


def join_line(ws: list[Word]) -> str:
    """One line's words; a space only between latin/digit runs separated by a visible gap."""
    out = ""
    prev: Word | None = None
    for w in ws:
        if prev is not None and out and w.text:
            a, b = out[-1], w.text[0]
            gap = w.bbox[0] - prev.bbox[2]
            height = max(w.bbox[3] - w.bbox[1], 1.0)
            if a.isascii() and b.isascii() and a.isalnum() and b.isalnum() and gap > 0.45 * height:
                out += " "
        out += w.text
        prev = w
    return out


def join_words(words: list[Word]) -> str:
    """A cell's words in reading order; wrapped lines joined without spaces (CJK has none)."""
    out = ""
    for ws in group_lines(words):
        text = join_line(ws)
        if out and text and out[-1].isascii() and out[-1].isalpha() and text[0].isascii() and text[0].isalnum():
            out += " "
        out += text
    return out


def is_junk(w: Word, min_score: float = 0.5) -> bool:
    """A low-score single mark that is neither CJK nor a digit nor a digit look-alike: dust."""
    t = w.text.strip()
    return not t or (w.score < min_score and len(t) == 1 and not _cjk(t) and not t.isdigit()
                     and t not in "OoDlI|〇")


def meaningful(words: list[Word]) -> list[Word]:
    """Words whose score should count: drop punctuation at either end of a line (specks)."""
    out = []
    for ws in group_lines(words):
        idx = [k for k, w in enumerate(ws) if w.text.isalnum() or _cjk(w.text[:1])]
        if idx:
            out.extend(ws[idx[0]:idx[-1] + 1])
    return out


# ---------------------------------------------------------------- tables

def grid_to_table(grid: TableGrid, words: list[Word], page: int) -> tuple[RawTable, list[Word]]:
    """Assign words to grid cells by their centre; return the table and the words left over."""
    texts: dict[int, list[Word]] = {}
    rest: list[Word] = []
    index = {id(c): k for k, c in enumerate(grid.cells)}
    for w in words:
        c = grid.cell_at(*w.center)
        if c is None:
            rest.append(w)
        elif not is_junk(w):
            texts.setdefault(index[id(c)], []).append(w)
    cells = []
    for k, gc in enumerate(grid.cells):
        ws = texts.get(k, [])
        scored = meaningful(ws) or ws
        cells.append(Cell(text=join_words(ws), row=gc.row, col=gc.col, rowspan=gc.rowspan, colspan=gc.colspan,
                          page=page, bbox=gc.bbox,
                          confidence=round(min(w.score for w in scored), 4) if scored else None))
    table = RawTable(cells=cells, page=page, source="ocr")
    repair_table(table)
    return table, rest


def numeric_columns(table: RawTable, share: float = 0.6) -> set[int]:
    """Grid columns where most single-column, non-empty cells read as numbers."""
    seen: dict[int, list[bool]] = {}
    for c in table.cells:
        if c.colspan == 1 and c.text:
            seen.setdefault(c.col, []).append(is_numberlike(c.text))
    return {k for k, v in seen.items() if v and sum(v) / len(v) >= share}


def repair_table(table: RawTable) -> None:
    """Apply :func:`repair_numeric` to each cell, knowing which columns hold numbers."""
    numeric = numeric_columns(table)
    for c in table.cells:
        if c.text:
            c.text = trim_label(repair_numeric(c.text, c.col in numeric))


def trim_label(text: str) -> str:
    """Drop a half-width dot or middle dot after the last CJK character of a label
    (``3.其他.``): Chinese text never ends a label that way, dust next to it does."""
    t = text.rstrip(".·•'`")
    return t if t != text and t and _cjk(t[-1]) else text


def min_numeric_confidence(tables: list[RawTable]) -> float | None:
    """Lowest OCR score over cells that hold a number: what a reviewer should look at first."""
    scores = [c.confidence for t in tables for c in t.cells
              if c.confidence is not None and is_numberlike(c.text)]
    return min(scores) if scores else None


# ---------------------------------------------------------------- paragraphs

_PAGE_NUMBER = OCR_PAGE_NUMBER
_HEADING = re.compile(r"^([一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])")
_END_PUNCT = ("。", "；", ";", "：", ":", "！", "？")


def is_page_number(text: str) -> bool:
    return bool(_PAGE_NUMBER.match(text.strip()))


_NO_LINE_START = ",.:;!?、。，：；？！·"  # Chinese typesetting never starts a line with these


def words_to_lines(words: list[Word]) -> list[Line]:
    """Regroup leftover words into their OCR lines, top to bottom."""
    out = []
    for ws in group_lines(words):
        while ws and ws[0].text in _NO_LINE_START:
            ws = ws[1:]  # dust before the first glyph
        text = join_line(ws).strip()
        if text:
            bbox = (min(w.bbox[0] for w in ws), min(w.bbox[1] for w in ws),
                    max(w.bbox[2] for w in ws), max(w.bbox[3] for w in ws))
            heights = sorted(w.bbox[3] - w.bbox[1] for w in ws)
            out.append(Line(text=text, score=min(w.score for w in ws), bbox=bbox, height=heights[len(heights) // 2]))
    return sorted(out, key=lambda ln: (ln.cy, ln.bbox[0]))


def lines_to_paragraphs(lines: list[Line], page: int, page_width: float) -> list[Paragraph]:
    """Join wrapped lines into paragraphs.

    A line continues the previous one when the previous ran to the right margin and this
    one is neither indented nor a heading; consecutive large-type lines (a title printed
    on two lines) join into one heading.
    """
    body = [ln for ln in lines if not is_page_number(ln.text)]
    if not body:
        return []
    long = [ln for ln in body if len(ln.text) >= 10] or body
    left = float(np.percentile([ln.bbox[0] for ln in long], 10))
    right = float(np.percentile([ln.bbox[2] for ln in long], 90))
    char_h = float(np.median([ln.height for ln in body]))
    paras: list[Paragraph] = []
    prev: Line | None = None
    prev_big = False
    for ln in body:
        big = ln.height >= 1.25 * char_h and len(ln.text) <= 40
        heading = big or looks_like_heading(ln.text, ln.bbox, left, right, char_h)
        near = prev is not None and 0 < ln.cy - prev.cy <= 2.2 * max(char_h, prev.height)
        if big and prev_big and near and paras:
            paras[-1].text += ln.text  # title on two lines
        elif (near and paras and not paras[-1].heading and not heading
              and prev.bbox[2] >= right - 2.5 * char_h and ln.bbox[0] <= left + 1.0 * char_h
              and not prev.text.endswith("。")):
            joiner = " " if paras[-1].text[-1:].isascii() and paras[-1].text[-1:].isalpha() and ln.text[:1].isascii() else ""
            paras[-1].text += joiner + ln.text
        else:
            paras.append(Paragraph(text=ln.text, page=page, heading=heading))
        prev, prev_big = ln, big
    return paras


def looks_like_heading(text: str, bbox: tuple[float, float, float, float], left: float, right: float,
                       char_h: float) -> bool:
    """Numbered section heads (一、 （一）) and short centred lines (titles)."""
    if len(text) > 40 or text.endswith(_END_PUNCT):
        return False
    if _HEADING.match(text) and len(text) <= 30:
        return True
    centre = (bbox[0] + bbox[2]) / 2
    return abs(centre - (left + right) / 2) < 2 * char_h and bbox[0] > left + 3 * char_h
