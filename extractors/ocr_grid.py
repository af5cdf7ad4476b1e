"""Table structure on scanned pages from ruling lines (OCR engines give text boxes only).

Pipeline, every step a pure numpy/OpenCV function: binarize → skew angle from long
horizontal rules → rotate → horizontal/vertical line masks by morphological opening →
table regions (connected rules) → grid lines → cells (grid positions joined where
no rule separates them), each cell a rectangle on the grid with rowspan/colspan.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import cv2
import numpy as np

from extractors.pdf_layout import cluster

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class GridSettings:
    """Lengths in inches, so one setting fits 150-, 200- and 300-dpi scans."""

    max_skew_deg: float = 3.0
    h_kernel_in: float = 0.30  # longer than any horizontal character stroke
    v_kernel_in: float = 0.10  # shorter than one table row; strokes are weeded out by coverage
    min_table_width_in: float = 1.5
    min_table_height_in: float = 0.25
    line_merge_in: float = 0.04  # rule positions closer than this are one rule
    border_coverage: float = 0.85  # share of a horizontal boundary that must be ruled to separate rows
    border_share: float = 0.92  # share of a row band a vertical border must cover (strokes stop short)
    line_tolerance_in: float = 0.02


@dataclass
class GridCell:
    """A cell on the detected grid, in grid units and in pixels of the deskewed page."""

    row: int
    col: int
    rowspan: int
    colspan: int
    bbox: tuple[float, float, float, float]


@dataclass
class TableGrid:
    xs: list[int]
    ys: list[int]
    cells: list[GridCell] = field(default_factory=list)
    vmask: np.ndarray | None = None  # page-sized: where accepted vertical borders run

    @property
    def bbox(self) -> tuple[int, int, int, int]:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]

    def cell_at(self, x: float, y: float) -> GridCell | None:
        """The cell containing point (x, y), or None outside the table."""
        if not (self.xs[0] <= x <= self.xs[-1] and self.ys[0] <= y <= self.ys[-1]):
            return None
        j = min(int(np.searchsorted(self.xs, x, side="right")) - 1, len(self.xs) - 2)
        i = min(int(np.searchsorted(self.ys, y, side="right")) - 1, len(self.ys) - 2)
        for c in self.cells:
            if c.row <= i < c.row + c.rowspan and c.col <= j < c.col + c.colspan:
                return c
        return None


def to_gray(img: np.ndarray) -> np.ndarray:
    if img.ndim == 2:
        return img
    if img.shape[2] == 4:
        return cv2.cvtColor(img, cv2.COLOR_BGRA2GRAY)
    return cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)


def binarize(gray: np.ndarray) -> np.ndarray:
    """Ink = 255. Adaptive, because scans have uneven grey backgrounds and shadows."""
    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)


def _px(inches: float, dpi: float, minimum: int = 1) -> int:
    return max(minimum, int(round(inches * dpi)))


def horizontal_mask(binary: np.ndarray, dpi: float, s: GridSettings) -> np.ndarray:
    """Long horizontal ink; a 1-px vertical dilation first keeps slightly tilted rules whole."""
    thick = cv2.dilate(binary, np.ones((3, 1), np.uint8))
    k = cv2.getStructuringElement(cv2.MORPH_RECT, (_px(s.h_kernel_in, dpi, 10), 1))
    return cv2.morphologyEx(thick, cv2.MORPH_OPEN, k)


def vertical_mask(binary: np.ndarray, dpi: float, s: GridSettings) -> np.ndarray:
    thick = cv2.dilate(binary, np.ones((1, 3), np.uint8))
    k = cv2.getStructuringElement(cv2.MORPH_RECT, (1, _px(s.v_kernel_in, dpi, 6)))
    return cv2.morphologyEx(thick, cv2.MORPH_OPEN, k)


def skew_angle(gray: np.ndarray, dpi: float, s: GridSettings = GridSettings()) -> float:
    """Page tilt in degrees (positive = rules go down to the right), from long horizontal rules.

    A short horizontal opening (after a small vertical dilation, so a tilted rule stays one
    chain) keeps rules; each chain at least 1.5 in long gives a slope by least squares;
    the answer is their length-weighted median, or 0 when the page has no rules.
    """
    binary = binarize(gray)
    thick = cv2.dilate(binary, np.ones((3, 1), np.uint8))
    k = cv2.getStructuringElement(cv2.MORPH_RECT, (_px(0.12, dpi, 8), 1))
    mask = cv2.morphologyEx(thick, cv2.MORPH_OPEN, k)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    max_slope = np.tan(np.radians(s.max_skew_deg))
    angles, weights = [], []
    for i in range(1, n):
        x, y, w, h, _area = stats[i]
        if w < _px(1.5, dpi) or h > w * max_slope + _px(0.04, dpi, 4):
            continue
        ys, xs = np.nonzero(labels[y:y + h, x:x + w] == i)
        slope = np.polyfit(xs.astype(float), ys.astype(float), 1)[0]
        if abs(slope) <= max_slope:
            angles.append(float(np.degrees(np.arctan(slope))))
            weights.append(float(w))
    if not angles:
        return 0.0
    order = np.argsort(angles)
    cum = np.cumsum(np.asarray(weights)[order])
    return float(np.asarray(angles)[order][np.searchsorted(cum, cum[-1] / 2)])  # weighted median


def rotate(img: np.ndarray, angle_deg: float) -> np.ndarray:
    """Rotate about the centre by ``angle_deg`` (undoing a tilt of that angle), white fill."""
    if abs(angle_deg) < 0.02:
        return img
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle_deg, 1.0)
    fill = 255 if img.ndim == 2 else (255,) * img.shape[2]
    return cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                          borderValue=fill)


def _cluster(values: list[float], tol: float) -> list[int]:
    """Merge sorted positions closer than ``tol`` into their (rounded) mean."""
    return [int(round(c)) for c in cluster(values, tol)]


def _runs(profile: np.ndarray, min_len: int) -> list[int]:
    """Centres of index runs where ``profile`` is at least ``min_len``."""
    on = profile >= min_len
    out, start = [], None
    for i, v in enumerate(np.append(on, False)):
        if v and start is None:
            start = i
        elif not v and start is not None:
            out.append((start + i - 1) / 2)
            start = None
    return out


def table_regions(h: np.ndarray, v: np.ndarray, dpi: float, s: GridSettings) -> list[tuple[int, int, int, int]]:
    """Bounding boxes (x0, y0, x1, y1) of connected rule networks big enough to be tables."""
    net = cv2.dilate(cv2.bitwise_or(h, v), np.ones((3, 3), np.uint8))
    n, _, stats, _ = cv2.connectedComponentsWithStats(net, connectivity=8)
    out = []
    page_h, page_w = h.shape
    for x, y, w, hh, _area in stats[1:n]:
        if w < _px(s.min_table_width_in, dpi) or hh < _px(s.min_table_height_in, dpi):
            continue
        if hh > 0.97 * page_h or w > 0.98 * page_w:  # scanner shadow or page frame
            continue
        rows = _runs(h[y:y + hh, x:x + w].sum(axis=1) // 255, _px(s.h_kernel_in, dpi))
        if len(rows) >= 2:
            out.append((int(x), int(y), int(x + w), int(y + hh)))
    return sorted(out, key=lambda b: (b[1], b[0]))


def _coverage(mask: np.ndarray, axis_pos: int, lo: int, hi: int, tol: int) -> float:
    """Share of rows y in [lo, hi) where ``mask`` has a rule within ``tol`` of column ``axis_pos``
    (for horizontal rules pass the transposed mask)."""
    if hi <= lo:
        return 1.0
    band = mask[lo:hi, max(0, axis_pos - tol):axis_pos + tol + 1]
    return float((band.max(axis=1) > 0).mean()) if band.size else 0.0


def band_borders(ink: np.ndarray, y0: int, y1: int, x0: int, x1: int, share: float) -> list[int]:
    """x positions where ink runs down (almost) the whole band between two horizontal rules.

    A border spans the full height between the rules it joins; a pen stroke inside a cell
    stops at the cell padding. Works on the binary image itself, so borders that touch
    glyphs are not lost the way connected components lose them.
    """
    if y1 - y0 < 3:
        return []
    band = ink[y0 + 1:y1, x0:x1 + 1] > 0
    band = band | np.roll(band, 1, axis=1) | np.roll(band, -1, axis=1)  # 1-px slant/jitter
    cov = band.mean(axis=0)
    return [int(round(x)) + x0 for x in _runs(cov, share)]


def glyph_height(binary: np.ndarray, h: np.ndarray, region: tuple[int, int, int, int], dpi: float) -> float:
    """Tall-glyph height inside a table (90th percentile of blob heights, rules removed)."""
    x0, y0, x1, y1 = region
    ink = cv2.bitwise_and(binary[y0:y1 + 1, x0:x1 + 1], cv2.bitwise_not(h[y0:y1 + 1, x0:x1 + 1]))
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    hs = [int(st[3]) for st in stats[1:n] if 0.04 * dpi <= st[3] <= 0.4 * dpi and st[2] <= 0.4 * dpi]
    return float(np.percentile(hs, 90)) if hs else 0.15 * dpi


def crosses_rule(ink: np.ndarray, x: int, y: int, reach: int, share: float = 0.9) -> bool:
    """Whether ink at column ``x`` (±1 px) runs through the horizontal rule at ``y`` and on for
    ``reach`` px on both sides: a border continues into the next row, a glyph stroke that
    touches the rule from one side does not."""
    lo, hi = max(0, y - reach), min(ink.shape[0], y + reach + 1)
    col = ink[lo:hi, max(0, x - 1):x + 2]
    return col.size > 0 and float((col.max(axis=1) > 0).mean()) >= share


def without_specks(binary: np.ndarray, size: int) -> np.ndarray:
    """``binary`` minus blobs at most ``size`` px wide and high (scanner dust)."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    small = np.zeros(n, bool)
    small[1:] = (stats[1:, cv2.CC_STAT_WIDTH] <= size) & (stats[1:, cv2.CC_STAT_HEIGHT] <= size)
    out = binary.copy()
    out[small[labels]] = 0
    return out


