"""Make scanned copies of (blanked) ruled PDFs the way the corpus's ``pdf_scanned`` reports are made.

Each page is rendered at 150–200 dpi (pypdfium2), tilted by at most 1°, sprinkled with specks, stored as a
grayscale JPEG and wrapped in an image-only PDF page of the original size (PIL). Used to measure zeros printed
blank on scans: blank the DOCX with :mod:`blank_zeros`, render it ruled with soffice, then

    python benchmarks/blank_scans.py PDF... --out DIR [--keys SRC_KEYS] [--seed N] [--dpi 150]

writes ``DIR/<stem>_scan.pdf`` (and, with ``--keys``, the source key under that name in ``DIR/keys``).
"""

from __future__ import annotations

import argparse
import io
import json
import random
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image


def scan_page(img: Image.Image, rng: random.Random) -> Image.Image:
    """Tilt (≤ 1°, white fill), specks (1–3 px dots) and a grey-level paper tone: what a flatbed scan adds."""
    g = img.convert("L").rotate(rng.uniform(-1.0, 1.0), resample=Image.BICUBIC, expand=False, fillcolor=255)
    a = np.asarray(g, dtype=np.int16).copy()
    h, w = a.shape
    for _ in range(rng.randint(40, 120)):
        y, x, r = rng.randrange(h), rng.randrange(w), rng.randint(0, 1)
        a[max(0, y - r):y + r + 1, max(0, x - r):x + r + 1] = rng.randint(0, 90)
    a = np.clip(a - rng.randint(0, 12), 0, 255).astype(np.uint8)
    return Image.fromarray(a, "L")


def scan_pdf(pdf: bytes, rng: random.Random, dpi: int | None = None) -> bytes:
    """An image-only PDF: one JPEG per page at ``dpi`` (default: drawn from 150 and 200)."""
    dpi = dpi or rng.choice((150, 200))
    doc = pdfium.PdfDocument(pdf)
    pages = []
    for page in doc:
        img = page.render(scale=dpi / 72.0, grayscale=True).to_pil()
        buf = io.BytesIO()
        scan_page(img, rng).save(buf, "JPEG", quality=75)
        pages.append(Image.open(io.BytesIO(buf.getvalue())))
    out = io.BytesIO()
    pages[0].save(out, "PDF", resolution=float(dpi), save_all=True, append_images=pages[1:])
    return out.getvalue()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pdfs", type=Path, nargs="+")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--keys", type=Path, help="folder of the sources' keys (<stem>.docx.json or <name>.json)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--dpi", type=int, help="one resolution for every file (default: 150 or 200 drawn per file)")
    a = ap.parse_args()
    a.out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(a.seed)
    for p in a.pdfs:
        name = f"{p.stem}_scan.pdf"
        (a.out / name).write_bytes(scan_pdf(p.read_bytes(), rng, a.dpi))
        if a.keys:
            src = next((k for k in (a.keys / f"{p.stem}.docx.json", a.keys / f"{p.name}.json") if k.exists()), None)
            if src is None:
                continue
            k = json.loads(src.read_text(encoding="utf-8"))
            k.update(file_name=name, format="pdf", layout="pdf_scanned", scanned=True,
                     variant=["pdf_scanned", "zero_blank"])
            (a.out / "keys").mkdir(exist_ok=True)
            (a.out / "keys" / f"{name}.json").write_text(json.dumps(k, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
