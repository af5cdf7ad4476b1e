"""Reading printed cell text: numbers as printed (:mod:`ogi.numbers`), and labels reduced to comparable form."""

from __future__ import annotations

import re

from ogi.numbers import ZERO_TOKENS, is_blank, is_value, parse_value, to_halfwidth  # noqa: F401  (the one grammar)

_LABEL_DROP = re.compile(r"[\s\u3000“”\"'‘’「」]")


def clean_label(text: str) -> str:
    """Label text for matching: half-width, no spaces, no quotes, 1、/1．→ 1."""
    s = _LABEL_DROP.sub("", to_halfwidth(text))
    return re.sub(r"(\d)[、.]", r"\1.", s)


#: the only columns whose printed numbers may have decimals (amounts); `change` may be negative
DECIMAL_COLS = frozenset({"amount", "amount_10k_yuan"})
SIGNED_COLS = frozenset({"change"})


def impossible_value(col: str, value: float | None) -> str | None:
    """Why ``value`` cannot be what a ``col`` cell printed (a count with decimals, a negative count), else None.

    Such a number is two cells run together or a misread; writing it would be silently wrong."""
    if value is None:
        return None
    if col not in DECIMAL_COLS and value != int(value):
        return "a count with decimals"
    if col not in SIGNED_COLS and value < 0:
        return "a negative count"
    return None
