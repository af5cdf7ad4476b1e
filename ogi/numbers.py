"""The grammar of a printed number and of a printed page number, in one place.

Reports print numbers with half- or full-width digits, thousands separators (, ，), decimal
points (. ．), a sign or a dash before them, and print a zero as a dash (— – ― − － -, doubled),
a slash (/ ／) or 无. Each reader needs a slightly different question answered (is this token
a table number? a whole row of numbers? which number is it?), so the patterns below are named
for their caller's question and built from the same pieces. :func:`parse_value` is the one
reading of a printed value; nothing here ever "fixes" a number.
"""

from __future__ import annotations

import re
from functools import lru_cache

DIGITS = r"\d０-９"  # half- and full-width digits (a character-class body)
NUMBER_BODY = rf"[{DIGITS}][{DIGITS},，.．]*"  # digits with separators and decimal points as printed
SIGN_DASHES = "-—–−－"  # printed before a number (a character-class body; '-' first is literal)
SLASHES = "/／"
ZERO_MARKS = r"—–―−－\-/／无"  # one character printed for a zero (a character-class body)
ZERO_MARK = rf"(?:[{ZERO_MARKS}]|——|--)"  # ... or a doubled dash

#: a PDF word that is a table number or a printed zero (table-likeness of a page)
PDF_NUMBER_TOKEN = re.compile(rf"^[{SIGN_DASHES}{SLASHES}]?{NUMBER_BODY}$|^{ZERO_MARK}$")
#: a PDF text run that is a number (a percentage too) or a printed zero (borderless columns)
LAYOUT_NUMBER = re.compile(rf"^[{SIGN_DASHES}]?{NUMBER_BODY}%?$|^{ZERO_MARK}$")
#: one value of a text dump's "label 1 0 — 2" row
TEXT_VALUE_TOKEN = rf"(?:[-+]?{NUMBER_BODY}|—|－|-|/|／|无)"
#: a text-dump cell holding only numbers separated by single spaces ("95 0 0")
TEXT_NUMBERS_ONLY = re.compile(rf"^[-+]?[{DIGITS}.,．]+(?: +[-+]?[{DIGITS}.,．]+)+$")
#: digits and the letters OCR confuses them with (O o D 〇 → 0, l I | → 1)
OCR_DIGITS = "0-9OoD〇lI|"
#: an OCR cell shaped like a number (confusable letters allowed; fixed only where a number belongs)
OCR_NUMBER_SHAPE = re.compile(rf"^[-−–]?[{OCR_DIGITS}]{{1,3}}(?:[,，][{OCR_DIGITS}]{{3}})*(?:\.[{OCR_DIGITS}]+)?$"
                              rf"|^[-−–]?[{OCR_DIGITS}]+(?:\.[{OCR_DIGITS}]+)?$")

# ---- page numbers: a line that is only a page number is page furniture, not text -----------

#: text dumps: "- 3 -", "第3页", "第3页/共9页", "12"
TEXT_PAGE_NUMBER = re.compile(r"^\s*(?:[-—–]\s*\d+\s*[-—–]|第\s*\d+\s*页(?:\s*/?\s*共\s*\d+\s*页)?|\d{1,3})\s*$")
#: PDF lines: also "~3~", "3/9", "Page 3 of 9", "第3页，共9页"
PDF_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－~～]*\s*\d{1,4}\s*[-—–－~～]*|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|"
    r"\d+\s*/\s*\d+|[Pp]age\s*\d+(?:\s*of\s*\d+)?)$"
)
#: OCR lines: dust and a 一 read for a dash around the number are allowed
OCR_PAGE_NUMBER = re.compile(r"^[-—–－一_·.\s]*(第\s*)?[0-9０-９]{0,4}(\s*页)?[-—–－一_·.\s]*$"
                             r"|^第\s*[0-9]+\s*页\s*(共\s*[0-9]+\s*页)?$|^[0-9]+\s*/\s*[0-9]+$")

# ---- reading a printed value -----------------------------------------------------------------

_FW = str.maketrans(
    "０１２３４５６７８９．，－（）＋／：、　",
    "0123456789.,-()+/:、 ",
)
#: what a cell prints for a zero (after full-width → half-width and removing spaces)
ZERO_TOKENS = frozenset({"", "—", "——", "-", "--", "―", "–", "/", "无", "－", "／", "/-", "-/", "0", "〇", "空"})
_NUM = re.compile(r"^[-+]?\d+(?:\.\d+)?$")
_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_UNIT = re.compile(r"(?:万元|元|件|个|项|次|人次)$")
_LEAD_NUM_NOTE = re.compile(r"^([-+]?\d+(?:\.\d+)?)\s*[（(][^）)]*[）)]$")


def to_halfwidth(s: str) -> str:
    return s.translate(_FW)


MEMO_LEN = 64  # a cell text longer than this (a paragraph in a cell) is read once, not kept


def parse_value(text: str | None) -> float | None:
    """The number a cell prints, or None when the cell is not a value.

    Zeros printed as —, -, /, 无 or left blank read as 0 (the raw text is kept by
    the caller). Full-width digits, thousands separators and a trailing unit are read.
    """
    if text is None:
        return 0.0
    return _parse_value(text) if len(text) <= MEMO_LEN else _parse_value.__wrapped__(text)


@lru_cache(maxsize=1 << 16)  # pure, and a report's cells print the same few texts ('0', '—', '12') again and again
def _parse_value(text: str) -> float | None:
    s = "".join(to_halfwidth(text).split())  # no whitespace (split() drops exactly what regex \s matches)
    if s in ZERO_TOKENS:
        return 0.0
    m = _LEAD_NUM_NOTE.match(s)
    if m:
        s = m.group(1)
    s = _UNIT.sub("", s)
    if _THOUSANDS.match(s):
        s = s.replace(",", "")
    if _NUM.match(s):
        return float(s)
    return None


def is_value(text: str | None) -> bool:
    return parse_value(text) is not None


def is_blank(text: str | None) -> bool:
    return text is None or not text or text.isspace()
