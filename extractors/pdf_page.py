"""One PDF page read by pdfplumber, turned upright.

pdfplumber applies ``/Rotate`` to coordinates but leaves glyphs sideways on a
rotated page (``upright`` false, text running down or up), so a table there would
come out transposed. We detect the text direction from the glyphs themselves and
rotate everything (glyphs and rules) so text runs left to right; cell boxes are
mapped back to page coordinates when reported.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from extractors.pdf_layout import Glyph, Seg, median

log = logging.getLogger(__name__)

BBox = tuple[float, float, float, float]


@dataclass(frozen=True, slots=True)
class PageGeom:
    """Upright glyphs and ruling segments of one page, plus how to map boxes back."""

    number: int  # 1-based
    width: float  # upright width
    height: float
    glyphs: tuple[Glyph, ...]
    segs: tuple[Seg, ...]
    turn: str = ""  # "" | "down" (text ran top→bottom) | "up"
    page_width: float = 0.0  # as pdfplumber reports it
    page_height: float = 0.0
    centres: Any = field(default=None, compare=False, repr=False)  # the glyphs' centres when read with them

    def to_page(self, box: BBox) -> BBox:
        """An upright box back in pdfplumber page coordinates."""
        a, b, c, d = box
        if self.turn == "down":
            return (self.page_width - d, a, self.page_width - b, c)
        if self.turn == "up":
            return (b, self.page_height - c, d, self.page_height - a)
        return box


def _turn_of(chars: list[dict[str, Any]]) -> str:
    """Which way sideways text runs, from consecutive glyphs in the same column."""
    sideways = [c for c in chars if not c.get("upright", True) and c["text"].strip()]
    if len(sideways) <= len(chars) / 2:
        return ""
    deltas = [b["top"] - a["top"] for a, b in zip(sideways, sideways[1:]) if abs(b["x0"] - a["x0"]) < 1.0]
    return "up" if median(deltas, 1.0) < 0 else "down"


def _mover(turn: str, w: float, h: float):
    """The function mapping a page box (x0, top, x1, bottom) to upright coordinates."""
    if turn == "down":
        return lambda x0, top, x1, bottom: (top, w - x1, bottom, w - x0)
    if turn == "up":
        return lambda x0, top, x1, bottom: (h - bottom, x0, h - top, x1)
    return lambda x0, top, x1, bottom: (x0, top, x1, bottom)


def is_white(color: Any) -> bool:
    """Whether a pdfplumber colour is white (invisible on paper): gray 1, RGB 1,1,1 or CMYK 0,0,0,0."""
    if color is None:
        return False
    vals = tuple(color) if isinstance(color, (tuple, list)) else (color,)
    if not vals or not all(isinstance(v, (int, float)) for v in vals):
        return False
    if len(vals) == 4:
        return all(v <= 0.02 for v in vals)
    return all(v >= 0.98 for v in vals)


def _raw_segments(page: Any, thin: float = 2.0) -> list[BBox]:
    """Axis-parallel rule boxes from lines, rects (thin ones are rules) and curves."""
    out: list[BBox] = []
    for ln in page.lines:
        out.append((ln["x0"], ln["top"], ln["x1"], ln["bottom"]))
    for r in page.rects:
        x0, top, x1, bottom = r["x0"], r["top"], r["x1"], r["bottom"]
        stroked = bool(r.get("stroke")) and not is_white(r.get("stroking_color"))
        filled = bool(r.get("fill")) and not is_white(r.get("non_stroking_color"))
        if (bottom - top <= thin or x1 - x0 <= thin) and (stroked or filled):
            out.append((x0, top, x1, bottom))  # a rule drawn as a thin box
        elif stroked:  # a framed box: its four sides (shading boxes are not rules)
            out += [(x0, top, x1, top), (x0, bottom, x1, bottom), (x0, top, x0, bottom), (x1, top, x1, bottom)]
    for cv in page.curves:
        pts = cv.get("pts") or []
        for (ax, ay), (bx, by) in zip(pts, pts[1:]):
            if abs(ax - bx) < 0.5 or abs(ay - by) < 0.5:
                out.append((min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)))
    return out


def _to_seg(box: BBox) -> Seg | None:
    x0, top, x1, bottom = box
    if x1 - x0 >= bottom - top:
        y = (top + bottom) / 2
        return Seg("h", x0, y, x1, y) if x1 - x0 > 0 else None
    x = (x0 + x1) / 2
    return Seg("v", x, top, x, bottom)


def read_page(page: Any, number: int) -> PageGeom:
    """Glyphs and rules of a pdfplumber page, rotated upright when the text is sideways."""
    chars = page.chars
    w, h = float(page.width), float(page.height)
    turn = _turn_of(chars)
    move = _mover(turn, w, h)
    glyphs = []
    for c in chars:
        x0, top, x1, bottom = move(c["x0"], c["top"], c["x1"], c["bottom"])
        glyphs.append(Glyph(c["text"], x0, top, x1, bottom, float(c.get("size") or (bottom - top))))
    segs = [s for s in (_to_seg(move(*b)) for b in _raw_segments(page)) if s is not None]
    if turn:
        log.debug("page %d: text runs %s; rotated upright", number, turn)
        w, h = h, w
    return PageGeom(number, w, h, tuple(glyphs), tuple(segs), turn, float(page.width), float(page.height))
