"""How exact the run-together-digits path is on held-out-style web text: the dev corpus flattened.

Every report of the dev corpus (text, Markdown, HTML, DOCX and born-digital PDF; not scans) is
flattened the way portal text dumps are (``tests/flatten_webtext.py``: cells glued, headings
inline, breadcrumbs), run through the pipeline, and compared with its answer key. Reported:
cells right, cells missing, cells wrong (in any report, and in reports marked ``ok`` — must be 0),
reports ``ok``, and per report what stayed open. A measurement, not a test.

    python benchmarks/flattened_webtext.py DEV_DIR KEYS_DIR [--work DIR] [--text-only]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ogi.settings import RunSettings  # noqa: E402
from pipeline.batch import discover, process_many  # noqa: E402
from tests.flatten_webtext import FORMATS, flatten_corpus  # noqa: E402


def score(reports, keys: Path) -> dict:
    """Cells right / missing / wrong against the keys; wrong cells in ok reports counted apart."""
    tot = {"reports": 0, "ok": 0, "cells": 0, "right": 0, "missing": 0, "wrong": 0, "wrong_in_ok": 0}
    rows = []
    for r in reports:
        key = json.loads((keys / f"{r.file_name}.json").read_text(encoding="utf-8"))["values"]
        got = {f"{f.table}.{f.row}.{f.col}": f.value for f in r.facts}
        right = sum(1 for k, v in key.items() if k in got and got[k] is not None and abs(got[k] - v) < 1e-6)
        wrong = sum(1 for k, v in key.items() if k in got and got[k] is not None and abs(got[k] - v) >= 1e-6)
        wrong += sum(1 for k in got if k not in key)
        tot["reports"] += 1
        tot["ok"] += r.status == "ok"
        tot["cells"] += len(key)
        tot["right"] += right
        tot["wrong"] += wrong
        tot["missing"] += len(key) - right - (wrong - sum(1 for k in got if k not in key))
        tot["wrong_in_ok"] += wrong if r.status == "ok" else 0
        rows.append((r.file_name, r.status, right, len(key), wrong, (r.error or "")[:160]))
    tot["rate"] = round(tot["right"] / max(1, tot["cells"]), 4)
    return {"total": tot, "reports": rows}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dev")
    ap.add_argument("keys")
    ap.add_argument("--work", help="folder for the flattened copies (default: a temporary one)")
    ap.add_argument("--text-only", action="store_true", help="only text, Markdown, HTML and DOCX sources")
    a = ap.parse_args(argv)
    work = Path(a.work or tempfile.mkdtemp(prefix="flat-webtext-"))
    formats = FORMATS if a.text_only else FORMATS | {".pdf"}
    flatten_corpus(Path(a.dev), Path(a.keys), work, formats)
    reports, _ = process_many(discover(work / "files"), RunSettings(workers=1))
    res = score(reports, work / "keys")
    for name, status, right, n, wrong, err in res["reports"]:
        sys.stdout.write(f"{right:4d}/{n:<4d} wrong={wrong} {status:13s} {name}  {err}\n")
    sys.stdout.write(json.dumps(res["total"], ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
