"""Tables printed without rules: columns and rows rebuilt from text alignment.

Rows are anchored on lines that hold numbers (every template row has numeric
cells); numeric columns are clusters of the numbers' x-centres. Text left of the
numbers is the row label: wrapped label lines go to the nearest anchor, and stacked
group labels (三、本年度办理结果, （三）不予公开 …) become one cell spanning the
run of rows that no other label claims in that column. Cells are vertically centred
in these layouts, which is what makes nearest-anchor assignment work. Header lines
above the numbers become header rows (a cell per column, wide lines span columns).
"""

from __future__ import annotations

import logging
import re

from extractors.column_anchors import fits
from extractors.pdf_borderless_labels import assign_labels, blank_row_lines, group_runs, overlaps, spanning_row_labels
from extractors.pdf_borderless_regions import BorderlessSettings, _fold_wrapped_numbers, _is_anchor, _regions
from extractors.pdf_layout import Glyph, RunLine, TextRun, cluster, join_wrapped, median, nearest_sorted, outside, text_runs
from extractors.pdf_page import BBox, PageGeom
from extractors.pdf_ruled import FoundTable
from extractors.pdf_text import PAGE_NO
from ogi.numbers import DIGITS, ZERO_MARKS
from ogi.types import Cell, RawTable

log = logging.getLogger(__name__)

_ITEM = re.compile(r"^(?:\d{1,2}[.．、]|[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、)")

def _join(segs: list[TextRun]) -> str:
    text = ""
    for s in sorted(segs, key=lambda s: (round(s.cy), s.x0)):
        text = join_wrapped(text, s.text)
    return text


def _box(segs: list[TextRun], geom: PageGeom) -> BBox:
    b = (min(s.x0 for s in segs), min(s.top for s in segs), max(s.x1 for s in segs), max(s.bottom for s in segs))
    return tuple(round(v, 2) for v in geom.to_page(b))  # type: ignore[return-value]


def _caption(ln: RunLine, mid: float, label_x: float) -> bool:
    """A lone line across the label/number boundary or centred: a caption row (第二十条第（一）项)."""
    if len(ln.segs) != 1 or ln.segs[0].numeric:
        return False
    s = ln.segs[0]
    return s.x0 < label_x < s.x1 or abs(s.cx - mid) < 3 * ln.size


def _wrapped_lead(reg: list[RunLine], anchor_ids: set[int], label_x: float, mid: float) -> set[int]:
    """Label-only lines stacked tight on the first data row with no column header among them.

    A table continued on a new page (no repeated header) can start with a row whose
    centred numbers sit below the first lines of its wrapped label (4.无正当理由大量反复 /
    申请): those lines are that row's label, not a header band.
    """
    first = next(i for i, ln in enumerate(reg) if id(ln) in anchor_ids)
    lead = reg[:first]
    if not lead or any(s.x1 > label_x for ln in lead for s in ln.segs) or any(_caption(ln, mid, label_x) for ln in lead):
        return set()
    if any(b.top - a.bottom > 1.0 * b.size for a, b in zip(lead, reg[1:first + 1])):
        return set()
    return {id(ln) for ln in lead}


def _split(reg: list[RunLine], anchors: list[RunLine], label_x: float, num_left: float, mid: float,
           ) -> tuple[list[list[RunLine] | RunLine], list[TextRun]]:
    """Region → ordered units (header bands and anchor lines) plus the label-only text."""
    anchor_ids = {id(ln) for ln in anchors}
    units: list[list[RunLine] | RunLine] = []
    label_segs: list[TextRun] = []
    lead = _wrapped_lead(reg, anchor_ids, label_x, mid)
    for ln in reg:
        if id(ln) in anchor_ids:
            units.append(ln)
            label_segs += [s for s in ln.segs if not s.numeric or s.cx < label_x]
        elif id(ln) in lead:
            label_segs += ln.segs
        elif any(s.cx >= label_x or s.x1 > num_left for s in ln.segs) or not units or _caption(ln, mid, label_x):
            if units and isinstance(units[-1], list):
                units[-1].append(ln)
            else:
                units.append([ln])
        elif isinstance(units[-1], list) and ln.cy < max(x.bottom for x in units[-1]):
            units[-1].append(ln)  # a row-header label centred inside the header band (信息内容)
        else:
            label_segs += ln.segs
    return units, label_segs


