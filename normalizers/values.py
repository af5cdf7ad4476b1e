"""Reading printed cell text: numbers as printed, and labels reduced to comparable form."""

from __future__ import annotations

import re

_FW = str.maketrans(
    "０１２３４５６７８９．，－（）＋／：、　",
    "0123456789.,-()+/:、 ",
)
ZERO_TOKENS = frozenset({"", "—", "——", "-", "--", "―", "–", "/", "无", "－", "／", "/-", "-/", "0", "〇", "空"})
_NUM = re.compile(r"^[-+]?\d+(?:\.\d+)?$")
_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_UNIT = re.compile(r"(?:万元|元|件|个|项|次|人次)$")
_LEAD_NUM_NOTE = re.compile(r"^([-+]?\d+(?:\.\d+)?)\s*[（(][^）)]*[）)]$")
_SPACE = re.compile(r"\s+")
_LABEL_DROP = re.compile(r"[\s\u3000“”\"'‘’「」]")


def to_halfwidth(s: str) -> str:
    return s.translate(_FW)


def parse_value(text: str | None) -> float | None:
    """The number a cell prints, or None when the cell is not a value.

    Zeros printed as —, -, /, 无 or left blank read as 0 (the raw text is kept by
    the caller). Full-width digits, thousands separators and a trailing unit are read.
    """
    if text is None:
        return 0.0
    s = _SPACE.sub("", to_halfwidth(text))
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
    return text is None or not _SPACE.sub("", text)


def clean_label(text: str) -> str:
    """Label text for matching: half-width, no spaces, no quotes, 1、/1．→ 1."""
    s = _LABEL_DROP.sub("", to_halfwidth(text))
    return re.sub(r"(\d)[、.]", r"\1.", s)
