"""CPU time per report by pipeline stage, measured in one process by wrapping the stage functions.

Usage:
    .venv/bin/python benchmarks/stage_times.py PDF [PDF ...] [--repeat 3] [--json]

Each stage function is wrapped where its caller looks it up (``extractors.pdf.ruled_tables``
…); time spent in a stage's nested stages is charged to the inner one only, so the columns
add up to the whole. CPU time (``time.process_time``), not wall time: other processes
loading the machine change it much less. The best of ``--repeat`` passes is reported.
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# (stage, module, attribute): the function as its caller imports it
STAGES = [
    ("pdf geometry (PDFium)", "extractors.pdf", "read_page_fast"),
    ("pdf geometry (pdfplumber)", "extractors.pdf", "read_page"),
    ("ruled tables", "extractors.pdf", "ruled_tables"),
    ("borderless tables", "extractors.pdf", "borderless_tables"),
    ("text lines", "extractors.pdf", "pdfium_lines"),
    ("text lines", "extractors.pdf", "glyph_text_lines"),
    ("text lines", "extractors.pdf", "glyph_lines"),  # the table pages' lines outside ruled tables, grouped once
    ("paragraphs", "extractors.pdf", "paragraphs"),
    ("paragraphs", "extractors.pdf", "drop_furniture"),
    ("map tables", "normalizers.report", "map_tables"),
    ("sections", "normalizers.report", "split_sections"),
    ("keywords (jieba)", "normalizers.report", "keywords"),
    ("metadata", "normalizers.report", "extract_metadata"),
    ("checks", "normalizers.report", "report_checks"),
    ("pdf open + triage (rest of extract)", "extractors.base", "extract_file"),
    ("normalize (rest)", "normalizers.report", "normalize"),
]


class Clock:
    """Exclusive CPU time per stage: an inner stage's time is taken out of the outer one."""

    def __init__(self) -> None:
        self.total: dict[str, float] = defaultdict(float)
        self._stack: list[list] = []

    def wrap(self, stage: str, fn):
        def timed(*a, **kw):
            frame = [stage, time.process_time(), 0.0]  # stage, start, time of inner stages
            self._stack.append(frame)
            try:
                return fn(*a, **kw)
            finally:
                self._stack.pop()
                spent = time.process_time() - frame[1]
                self.total[stage] += spent - frame[2]
                if self._stack:
                    self._stack[-1][2] += spent
        return timed


def install(clock: Clock) -> None:
    import importlib

    import pipeline.batch  # noqa: F401  (imports the stage modules)

    for stage, mod, attr in STAGES:
        m = importlib.import_module(mod)
        setattr(m, attr, clock.wrap(stage, getattr(m, attr)))


def measure(paths: list[Path], repeat: int = 3) -> dict[str, float]:
    """CPU ms per report by stage (best pass), plus 'total' and 'result pickling + cache JSON'."""
    from normalizers.keywords import warm
    from pipeline.batch import InputFile, process_file, report_to_json

    warm()
    datas = [(p, p.read_bytes()) for p in paths]
    for p, d in datas:  # warm imports, regexes, lazily built tables
        process_file(InputFile(str(p), p.name, p.name), d)
    clock = Clock()
    install(clock)
    best: dict[str, float] | None = None
    for _ in range(repeat):
        clock.total.clear()
        t0 = time.process_time()
        for p, d in datas:
            rep = clock.wrap("report ids, hashing, rest", process_file)(InputFile(str(p), p.name, p.name), d)
            clock.wrap("result pickling + cache JSON", lambda r: (pickle.dumps(r), report_to_json(r)))(rep)
        whole = time.process_time() - t0
        row = {k: 1000 * v / len(datas) for k, v in clock.total.items()}
        row["total"] = 1000 * whole / len(datas)
        if best is None or row["total"] < best["total"]:
            best = row
    assert best is not None
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pdfs", nargs="+", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    row = measure(args.pdfs, args.repeat)
    if args.json:
        print(json.dumps(row))
    else:
        for k, v in sorted(row.items(), key=lambda kv: -kv[1]):
            print(f"{v:8.1f} ms  {k}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
