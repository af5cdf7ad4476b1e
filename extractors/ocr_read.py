"""Recognition of one page image: rules found and erased, text read by rapidocr, words put in cells.

rapidocr 3 (PP-OCR models shipped in the wheel, onnxruntime, fully offline) reads text
lines with per-character boxes; table structure comes from the ruling lines
(:mod:`extractors.ocr_grid`), and words are placed into cells by position
(:mod:`extractors.ocr_text`).
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import cv2
import numpy as np

from extractors.ocr_grid import TableGrid, binarize, find_tables, rotate, skew_angle
from extractors.ocr_pages import SETTINGS, OcrSettings
from extractors.ocr_text import (
    Word,
    chinese_forms,
    grid_to_table,
    is_numberlike,
    lines_to_paragraphs,
    repair_numeric,
    words_to_lines,
)
from ogi.errors import NeedsOCR
from ogi.types import Block, RawTable

log = logging.getLogger(__name__)


_engine: Any = None
_engine_lock = threading.Lock()


def get_engine(settings: OcrSettings = SETTINGS) -> Any:
    """The process-wide rapidocr engine (model load takes ~1 s, so load once)."""
    global _engine
    with _engine_lock:
        if _engine is None:
            try:
                from rapidocr import RapidOCR
            except ImportError as e:
                raise NeedsOCR("scanned document: the OCR engine is not installed "
                               "(pip install rapidocr onnxruntime)") from e
            logging.getLogger("RapidOCR").setLevel(logging.WARNING)
            _engine = RapidOCR(params={
                "Global.log_level": "warning",
                "Global.use_cls": False,  # pages are upright; the angle classifier costs time
                "Global.text_score": settings.text_score,
                # Table cells are short ("0"): a 96-px minimum recognition width instead of
                # 320 cuts recognition time ~3x with the same text.
                "Rec.rec_img_shape": [3, 48, settings.rec_min_width],
                "Rec.rec_batch_num": settings.rec_batch,
                "Det.box_thresh": settings.det_box_thresh,
            })
        return _engine


def _quad_bbox(quad: Any) -> tuple[float, float, float, float]:
    pts = np.asarray(quad, dtype=float).reshape(-1, 2)
    return float(pts[:, 0].min()), float(pts[:, 1].min()), float(pts[:, 0].max()), float(pts[:, 1].max())


def recognise(engine: Any, gray: np.ndarray) -> list[Word]:
    """OCR a page (detection + recognition); one :class:`Word` per character with its own box."""
    out = engine(cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR), use_det=True, use_cls=False, use_rec=True,
                 return_word_box=True, return_single_char_box=True)
    if out.txts is None or out.boxes is None:
        return []
    words: list[Word] = []
    per_line = out.word_results or [()] * len(out.txts)
    for k, (txt, score, box) in enumerate(zip(out.txts, out.scores, out.boxes)):
        parts = [p for p in (per_line[k] if k < len(per_line) else ()) if p and str(p[0]).strip() and p[2] is not None]
        if parts:
            words.extend(Word(chinese_forms(str(t).strip()), float(s), _quad_bbox(b), k) for t, s, b in parts)
        elif str(txt).strip():
            words.append(Word(chinese_forms(str(txt).strip()), float(score), _quad_bbox(box), k))
    return words


def recognise_line(engine: Any, crop: np.ndarray, bbox: tuple[float, float, float, float], line: int) -> list[Word]:
    """Recognition only, for a crop known to hold one line of text; one Word for it."""
    out = engine(cv2.cvtColor(crop, cv2.COLOR_GRAY2BGR), use_det=False, use_cls=False, use_rec=True)
    text = chinese_forms("".join(out.txts or ()).strip())
    return [Word(text, float(min(out.scores)), bbox, line)] if text else []


def erase(gray: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Paint the rules white so the recogniser never reads a rule as "1" or "|"."""
    out = gray.copy()
    out[mask > 0] = 255
    return out


def ink_box(binary: np.ndarray, bbox: tuple[float, float, float, float], dpi: float) -> tuple[int, int, int, int] | None:
    """Bounding box of the blobs bigger than dust inside a cell (page pixels), or None."""
    m = max(2, int(0.03 * dpi))
    x0, y0, x1, y1 = (int(v) for v in bbox)
    crop = binary[y0 + m:y1 - m, x0 + m:x1 - m]
    if crop.size == 0 or not crop.any():
        return None
    n, _, stats, _ = cv2.connectedComponentsWithStats(crop, connectivity=8)
    big = 0.05 * dpi
    blobs = [st for st in stats[1:n] if st[2] >= big or st[3] >= big]
    if not blobs:
        return None
    bx0 = min(st[0] for st in blobs) + x0 + m
    by0 = min(st[1] for st in blobs) + y0 + m
    bx1 = max(st[0] + st[2] for st in blobs) + x0 + m
    by1 = max(st[1] + st[3] for st in blobs) + y0 + m
    return bx0, by0, bx1, by1


