"""Row labels of borderless tables: which label lines and group labels belong to which rows.

Split from pdf_borderless (module size). Labels are placed by geometry alone: a
row's label block is centred on its numbers; a stacked group label (三、本年度办理结果,
（三）不予公开) spans the run of rows it is centred on.
"""

from __future__ import annotations

import re

from extractors.pdf_layout import RunLine, TextRun, nearest_index

# how a row label starts: 1. / 1、 / （一） / 一、 (a wrapped continuation line never does)
_ITEM_START = (re.compile(r"^\d{1,2}[.．、]"), re.compile(r"^[（(][一二三四五六七八九十]+[）)]"),
               re.compile(r"^[一二三四五六七八九十]+、"))


def overlaps(a: TextRun, b: TextRun) -> bool:
    """Whether two runs share some x range (one column)."""
    return a.x0 < b.x1 and b.x0 < a.x1


def spanning_row_labels(anchors: list[RunLine], groups: list[list[TextRun]], items: list[TextRun],
                         label_x: float) -> set[int]:
    """Labels in a group column that are a row's own label spanning the label columns (（七）总计).

    Such a label is the only label on its row's line, one line tall, with no item label
    beside it; a stacked group label (（六）其他处理) spans several lines or sits beside items.
    """
    out = set()
    for ln in anchors:
        labels = [s for s in ln.segs if not s.numeric or s.cx < label_x]
        if len(labels) != 1 or any(abs(s.cy - ln.cy) < 0.9 * ln.size for s in items):
            continue
        seg = labels[0]
        for members in groups:
            if any(m is seg for m in members) and not any(
                    m is not seg and min(abs(m.top - seg.bottom), abs(seg.top - m.bottom)) <= 1.0 * seg.size
                    for m in members):
                out.add(id(seg))
    return out


def dev(block: list[TextRun], y: float) -> float:
    return abs((min(s.top for s in block) + max(s.bottom for s in block)) / 2 - y) if block else 0.0


def assign_labels(segs: list[TextRun], ys: list[float]) -> list[list[TextRun]]:
    """Wrapped label lines → rows, so that each row's label block is centred on its numbers.

    Lines on an anchor's own line are pinned; the free lines between two anchors are
    split (first j up, the rest down) by a chain DP minimising the off-centre distance.
    """
    m = len(ys)
    pinned: list[list[TextRun]] = [[] for _ in ys]
    gaps: list[list[TextRun]] = [[] for _ in range(m + 1)]  # gaps[k]: free lines just above anchor k
    for s in sorted(segs, key=lambda s: s.cy):
        k = nearest_index(ys, s.cy)
        if abs(ys[k] - s.cy) <= 0.45 * s.size:
            pinned[k].append(s)
        else:
            gaps[sum(1 for y in ys if y < s.cy)].append(s)

    def split_options(k: int) -> range:
        return range(len(gaps[k]) + 1) if 0 < k < m else range(1)

    def block(k: int, j_above: int, j_below: int) -> list[TextRun]:
        above = gaps[k] if k == 0 else gaps[k][j_above:]
        below = gaps[m] if k == m - 1 else gaps[k + 1][:j_below]
        return above + pinned[k] + below

    def cost(k: int, ja: int, jb: int) -> float:
        b = block(k, ja, jb)
        near = 1e-3 * sum(abs(s.cy - ys[k]) for s in b)
        # the first and last rows may be cut by a page break: their centring proves nothing
        return near if k in (0, m - 1) else dev(b, ys[k]) + near

    best: dict[int, tuple[float, list[int]]] = {j: (0.0, [j]) for j in split_options(0)}
    for k in range(m):
        nxt: dict[int, tuple[float, list[int]]] = {}
        for jb in split_options(k + 1):
            nxt[jb] = min(((c + cost(k, ja, jb), path + [jb]) for ja, (c, path) in best.items()),
                          key=lambda t: t[0])
        best = nxt
    path = min(best.values(), key=lambda t: t[0])[1]
    return [block(k, path[k], path[k + 1]) for k in range(m)]


def group_runs(segs: list[TextRun], ys: list[float], block_of: list[int], taken: set[int],
                ) -> list[tuple[int, int, list[TextRun]]]:
    """Each stacked group label → the run of free rows it is vertically centred on."""
    bounds = [(ys[i - 1] + ys[i]) / 2 for i in range(1, len(ys))]
    top = [ys[0] - (bounds[0] - ys[0] if bounds else 5)] + bounds
    bottom = bounds + [ys[-1] + (ys[-1] - bounds[-1] if bounds else 5)]
    out = []
    blocks = stacks(segs)
    for bi, blk in enumerate(blocks):
        cy = (min(s.top for s in blk) + max(s.bottom for s in blk)) / 2
        seed = nearest_index(ys, cy)
        lo = seed
        while lo - 1 >= 0 and lo - 1 not in taken and block_of[lo - 1] == block_of[seed]:
            lo -= 1
        end = seed
        while end + 1 < len(ys) and end + 1 not in taken and block_of[end + 1] == block_of[seed]:
            end += 1
        if bi == len(blocks) - 1:
            hi = end  # the last group runs to the end (it may continue on the next page)
        else:  # centred on its rows
            hi = min(range(seed, end + 1), key=lambda h: abs((top[lo] + bottom[h]) / 2 - cy))
        taken.update(range(lo, hi + 1))
        out.append((lo, hi, blk))
    return out


