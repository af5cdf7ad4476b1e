"""OCR for scanned reports: image-only PDFs and PNG/JPEG/TIFF files.

Pages are chosen, rendered and decoded in :mod:`extractors.ocr_pages`, each page image is
recognised in :mod:`extractors.ocr_read` (rapidocr, offline); this module runs the page loop
inside the time budget and registers the image extractor. Document.ocr_engine and
``ocr_min_confidence`` say so (lowest score over numeric table cells) so the normalizer can
ask for review.
"""

from __future__ import annotations

import time

from extractors.base import Extractor, register
from extractors.ocr_pages import SETTINGS, OcrSettings, in_points, load_image_pages, ocr_settings, render_pages
from extractors.ocr_read import ocr_page
from extractors.ocr_text import min_numeric_confidence
from ogi.errors import NeedsOCR
from ogi.settings import ExtractSettings
from ogi.types import Document

ENGINE_NAME = "rapidocr"


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


@register
class ImageExtractor(Extractor):
    """Photographed or scanned report pages saved as images."""

    name = "ocr-image"
    version = "3"  # 3: Japanese-only forms read as their Chinese characters (ocr_forms.csv); 2: boxes in points
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