def rescue_cells(engine: Any, img: np.ndarray, grids: list[TableGrid], words: list[Word], dpi: float,
                 rules: np.ndarray, settings: OcrSettings = SETTINGS) -> list[Word]:
    """OCR again the cells where page-level detection found nothing but ink is present: the
    detector skips short sparse labels ("三、") and digits next to rules. One line of ink is
    read by recognition alone (fast); taller ink by detection on the crop. Capped per page."""
    binary = cv2.bitwise_and(binarize(img), cv2.bitwise_not(rules))
    extra: list[Word] = []
    line = max((w.line for w in words), default=-1) + 1
    budget = settings.max_rescues
    for g in grids:
        filled = {id(g.cell_at(*w.center)) for w in words}
        for c in g.cells:
            if id(c) in filled or budget <= 0:
                continue
            box = ink_box(binary, c.bbox, dpi)
            if box is None:
                continue
            budget -= 1
            pad = max(2, int(0.03 * dpi))
            x0, y0, x1, y1 = box
            crop = img[max(0, y0 - pad):y1 + pad, max(0, x0 - pad):x1 + pad]
            if y1 - y0 <= 0.3 * dpi:
                extra.extend(recognise_line(engine, crop, (float(x0), float(y0), float(x1), float(y1)), line))
                line += 1
                continue
            big = int(0.1 * dpi)
            crop = cv2.copyMakeBorder(crop, big, big, big, big, cv2.BORDER_CONSTANT, value=255)
            ox, oy = max(0, x0 - pad) - big, max(0, y0 - pad) - big
            found = recognise(engine, crop)
            extra.extend(Word(w.text, w.score, (w.bbox[0] + ox, w.bbox[1] + oy, w.bbox[2] + ox, w.bbox[3] + oy),
                              line + w.line) for w in found)
            line += max((w.line for w in found), default=0) + 1
    if budget <= 0:
        log.debug("rescue budget spent: some empty-looking cells were not re-read")
    return extra


def without_dust(crop: np.ndarray, dpi: float) -> np.ndarray:
    """The crop with blobs smaller than ~0.02 in painted white (dust next to digits)."""
    binary = binarize(crop)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    small = 0.02 * dpi
    dust = [k for k in range(1, n) if stats[k][2] <= small and stats[k][3] <= small]
    out = crop.copy()
    if dust:
        out[np.isin(labels, dust)] = 255
    return out


def second_read(engine: Any, img: np.ndarray, table: RawTable, dpi: float, rules: np.ndarray,
                settings: OcrSettings = SETTINGS) -> None:
    """Re-read low-score numeric cells from a dust-free crop; when both reads agree the cell
    keeps the better score. A disagreement (a decimal point taken for dust, say) changes
    nothing, so this can only confirm a reading, never alter one."""
    binary = cv2.bitwise_and(binarize(img), cv2.bitwise_not(rules))
    for c in table.cells:
        if c.confidence is None or c.confidence >= settings.review_below or not is_numberlike(c.text):
            continue
        box = ink_box(binary, c.bbox, dpi)
        if box is None:
            continue
        pad = max(2, int(0.03 * dpi))
        x0, y0, x1, y1 = box
        crop = without_dust(img[max(0, y0 - pad):y1 + pad, max(0, x0 - pad):x1 + pad], dpi)
        again = recognise_line(engine, crop, c.bbox, 0)
        if again and repair_numeric(again[0].text, True) == c.text:
            c.confidence = round(max(c.confidence, again[0].score), 4)


def ocr_page(gray: np.ndarray, dpi: float, page: int, settings: OcrSettings = SETTINGS) -> list[Block]:
    """Deskew, find table grids, erase rules, OCR, and return blocks in reading order."""
    angle = skew_angle(gray, dpi, settings.grid)
    if abs(angle) > settings.max_skew_deg:
        log.debug("page %d: skew %.2f° beyond limit, not corrected", page, angle)
        angle = 0.0
    gray = rotate(gray, angle)
    grids, rules = find_tables(gray, dpi, settings.grid)
    clean = erase(gray, rules)
    engine = get_engine(settings)
    words = recognise(engine, clean)
    words += rescue_cells(engine, clean, grids, words, dpi, rules, settings)
    tables: list[tuple[float, RawTable]] = []
    for g in grids:
        table, words = grid_to_table(g, words, page)
        second_read(engine, clean, table, dpi, rules, settings)
        if any(c.text for c in table.cells):
            tables.append((g.ys[0], table))
    lines = words_to_lines(words)
    blocks: list[Block] = []
    cuts = [y for y, _ in tables] + [float("inf")]
    start = 0
    for k, cut in enumerate(cuts):  # paragraphs above each table, then the table
        seg = [ln for ln in lines[start:] if ln.bbox[1] < cut]
        start += len(seg)
        blocks.extend(lines_to_paragraphs(seg, page, gray.shape[1]))
        if k < len(tables):
            blocks.append(tables[k][1])
    return blocks
