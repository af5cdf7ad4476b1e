"""Reading printed cell text: numbers as printed (:mod:`ogi.numbers`), and labels reduced to comparable form."""

from __future__ import annotations

import re

from ogi.numbers import ZERO_TOKENS, is_blank, is_value, parse_value, to_halfwidth  # noqa: F401  (the one grammar)

_LABEL_DROP = re.compile(r"[\s\u3000“”\"'‘’「」]")


def clean_label(text: str) -> str:
    """Label text for matching: half-width, no spaces, no quotes, 1、/1．→ 1."""
    s = _LABEL_DROP.sub("", to_halfwidth(text))
    return re.sub(r"(\d)[、.]", r"\1.", s)
