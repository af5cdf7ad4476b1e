"""Page geometry (glyphs and rules) straight from pypdfium2: ~10x faster than pdfplumber.

pdfplumber/pdfminer spends 40–90 ms per page tokenising the content stream in
Python; PDFium does the same in C in a few ms. This module builds the same
:class:`PageGeom` that :func:`extractors.pdf_page.read_page` builds from pdfplumber,
so the table code runs unchanged on either. Coordinates are the page's unrotated
space, y flipped to top-down; sideways text (by PDFium's glyph angle) is turned
upright like on the pdfplumber path.
"""

from __future__ import annotations

import ctypes
import logging
import math
from collections.abc import Iterable, Iterator
from itertools import repeat
from typing import Any

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from extractors import pdfium_calls as P
from extractors import pdfium_native as native
from extractors.pdf_layout import Glyph, printed_index
from extractors.pdf_page import BBox, PageGeom, _mover, _to_seg

log = logging.getLogger(__name__)


def _turn(textpage: Any, n: int) -> str:
    """'' for upright text, 'down'/'up' when most glyphs are rotated a quarter turn."""
    if n == 0:
        return ""
    step = max(1, n // 200)
    tp, angle = P.handle(textpage.raw), P.GetCharAngle
    if native.LIB is not None:
        angles = native.char_angles(tp, list(range(0, n, step)))
    else:
        angles = [angle(tp, i) for i in range(0, n, step)]
    angles = [a for a in angles if a >= 0]
    quarter = [a for a in angles if abs(math.sin(a)) > 0.9]
    if len(quarter) <= len(angles) / 2:
        return ""
    # PDF space has y up: a glyph turned +90° runs upward on the page
    return "up" if sum(math.sin(a) for a in quarter) > 0 else "down"


def glyphs_of(textpage: Any, height: float, move: Any, text: str | None = None) -> list[Glyph]:
    """Every printed character with its box, top-down and upright.

    Read in one C call per page when :mod:`extractors.pdfium_native` is built (:func:`_glyphs_native`),
    else, with the same result, by the loop of :func:`_read_glyphs`: bare PDFium calls
    (:mod:`extractors.pdfium_calls`) with reused ctypes structs, once per printed character. A character's printed size depends only on its text
    object (PDFium takes the nominal size and the matrix from the object), so it is read once
    per object: two calls per character instead of four where objects hold several characters
    (a page whose characters are objects of their own stops looking after a probe). ``move``:
    None for upright text; ``text``: the page text when read already.
    """
    n = textpage.count_chars()
    if text is None:
        text = textpage.get_text_range()
    if len(text) != n:  # surrogate pairs shift indices: read char by char
        text = "".join(textpage.get_text_range(i, 1) or " " for i in range(n))
    return _read_glyphs(textpage, height, move, text)[0]


Centres = tuple[np.ndarray, np.ndarray]


def _read_glyphs(textpage: Any, height: float, move: Any, text: str) -> tuple[list[Glyph], Centres | None]:
    """:func:`glyphs_of` and, when read in one batch, the glyphs' centres (what
    :func:`extractors.pdf_layout.centres` computes from them)."""
    if native.LIB is not None:
        got = _glyphs_native(textpage, height, move, text)
        if got is not None:
            return got
    out: list[Glyph] = []
    append, new = out.append, tuple.__new__  # Glyph(...) through NamedTuple's __new__ costs a Python call
    tp = P.handle(textpage.raw)
    rect, mat = P.new_rect(), pdfium_c.FS_MATRIX()
    rect_ref, read_rect, mat_ref = ctypes.byref(rect), P.read_rect, ctypes.byref(mat)
    is_generated, loose_box, text_object = P.IsGenerated, P.GetLooseCharBox, P.GetTextObject
    font_size, char_matrix, sqrt = P.GetFontSize, P.GetCharMatrix, math.sqrt
    sizes: dict[int, float] = {}  # text object → printed size (0.0: unknown)
    get_size = sizes.get
    per_object = True  # off when most characters are objects of their own (nothing to reuse)
    misses = 0
    for i, ch in enumerate(text):
        if ch.isspace():
            continue
        obj = text_object(tp, i) if per_object else None
        base = get_size(obj) if obj is not None else None
        if base is None:
            if is_generated(tp, i) == 1:  # PDFium generates only spaces and line breaks
                continue
            # printed size: the nominal size scaled by the text matrix (pdfminer's size); 0.0 unknown
            nominal = font_size(tp, i)
            base = nominal * sqrt(abs(mat.a * mat.d - mat.b * mat.c)) if nominal and char_matrix(tp, i, mat_ref) \
                else 0.0
            if obj is not None:
                sizes[obj] = base
                misses += 1
                if misses == _PROBE and i < 2 * _PROBE:
                    per_object = False
        if not loose_box(tp, i, rect_ref):
            raise pdfium.PdfiumError("Failed to get charbox.")
        x0, top, x1, bottom = read_rect(rect)  # advance-width box, like pdfminer's (PDF space: y up)
        size = base or (top - bottom)
        if x1 - x0 > 3 * size or top - bottom > 3 * size:
            # some fonts (vertical text in WPS) get a loose box many glyphs wide: use the ink box
            tx0, tbottom, tx1, ttop = textpage.get_charbox(i)
            cx, cy = (tx0 + tx1) / 2, (tbottom + ttop) / 2
            x0, x1, bottom, top = cx - size / 2, cx + size / 2, cy - size / 2, cy + size / 2
        if top - bottom <= 0:
            continue
        if move is None:
            append(new(Glyph, (ch, x0, height - top, x1, height - bottom, size)))
        else:
            a, b, c, d = move(x0, height - top, x1, height - bottom)
            append(new(Glyph, (ch, a, b, c, d, size)))
    return out, None


_PROBE = 64  # after this many text objects in under twice as many characters, stop reusing sizes


def _glyphs_native(textpage: Any, height: float, move: Any, text: str) -> tuple[list[Glyph], Centres | None] | None:
    """:func:`glyphs_of` from one batched C read of every printed character, the arithmetic on numpy
    arrays (the same float64 operations as the loop). None when the page has what only the loop
    handles exactly: a character PDFium generated, or characters of one text object whose sizes
    differ (the loop reads a size once per object; here every character's own is used)."""
    idx = printed_index(text)
    if not idx:
        return [], None
    objs, ints, nominal, mats, boxes = native.char_info(P.handle(textpage.raw), idx)
    if ints[:, 0].any():
        return None
    m = mats.astype(np.float64)
    with np.errstate(all="ignore"):
        own = np.where((nominal != 0) & (ints[:, 1] != 0),
                       nominal * np.sqrt(np.abs(m[:, 0] * m[:, 3] - m[:, 1] * m[:, 2])), 0.0)
    _, first, group = np.unique(objs, return_index=True, return_inverse=True)
    if not ((own == own[first][group]) | (objs == 0)).all():
        return None
    if not ints[:, 2].all():
        raise pdfium.PdfiumError("Failed to get charbox.")
    box = boxes.astype(np.float64)  # advance-width boxes, like pdfminer's (PDF space: y up)
    x0, top, x1, bottom = box[:, 0], box[:, 1], box[:, 2], box[:, 3]
    size = np.where(own != 0, own, top - bottom)  # `base or (top - bottom)`
    for k in np.flatnonzero((x1 - x0 > 3 * size) | (top - bottom > 3 * size)).tolist():
        sz = float(size[k])  # the loop's ink-box fallback (see glyphs_of)
        tx0, tbottom, tx1, ttop = textpage.get_charbox(idx[k])
        cx, cy = (tx0 + tx1) / 2, (tbottom + ttop) / 2
        x0[k], x1[k], bottom[k], top[k] = cx - sz / 2, cx + sz / 2, cy - sz / 2, cy + sz / 2
    good = np.flatnonzero(~(top - bottom <= 0))
    chars = list(map(text.__getitem__, idx))
    if len(good) < len(idx):
        chars = [chars[k] for k in good.tolist()]
        x0, top, x1, bottom, size = x0[good], top[good], x1[good], bottom[good], size[good]
    top, bottom = height - top, height - bottom  # top-down
    cols = (x0.tolist(), top.tolist(), x1.tolist(), bottom.tolist(), size.tolist())
    new = tuple.__new__
    if move is None:  # centres as pdf_layout.centres computes them from these glyphs
        return list(map(new, repeat(Glyph), zip(chars, *cols))), ((x0 + x1) / 2, (top + bottom) / 2)
    return [new(Glyph, (ch, *move(a, b, c, d), s)) for ch, a, b, c, d, s in zip(chars, *cols)], None


def _color(getter: Any, obj: P.Handle, r: Any, g: Any, b: Any, a: Any) -> tuple[int, int, int, int]:
    ok = getter(obj, ctypes.byref(r), ctypes.byref(g), ctypes.byref(b), ctypes.byref(a))
    return (r.value, g.value, b.value, a.value) if ok else (0, 0, 0, 255)


def _visible(rgba: tuple[int, int, int, int]) -> bool:
    """Not white and not transparent."""
    r, g, b, a = rgba
    return a > 0 and not (r >= 250 and g >= 250 and b >= 250)


def _subpaths(obj: P.Handle, m: Any) -> list[tuple[list[tuple[float, float]], bool]]:
    """Polylines of a raw path object in page space (curves dropped), each with its closed flag.
    ``m`` is a reused FS_MATRIX to read the object's transform into."""
    if not P.GetObjMatrix(obj, ctypes.byref(m)):
        raise pdfium.PdfiumError("Failed to get matrix of pageobject.")
    return _polylines(_segments(obj, (m.a, m.b, m.c, m.d, m.e, m.f)))


def _polylines(segs: Iterable[tuple[tuple[float, float], int, int]]) -> list[tuple[list[tuple[float, float]], bool]]:
    """(point, type, close flag) of a path's segments → its polylines (curves dropped), each closed or not."""
    out: list[tuple[list[tuple[float, float]], bool]] = []
    cur: list[tuple[float, float]] = []
    closed = False
    moveto, lineto = P.MOVETO, P.LINETO
    for pt, kind, close in segs:
        if kind == moveto:
            if len(cur) > 1:
                out.append((cur, closed))
            cur, closed = [pt], False
        elif kind == lineto:
            cur.append(pt)
        else:  # a curve: keep its end point so later lines start right
            if len(cur) > 1:
                out.append((cur, closed))
            cur, closed = [pt], False
        if close:
            closed = True
    if len(cur) > 1:
        out.append((cur, closed))
    return out


def _segments(obj: P.Handle, mat: tuple[float, ...]) -> Iterator[tuple[tuple[float, float], int, int]]:
    """(point in page space, type, close flag) of each segment of a path, one PDFium call each."""
    ma, mb, mc, md, me, mf = mat
    x, y = ctypes.c_float(), ctypes.c_float()
    xr, yr = ctypes.byref(x), ctypes.byref(y)
    get_seg, get_point, get_type, get_close = P.GetPathSegment, P.SegmentGetPoint, P.SegmentGetType, P.SegmentGetClose
    for i in range(P.CountSegments(obj)):
        seg = get_seg(obj, i)
        get_point(seg, xr, yr)  # on failure x, y keep the last point
        xv, yv = x.value, y.value
        yield (ma * xv + mc * yv + me, mb * xv + md * yv + mf), get_type(seg), get_close(seg)


def _paths(objects: list[tuple[int, P.Handle]]) -> Iterator[P.Handle]:
    """The page's top-level path objects (not inside Form XObjects)."""
    return (obj for kind, obj in objects if kind == P.PATH)


def rules_of(page: Any, height: float, thin: float = 2.0,
             objects: list[tuple[int, P.Handle]] | None = None) -> list[BBox]:
    """Rule boxes (top-down) from stroked lines and thin filled boxes; shading is skipped.
    ``objects``: the page's (type, handle) list when read already."""
    out: list[BBox] = []
    paths = list(_paths(objects if objects is not None else P.page_objects(page.raw)))
    drawn = _drawn_native(paths) if native.LIB is not None and paths else None
    for stroked, filled, subpaths in _drawn(paths) if drawn is None else drawn:
        for pts, closed in subpaths:
            xs, ys = [p[0] for p in pts], [p[1] for p in pts]
            w, h = max(xs) - min(xs), max(ys) - min(ys)
            if filled and (w <= thin or h <= thin):
                out.append((min(xs), height - max(ys), max(xs), height - min(ys)))
                continue
            if not stroked:
                continue
            pairs = list(zip(pts, pts[1:])) + ([(pts[-1], pts[0])] if closed else [])
            for (ax, ay), (bx, by) in pairs:
                if abs(ax - bx) < 0.5 or abs(ay - by) < 0.5:
                    out.append((min(ax, bx), height - max(ay, by), max(ax, bx), height - min(ay, by)))
    return out


Drawn = Iterator[tuple[bool, bool, list[tuple[list[tuple[float, float]], bool]]]]


def _drawn(paths: list[P.Handle]) -> Drawn:
    """(stroked, filled, polylines) of each visible path, a PDFium call per value."""
    fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
    fill_ref, stroke_ref = ctypes.byref(fill_mode), ctypes.byref(stroke)
    rgba = (ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint())
    mat = pdfium_c.FS_MATRIX()
    for obj in paths:
        P.GetDrawMode(obj, fill_ref, stroke_ref)
        stroked = bool(stroke.value) and _visible(_color(P.GetStrokeColor, obj, *rgba))
        filled = fill_mode.value != 0 and _visible(_color(P.GetFillColor, obj, *rgba))
        if stroked or filled:
            yield stroked, filled, _subpaths(obj, mat)


def _drawn_native(paths: list[P.Handle]) -> Drawn | None:
    """:func:`_drawn` from two C calls for the whole page (the same values), the points put in page
    space on numpy arrays (the same float64 arithmetic)."""
    got = native.paths(paths)
    if got is None:
        return None
    ints, mats, points, seg_ints = got
    counts = ints[:, 14]
    ends = np.cumsum(counts).tolist()
    m = np.repeat(mats.astype(np.float64), counts, axis=0)
    xs, ys = points[:, 0].astype(np.float64), points[:, 1].astype(np.float64)
    px, py = (m[:, 0] * xs + m[:, 2] * ys + m[:, 4]).tolist(), (m[:, 1] * xs + m[:, 3] * ys + m[:, 5]).tolist()
    kinds, closes = seg_ints[:, 0].tolist(), seg_ints[:, 1].tolist()

    def drawn() -> Drawn:
        for o, end in zip(ints.tolist(), ends):
            stroked = bool(o[2]) and _visible(tuple(o[4:8]) if o[3] else (0, 0, 0, 255))
            filled = o[1] != 0 and _visible(tuple(o[9:13]) if o[8] else (0, 0, 0, 255))
            if not (stroked or filled):
                continue
            if not o[13]:
                raise pdfium.PdfiumError("Failed to get matrix of pageobject.")
            start = end - o[14]
            yield stroked, filled, _polylines(zip(zip(px[start:end], py[start:end]), kinds[start:end],
                                                  closes[start:end]))

    return drawn()


def read_page_fast(page: Any, textpage: Any, number: int, text: str | None = None,
                   objects: list[tuple[int, P.Handle]] | None = None) -> PageGeom:
    """PageGeom of a pypdfium2 page (unrotated page space, y down, text upright); ``text`` and
    ``objects`` (its path objects at least: :func:`extractors.pdfium_native.page_objects`) when the caller
    read them already."""
    w, h = _size(page)
    n = textpage.count_chars()
    turn = _turn(textpage, n)
    move = _mover(turn, w, h)
    if text is None:
        text = textpage.get_text_range()
    if len(text) != n:  # as glyphs_of reads it
        text = "".join(textpage.get_text_range(i, 1) or " " for i in range(n))
    glyphs, at = _read_glyphs(textpage, h, move if turn else None, text)
    segs = [s for s in (_to_seg(move(*b)) for b in rules_of(page, h, objects=objects)) if s is not None]
    if turn:
        log.debug("page %d: text runs %s; rotated upright", number, turn)
    uw, uh = (h, w) if turn else (w, h)
    return PageGeom(number, uw, uh, tuple(glyphs), tuple(segs), turn, w, h, at)


def _size(page: Any) -> tuple[float, float]:
    """Unrotated page size (PDFium's get_size swaps it for /Rotate 90/270)."""
    w, h = page.get_size()
    return (h, w) if page.get_rotation() in (90, 270) else (w, h)

