"""Where the table rows and cells sit in a report's text, per text layout, so mutators can edit
them in place: TSV lines, Markdown pipe rows, ``pdftotext -layout`` lines, HTML ``<tr>/<td>``.

Only the statistical-table region is scanned (from the first 第二十条/信息内容 to section 五),
so narrative sentences are never taken for rows.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

_START = re.compile(r"第二十条|信息内容")
_END = re.compile(r"五\s*[、.．]\s*(?:存在|主要问题|政府信息公开工作存在)")
_TAG = re.compile(r"<[^>]+>")
_TR = re.compile(r"<tr\b[^>]*>.*?</tr\s*>", re.DOTALL | re.IGNORECASE)
_TD = re.compile(r"(<t[dh]\b[^>]*>)(.*?)(</t[dh]\s*>)", re.DOTALL | re.IGNORECASE)
NUMBER = re.compile(r"^\s*[-+]?\d+(?:\.\d+)?\s*$")
ZERO = re.compile(r"^\s*0+(?:\.0+)?\s*$")


@dataclass(frozen=True, slots=True)
class Cell:
    start: int  # span of the cell's content in the text (HTML: inner of the td)
    end: int
    text: str  # visible text
    open_tag: str = ""  # HTML only: the <td ...> tag, and where it starts / the </td> ends
    tag_start: int = -1
    tag_end: int = -1

    @property
    def is_number(self) -> bool:
        return bool(NUMBER.match(self.text))


@dataclass(frozen=True, slots=True)
class Row:
    start: int  # the row's span (a line without its newline, or a whole <tr>…</tr>)
    end: int
    cells: tuple[Cell, ...]

    @property
    def values(self) -> list[Cell]:
        return [c for c in self.cells if c.is_number]

    @property
    def label(self) -> Cell | None:
        """The longest non-number cell: the row label."""
        words = [c for c in self.cells if c.text.strip() and not c.is_number]
        return max(words, key=lambda c: len(c.text.strip()), default=None)

    def joined(self) -> str:
        return "".join(c.text for c in self.cells)


def kind(layout: str) -> str:
    """tsv | pipe | layout | html from a key's layout tag."""
    if layout.startswith("html"):
        return "html"
    if layout == "md_pipe":
        return "pipe"
    if layout == "txt_layout":
        return "layout"
    return "tsv"


def region(text: str) -> tuple[int, int]:
    m = _START.search(text)
    a = m.start() if m else 0
    e = _END.search(text, a)
    return a, e.start() if e else len(text)


def visible(inner: str) -> str:
    return html.unescape(_TAG.sub("", inner)).replace("\xa0", " ").strip()


def _lines(text: str, a: int, b: int):
    pos = text.rfind("\n", 0, a) + 1
    while pos < b:
        nl = text.find("\n", pos)
        end = len(text) if nl < 0 else nl
        yield pos, end
        pos = end + 1


def _sep_cells(text: str, s: int, e: int, sep: str) -> tuple[Cell, ...]:
    out, pos = [], s
    for part in text[s:e].split(sep):
        out.append(Cell(pos, pos + len(part), part.strip()))
        pos += len(part) + len(sep)
    return tuple(out)


def rows(text: str, layout: str) -> list[Row]:
    """The table rows inside the table region of ``text``."""
    a, b = region(text)
    k = kind(layout)
    out: list[Row] = []
    if k == "html":
        for m in _TR.finditer(text, a, b):
            cells = tuple(Cell(t.start(2), t.end(2), visible(t.group(2)), t.group(1), t.start(1), t.end(3))
                          for t in _TD.finditer(text, m.start(), m.end()))
            if cells:
                out.append(Row(m.start(), m.end(), cells))
        return out
    for s, e in _lines(text, a, b):
        line = text[s:e].rstrip("\r")
        e = s + len(line)
        if k == "pipe" and line.strip().startswith("|"):
            lead = line.index("|")
            inner_end = line.rstrip().rfind("|")
            if inner_end <= lead:
                continue
            if set(line.strip()) <= set("|-: "):
                continue  # the header rule
            out.append(Row(s, e, _sep_cells(text, s + lead + 1, s + inner_end, "|")))
        elif k in ("tsv", "pipe") and "\t" in line:
            out.append(Row(s, e, _sep_cells(text, s, e, "\t")))
        elif k == "layout" and line.strip():
            cells = tuple(Cell(s + m.start(), s + m.end(), m.group()) for m in re.finditer(r"\S+", line))
            if any(c.is_number for c in cells):
                out.append(Row(s, e, cells))
    return out


def apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    """Replace each (start, end) span by its string; spans must not overlap."""
    for s, e, new in sorted(edits, key=lambda t: (t[0], t[1]), reverse=True):
        text = text[:s] + new + text[e:]
    return text


def colspan(open_tag: str) -> int:
    m = re.search(r"colspan\s*=\s*[\"']?(\d+)", open_tag, re.IGNORECASE)
    return int(m.group(1)) if m else 1


def rowspan(open_tag: str) -> int:
    m = re.search(r"rowspan\s*=\s*[\"']?(\d+)", open_tag, re.IGNORECASE)
    return int(m.group(1)) if m else 1


def with_span(open_tag: str, name: str, n: int) -> str:
    """``open_tag`` with its colspan/rowspan set to ``n`` (removed when 1)."""
    tag = re.sub(rf"\s{name}\s*=\s*[\"']?\d+[\"']?", "", open_tag, flags=re.IGNORECASE)
    return tag if n == 1 else tag[:-1] + f' {name}="{n}">'
