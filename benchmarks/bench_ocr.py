"""OCR speed and memory on image-only (scanned) PDFs.

Usage:
    .venv/bin/python benchmarks/bench_ocr.py FOLDER [FOLDER ...]

Runs the OCR path (extractors.ocr.extract_scanned_pdf, as the PDF extractor does for a PDF
with no text layer) on every scanned PDF found, in one child process so that its peak RSS
is the OCR's own, and prints pages/s, seconds per page (wall and CPU) and peak RSS.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def scanned(folders: list[str]) -> list[str]:
    import pypdfium2 as pdfium

    out = []
    for folder in folders:
        for p in sorted(Path(folder).glob("*.pdf")):
            doc = pdfium.PdfDocument(str(p))
            try:
                if all(doc[i].get_textpage().count_chars() < 20 for i in range(len(doc))):
                    out.append(str(p))
            finally:
                doc.close()
    return out


def child(paths: list[str]) -> None:
    sys.path.insert(0, str(ROOT))
    from extractors.ocr import extract_scanned_pdf

    pages = 0
    w0, c0 = time.perf_counter(), time.process_time()
    for p in paths:
        doc = extract_scanned_pdf(Path(p).read_bytes(), Path(p).name)
        pages += doc.pages or 0
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"files": len(paths), "pages": pages, "wall": wall, "cpu": cpu, "rss_mb": rss}))


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child(sys.argv[2:])
        return
    paths = scanned(sys.argv[1:])
    if not paths:
        sys.exit("no scanned PDFs found")
    res = subprocess.run([sys.executable, __file__, "--child", *paths], capture_output=True, text=True, check=True)
    r = json.loads(res.stdout.strip().splitlines()[-1])
    print(f"scanned PDFs: {r['files']}, pages: {r['pages']}")
    print(f"OCR: {r['pages'] / r['wall']:.2f} pages/s, {r['wall'] / r['pages']:.1f} s/page wall, "
          f"{r['cpu'] / r['pages']:.1f} s/page CPU (onnxruntime uses all cores), peak RSS {r['rss_mb']:.0f} MB")


if __name__ == "__main__":
    main()
