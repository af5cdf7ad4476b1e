"""Columns of `pdftotext -layout` tables by character position, so a blank cell keeps its place.

A zero printed as an empty cell leaves only spaces in a layout dump: splitting a row on gaps
would slide the numbers after it one column left. Every character of a layout line sits at the
column its x position maps to (a CJK glyph takes one column like a digit), so a header text and
the numbers under it share a centre. A table's numeric columns are the centres of its numbers
plus those of its lowest header texts (a column whose every cell is blank is still named by its
header); each number row is re-cut into one cell per column of its band (the rows under one
header), empty where nothing is printed. Nothing here knows the template.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(r"\S+")
_GAP = re.compile(r"(?: {2,}|\u3000+)")
_VALUE = re.compile(r"^(?:[-+]?[\d０-９][\d０-９,，.．]*|—|－|-|/|／|无)$")


@dataclass(frozen=True, slots=True)
class Token:
    start: int
    text: str

    @property
    def centre(self) -> float:
        return self.start + len(self.text) / 2


def tokens(line: str) -> list[Token]:
    return [Token(m.start(), m.group()) for m in _TOKEN.finditer(line)]


def number_tokens(line: str) -> list[Token]:
    """The trailing run of value tokens of a row (its numbers); a label's own digits ("1.属于…") are not."""
    toks = tokens(line)
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


def leaf_centres(header: list[str], left: float) -> list[float]:
    """Centres of header texts right of ``left`` with no header text below them (one per column)."""
    toks = [(i, t) for i, ln in enumerate(header) for t in tokens(ln) if t.centre >= left]
    return [t.centre for i, t in toks
            if not any(j > i and u.start < t.start + len(t.text) and u.start + len(u.text) > t.start for j, u in toks)]


def place(nums: list[Token], anchors: list[float], tol: float) -> list[str] | None:
    """One cell per anchor, a number where one is printed and '' elsewhere; None when they do not fit."""
    cells = [""] * len(anchors)
    for t in nums:
        k = min(range(len(anchors)), key=lambda i: abs(anchors[i] - t.centre))
        if abs(anchors[k] - t.centre) > tol or cells[k]:
            return None
        cells[k] = t.text
    return cells


def recut(rows: list[list[str]], lines: list[str | None], inherited: list[float] | None = None,
          tol: float = 1.5) -> tuple[list[list[str]], list[float] | None]:
    """Rows of one layout table re-cut on its columns; also the last band's columns (for a continuation).

    ``lines`` holds each row's source line (None for rows not read from one line). A band starts at
    the header lines above its first number row; a band without header lines (a table continued
    after a narrative line or a page break) uses ``inherited`` when its numbers fit it.
    """
    nums = [number_tokens(ln) if ln is not None and len(r) > 1 else [] for r, ln in zip(rows, lines)]
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
        by_numbers = cluster([t.centre for i in num_rows for t in nums[i]], tol)
        leaves = leaf_centres(header, band_left)
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
            label = lines[i][: nums[i][0].start].strip()  # type: ignore[index]
            out[i] = [p for p in _GAP.split(label) if p] + cells

    for i, (_r, ln) in enumerate(zip(rows, lines)):
        is_header = not nums[i] and ln is not None and any(t.centre >= left for t in tokens(ln))
        if is_header and any(nums[j] for j in band):
            close()
            band, header = [], []
        band.append(i)
        if is_header and not any(nums[j] for j in band):
            header.append(ln)  # type: ignore[arg-type]
    close()
    return out, anchors
