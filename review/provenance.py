"""Provenance of a value — `review.explain(dataset, report_id, cell)` — with a picture of it.

(Not named explain.py: a submodule of that name would shadow the function `review.explain`.)

Provenance of a fact: the report's source (path, raw-store path, URL, sha256) and the cell's
place — page + box in PDF points from the page's top-left (PDFs, scans, images), and a locator
``[line=N;]table=T;row=R;col=C`` (1-based: the document's T-th table, the grid row and column;
``line`` for text files). For page-based files a cropped PNG of the cell comes with it.
"""

from __future__ import annotations

import logging
from pathlib import Path

from review.data import crop_cell, page_kind, read_rows, sha_matches, source_file

log = logging.getLogger(__name__)
BBOX_UNITS = "PDF points (1/72 inch) from the page's top-left corner: x0, top, x1, bottom"


def parse_locator(loc: str | None) -> dict[str, int]:
    """'line=57;table=2;row=5;col=3' → {'line': 57, 'table': 2, 'row': 5, 'col': 3}."""
    out: dict[str, int] = {}
    for part in (loc or "").split(";"):
        k, sep, v = part.partition("=")
        if sep and v.strip().isdigit():
            out[k.strip()] = int(v)
    return out


def explain(dataset: str | Path, report_id: str, cell: str, *, crop: bool = True) -> dict:
    """Provenance of ``cell`` (a ``table.row.col`` id) of ``report_id`` in the dataset at ``dataset``.

    Raises KeyError when the report or the cell is not in the dataset.
    """
    reps = read_rows(dataset, "reports", report_id).to_pylist()
    if not reps:
        raise KeyError(f"report {report_id} not in {dataset}")
    rep = reps[0]
    facts = [f for f in read_rows(dataset, "facts", report_id).to_pylist() if f"{f['table']}.{f['row']}.{f['col']}" == cell]
    if not facts:
        raise KeyError(f"cell {cell} not in report {report_id} (not extracted and not corrected)")
    f = facts[0]
    out = {"report_id": report_id, "cell": cell, "file_name": rep["file_name"], "sha256": rep["sha256"],
           "format": rep["format"], "source_path": rep["source_path"], "raw_path": rep["raw_path"],
           "source_url": rep["source_url"], "value": f["value"], "raw": f["raw"], "origin": f["origin"],
           "extracted_value": f["extracted_value"], "confidence": f["confidence"], "page": f["page"],
           "bbox": list(f["bbox"]) if f["bbox"] is not None else None,
           "bbox_units": BBOX_UNITS if f["bbox"] is not None else None,
           "locator": parse_locator(f["locator"]), "image_png": None, "warning": None}
    if not crop or f["page"] is None or f["bbox"] is None:
        return out
    path = source_file(rep)
    if path is None:
        out["warning"] = "source file not found at source_path/raw_path: no image"
        return out
    if rep["sha256"] and not sha_matches(path, rep["sha256"]):
        out["warning"] = f"{path} changed since it was read (sha256 differs): no image"
        return out
    data = path.read_bytes()
    kind = page_kind(data, path.name)
    if kind is not None:
        out["image_png"] = crop_cell(data, kind, int(f["page"]), f["bbox"])
    return out
