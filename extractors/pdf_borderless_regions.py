"""Where borderless tables are on a page: data rows (anchors) and the regions they form.

Split from :mod:`extractors.pdf_borderless` (module size): this part reads text lines only
(a data row is numbers on the right after a label; rows close together, with no section
heading between, form one region); building a region's cells stays there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.pdf_borderless_labels import _start_kind, overlaps, stacks
from extractors.pdf_layout import RunLine, TextRun, median
from extractors.pdf_text import PAGE_NO

_SECTION = re.compile(r"^[一二三四五六七八九十]+、")


@dataclass(frozen=True, slots=True)
class BorderlessSettings:
    gap_ratio: float = 0.9  # a gap wider than this × glyph size separates two cells on a line
    col_tol: float = 0.8  # numbers whose centres differ by less than this × size share a column
    max_row_gap: float = 4.0  # anchors further apart than this × size (with no header between) split tables
    min_strong_numbers: int = 3  # a lone numeric row needs this many numbers to be a table
    wrap_pitch: float = 1.6  # pieces of a wrapped number lie within this × size of their row's line


def _is_anchor(ln: RunLine, st: BorderlessSettings) -> bool:
    """A data row: numbers on the right, after a label (or many numbers alone)."""
    nums = ln.numbers()
    if not nums or not ln.segs[-1].numeric or PAGE_NO.match(" ".join(s.text for s in ln.segs)):
        return False
    return len(nums) >= 2 or len(ln.segs) >= 2


def _fold_wrapped_numbers(lines: list[RunLine], st: BorderlessSettings) -> list[RunLine]:
    """A number too wide for its cell wraps ("108" → "10" over "8"); the cell is centred,
    so the pieces print on lines just above and below its row's line, in columns that line
    leaves empty. Fold such number-only lines into the nearest row line they fit."""
    merged: dict[int, list[TextRun]] = {}
    drop: set[int] = set()
    for i, ln in enumerate(lines):
        if not all(s.numeric for s in ln.segs):
            continue
        near = [j for j in (i - 1, i + 1) if 0 <= j < len(lines) and not all(s.numeric for s in lines[j].segs)
                and _is_anchor(lines[j], st) and abs(lines[j].cy - ln.cy) <= st.wrap_pitch * ln.size
                and not any(overlaps(a, b) for a in ln.segs for b in lines[j].segs)]
        if near:
            j = min(near, key=lambda j: abs(lines[j].cy - ln.cy))
            merged.setdefault(j, []).extend(ln.segs)
            drop.add(i)
    for j, frags in merged.items():
        for col in stacks(sorted(frags, key=lambda s: s.x0), by_x=True):
            col.sort(key=lambda s: s.top)
            lines[j].segs.append(TextRun("".join(s.text for s in col), min(s.x0 for s in col), col[0].top,
                                      max(s.x1 for s in col), col[-1].bottom, median(s.size for s in col)))
        lines[j].segs.sort(key=lambda s: s.x0)
    return [ln for i, ln in enumerate(lines) if i not in drop]


def _under_row(cur: list[RunLine], ln: RunLine, st: BorderlessSettings) -> bool:
    """Whether ``ln`` sits right under a data row whose label starts where it does (a row printing its
    label alone, 二、上年结转… under 一、本年新收… 1 1, not a section heading)."""
    return bool(cur) and ln.top - cur[-1].bottom <= 1.0 * ln.size \
        and abs(ln.segs[0].x0 - cur[-1].segs[0].x0) <= 0.5 * ln.size and _is_anchor(cur[-1], st)


def _is_section_heading(ln: RunLine) -> bool:
    return len(ln.segs) == 1 and bool(_SECTION.match(ln.segs[0].text)) and len(ln.segs[0].text) >= 12 \
        and not any(ch.isdigit() for ch in ln.segs[0].text)


def _regions(lines: list[RunLine], st: BorderlessSettings, tail: bool = False) -> list[tuple[list[RunLine], bool]]:
    """Runs of lines that form one table: anchors plus the header/label lines around them, each with
    whether label lines after it were left out up to the end of the page's text (:func:`open_tail`).
    ``tail``: the last table goes on over the page break, so those lines are its rows: taken in."""
    out: list[list[RunLine]] = []
    cur: list[RunLine] = []
    last_anchor = -1
    for i, ln in enumerate(lines):
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        wrapped = nxt is not None and _is_anchor(nxt, st) and nxt.top - ln.bottom <= 0.5 * ln.size
        # a row label wrapped onto its numbers' line is no heading, nor is a row printing its label alone
        # right under a row whose label starts where it does (二、上年结转… under 一、本年新收… 1 1)
        if _is_section_heading(ln) and not wrapped and not _under_row(cur, ln, st):
            if cur:
                out.append(cur)
            cur, last_anchor = [], -1
            continue
        if _is_anchor(ln, st):
            if last_anchor >= 0 and not cur[last_anchor + 1:] and \
                    ln.top - cur[last_anchor].bottom > st.max_row_gap * ln.size:
                out.append(cur)
                cur = []
            cur.append(ln)
            last_anchor = len(cur) - 1
        else:
            cur.append(ln)
    if cur:
        out.append(cur)
    tables = []
    for reg in out:
        idx = [i for i, ln in enumerate(reg) if _is_anchor(ln, st)]
        if not idx:
            continue
        # a lone line with a number or two and no header is not a table, unless it opens the page with
        # a label free of digits: the last row of a table whose header ended the previous page
        # (行政事业性收费 0), not a running header (2023年度报告 3)
        if len(idx) == 1 and len(reg[idx[0]].numbers()) < st.min_strong_numbers and idx[0] == 0 \
                and not (reg[0] is lines[0] and not any(ch.isdigit() for s in reg[0].segs[:-1] for ch in s.text)):
            continue
        start = _header_start(reg, idx[0])
        end = idx[-1] + 1
        while end < len(reg) and reg[end].top - reg[end - 1].bottom <= 1.0 * reg[end].size \
                and len(reg[end].segs) == 1 and reg[end].segs[0].x1 < min(s.x0 for s in reg[idx[-1]].numbers()):
            end += 1  # the wrapped tail of the last row's label
        wrapped_end, end = end, _sub_tables_end(reg, idx[-1], end)
        # the label lines after the last numbers (a wrapped tail included: it may be rows printing nothing)
        opened = reg is out[-1] and open_tail(reg, idx[-1], idx[-1] + 1 if end == wrapped_end else end)
        if tail and opened:
            end = max(i for i, ln in enumerate(reg) if not _page_no(ln)) + 1
        tables.append((reg[start:end], opened))
    return tables


def open_tail(reg: list[RunLine], last: int, end: int) -> bool:
    """Whether the lines after a table's end (``end``) up to the end of ``reg`` are short label lines
    left of the numbers, one of them starting an item (rows printing no number, zeros printed blank,
    or text: undecided here)."""
    num_left = min(s.x0 for s in reg[last].numbers())
    rest = [ln for ln in reg[end:] if not _page_no(ln)]
    return bool(rest) and all(s.x1 < num_left and len(s.text) <= 25 and "。" not in s.text
                              for ln in rest for s in ln.segs) \
        and any(_start_kind(ln.segs) is not None for ln in rest)  # else only the last row's wrapped label


def _sub_tables_end(reg: list[RunLine], last: int, end: int) -> int:
    """Where a table ends once the header bands after its last data row are counted (zeros printed blank:
    a sub-table under its own header whose every row prints nothing, 行政处罚/行政强制 under
    第二十条第（六）项). Lines close together after ``end`` are taken up to the last line heading the
    numbers' columns and the label lines under it; without such a header line nothing is taken (text
    under a table, or a row cut by the page break, is not a table row)."""
    num_left = min(s.x0 for s in reg[last].numbers())
    k, header = end, -1
    while k < len(reg) and reg[k].top - reg[k - 1].bottom <= 1.0 * reg[k].size \
            and not any(len(s.text) > 25 or "。" in s.text for s in reg[k].segs):
        if any(s.x1 > num_left for s in reg[k].segs):
            header = k
        k += 1
    return end if header < 0 else k


def _header_start(reg: list[RunLine], first: int) -> int:
    """Walk up from the first data row while lines are close together (the header block)."""
    i = first
    while i > 0:
        prev, cur = reg[i - 1], reg[i]
        if cur.top - prev.bottom > 2.5 * cur.size:
            break
        if len(prev.segs) == 1 and len(prev.segs[0].text) > 25:  # a narrative line
            break
        i -= 1
    return i


def _page_no(ln: RunLine) -> bool:
    return bool(PAGE_NO.match(" ".join(s.text for s in ln.segs)))
