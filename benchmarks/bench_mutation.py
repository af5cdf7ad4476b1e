"""Mutation benchmark: dev-corpus reports rewritten the ways real reports differ, run through the
real extraction + normalization, scored against their (mutated) keys.

Usage:
    python benchmarks/bench_mutation.py [--repo PATH] [--seeds N] [--chains N] [--dev DIR] [--show K]

A fixed, seeded set: every mutator of ``tests/mutation`` × every usable document of the dev corpus
(TXT, Markdown, HTML, DOCX; no PDFs or scans) × N seeds, plus chains of two or three mutators per
document. Printed, one line per mutator, per format and a total line (easy to diff between runs):

    mutants   documents the mutator could rewrite
    cells     exact cells / cells in the keys (a missing cell counts as not exact)
    ok        share of reports with status ok
    wrong_ok  cells wrong (or produced but not in the key) in reports marked ok  ← must be 0
    miss_ok   key cells missing in reports marked ok                             ← must be 0
    wrong_any cells wrong in reports of any status (a flagged report still must not hold a wrong value)

The code under test is whatever ``ogi``/``pipeline`` import first: ``--repo PATH`` puts PATH
first; otherwise PYTHONPATH, then this checkout. The mutators always come from a tree that has
``tests/mutation`` (PATH's if it has one, else this checkout's).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
log = logging.getLogger("bench_mutation")


def _bootstrap(repo: Path | None):
    """Import the harness without importing any pipeline code yet, then order sys.path."""
    if repo is not None:
        sys.path.insert(0, str(repo))
    try:
        mutators = importlib.import_module("tests.mutation.mutators")
    except ImportError:
        for name in [m for m in sys.modules if m == "tests" or m.startswith("tests.")]:
            del sys.modules[name]
        sys.path.insert(0, str(HERE))
        mutators = importlib.import_module("tests.mutation.mutators")
        sys.path.remove(str(HERE))
    sys.path.append(str(HERE))  # last resort for the pipeline code
    return mutators


class Tally:
    def __init__(self) -> None:
        self.mutants = self.cells = self.exact = self.ok = 0
        self.wrong_ok = self.miss_ok = self.wrong_any = 0

    def add(self, v) -> None:
        self.mutants += 1
        self.cells += v.cells
        self.exact += v.exact
        self.ok += v.ok
        self.wrong_any += len(v.wrong)
        if v.ok:
            self.wrong_ok += len(v.wrong)
            self.miss_ok += len(v.missing)

    def line(self, name: str) -> str:
        rate = self.exact / self.cells if self.cells else float("nan")
        share = self.ok / self.mutants if self.mutants else float("nan")
        return (f"{name:<14} mutants={self.mutants:<5} cells={rate:.4f} ({self.exact}/{self.cells}) ok={share:.3f} "
                f"wrong_ok={self.wrong_ok} miss_ok={self.miss_ok} wrong_any={self.wrong_any}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repo", type=Path, help="checkout whose pipeline code to measure (default: PYTHONPATH)")
    ap.add_argument("--seeds", type=int, default=8, help="mutants per mutator and document")
    ap.add_argument("--chains", type=int, default=3, help="chained mutants (2-3 mutators) per document")
    ap.add_argument("--dev", type=Path, help="corpus folder with keys/ (default ../shared/corpus/dev)")
    ap.add_argument("--show", type=int, default=3, help="print this many violating mutants per mutator")
    ap.add_argument("--docx", action=argparse.BooleanOptionalAction, default=True,
                    help="also mutate the DOCX reports (python-docx edits)")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    mut = _bootstrap(args.repo.resolve() if args.repo else None)
    corpus = importlib.import_module("tests.mutation.corpus")
    harness = importlib.import_module("tests.mutation.harness")
    formats = corpus.ALL_FORMATS if args.docx else corpus.TEXT_FORMATS
    sources = corpus.load_sources(args.dev, formats) if args.dev else corpus.load_sources(formats=formats)
    if not sources:
        print("no dev corpus found (../shared/corpus/dev)", file=sys.stderr)
        return 1
    t0 = time.time()
    tallies: dict[str, Tally] = defaultdict(Tally)
    shown: dict[str, int] = defaultdict(int)
    examples: list[str] = []

    fmt = {s.file_name: s.fmt for s in sources}

    def run(label: str, m) -> None:
        v = harness.judge(harness.process(m.source, m.data), m.values)
        tallies[label].add(v)
        tallies[f"fmt:{fmt[m.source]}"].add(v)
        tallies["TOTAL"].add(v)
        if v.violations and shown[label] < args.show:
            shown[label] += 1
            examples.append(f"  [{label}] {m.source} ({m.note[:160]}): {v.describe()[:400]}")

    for s in sources:
        tallies["none"].add(harness.judge(harness.process(s.file_name, s.data), s.values))
    names = sorted(mut.MUTATORS)
    for name in names:
        for s in sources:
            for seed in range(args.seeds):
                m = mut.mutate(name, s, seed)
                if m is not None:
                    run(name, m)
    import random

    rng = random.Random(20261203)
    for s in sources:
        for seed in range(args.chains):
            chain = rng.sample(names, rng.choice([2, 3]))
            m = mut.mutate_chain(chain, s, seed)
            if m is not None:
                run("chain", m)
    ogi = importlib.import_module("ogi")
    print(f"# code under test: {Path(ogi.__file__).resolve().parent.parent}; {len(sources)} documents, "
          f"seeds={args.seeds} chains={args.chains}; {time.time() - t0:.0f} s")
    fmts = sorted(k for k in tallies if k.startswith("fmt:"))
    for label in ["none", *names, "chain", *fmts, "TOTAL"]:
        if label in tallies:
            print(tallies[label].line(label))
    if examples:
        print("# violations (first per mutator):")
        print("\n".join(examples))
    return 0


if __name__ == "__main__":
    sys.exit(main())
