"""Section headings run inline: a crawler joined the whole report into one paragraph.

Web text dumps print "…成效。二、主动公开政府信息情况第二十条…五、存在的主要问题及改进情况存在的问题…"
with no line breaks. A heading is recognised by its numeral and title phrase (data in
``inline_headings.yaml``), taken in template order so that a table row such as
"四、结转下年度继续办理" or a list item "一是…" is never mistaken for one; the numeral
itself may be wrong (reports renumber), the phrase decides the section.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

DATA = Path(__file__).with_name("inline_headings.yaml")
_NUMERAL = r"(?:[一二三四五六七八九十]|(?<![0-9])[1-6])\s*[、.．]\s*"
MIN_HEADINGS = 2  # one inline match could be a sentence that mentions the words


@lru_cache(maxsize=1)
def _patterns() -> tuple[dict[int, re.Pattern[str]], re.Pattern[str]]:
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    titles = {int(n): re.compile(_NUMERAL + "(?:" + "|".join(ps) + ")") for n, ps in data["titles"].items()}
    # furniture only after a sentence end or a space: "…政务微博" keeps its last word
    trailer = re.compile(r"(?:\s*(?:(?<=[\s。！？；”)）】])(?:" + "|".join(data["trailer"])
                          + r")|【[^【】]{1,8}】))+\s*$")
    return titles, trailer


def inline_headings(text: str) -> list[tuple[int, int, int]]:
    """(section, start, end) of each heading found inline, in template order, first match after the last.

    A heading followed at once by another ("包括：一、总体情况；二、主动公开…") is a list of the
    sections in the preamble, not a heading."""
    titles, _ = _patterns()
    hits = sorted((m.start(), m.end(), n) for n, p in titles.items() for m in p.finditer(text))
    starts = {h[0] for h in hits}
    real = [h for h in hits if _skip_joiners(text, h[1]) not in starts]
    out: list[tuple[int, int, int]] = []
    pos, last_n = 0, 0
    for start, end, n in real:
        if start >= pos and n > last_n:
            out.append((n, start, end))
            pos, last_n = end, n
    return out


def _skip_joiners(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t\u3000；;、，,。:：":
        i += 1
    return i


def split_inline(text: str) -> list[tuple[str, int | None]]:
    """Pieces of ``text`` with each inline heading on its own, as (text, section number of a heading or None).

    Returns ``[(text, None)]`` unchanged when fewer than two headings run inline."""
    found = inline_headings(text)
    if len(found) < MIN_HEADINGS:
        return [(text, None)]
    pieces: list[tuple[str, int | None]] = []
    last = 0
    for n, start, end in found:
        pieces.append((text[last:start].strip(), None))
        pieces.append((text[start:end].strip(), n))
        last = end
    pieces.append((text[last:].strip(), None))
    return [p for p in pieces if p[0]]


def strip_trailer(text: str) -> str:
    """Drop page furniture (附件下载, 【打印】, share buttons) a crawler left after the text."""
    _, trailer = _patterns()
    return trailer.sub("", text)