def build_region(reg: list[RunLine], geom: PageGeom, st: BorderlessSettings, ends_page: bool = False,
                 labels: dict[int, list[TextRun]] | None = None, inherit: tuple[float, ...] = (),
                 tail: bool = False) -> FoundTable | None:
    """One RawTable from the lines of a borderless region (``ends_page``: it may go on over the page).

    A first build (``labels`` None) reads each numeric row's label; label lines between the first and
    last numeric rows that no numeric row keeps (zeros printed blank: the row has no number to anchor
    it, see :func:`_blank_row_candidates`) make it build again with ``labels``: the label texts of
    every row by the id of its line, numeric rows keeping the first build's labels and each such
    label-only line a row of empty cells, so the normalizer, which knows the template, decides.
    ``inherit``: the number columns of the table part just before (:attr:`FoundTable.cols`); a region
    whose first rows come with no header above them takes them when every number of those rows sits
    surely on one (:func:`~extractors.column_anchors.fits`): a table continued over a page break keeps
    its columns, so a row's blank cells stay in place; its label lines above its first numbers are then
    rows too (printing no number), as are, with ``tail`` (the table is known to go on over the page
    break), the label lines after its last numbers."""
    real = [ln for ln in reg if _is_anchor(ln, st)]
    anchors = [ln for ln in reg if _is_anchor(ln, st) or labels is not None and id(ln) in labels]
    size = median(ln.size for ln in real)
    num_left = min(s.x0 for ln in real for s in ln.numbers())
    label_x = num_left - 0.5 * size
    left = min(s.x0 for ln in reg for s in ln.segs)
    if all(s.numeric for ln in real for s in ln.segs):
        label_x = min(label_x, left - 1)  # rows of numbers only (appeals): every column is a number column
    mid = (left + max(s.x1 for ln in reg for s in ln.segs)) / 2
    units, label_segs = _split(reg, anchors, label_x, num_left, mid)
    # header texts right of every row label head number columns, also left of the leftmost number (a
    # first column of zeros printed blank prints no number to start the columns at)
    head_x = min(label_x, max((s.x1 for ln in real for s in ln.segs if not s.numeric or s.cx < label_x),
                              default=label_x) + 0.25 * size)
    # numeric columns: the numbers' x-centres, plus the lowest header texts (a column of zeros printed
    # blank has no number to cluster, but its header still names it)
    leaves = {id(u): _leaf_centres(u, label_x, mid, head_x) for u in units if isinstance(u, list)}
    tol = st.col_tol * size
    lead = [[s.cx for s in u.numbers() if s.cx >= label_x]
            for u in units[:next((i for i, u in enumerate(units) if isinstance(u, list)), len(units))]]
    inherit = inherit if lead and fits(lead, inherit, tol) else ()
    cols = cluster([s.cx for ln in anchors for s in ln.numbers()] + [x for xs in leaves.values() for x in xs]
                   + list(inherit), tol)
    if not cols:
        return None
    # label columns: item labels (the most populated x-centre) and stacked group labels left of them
    centres = cluster([s.cx for s in label_segs], 4.0)
    members: dict[int, list[TextRun]] = {i: [] for i in range(len(centres))}
    for s in label_segs:
        members[nearest_sorted(centres, s.cx)].append(s)
    item_i = max(members, key=lambda i: len(members[i])) if members else None
    item_left = min((s.x0 for s in members.get(item_i, [])), default=label_x)
    item_right = max((s.x1 for s in members.get(item_i, [])), default=label_x)
    groups = [i for i in members if item_i is not None and centres[i] < centres[item_i] - 4
              and len(members[i]) >= 2 and max(s.x1 for s in members[i]) < item_left + 2]
    groups.sort(key=lambda i: centres[i])
    own = spanning_row_labels(real, [members[g] for g in groups], members.get(item_i, []), label_x)
    for g in groups:
        members[g] = [s for s in members[g] if id(s) not in own]
    group_left = {i: min(s.x0 for s in members[i]) for i in groups if members[i]}
    n_label = len(groups) + 1
    # grid rows: header bands and anchors in order
    cells: list[Cell] = []
    row_of: list[int] = []  # grid row of each anchor
    block_of: list[int] = []  # which data block (between header bands) each anchor is in
    row, block = 0, 0
    # per data block: the columns its header and numbers use (a continuation's first: the part before's)
    band: dict[int, set[int]] = {0: {nearest_sorted(cols, x) for x in inherit}}
    printed: list[set[int]] = []  # per anchor: the columns it prints a number in
    for u in units:
        if isinstance(u, list):
            row += _header_cells(u, cols, label_x, n_label, mid, row, geom, cells, head_x)
            block += 1
            band[block] = {nearest_sorted(cols, x) for x in leaves[id(u)]}
        else:
            row_of.append(row)
            block_of.append(block)
            row += 1
            printed.append(set())
            for s in u.numbers():
                if s.cx >= label_x:
                    k = nearest_sorted(cols, s.cx)
                    printed[-1].add(k)
                    band[block].add(k)
                    cells.append(Cell(s.text, row - 1, n_label + k, 1, 1, geom.number, _box([s], geom)))
    for r, (blk, ks) in enumerate(zip(block_of, printed)):
        # a column of the row's band left empty is an empty cell in place, so later cells keep their columns
        cells.extend(Cell("", row_of[r], n_label + k, 1, 1, geom.number) for k in sorted(band[blk] - ks))
    ys = [ln.cy for ln in anchors]
    row_labels = assign_labels([s for i in members if i not in groups for s in members[i]]
                                + [s for ln in anchors for s in ln.segs if id(s) in own], ys) \
        if labels is None else [labels[id(ln)] for ln in anchors]
    taken: dict[int, set[int]] = {g: set() for g in groups}
    walls = [ln.cy for u in units if isinstance(u, list) for ln in u]
    dropped: list[TextRun] = []
    kept: dict[int, list[TextRun]] = {}
    for r, segs in enumerate(row_labels):
        # labels of rows printing no number; a row cut by the page break may show only part of its label
        cut_above = r == 0 and not any(w < ys[r] for w in walls)
        blank = set() if labels is not None else \
            {id(s) for s in blank_row_lines(segs, ys[r], walls, cut_above, ends_page and r == len(ys) - 1)}
        dropped += [s for s in segs if id(s) in blank]
        segs = kept[id(anchors[r])] = [s for s in segs if id(s) not in blank]
        if not segs:
            continue
        c = sum(s.cx for s in segs) / len(segs)
        covered = [k for k, g in enumerate(groups) if group_left.get(g, -1e9) >= 2 * c - item_right - 3]
        for k in covered:
            taken[groups[k]].add(r)
        col = covered[0] if covered else len(groups)
        cells.append(Cell(_join(segs), row_of[r], col, 1, n_label - col, geom.number, _box(segs, geom)))
    for k, g in enumerate(groups):
        for lo, hi, blk in [] if not members[g] else group_runs(members[g], ys, block_of, taken[g]):
            cells.append(Cell(_join(blk), row_of[lo], k, row_of[hi] - row_of[lo] + 1, 1, geom.number,
                              _box(blk, geom)))
    if labels is None:
        found = _blank_row_candidates(reg, real, dropped, label_x, walls, bool(inherit), tail)
        if found:
            return build_region(reg, geom, st, ends_page, {**kept, **found}, inherit, tail)
    segs_all = [s for ln in reg for s in ln.segs]
    bbox = (min(s.x0 for s in segs_all) - 1, min(s.top for s in segs_all) - 1,
            max(s.x1 for s in segs_all) + 1, max(s.bottom for s in segs_all) + 1)
    last = tuple(cols[k] for k in sorted(band[block]))
    return FoundTable(RawTable(cells=_dedupe(cells), page=geom.number, source="pdfplumber-borderless"), bbox, last,
                      continued=bool(inherit))


