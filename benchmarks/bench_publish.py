"""Publish time against dataset size: adding 50 reports to datasets of 1 000 … 100 000 reports.

Usage:
    .venv/bin/python benchmarks/bench_publish.py [--sizes 1000,10000,100000] [--add 50] [--repeat 3] [--dir /tmp/x [--reuse]]

Each starting dataset is built from synthetic rows of the one schema (ogi/schema.py): ~200 facts
per report (cell ids of fields.csv, Y-check cells included), 8 sections and 4 checks, five years,
one agency per five reports so cross-year checks have neighbours — 20 M fact rows at 100 000.
It is built through ``publish_tables`` in batches of 10 000 reports (not timed as "the" number).
Then ``publish()`` of ``--add`` new Report objects, spread over every year and over existing
agencies, is timed ``--repeat`` times per size, the sizes taking turns (median, and the best CPU;
each adds new reports; beside it, in CPU, the quality page the run writes after publishing
(``review.quality``: the previous version's parts before, the page after), once its figures are
cached: the page written once first, untimed in the median, is printed as "from scratch"),
then once ``--add`` reports of
the latest year (a nightly run's usual batch), and once replacing ``--add``
existing reports scattered over the dataset (the worst case: one rewritten file per report).
Wall and CPU time (this process, all threads) are printed: on a shared machine wall time
mostly measures the neighbours. With ``--dir D --reuse`` each built dataset stays in ``D/ds<n>``
and the timed publishes go into a hardlinked copy of it (``cp -al``: a version's files are never
modified in place), so a later run skips the build (minutes at 100 000); build it with the code
being measured, as a dataset of another layout is migrated by its first publish.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ogi.codebook import cells
from ogi.schema import DATASETS
from ogi.types import Check, Fact, Report, Section
from publish.local import publish, publish_tables
from publish.versions import Y_KEYS
from review.quality import previous_reports, write_quality

YEARS = 5
FACTS_PER_REPORT = 200
BATCH = 10_000


def cell_ids() -> list[tuple[str, str, str]]:
    ids = [tuple(k.split(".")) for k in Y_KEYS]
    ids += [(c.table, c.row, c.col) for c in cells() if c.id not in Y_KEYS]
    return ids[:FACTS_PER_REPORT]


def rid(i: int) -> str:
    return f"{i:016x}"


def year_of(i: int, n: int) -> int:
    return 2019 + i // max(1, n // YEARS) % YEARS


def agency_of(i: int, n: int) -> str:
    return f"机关{i % max(1, n // YEARS)}"


def synthetic(lo: int, hi: int, n: int, ids: list[tuple[str, str, str]]) -> dict[str, pa.Table]:
    """Rows of reports lo..hi-1 of a dataset of n, built column-wise (no Python objects per fact)."""
    rng = np.random.default_rng(lo)
    k = hi - lo
    rids = [rid(i) for i in range(lo, hi)]
    years = np.array([year_of(i, n) for i in range(lo, hi)], np.int32)
    reports = {f.name: pa.nulls(k, f.type) for f in DATASETS["reports"]}
    reports.update(report_id=pa.array(rids), file_name=pa.array([f"{r}.pdf" for r in rids]),
                   sha256=pa.array([r * 4 for r in rids]), format=pa.array(["pdf"] * k),
                   agency=pa.array([agency_of(i, n) for i in range(lo, hi)]), province=pa.array(["江苏省"] * k),
                   year=pa.array(years), template=pa.array(["2021" if y >= 2021 else "2019" for y in years]),
                   status=pa.array(["ok"] * k), n_facts=pa.array(np.full(k, FACTS_PER_REPORT, np.int32)))
    m = len(ids)
    values = rng.integers(0, 500, k * m).astype(np.float64)
    facts = {f.name: pa.nulls(k * m, f.type) for f in DATASETS["facts"]}
    facts.update(report_id=pa.array(np.repeat(np.array(rids, object), m)),
                 table=pa.array([t for t, _, _ in ids] * k), row=pa.array([r for _, r, _ in ids] * k),
                 col=pa.array([c for _, _, c in ids] * k), value=pa.array(values),
                 raw=pa.array(values.astype(np.int64).astype(str)), page=pa.array(np.full(k * m, 2, np.int32)),
                 confidence=pa.array(np.ones(k * m, np.float32)), year=pa.array(np.repeat(years, m)))
    sections = {f.name: pa.nulls(k * 8, f.type) for f in DATASETS["sections"]}
    sections.update(report_id=pa.array(np.repeat(np.array(rids, object), 8)),
                    section=pa.array(np.tile(np.arange(1, 9, dtype=np.int8), k)),
                    title=pa.array(["一、总体情况"] * (k * 8)), text=pa.array(["本年度共收到申请若干件，依法答复。" * 6] * (k * 8)),
                    year=pa.array(np.repeat(years, 8)))
    checks = {f.name: pa.nulls(k * 4, f.type) for f in DATASETS["checks"]}
    checks.update(report_id=pa.array(np.repeat(np.array(rids, object), 4)),
                  rule=pa.array(["R1 requests.total", "R2 outcomes", "R3 appeals", "R4 active"] * k),
                  passed=pa.array(np.ones(k * 4, bool)), detail=pa.array(["12 = 12"] * (k * 4)),
                  year=pa.array(np.repeat(years, 4)))
    out = {}
    for name, cols in (("reports", reports), ("facts", facts), ("sections", sections), ("checks", checks)):
        out[name] = pa.table({f.name: cols[f.name] for f in DATASETS[name]}, schema=DATASETS[name])
    return out


def report(i: int, n: int, ids: list[tuple[str, str, str]], tag: str, year: int | None = None) -> Report:
    y = year or year_of(i, n)
    return Report(report_id=f"{tag}{i:012x}", file_name=f"{tag}{i}.pdf", sha256="cd" * 32, format="pdf",
                  agency=agency_of(i, n), province="江苏省", year=y, template="2021" if y >= 2021 else "2019",
                  status="ok", facts=[Fact(t, r, c, float(j % 50), str(j % 50), page=2) for j, (t, r, c) in enumerate(ids)],
                  sections=[Section(s, "一、总体情况", "正文") for s in range(1, 9)],
                  checks=[Check("R1 requests.total", True, "12 = 12")])


def build(out: Path, n: int, ids) -> float:
    start = time.perf_counter()
    for lo in range(0, n, BATCH):
        publish_tables(synthetic(lo, min(n, lo + BATCH), n, ids), out)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--add", type=int, default=50)
    ap.add_argument("--repeat", type=int, default=3, help="timed publishes of --add reports per size")
    ap.add_argument("--dir", help="where to build the datasets (default: a temp folder, removed after)")
    ap.add_argument("--reuse", action="store_true", help="keep --dir's datasets and time publishes into copies")
    args = ap.parse_args()
    ids = cell_ids()
    base = Path(args.dir or tempfile.mkdtemp(prefix="bench-publish-"))
    sizes = [int(s) for s in args.sizes.split(",")]
    outs, built = {}, {}
    try:
        for n in sizes:
            out = base / f"ds{n}"
            if args.reuse and args.dir and (base / f"ds{n}.built").exists():
                built[n] = 0.0
            else:
                shutil.rmtree(out, ignore_errors=True)
                built[n] = build(out, n, ids)
                (base / f"ds{n}.built").touch()
            if args.reuse and args.dir:  # time publishes into a copy; the built one stays for the next run
                work = base / f"ds{n}.run"
                shutil.rmtree(work, ignore_errors=True)
                subprocess.run(["cp", "-al", str(out), str(work)], check=True)
                out = work
            outs[n] = out
        scratch = {}  # the page of a dataset whose previous run left no figures to reuse
        for n in sizes:
            c0 = time.process_time()
            write_quality(outs[n])
            scratch[n] = time.process_time() - c0
        # the sizes take turns, so a neighbour's load on a shared machine falls on all of them alike
        times: dict[int, list[float]] = {n: [] for n in sizes}
        cpus: dict[int, list[float]] = {n: [] for n in sizes}
        qcpus: dict[int, list[float]] = {n: [] for n in sizes}  # the quality page a run writes after it
        facts = {}
        for rep in range(args.repeat):
            for n in sizes:
                step = max(1, n // args.add)
                new = [report(i, n, ids, f"n{rep}") for i in range(0, n, step)][:args.add]
                q0 = time.process_time()
                before = previous_reports(outs[n])  # what the page's "changes" compare with
                t0, c0 = time.perf_counter(), time.process_time()
                facts[n] = publish(new, outs[n]).facts
                times[n].append(time.perf_counter() - t0)
                c1 = time.process_time()
                cpus[n].append(c1 - c0)
                write_quality(outs[n], before, {})
                qcpus[n].append(time.process_time() - c1 + c0 - q0)
        for n in sizes:
            out, step = outs[n], max(1, n // args.add)
            latest = year_of(n - 1, n)
            nightly = [report(i, n, ids, "nightly", latest) for i in range(0, n, step)][:args.add]
            t0, c0 = time.perf_counter(), time.process_time()
            publish(nightly, out)
            t_night, c_night = time.perf_counter() - t0, time.process_time() - c0
            again = [_replacement(i, n, ids) for i in range(step // 2, n, step)][:args.add]
            t0, c0 = time.perf_counter(), time.process_time()
            publish(again, out)
            t_replace, c_replace = time.perf_counter() - t0, time.process_time() - c0
            print(f"{n:>7} reports ({facts[n]:>10,} facts, built in {built[n]:5.0f} s): add {args.add}: "
                  f"{statistics.median(times[n]):.2f} s wall, {statistics.median(cpus[n]):.2f} s CPU "
                  f"(median of {args.repeat}: {', '.join(f'{t:.2f}' for t in times[n])} s wall, "
                  f"{', '.join(f'{t:.2f}' for t in cpus[n])} s CPU); + quality page: "
                  f"{statistics.median(qcpus[n]):.2f} s CPU ({', '.join(f'{t:.2f}' for t in qcpus[n])}; "
                  f"{scratch[n]:.2f} s from scratch); {args.add} of the latest year: "
                  f"{t_night:.2f} s wall, {c_night:.2f} s CPU; replace {args.add} scattered: "
                  f"{t_replace:.2f} s wall, {c_replace:.2f} s CPU", flush=True)
            shutil.rmtree(out, ignore_errors=True)
    finally:
        if not args.dir:
            shutil.rmtree(base, ignore_errors=True)
    if len(sizes) > 1 and all(times[n] for n in sizes):
        a, b = sizes[0], sizes[-1]
        mw, mc = statistics.median(times[b]) / statistics.median(times[a]), statistics.median(cpus[b]) / statistics.median(cpus[a])
        print(f"add {args.add}: {statistics.median(times[b]):.2f} s at {b:,} vs {statistics.median(times[a]):.2f} s at "
              f"{a:,} reports = {mw:.2f}x wall, {mc:.2f}x CPU (median); best CPU {min(cpus[b]):.2f} vs "
              f"{min(cpus[a]):.2f} s = {min(cpus[b]) / min(cpus[a]):.2f}x (wall inflates on a busy machine)")
        night = {n: min(c + q for c, q in zip(cpus[n], qcpus[n])) for n in (a, b)}
        print(f"add {args.add} + quality page (what a nightly run pays): best CPU {night[b]:.2f} s at {b:,} vs "
              f"{night[a]:.2f} s at {a:,} = {night[b] / night[a]:.2f}x")


def _replacement(i: int, n: int, ids) -> Report:
    """Report i of the starting dataset again (same report_id, new values): a rerun's replace."""
    r = report(i, n, ids, "r")
    r.report_id = rid(i)
    return r


if __name__ == "__main__":
    main()