def isolation(ink: np.ndarray, x: int, y0: int, y1: int, near: tuple[int, int] = (3, 6)) -> float:
    """Share of a band's rows with ink 3-6 px left or right of column ``x`` (rules, dust removed).

    A border is alone: cell padding keeps text away from it (≤ 0.1 on degraded 150-dpi
    scans, up to ~0.3 where JPEG noise clings to it). A glyph's vertical stroke has its
    own horizontal strokes and neighbouring radicals beside it (≥ 0.2, mostly > 0.5).
    """
    lo, hi = near
    band = ink[y0 + 3:y1 - 2]
    if band.shape[0] <= 0:
        return 0.0
    side = np.concatenate([band[:, max(0, x - hi):max(0, x - lo)], band[:, x + lo + 1:x + hi + 1]], axis=1)
    return float((side > 0).any(axis=1).mean()) if side.size else 0.0


def confirm_borders(binary: np.ndarray, ink: np.ndarray, bands: list[list[int]], ys: list[int], glyph_h: float,
                    x0: int, x1: int, tol: int, alone: float = 0.15, crowded: float = 0.4) -> list[list[int]]:
    """Keep border candidates a glyph could not have made.

    In a band much taller than a glyph (1.5x: a single text line with blur and padding
    still fills a tight row) a full-height run is a border. In a tight band a candidate
    is kept when it sits on the table's outer edge, or when it has (almost) no ink beside
    it (:func:`isolation` < ``alone``) and runs on through a rule and down the whole next
    row (a glyph touching the rule from the other side does not).
    Weaker evidence needs the same x in other rows: isolated but in the first or last row
    (a table cut by a page break) - 2 rows; running through a rule with some ink beside it
    (noise clinging to the rule) - 3 rows. Strokes of glyphs in two centred labels of the
    same length line up (亻 over 亻) and may touch the rule between them, but only in that
    pair of rows and with their own strokes beside them; a bracket is alone but no
    other row has a stroke at its x.
    """
    heights = [ys[i + 1] - ys[i] for i in range(len(ys) - 1)]
    need: list[list[int]] = []  # rows that must show a border at this x: 1 = sure, 0 = drop
    for i, b in enumerate(bands):
        row = []
        for x in b:
            if heights[i] > 1.5 * glyph_h or len(bands) == 1 or x - x0 <= tol or x1 - x <= tol:
                row.append(1)
                continue
            crowd = isolation(ink, x, ys[i], ys[i + 1])
            through = crowd < crowded and any(
                0 <= k < len(bands) and any(abs(x - o) <= 2 for o in bands[k])
                and crosses_rule(binary, x, y, int(0.6 * min(heights[i], heights[k])))
                for k, y in ((i - 1, ys[i]), (i + 1, ys[i + 1])))
            outer = i == 0 or i == len(bands) - 1
            row.append(1 if through and crowd < alone else 3 if through else 2 if outer and crowd < alone else 0)
        need.append(row)
    likely = [[x for x, n in zip(b, need[i]) if n] for i, b in enumerate(bands)]

    def support(x: int) -> int:
        return sum(any(abs(x - o) <= 2 for o in xs) for xs in likely)

    return [[x for x, n in zip(b, need[i]) if n and support(x) >= n] for i, b in enumerate(bands)]