def _blank_row_candidates(reg: list[RunLine], real: list[RunLine], dropped: list[TextRun], label_x: float,
                          walls: list[float] = (), continued: bool = False, tail: bool = False,
                          ) -> dict[int, list[TextRun]]:
    """Label-only lines that are rows printing no number (zeros printed blank), by layout alone.

    A line qualifies when it lies strictly between the table's first and last numeric rows, or under
    a header line (``walls``: their y-centres) above the first numeric row or below the last (a row
    under its header printing nothing: 规章 above 规范性文件; a sub-table 行政处罚/行政强制 printing no
    number at all), or above the first numeric row of a part continued from the page before
    (``continued``), or below the last when the table goes on over the page break (``tail``),
    prints text only left of the numbers, every label text of it that
    went to a numeric row was dropped as another row's (:func:`blank_row_lines`), and it opens a label:
    a line tight under another such line and not starting an item (2. （三） 二、) is its wrapped tail
    and stays with it."""
    gone = {id(s) for s in dropped}
    if not gone or not real:
        return {}
    lo, hi = real[0].cy, real[-1].cy

    def inside(y: float) -> bool:
        # above the first row: under the header band, not inside it (no header line between it and the row)
        return lo < y < hi or y < lo and (continued or any(w < y for w in walls) and not any(y < w < lo for w in walls)) \
            or y > hi and (tail or any(hi < w < y for w in walls))

    labels = [s for ln in real for s in ln.segs if s.x1 <= label_x]  # the labels printed on number lines
    out: dict[int, list[TextRun]] = {}
    prev: RunLine | None = None  # the last line of the blank row being read
    head: RunLine | None = None  # that row's first line
    for ln in reg:
        mine = [s for s in ln.segs if id(s) in gone]
        ok = bool(mine) and inside(ln.cy) and all(s.x1 <= label_x for s in ln.segs) \
            and all(s in mine or not overlaps(s, m) for s in ln.segs for m in mine)
        if ok and prev is not None and head is not None and ln.top - prev.bottom <= 0.6 * ln.size \
                and not _ITEM.match(mine[0].text) and _full(prev, labels):
            out[id(head)] += mine  # the wrapped tail of the line above
            prev = ln
            continue
        if ok:
            out[id(ln)] = list(mine)
        prev = head = ln if ok else None
    return out


