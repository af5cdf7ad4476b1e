"""Columns of `pdftotext -layout` tables by character position, so a blank cell keeps its place.

A zero printed as an empty cell leaves only spaces in a layout dump: splitting a row on gaps
would slide the numbers after it one column left. Every character of a layout line sits at the
column its x position maps to, so a header text and the numbers under it share a centre.
`pdftotext -layout` gives a CJK glyph one column like a digit; text aligned for a monospace
screen gives it two (its display width). Which of the two a table uses is read from the table:
the one under which its numbers line up in fewer columns (character columns when equal).
A table's numeric columns are the centres of its numbers plus those of its lowest header texts
(a column whose every cell is blank is still named by its header); each number row is re-cut into
one cell per column of its band (the rows under one header), empty where nothing is printed.
Nothing here knows the template.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from extractors.column_anchors import spread_cells

_TOKEN = re.compile(r"\S+")
_GAP = re.compile(r"(?: {2,}|\u3000+)")
_VALUE = re.compile(r"^(?:[-+]?[\d０-９][\d０-９,，.．]*|—|－|-|/|／|无)$")


@dataclass(frozen=True, slots=True)
class Token:
    start: int  # column the token starts at (character or display column, see tokens())
    text: str
    width: int = -1  # columns it takes (-1: one per character)
    at: int = -1  # its index in the line's string (-1: same as start)

    @property
    def centre(self) -> float:
        return self.start + (len(self.text) if self.width < 0 else self.width) / 2

    @property
    def index(self) -> int:
        return self.start if self.at < 0 else self.at


def display_width(text: str) -> int:
    """Columns a monospace screen gives ``text``: two for wide and full-width characters (CJK)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def tokens(line: str, wide: bool = False) -> list[Token]:
    """The line's tokens at their character columns, or (``wide``) at their display columns."""
    if not wide:
        return [Token(m.start(), m.group()) for m in _TOKEN.finditer(line)]
    return [Token(display_width(line[: m.start()]), m.group(), display_width(m.group()), m.start())
            for m in _TOKEN.finditer(line)]


def number_tokens(line: str, wide: bool = False) -> list[Token]:
    """The trailing run of value tokens of a row (its numbers); a label's own digits ("1.属于…") are not."""
    toks = tokens(line, wide)
    k = len(toks)
    while k > 0 and _VALUE.match(toks[k - 1].text):
        k -= 1
    return toks[k:]


def cluster(xs: list[float], tol: float) -> list[float]:
    """Centres of runs of sorted positions no more than ``tol`` apart."""
    out: list[list[float]] = []
    for x in sorted(xs):
        if out and x - out[-1][-1] <= tol:
            out[-1].append(x)
        else:
            out.append([x])
    return [sum(g) / len(g) for g in out]


def leaf_centres(header: list[str], left: float, wide: bool = False) -> list[float]:
    """Centres of header texts right of ``left`` with no header text below them (one per column)."""
    toks = [(i, t) for i, ln in enumerate(header) for t in tokens(ln, wide) if t.centre >= left]
    return [t.centre for i, t in toks
            if not any(j > i and u.start < 2 * t.centre - t.start and 2 * u.centre - u.start > t.start
                       for j, u in toks)]


def column_heads(line: str, wide: bool = False, most: int = 4) -> bool:
    """Whether a line is a row of short column heads (three or more texts of at most ``most`` columns:
    the stacked "结 结 其 尚" of a sub-table printed left of every number), not a row label: above a
    table's first number row it names columns even where no number of that table starts further left."""
    toks = tokens(line, wide)
    return len(toks) >= 3 and all(_end(t.text, wide) <= most for t in toks)


def place(nums: list[Token], anchors: list[float], tol: float) -> list[str] | None:
    """One cell per anchor, a number where one is printed and '' elsewhere; None when they do not fit
    or one sits unsurely between two anchors (:func:`extractors.column_anchors.spread_cells`)."""
    return spread_cells([t.text for t in nums], [t.centre for t in nums], anchors, tol)


def _end(text: str, wide: bool) -> int:
    return display_width(text) if wide else len(text)


def uses_display_columns(lines: list[str | None], tol: float = 1.5) -> bool:
    """Whether the table's numbers line up better by display width (CJK two columns) than by character:
    fewer number columns that way. Equal counts keep character columns (`pdftotext -layout`)."""
    rows = [ln for ln in lines if ln is not None]
    narrow = cluster([t.centre for ln in rows for t in number_tokens(ln)], tol)
    wide = cluster([t.centre for ln in rows for t in number_tokens(ln, True)], tol)
    return len(wide) < len(narrow)


def recut(rows: list[list[str]], lines: list[str | None], inherited: list[float] | None = None,
          tol: float = 1.5) -> tuple[list[list[str]], list[float] | None]:
    """Rows of one layout table re-cut on its columns; also the last band's columns (for a continuation).

    ``lines`` holds each row's source line (None for rows not read from one line). A band starts at
    the header lines above its first number row; a band without header lines (a table continued
    after a narrative line or a page break) uses ``inherited`` when its numbers fit it.
    """
    wide = uses_display_columns(lines, tol)
    nums = [number_tokens(ln, wide) if ln is not None and len(r) > 1 else [] for r, ln in zip(rows, lines)]
    if not any(nums):
        return rows, inherited
    left = min(t.start for ns in nums for t in ns) - 1
    out = [list(r) for r in rows]
    band: list[int] = []  # row indexes of the current band
    header: list[str] = []
    anchors = inherited

    def close() -> None:
        nonlocal anchors
        num_rows = [i for i in band if nums[i]]
        if not num_rows:
            return
        band_left = min(t.start for i in num_rows for t in nums[i]) - 1  # right of the band's labels
        # header texts starting right of every row label name columns, also left of the first number (a
        # first column of zeros printed blank prints no number to start the columns at)
        label_end = max(_end(lines[i][: nums[i][0].index].rstrip(), wide) for i in num_rows)  # type: ignore[index]
        band_left = min(band_left, label_end + 0.5)
        by_numbers = cluster([t.centre for i in num_rows for t in nums[i]], tol)
        leaves = leaf_centres(header, band_left, wide)
        # the header counts only when it sits over the numbers: every number column under a header text
        aligned = all(any(abs(x - c) <= tol for x in leaves) for c in by_numbers)
        own = cluster([t.centre for i in num_rows for t in nums[i]] + leaves, tol) if aligned else by_numbers
        if not header and anchors and all(place(nums[i], anchors, tol) is not None for i in num_rows):
            own = anchors
        elif not aligned and len(own) > max(len(nums[i]) for i in num_rows):
            # more number columns than any row prints, and no header to name them: the rows are
            # misaligned (labels of other widths), not blank; cutting would slide numbers into wrong columns
            return
        anchors = own
        for i in num_rows:
            cells = place(nums[i], own, tol)
            if cells is None or len(cells) == len(nums[i]):
                continue  # nothing blank, or the numbers do not fit the columns: keep the row as split
            label = lines[i][: nums[i][0].index].strip()  # type: ignore[index]
            out[i] = [p for p in _GAP.split(label) if p] + cells

    first = next(i for i, ns in enumerate(nums) if ns)
    for i, (_r, ln) in enumerate(zip(rows, lines)):
        is_header = not nums[i] and ln is not None and (
            any(t.centre >= left for t in tokens(ln, wide)) or i < first and column_heads(ln, wide))
        if is_header and any(nums[j] for j in band):
            close()
            band, header = [], []
        band.append(i)
        if is_header and not any(nums[j] for j in band):
            header.append(ln)  # type: ignore[arg-type]
    close()
    return out, anchors
