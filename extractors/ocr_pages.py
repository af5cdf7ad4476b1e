"""What the OCR reads: which pages, rendered or decoded at which resolution, as grayscale arrays.

Also the OCR tuning (:class:`OcrSettings`) and the way back from pixels to PDF points, so
recognition (:mod:`extractors.ocr_read`) only ever sees an image and its dpi.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import cv2
import numpy as np

from extractors.ocr_grid import GridSettings
from ogi.errors import ExtractionError
from ogi.settings import OCR_MAX_DPI, OCR_MAX_PAGES, OCR_TIME_BUDGET_S, ExtractSettings
from ogi.types import Block, RawTable


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


def ocr_settings(extract: ExtractSettings) -> OcrSettings:
    """The OCR tuning a run's settings choose: pages, time budget and resolution ceiling."""
    return replace(SETTINGS, max_pages=extract.ocr_max_pages, time_budget_s=extract.ocr_time_budget_s,
                   max_dpi=extract.ocr_max_dpi, min_dpi=min(SETTINGS.min_dpi, extract.ocr_max_dpi),
                   default_dpi=min(SETTINGS.default_dpi, extract.ocr_max_dpi))


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