def _full(ln: RunLine, labels: list[TextRun]) -> bool:
    """Whether a label line is about as wide as the widest label printed on a number line centred with it
    (``labels``): text wraps only at its cell's edge, so a line much shorter (行政处罚 over 行政强制, two
    blank rows, beside 行政规范性文件 on a number line) has no wrapped tail."""
    seg = max(ln.segs, key=lambda s: s.x1 - s.x0)
    w = seg.x1 - seg.x0
    return w >= 0.9 * max((s.x1 - s.x0 for s in labels if abs(s.cx - seg.cx) <= 0.2 * (s.x1 - s.x0)), default=w)


def _leaf_centres(lines: list[RunLine], label_x: float, mid: float, head_x: float | None = None) -> list[float]:
    """x-centres of the header texts over the numbers (starting right of ``head_x``, the row labels'
    right edge) with no header text below them: one per column."""
    head_x = label_x if head_x is None else head_x
    segs = [(i, s) for i, ln in enumerate(lines) if not _caption(ln, mid, label_x)
            for s in ln.segs if s.x0 >= head_x and not s.numeric]
    return [s.cx for i, s in segs if not any(j > i and t.x0 < s.x1 and t.x1 > s.x0 for j, t in segs)]


def _header_cells(lines: list[RunLine], cols: list[float], label_x: float, n_label: int, mid: float, row0: int,
                  geom: PageGeom, out: list[Cell], head_x: float | None = None) -> int:
    """Header band → rows: segments over several columns span them, the rest stack per column
    (``head_x``: where column headers may start, see :func:`_leaf_centres`)."""
    head_x = label_x if head_x is None else head_x
    pitch = min((b - a for a, b in zip(cols, cols[1:])), default=50.0)
    spans: list[tuple[TextRun, int, int]] = []
    per_col: dict[int, list[TextRun]] = {}
    label: list[TextRun] = []
    for li, ln in enumerate(lines):
        below = [s for lower in lines[li + 1:] for s in lower.segs if s.cx >= head_x]
        for s in ln.segs:
            under = {nearest_sorted(cols, b.cx) for b in below if s.x0 - pitch / 2 <= b.cx <= s.x1 + pitch / 2}
            inner = [k for k, c in enumerate(cols) if s.x0 < c < s.x1]
            if li == 0 and _caption(ln, mid, label_x):  # a full-width caption row (第二十条第（一）项)
                spans.append((s, 0, n_label + len(cols)))
            elif s.x1 <= head_x:
                label.append(s)
            elif len(inner) >= 2 or len(under) >= 2:
                ks = sorted(set(inner) | under)
                spans.append((s, n_label + ks[0], ks[-1] - ks[0] + 1))
            else:
                per_col.setdefault(nearest_sorted(cols, s.cx), []).append(s)
    levels = cluster([s.top for s, _, _ in spans], 2.0)
    n_rows = len(levels) + (1 if per_col or label or not spans else 0)
    for s, c0, n in spans:
        out.append(Cell(s.text, row0 + nearest_sorted(levels, s.top), c0, 1, n, geom.number, _box([s], geom)))
    for k, segs in per_col.items():
        above = [nearest_sorted(levels, s.top) for s, c0, n in spans
                 if c0 <= n_label + k < c0 + n and s.top < min(x.top for x in segs)]
        start = min(max(above) + 1 if above else 0, n_rows - 1)
        out.append(Cell(_join(segs), row0 + start, n_label + k, n_rows - start, 1, geom.number, _box(segs, geom)))
    if label:
        above = [nearest_sorted(levels, s.top) for s, c0, n in spans if c0 == 0 and s.top < min(x.top for x in label)]
        start = min(max(above) + 1 if above else 0, n_rows - 1)
        out.append(Cell(_join(label), row0 + start, 0, n_rows - start, n_label, geom.number, _box(label, geom)))
    return n_rows