def build_grid(binary: np.ndarray, h: np.ndarray, region: tuple[int, int, int, int], dpi: float,
               s: GridSettings = GridSettings()) -> TableGrid | None:
    """Grid lines inside ``region`` and the cells they enclose (merged where no rule separates)."""
    x0, y0, x1, y1 = region
    tol = _px(s.line_merge_in, dpi, 2)
    hs = h[y0:y1 + 1, x0:x1 + 1]
    ys = _cluster([y + y0 for y in _runs(hs.sum(axis=1) // 255, _px(s.h_kernel_in, dpi))], tol)
    if len(ys) < 2:
        return None
    bands = [band_borders(binary, ys[i], ys[i + 1], x0, x1, s.border_share) for i in range(len(ys) - 1)]
    ink = without_specks(cv2.bitwise_and(binary, cv2.bitwise_not(h)), _px(0.03, dpi, 2))
    bands = confirm_borders(binary, ink, bands, ys, glyph_height(binary, h, region, dpi), x0, x1, tol)
    xs = _cluster([x for b in bands for x in b], tol)
    if not xs or xs[0] - x0 > 2 * tol:  # open table: no left frame line
        xs.insert(0, x0)
    if x1 - xs[-1] > 2 * tol:
        xs.append(x1)
    if len(xs) < 2:
        return None
    vmask = np.zeros(binary.shape, bool)
    for i, b in enumerate(bands):
        for x in b:
            vmask[ys[i]:ys[i + 1] + 1, max(0, x - 1):x + 2] = True
    t = _px(s.line_tolerance_in, dpi, 2)
    nr, nc = len(ys) - 1, len(xs) - 1
    parent = list(range(nr * nc))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    h_t = h.T
    for i in range(nr):
        for j in range(nc):
            if j + 1 < nc and _coverage(vmask, xs[j + 1], ys[i] + 1, ys[i + 1], t) < s.border_coverage:
                parent[find(i * nc + j + 1)] = find(i * nc + j)
            if i + 1 < nr and _coverage(h_t, ys[i + 1], xs[j] + tol, xs[j + 1] - tol, t) < s.border_coverage:
                parent[find((i + 1) * nc + j)] = find(i * nc + j)
    groups: dict[int, list[tuple[int, int]]] = {}
    for i in range(nr):
        for j in range(nc):
            groups.setdefault(find(i * nc + j), []).append((i, j))
    grid = TableGrid(xs=xs, ys=ys, vmask=vmask)
    for pos in groups.values():
        r0, r1 = min(p[0] for p in pos), max(p[0] for p in pos)
        c0, c1 = min(p[1] for p in pos), max(p[1] for p in pos)
        grid.cells.append(GridCell(r0, c0, r1 - r0 + 1, c1 - c0 + 1,
                                   (float(xs[c0]), float(ys[r0]), float(xs[c1 + 1]), float(ys[r1 + 1]))))
    grid.cells.sort(key=lambda c: (c.row, c.col))
    return grid


def rule_mask(binary: np.ndarray, h: np.ndarray, grid: TableGrid, dpi: float, s: GridSettings) -> np.ndarray:
    """The ink of this table's rules: horizontal rules plus each cell's left/right borders."""
    out = np.zeros_like(binary)
    x0, y0, x1, y1 = grid.bbox
    m = _px(s.line_merge_in, dpi, 2)
    sl = (slice(max(0, y0 - m), y1 + m + 1), slice(max(0, x0 - m), x1 + m + 1))
    out[sl] = h[sl]
    if grid.vmask is not None:
        out[grid.vmask] |= binary[grid.vmask]
    return out


def find_tables(gray: np.ndarray, dpi: float, s: GridSettings = GridSettings()) -> tuple[list[TableGrid], np.ndarray]:
    """Table grids on a deskewed page, and the rule mask (to erase rules before OCR)."""
    binary = binarize(gray)
    h, v = horizontal_mask(binary, dpi, s), vertical_mask(binary, dpi, s)
    grids, rules = [], np.zeros_like(binary)
    for region in table_regions(h, v, dpi, s):
        g = build_grid(binary, h, region, dpi, s)
        if g is None or len(g.cells) < 2:
            continue
        grids.append(g)
        rules |= rule_mask(binary, h, g, dpi, s)
    return grids, cv2.dilate(rules, np.ones((3, 3), np.uint8))
