"""OCR for scanned reports: image-only PDFs and PNG/JPEG/TIFF files.

rapidocr 3 (PP-OCR models shipped in the wheel, onnxruntime, fully offline) reads text
lines with per-character boxes; table structure comes from the ruling lines
(:mod:`extractors.ocr_grid`), and words are placed into cells by position
(:mod:`extractors.ocr_text`). Document.ocr_engine and ``ocr_min_confidence`` say so
(lowest score over numeric table cells) so the normalizer can ask for review.
"""

from __future__ import annotations

import io
import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import cv2
import numpy as np

from extractors.base import Extractor, register
from extractors.ocr_grid import GridSettings, TableGrid, binarize, find_tables, rotate, skew_angle
from extractors.ocr_text import (
    Word,
    grid_to_table,
    is_numberlike,
    lines_to_paragraphs,
    min_numeric_confidence,
    repair_numeric,
    words_to_lines,
)
from ogi.errors import ExtractionError, NeedsOCR
from ogi.settings import OCR_MAX_DPI, OCR_MAX_PAGES, OCR_TIME_BUDGET_S, ExtractSettings
from ogi.types import Block, Document, RawTable

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OcrSettings:
    min_dpi: float = 150.0  # never render below this: small CJK glyphs stop being legible
    max_dpi: float = OCR_MAX_DPI  # finer scans are downsampled: no accuracy gain, 2x the time
    default_dpi: float = 200.0  # pages that are not a single full-page image
    max_pages: int = OCR_MAX_PAGES  # long scans: the first pages (tables) and the last two (sections 5, 6)
    time_budget_s: float = OCR_TIME_BUDGET_S  # stay inside the pipeline's per-file limit; later pages are skipped
    max_pixels: int = 80_000_000  # refuse absurd images (decompression bombs)
    text_score: float = 0.3  # keep low-score text: dropping it would turn a faint "1" into a blank
    max_skew_deg: float = 2.0
    rec_min_width: int = 96
    rec_batch: int = 12
    review_below: float = 0.9  # numeric cells scored lower get a second, dust-free read
    max_rescues: int = 40  # per page: cells re-read one by one when page-level detection missed them
    det_box_thresh: float = 0.4  # default 0.5 misses sparse labels such as "三、"
    grid: GridSettings = GridSettings()


SETTINGS = OcrSettings()
ENGINE_NAME = "rapidocr"


def ocr_settings(extract: ExtractSettings) -> OcrSettings:
    """The OCR tuning a run's settings choose: pages, time budget and resolution ceiling."""
    return replace(SETTINGS, max_pages=extract.ocr_max_pages, time_budget_s=extract.ocr_time_budget_s,
                   max_dpi=extract.ocr_max_dpi, min_dpi=min(SETTINGS.min_dpi, extract.ocr_max_dpi),
                   default_dpi=min(SETTINGS.default_dpi, extract.ocr_max_dpi))

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
            words.extend(Word(str(t).strip(), float(s), _quad_bbox(b), k) for t, s, b in parts)
        elif str(txt).strip():
            words.append(Word(str(txt).strip(), float(score), _quad_bbox(box), k))
    return words


def recognise_line(engine: Any, crop: np.ndarray, bbox: tuple[float, float, float, float], line: int) -> list[Word]:
    """Recognition only, for a crop known to hold one line of text; one Word for it."""
    out = engine(cv2.cvtColor(crop, cv2.COLOR_GRAY2BGR), use_det=False, use_cls=False, use_rec=True)
    text = "".join(out.txts or ()).strip()
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


# ---------------------------------------------------------------- scanned PDFs

def page_dpi(page: Any, settings: OcrSettings = SETTINGS) -> float:
    """Render at the scan's own resolution when the page is one full-page image."""
    width_in = page.get_width() / 72.0
    images = [o for o in page.get_objects() if o.type == 3]  # FPDF_PAGEOBJ_IMAGE
    if len(images) == 1 and width_in > 0:
        try:
            px_w, _ = images[0].get_px_size()
            x0, _, x1, _ = images[0].get_bounds()
            native = px_w / max((x1 - x0) / 72.0, 1e-6)
            return float(min(max(native, settings.min_dpi), settings.max_dpi))
        except Exception:  # pdfium raises plain errors on odd image objects
            pass
    return settings.default_dpi


def pages_to_read(n: int, settings: OcrSettings = SETTINGS) -> list[int]:
    """0-based pages to OCR: all of a short report; of a long one the first pages, which
    hold the tables, and the last two, which hold sections 五 and 六."""
    if n <= settings.max_pages:
        return list(range(n))
    head = settings.max_pages - 2
    return list(range(head)) + [n - 2, n - 1]


