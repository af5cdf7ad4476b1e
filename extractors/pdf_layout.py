"""Geometry primitives shared by the PDF table and paragraph code.

Everything here works on small immutable tuples (glyphs, segments, lines) in
"upright" display coordinates (x0, top, x1, bottom; y grows downward), so the
table builders never need to know whether the page was rotated.
"""

from __future__ import annotations

import bisect
import operator
import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from ogi.numbers import LAYOUT_NUMBER


class Glyph(NamedTuple):
    """One printed character."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float


class Seg(NamedTuple):
    """A ruling segment: orientation 'h' or 'v' and its box (zero width/height)."""

    orient: str
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass(frozen=True, slots=True)
class TextLine:
    """One visual line of text with its box (what paragraphs are built from)."""

    text: str
    page: int
    x0: float
    top: float
    x1: float
    bottom: float
    size: float


_X0 = operator.itemgetter(1)  # Glyph.x0
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef“”‘’—…·]")
_LATIN = re.compile(r"[A-Za-z0-9]")


def is_cjk(ch: str) -> bool:
    """CJK ideographs and full-width punctuation: no spaces are printed between them."""
    return bool(ch) and bool(_CJK.match(ch))


def join_wrapped(a: str, b: str) -> str:
    """Join two wrapped lines: no space across CJK or digits, one space between Latin words."""
    if not a:
        return b
    if not b:
        return a
    x, y = a[-1], b[0]
    if _LATIN.match(x) and _LATIN.match(y) and not (x.isdigit() and y.isdigit()):
        return f"{a} {b}"
    return a + b


_SPACE_RUN = re.compile(r"[ \t\u00a0\u2002\u2003\u3000]+")
_SPACE_NEAR_CJK = re.compile(
    r"(?<=[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef“”‘’—…·])[ \t\u00a0\u3000]+"
    r"|[ \t\u00a0\u3000]+(?=[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef“”‘’—…·])"
)


def clean_prose(text: str) -> str:
    """Drop layout spaces next to CJK ("2023 年" → "2023年"); keep spaces between Latin words."""
    text = _SPACE_RUN.sub(" ", text)
    return _SPACE_NEAR_CJK.sub("", text).strip()


def cluster(values: Iterable[float], tol: float) -> list[float]:
    """Sorted 1-D cluster centres: neighbours closer than ``tol`` share a centre."""
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(g) / len(g) for g in out]


def nearest_index(centres: Sequence[float], v: float) -> int:
    """Index of the centre closest to ``v``."""
    return min(range(len(centres)), key=lambda i: abs(centres[i] - v))


def nearest_sorted(centres: Sequence[float], v: float) -> int:
    """:func:`nearest_index` for ascending ``centres`` (what :func:`cluster` returns), by bisection;
    on a tie the lower index, as ``nearest_index`` picks."""
    i = bisect.bisect_left(centres, v)
    if i == 0:
        return 0
    if i == len(centres) or abs(centres[i - 1] - v) <= abs(centres[i] - v):
        i -= 1
    return bisect.bisect_left(centres, centres[i])  # the first of equal centres


def nearest_sorted_many(centres: Sequence[float], values: Sequence[float]) -> list[int]:
    """:func:`nearest_sorted` of each of ``values`` at once (numpy, the same float arithmetic)."""
    c = np.asarray(centres, dtype=float)
    v = np.asarray(values, dtype=float)
    i = np.searchsorted(c, v, side="left")
    lo = np.maximum(i - 1, 0)
    hi = np.minimum(i, len(c) - 1)
    pick = np.where((i == len(c)) | (np.abs(c[lo] - v) <= np.abs(c[hi] - v)), lo, hi)
    pick = np.where(i == 0, 0, pick)
    return np.searchsorted(c, c[pick], side="left").tolist()  # the first of equal centres


_LAST_SPACE = 0x3000  # every code point that str.isspace() holds is at or below U+3000
_IS_SPACE = np.array([chr(c).isspace() for c in range(_LAST_SPACE + 1)] + [False])


def printed_index(text: str) -> list[int]:
    """Indexes of the characters of ``text`` that are not whitespace (``not ch.isspace()``), without
    a Python step per character."""
    cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return np.flatnonzero(~_IS_SPACE[np.minimum(cps, _LAST_SPACE + 1)]).tolist()


def glyph_lines(glyphs: Iterable[Glyph]) -> list[list[Glyph]]:
    """Group glyphs into visual lines (by vertical centre), each sorted left to right."""
    # (centre, x0, input position): the order of a stable sort on (centre, x0), without a key call per glyph
    keyed = sorted([((g.top + g.bottom) / 2, g.x0, i, g) for i, g in enumerate(glyphs)])
    lines: list[list[Glyph]] = []
    centre = 0.0
    for c, _, _, g in keyed:
        tol = 0.45 * (g.bottom - g.top)
        if lines and abs(c - centre) <= (tol if tol > 1.0 else 1.0):
            lines[-1].append(g)
        else:
            lines.append([g])
            centre = c
    return [line if len(line) == 1 else sorted(line, key=_X0) for line in lines]


def line_text(line: Sequence[Glyph], space_ratio: float = 0.3) -> str:
    """Text of one line: no spaces around CJK; a gap (or space glyph) between Latin glyphs is one space."""
    parts: list[str] = []
    append = parts.append
    prev_text, prev_x1, first = "", 0.0, True
    for text, x0, _, x1, _, size in line:  # a Glyph's fields, unpacked once
        if text.isspace():  # a space glyph is layout; Latin word gaps are rebuilt below
            continue
        if not first and x0 - prev_x1 > space_ratio * (1.0 if 1.0 > size else size) \
                and not (_cjk(prev_text[-1:]) or _cjk(text[:1])):  # (1.0 if …): max(size, 1.0)
            append(" ")
        append(text)
        prev_text, prev_x1, first = text, x1, False
    return "".join(parts)


_CJK_SEEN: dict[str, bool] = {}


def _cjk(ch: str) -> bool:
    """:func:`is_cjk`, remembered per character (a line's glyphs repeat a few hundred characters)."""
    got = _CJK_SEEN.get(ch)
    if got is None:
        got = is_cjk(ch)
        if len(_CJK_SEEN) < 1 << 16:
            _CJK_SEEN[ch] = got
    return got


def glyphs_text(glyphs: Sequence[Glyph]) -> str:
    """Text of a block (cell): lines top to bottom, wrapped parts joined without CJK spaces."""
    if len(glyphs) == 1:  # most cells: one digit (what the general path gives, without its sorting)
        return _SPACE_RUN.sub(" ", line_text(glyphs)).strip()
    if not glyphs:
        return ""
    first = glyphs[0]
    if all(g.top == first.top and g.bottom == first.bottom for g in glyphs):
        # one line (equal centres): glyph_lines would give the glyphs in x0 order, ties in input order
        return _SPACE_RUN.sub(" ", line_text(sorted(glyphs, key=_X0))).strip()
    out = ""
    for line in glyph_lines(glyphs):
        out = join_wrapped(out, _SPACE_RUN.sub(" ", line_text(line)).strip())
    return out.strip()


def segments(line: Sequence[Glyph], gap_ratio: float = 0.9) -> list[list[Glyph]]:
    """Split a line into runs separated by gaps wider than ``gap_ratio`` × glyph size."""
    runs: list[list[Glyph]] = []
    run: list[Glyph] = []
    last_x1 = 0.0
    for g in line:
        text, x0, _, x1, _, size = g
        if text.isspace():
            continue
        if run and x0 - last_x1 <= gap_ratio * (1.0 if 1.0 > size else size):  # max(size, 1.0)
            run.append(g)
        else:
            run = [g]
            runs.append(run)
        last_x1 = x1
    return runs


def median(values: Iterable[float], default: float = 0.0) -> float:
    vs = list(values)
    if len(vs) == 1:  # what statistics.median gives, without its sorting
        return vs[0]
    return statistics.median(vs) if vs else default


def bbox_of(glyphs: Iterable[Glyph]) -> tuple[float, float, float, float]:
    gs = list(glyphs)
    return (min(g.x0 for g in gs), min(g.top for g in gs), max(g.x1 for g in gs), max(g.bottom for g in gs))


def inside(g: Glyph, box: tuple[float, float, float, float], pad: float = 0.0) -> bool:
    """Whether the glyph's centre lies in ``box``."""
    cx, cy = (g.x0 + g.x1) / 2, (g.top + g.bottom) / 2
    return box[0] - pad <= cx <= box[2] + pad and box[1] - pad <= cy <= box[3] + pad


_X0S, _TOPS, _X1S, _BOTTOMS = (operator.itemgetter(k) for k in (1, 2, 3, 4))


def centres(glyphs: Sequence[Glyph]) -> tuple[np.ndarray, np.ndarray]:
    """x and y centres of the glyphs as arrays (the same float arithmetic as :func:`inside`)."""
    n = len(glyphs)
    cx = (np.fromiter(map(_X0S, glyphs), float, n) + np.fromiter(map(_X1S, glyphs), float, n)) / 2
    cy = (np.fromiter(map(_TOPS, glyphs), float, n) + np.fromiter(map(_BOTTOMS, glyphs), float, n)) / 2
    return cx, cy


def outside_index(at: tuple[np.ndarray, np.ndarray], boxes: Sequence[tuple[float, float, float, float]],
                  pad: float = 0.0) -> np.ndarray:
    """Indexes (ascending) of the centres ``at`` (:func:`centres`) that lie in none of ``boxes``."""
    cx, cy = at
    keep = np.ones(len(cx), dtype=bool)
    for b in boxes:
        keep &= ~((b[0] - pad <= cx) & (cx <= b[2] + pad) & (b[1] - pad <= cy) & (cy <= b[3] + pad))
    return np.flatnonzero(keep)


def outside(glyphs: Iterable[Glyph], boxes: Sequence[tuple[float, float, float, float]], pad: float = 0.0,
            ) -> list[Glyph]:
    """The glyphs whose centre lies in none of ``boxes`` (``not any(inside(g, b, pad) …)``, vectorised)."""
    gs = glyphs if isinstance(glyphs, (list, tuple)) else list(glyphs)
    if not boxes or not gs:
        return list(gs)
    return [gs[i] for i in outside_index(centres(gs), boxes, pad).tolist()]


# a number, or a printed zero: the dashes (half/full-width, em, en, minus, doubled), slashes, 无
NUMERIC_TEXT = LAYOUT_NUMBER


@dataclass(slots=True)
class TextRun:
    """Glyphs of one line close enough to be one cell's text (a table cell candidate)."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def numeric(self) -> bool:
        return bool(NUMERIC_TEXT.match(self.text))


@dataclass(slots=True)
class RunLine:
    """The text runs of one visual line, left to right."""

    segs: list[TextRun]

    @property
    def top(self) -> float:
        return min(s.top for s in self.segs)

    @property
    def bottom(self) -> float:
        return max(s.bottom for s in self.segs)

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def size(self) -> float:
        return median((s.size for s in self.segs), 10.0)

    def numbers(self) -> list[TextRun]:
        return [s for s in self.segs if s.numeric]


def text_runs(glyphs: Iterable[Glyph], gap_ratio: float = 0.9,
              lines: list[list[Glyph]] | None = None) -> list[RunLine]:
    """Visual lines split into runs at gaps wider than ``gap_ratio`` × glyph size; ``lines``: the
    glyphs' :func:`glyph_lines` when grouped already."""
    out = []
    for gl in glyph_lines(glyphs) if lines is None else lines:
        segs = []
        for run in segments(gl, gap_ratio):
            text = line_text(run).strip()
            if text and len(run) == 1:  # one glyph (a digit, a dash): its own box and size
                g = run[0]
                segs.append(TextRun(text, g.x0, g.top, g.x1, g.bottom, g.size))
            elif text:
                _, x0s, tops, x1s, bottoms, sizes = zip(*run)  # the glyphs' fields as columns, in run order
                segs.append(TextRun(text, min(x0s), min(tops), max(x1s), max(bottoms), median(sizes)))
        if segs:
            out.append(RunLine(segs))
    return out
