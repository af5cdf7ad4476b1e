"""Read one report's rows of a published dataset, and render its source pages.

Every page-based box is in PDF points from the page's top-left corner (ogi.types.BBox): a PDF
page is rendered with pypdfium2 at ``zoom`` pixels per point; an image file's pixels are its own
points × dpi / 72 (dpi from the file, or guessed from A4 as the OCR did).
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds

from ogi.schema import DATASETS, PARTITION_COLS


def read_rows(out: str | Path, name: str, report_id: str | None = None,
              columns: list[str] | None = None) -> pa.Table:
    """Rows of dataset ``name`` (optionally of one report; optionally only ``columns``) from
    ``out/current``; empty if none."""
    schema = DATASETS[name]
    p = Path(out) / "current" / name
    if not p.exists():
        return schema.empty_table() if columns is None else schema.empty_table().select(columns)
    part = ds.partitioning(pa.schema([schema.field(c) for c in PARTITION_COLS]), flavor="hive")
    d = ds.dataset(str(p), schema=schema, format="parquet", partitioning=part)
    return d.to_table(columns=columns, filter=ds.field("report_id") == report_id if report_id else None)


def source_file(rep: dict) -> Path | None:
    """The local copy of a report's source file (raw store first), if it is still there."""
    for key in ("raw_path", "source_path"):
        if rep.get(key) and Path(rep[key]).is_file():
            return Path(rep[key])
    return None


def sha_matches(path: Path, sha256: str) -> bool:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest() == sha256


def page_count(data: bytes, kind: str) -> int:
    if kind == "pdf":
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(data)
        try:
            return len(pdf)
        finally:
            pdf.close()
    from PIL import Image, ImageSequence

    return sum(1 for _ in ImageSequence.Iterator(Image.open(io.BytesIO(data))))


def render_page(data: bytes, kind: str, page: int, zoom: float = 1.5):
    """Page ``page`` (1-based) as a PIL RGB image at ``zoom`` pixels per PDF point."""
    if kind == "pdf":
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(data)
        try:
            pg = pdf[page - 1]
            img = pg.render(scale=zoom).to_pil().convert("RGB")
            pg.close()
            return img
        finally:
            pdf.close()
    from PIL import Image, ImageSequence

    from extractors.ocr_pages import image_dpi

    im = Image.open(io.BytesIO(data))
    frame = next(f for k, f in enumerate(ImageSequence.Iterator(im), start=1) if k == page)
    f = zoom * 72.0 / image_dpi(frame)  # image pixels → zoom pixels per point
    frame = frame.convert("RGB")
    return frame.resize((max(1, round(frame.width * f)), max(1, round(frame.height * f))))


def png(img) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def crop_cell(data: bytes, kind: str, page: int, bbox, zoom: float = 3.0, pad: float = 4.0) -> bytes:
    """A PNG of one cell: its box (PDF points) plus ``pad`` points around it."""
    img = render_page(data, kind, page, zoom)
    x0, top, x1, bottom = (float(v) for v in bbox)
    box = (max(0, round((x0 - pad) * zoom)), max(0, round((top - pad) * zoom)),
           min(img.width, round((x1 + pad) * zoom)), min(img.height, round((bottom + pad) * zoom)))
    return png(img.crop(box))


def page_kind(data: bytes, file_name: str) -> str | None:
    """'pdf' or 'image' when the file has pages to show, else None (shown as text)."""
    from extractors.base import sniff

    k = sniff(data, file_name)
    return k if k in ("pdf", "image") else None