def _dedupe(cells: list[Cell]) -> list[Cell]:
    """Two texts landing on one grid slot: keep both, joined, in the first cell."""
    at: dict[tuple[int, int], Cell] = {}
    out = []
    for c in sorted(cells, key=lambda c: (c.row, c.col)):
        key = (c.row, c.col)
        if key in at:
            at[key].text = join_wrapped(at[key].text, c.text)
            continue
        at[key] = c
        out.append(c)
    return out


# the last character of a number or printed zero (LAYOUT_NUMBER): a digit, separator, % or zero mark
_NUMBER_END = re.compile(rf"[{DIGITS},，.．%{ZERO_MARKS}]")


def _ends_like_number(line: list[Glyph]) -> bool:
    for g in reversed(line):
        if not g.text.isspace():
            return bool(_NUMBER_END.fullmatch(g.text.rstrip()[-1:]))
    return False


def may_hold_table(lines: list[list[Glyph]], st: BorderlessSettings = BorderlessSettings()) -> bool:
    """Whether any of these glyph lines is a data row (:func:`_is_anchor`), read from the lines that
    end like a number only: every borderless table holds one, so without one the page's text
    (narrative, a page number) needs no further reading. Exact, not a guess."""
    candidates = [ln for ln in lines if _ends_like_number(ln)]
    return bool(candidates) and any(_is_anchor(r, st) for r in text_runs((), st.gap_ratio, candidates))


def borderless_tables(geom: PageGeom, taken: list[BBox], st: BorderlessSettings = BorderlessSettings(),
                      lines: list[list[Glyph]] | None = None, inherit: tuple[float, ...] = (),
                      tail: bool = False) -> list[FoundTable]:
    """Tables without rules on the part of the page no ruled table covers; ``lines``: the
    :func:`~extractors.pdf_layout.glyph_lines` of the glyphs outside ``taken`` when grouped already;
    ``inherit``: the number columns the table part before this page ended with (see :func:`build_region`);
    ``tail``: the page's last table is known to go on over the page break (the next page's first table
    took its columns), so the label lines ending the page are its rows printing no number."""
    free = outside(geom.glyphs, taken, 1.0) if lines is None else []
    if not (free or lines):
        return []
    if lines is not None and not may_hold_table(lines, st):
        return []
    out = []
    runs = _fold_wrapped_numbers(text_runs(free, st.gap_ratio, lines), st)
    body = [ln for ln in runs if not PAGE_NO.match(" ".join(s.text for s in ln.segs))]
    for reg, opened in _regions(runs, st, tail):
        found = build_region(reg, geom, st, ends_page=bool(body) and reg[-1] is body[-1], inherit=inherit,
                             tail=tail and opened)
        if found is not None:
            found.open_tail = opened and not tail
            out.append(found)
            inherit = found.cols
    return out