def render_pages(data: bytes, file_name: str, settings: OcrSettings = SETTINGS) -> Iterator[tuple[int, float, np.ndarray, int]]:
    """(page number, dpi, grayscale image, page count) for each page to OCR."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        raise ExtractionError(f"not a readable PDF: {e}", file=file_name) from e
    try:
        n = len(pdf)
        for i in pages_to_read(n, settings):
            page = pdf[i]
            dpi = page_dpi(page, settings)
            w, h = page.get_width() * dpi / 72, page.get_height() * dpi / 72
            if w * h > settings.max_pixels:
                raise ExtractionError(f"page too large to OCR ({w:.0f}×{h:.0f} px)", file=file_name, page=i + 1)
            img = page.render(scale=dpi / 72, grayscale=True).to_numpy()
            page.close()
            yield i + 1, dpi, (img if img.ndim == 2 else img[:, :, 0]).copy(), n
    finally:
        pdf.close()


def _finish(doc: Document, dpis: list[float]) -> Document:
    doc.ocr_engine = ENGINE_NAME
    doc.ocr_dpi = ",".join(sorted({f"{d:.0f}" for d in dpis}))
    doc.ocr_min_confidence = min_numeric_confidence(doc.tables)
    if not doc.blocks:
        doc.warnings.append("OCR found no text")
    return doc


def extract_scanned_pdf(data: bytes, file_name: str, settings: OcrSettings = SETTINGS) -> Document:
    """OCR an image-only PDF (the PDF extractor calls this when a PDF has no text layer)."""
    doc = Document(file_name=file_name, format="pdf")
    dpis: list[float] = []
    started = time.monotonic()
    done = 0
    for page_no, dpi, gray, n in render_pages(data, file_name, settings):
        doc.pages = n
        if time.monotonic() - started > settings.time_budget_s:
            doc.incomplete = f"OCR time budget ({settings.time_budget_s:.0f} s) spent: read {done} of {n} pages"
            doc.warnings.append(doc.incomplete)
            break
        dpis.append(dpi)
        doc.blocks.extend(in_points(ocr_page(gray, dpi, page_no, settings), dpi))
        done += 1
    if doc.pages and doc.pages > settings.max_pages:
        doc.warnings.append(f"long scan: OCR read pages 1-{settings.max_pages - 2} and the last two "
                            f"of {doc.pages}")
    return _finish(doc, dpis)


# ---------------------------------------------------------------- images

def resample(gray: np.ndarray, dpi: float, settings: OcrSettings = SETTINGS) -> tuple[np.ndarray, float]:
    """Scale an image into the [min_dpi, max_dpi] range the OCR models read best."""
    target = min(max(dpi, settings.min_dpi), settings.max_dpi)
    if abs(target - dpi) / dpi < 0.05:
        return gray.copy(), dpi
    f = target / dpi
    interp = cv2.INTER_AREA if f < 1 else cv2.INTER_CUBIC
    return cv2.resize(gray, None, fx=f, fy=f, interpolation=interp), target


def load_image_pages(data: bytes, file_name: str, settings: OcrSettings = SETTINGS) -> list[tuple[np.ndarray, float]]:
    """Grayscale frames of a PNG/JPEG/(multi-page) TIFF with their dpi (guessed from A4 if absent)."""
    from PIL import Image, ImageSequence, UnidentifiedImageError

    try:
        im = Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, OSError) as e:
        raise ExtractionError(f"not a readable image: {e}", file=file_name) from e
    frames = []
    try:
        for k, frame in enumerate(ImageSequence.Iterator(im)):
            if k >= settings.max_pages:
                break
            w, h = frame.size
            if w * h > settings.max_pixels:
                raise ExtractionError(f"image too large to OCR ({w}×{h} px)", file=file_name, page=k + 1)
            frames.append(resample(np.asarray(frame.convert("L")), image_dpi(frame), settings))
    except (OSError, ValueError, Image.DecompressionBombError) as e:
        raise ExtractionError(f"cannot decode image: {e}", file=file_name) from e
    return frames


def image_dpi(frame: Any) -> float:
    """An image's dpi from its header, or guessed from A4 (the short side is 8.27 in)."""
    w, h = frame.size
    dpi = frame.info.get("dpi", (0, 0))[0] or 0
    try:
        dpi = float(dpi)
    except (TypeError, ValueError):
        dpi = 0.0
    return dpi if 72 < dpi <= 1200 else min(w, h) / 8.27


def in_points(blocks: list[Block], dpi: float) -> list[Block]:
    """Cell boxes from pixels of the page read at ``dpi`` to PDF points from the page's top-left,
    the unit of every other page-based box (so one crop/draw routine serves all files)."""
    f = 72.0 / dpi
    for b in blocks:
        if isinstance(b, RawTable):
            for c in b.cells:
                if c.bbox is not None:
                    c.bbox = tuple(round(v * f, 2) for v in c.bbox)
    return blocks


@register
class ImageExtractor(Extractor):
    """Photographed or scanned report pages saved as images."""

    name = "ocr-image"
    version = "2"  # 2: boxes in points
    kinds = ("image",)

    def __init__(self, settings: OcrSettings = SETTINGS, ocr: bool = True) -> None:
        self.settings, self.ocr = settings, ocr

    @classmethod
    def for_run(cls, settings: ExtractSettings) -> ImageExtractor:
        return cls(ocr_settings(settings), settings.ocr)

    def extract(self, data: bytes, file_name: str) -> Document:
        if not self.ocr:
            raise NeedsOCR("a scanned page (image): OCR is turned off for this run", file=file_name)
        doc = Document(file_name=file_name, format="image")
        frames = load_image_pages(data, file_name, self.settings)
        doc.pages = len(frames)
        for k, (gray, dpi) in enumerate(frames, start=1):
            doc.blocks.extend(in_points(ocr_page(gray, dpi, k, self.settings), dpi))
        return _finish(doc, [d for _, d in frames])
