"""Reading printed cell text: numbers as printed (:mod:`ogi.numbers`), and labels reduced to comparable form."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from ogi.numbers import ZERO_TOKENS, is_blank, is_value, parse_value, to_halfwidth  # noqa: F401  (the one grammar)
from ogi.types import Cell

_LABEL_DROP = re.compile(r"[\s\u3000“”\"'‘’「」]")
_ITEM_DOT = re.compile(r"(\d)[、.]")


MEMO_LEN = 120  # longer texts (paragraphs, a report's labels run together) are one-offs: cleaned, not kept


def clean_label(text: str) -> str:
    """Label text for matching: half-width, no spaces, no quotes, 1、/1．→ 1."""
    return _clean_label(text) if len(text) <= MEMO_LEN else _clean_label.__wrapped__(text)


@lru_cache(maxsize=1 << 15)  # pure; template labels recur in every report and are cleaned again by each stage
def _clean_label(text: str) -> str:
    s = _LABEL_DROP.sub("", to_halfwidth(text))
    return _ITEM_DOT.sub(r"\1.", s)


#: the only columns whose printed numbers may have decimals (amounts); `change` may be negative
DECIMAL_COLS = frozenset({"amount", "amount_10k_yuan"})
SIGNED_COLS = frozenset({"change"})


_LEADING_ZERO = re.compile(r"^[-+]?0\d")
_DIGIT = re.compile(r"\d")


@lru_cache(maxsize=1 << 14)  # pure; asked of every fact, whose raw texts are mostly '0', '1', '—'
def _leading_zero(raw: str) -> bool:
    return _LEADING_ZERO.match(to_halfwidth(raw).strip().replace(",", "")) is not None


def impossible_value(col: str, value: float | None, raw: str | None = None) -> str | None:
    """Why ``value`` cannot be what a ``col`` cell printed (a count with decimals, a negative count,
    digits after a leading zero: '006', '0121'), else None.

    Such a number is two cells run together or a misread; writing it would be silently wrong."""
    if value is None:
        return None
    if raw is not None and (_leading_zero(raw) if len(raw) <= MEMO_LEN else _leading_zero.__wrapped__(raw)):
        return "digits after a leading zero"
    if col not in DECIMAL_COLS and value != int(value):
        return "a count with decimals"
    if col not in SIGNED_COLS and value < 0:
        return "a negative count"
    return None


def explicit_zeros(cells: Iterable[Cell]) -> bool:
    """The cells print a zero as a mark of its own (0, —, 无 …), not as an empty cell.

    An amount's '0.00' does not count: a table printing its zero counts blank still prints
    an amount with its decimals."""
    return any(not is_blank(c.text) and "." not in c.text and parse_value(c.text) == 0 for c in cells)


def unread_blanks(cells: Sequence[Cell]) -> str | None:
    """Why a row's empty cells cannot be read as zeros in a table that prints its zeros as
    marks (0, —, 无 …), else None: the row prints no number at all, or empty cells at the row's
    start or end sit next to a number of two or more digits.

    Why: there an empty cell is not the table's way of printing a zero. Digits run together
    ('5 0 67' → '5067') leave their row's other cells empty after (or, right-aligned, before)
    the merged number, and a row of nothing but empties may have had its numbers run into its
    label. An empty cell with numbers on both sides cannot come from one run of merged cells."""
    blank = [is_blank(c.text) for c in cells]
    if not any(blank):
        return None
    if all(blank):
        return "no number printed"
    first = blank.index(False)
    last = len(blank) - 1 - blank[::-1].index(False)
    for k, edge in ((first, first > 0), (last, last < len(cells) - 1)):
        text = cells[k].text.strip()
        if edge and len(_DIGIT.findall(text)) >= 2:
            return f"empty cells beside {text!r}"
    return None


_LABEL_DIGITS = re.compile(r"\d[\d.,\-—－/]*$")


def digits_in_label(label: str) -> str | None:
    """The digits a row label ends in ('规范性文件007', '其他对外管理服务事项12-11760'), else None.

    Why: no template label ends in a digit (item numbers come before the words), so such a
    label has the row's numbers run into it and its value cells cannot be trusted."""
    m = _LABEL_DIGITS.search(clean_label(label))
    return m.group(0) if m else None