def stacks(segs: list[TextRun], by_x: bool = False) -> list[list[TextRun]]:
    """Vertically adjacent fragments of one column, stacked into blocks (by_x: overlapping in x)."""
    out: list[list[TextRun]] = []
    for s in sorted(segs, key=lambda s: s.x0 if by_x else s.top):
        if by_x and out and any(overlaps(s, o) for o in out[-1]):
            out[-1].append(s)
        elif not by_x and out and s.top - out[-1][-1].bottom <= 1.0 * s.size:
            out[-1].append(s)
        else:
            out.append([s])
    return out


def _lines(segs: list[TextRun]) -> list[list[TextRun]]:
    out: list[list[TextRun]] = []
    for s in sorted(segs, key=lambda s: (s.cy, s.x0)):
        if out and abs(s.cy - out[-1][0].cy) <= 0.45 * s.size:
            out[-1].append(s)
        else:
            out.append([s])
    return out


def _start_kind(line: list[TextRun]) -> int | None:
    text = min(line, key=lambda s: s.x0).text
    return next((k for k, pat in enumerate(_ITEM_START) if pat.match(text)), None)


def blank_row_lines(segs: list[TextRun], y: float, walls: list[float] = (), keep_above: bool = False,
                    keep_below: bool = False) -> list[TextRun]:
    """Label lines given to a row that belong to rows printing no number (zeros printed blank).

    A label line with a header line (``walls``: their y-centres) between it and the numbers is
    another band's row. ``keep_above``/``keep_below``: the row may be cut by a page break on that
    side, so its label lines there prove nothing.
    Cells are vertically centred, so when the row prints its numbers on one of its label lines,
    its other label lines lie evenly above and below: the surplus on one side is another row's.
    And two lines starting sibling labels (2. and 3., （一） and （二）) are two rows: only the item holding
    the numbers' line (else the one nearest them) stays; a line starting an item as deep or deeper (1.
    under the （二） label holding the numbers' line) after that line starts another row.
    """
    walled = [s for s in segs if any(min(s.cy, y) < w < max(s.cy, y) for w in walls)]
    segs = [s for s in segs if not any(s is x for x in walled)]
    if not segs:
        return walled
    size = max(s.size for s in segs)
    lines = _lines(segs)
    at = [i for i, ln in enumerate(lines) if abs(ln[0].cy - y) <= 0.45 * size]
    drop: set[int] = set()
    if at:
        above, below = at[0], len(lines) - 1 - at[-1]
        if above > below and not keep_above:
            drop |= set(range(above - below))
        elif below > above and not keep_below:
            drop |= set(range(len(lines) - (below - above), len(lines)))
    keep = [i for i in range(len(lines)) if i not in drop]
    starts = [i for i in keep if _start_kind(lines[i]) is not None]
    kinds = {_start_kind(lines[i]) for i in starts}
    if len(kinds) == 1 and len(starts) >= 2:
        items = [(a, next((b for b in starts if b > a), len(lines))) for a in starts]
        home = next(((a, b) for a, b in items if any(a <= i < b for i in at)), None) or min(
            items, key=lambda ab: abs((lines[ab[0]][0].cy + lines[ab[1] - 1][0].cy) / 2 - y))
        lead = [i for i in keep if i < starts[0]]  # continuation of the first item? not ours to judge
        drop |= {i for i in keep if not home[0] <= i < home[1] and i not in lead}
    elif len(kinds) > 1 and at:
        # a label of one level holding the numbers' line (（二）部分公开…), then a line starting an item of
        # that level or a deeper one (二、…; 1.属于国家秘密): that line and those after it are other rows.
        # A shallower start (a group label （六） beside the wrapped rest of a 1. label) proves nothing.
        own = [i for i in starts if i <= at[0]]
        if own:
            k = _start_kind(lines[own[-1]])
            deeper = [i for i in starts if i > at[-1] and (_start_kind(lines[i]) or 0) <= (k or 0)]
            if deeper:
                drop |= {i for i in keep if i >= deeper[0]}
    return walled + [s for i in sorted(drop) for s in lines[i]]
