"""Build the "zeros printed blank" corpora the cell rates of tables without rules are measured on.

    python benchmarks/blank_zeros_corpus.py OUT [--dev DIR] [--scans]

Writes ``OUT/pdf`` (a borderless PDF of every dev DOCX: zeros blanked and table rules dropped by
:mod:`blank_zeros`, converted by ``soffice --headless``) and ``OUT/txt`` (the dev ``txt_layout`` reports
blanked, plus ``pdftotext -layout`` of the blanked borderless and ruled PDFs when poppler's pdftotext is
installed) and, with ``--scans``, ``OUT/scan`` (the blanked ruled PDFs scanned by :mod:`blank_scans`:
150–200 dpi, tilt ≤ 1°, specks, image-only), each with ``keys/``: the source's key under the new file name (a blank cell is a 0). Then:

    ogi run --source OUT/pdf --out D --no-prefect && python ../shared/tools/score.py --keys OUT/pdf/keys --dataset D -v
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from blank_scans import scan_pdf  # noqa: E402
from blank_zeros import blank_file  # noqa: E402


def _key(dev: Path, src: str, name: str, dest: Path, fmt: str, layout: str) -> None:
    k = json.loads((dev / "keys" / f"{src}.json").read_text(encoding="utf-8"))
    k.update(file_name=name, format=fmt, layout=layout, variant=[layout, "zero_blank"], scanned=layout == "pdf_scanned")
    (dest / "keys").mkdir(parents=True, exist_ok=True)
    (dest / "keys" / f"{name}.json").write_text(json.dumps(k, ensure_ascii=False, indent=1), encoding="utf-8")


def build(dev: Path, out: Path, scans: bool = False) -> None:
    pdf_dir, txt_dir, scan_dir, tmp = out / "pdf", out / "txt", out / "scan", out / "tmp"
    for d in (pdf_dir, txt_dir, tmp) + ((scan_dir,) if scans else ()):
        d.mkdir(parents=True, exist_ok=True)
    layout = shutil.which("pdftotext") is not None
    rng = random.Random(1)
    for p in sorted(dev.glob("*.docx")):
        for tag, no_borders in (("bl", True), ("ru", False)):
            if tag == "ru" and not (layout or scans):
                continue
            work = tmp / tag
            work.mkdir(exist_ok=True)
            blank_file(p, work / p.name, no_borders)
            subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(work), str(work / p.name)],
                           check=True, capture_output=True)
            pdf = work / f"{p.stem}.pdf"
            if no_borders:
                shutil.copy(pdf, pdf_dir / f"{p.stem}_bl.pdf")
                _key(dev, p.name, f"{p.stem}_bl.pdf", pdf_dir, "pdf", "pdf_borderless")
            if scans and not no_borders:
                (scan_dir / f"{p.stem}_scan.pdf").write_bytes(scan_pdf(pdf.read_bytes(), rng))
                _key(dev, p.name, f"{p.stem}_scan.pdf", scan_dir, "pdf", "pdf_scanned")
            if layout:
                name = f"{p.stem}_{tag}_layout.txt"
                subprocess.run(["pdftotext", "-layout", str(pdf), str(txt_dir / name)], check=True)
                _key(dev, p.name, name, txt_dir, "txt", "txt_layout")
    for p in sorted(dev.glob("*.txt")):
        if json.loads((dev / "keys" / f"{p.name}.json").read_text(encoding="utf-8")).get("layout") == "txt_layout":
            blank_file(p, txt_dir / p.name)
            _key(dev, p.name, p.name, txt_dir, "txt", "txt_layout")
    shutil.rmtree(tmp)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--dev", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared/corpus/dev")
    ap.add_argument("--scans", action="store_true", help="also scan the blanked ruled PDFs (OUT/scan)")
    a = ap.parse_args()
    build(a.dev, a.out, a.scans)


if __name__ == "__main__":
    main()
