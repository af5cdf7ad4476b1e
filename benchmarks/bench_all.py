"""Every throughput number of issue 12 side by side, from one command (`make bench`).

Usage:
    .venv/bin/python benchmarks/bench_all.py [FOLDER ...] [--small 12] [--large 120] [--large-prefect 360]
        [--repeat 3] [--workers 2]
        [--nightly 10000] [--publish-sizes 1000,10000,100000] [--skip camelot,publish,...]

On distinct born-digital PDFs of FOLDER(s) (default: the shared dev and real corpora; copies
cycled to N files, each made distinct by a trailing PDF comment), it prints:

* ``ogi run --no-prefect`` and ``ogi run`` (the Prefect flow): marginal rate, (large − small) /
  (t_large − t_small), so start-up (interpreter, imports, Prefect's server) cancels out; the CPU
  time of the whole process tree per marginal report; peak RSS and PSS of the biggest worker.
  Each size runs ``--repeat`` times, alternating, and the best time of each size counts. The
  Prefect row uses ``--large-prefect`` files: its start-up varies by seconds from run to run,
  which 108 more files cannot outweigh. The CPU of the tree is every descendant's, however deep
  and whoever its parent was when it ended: this process is made the subreaper of the run
  (prctl PR_SET_CHILD_SUBREAPER), so orphans (Prefect's server, a worker's own children) are
  reparented here and reaped, and their CPU lands in RUSAGE_CHILDREN like the rest;
* the pypdfium2 plain-text floor (open, every page's text; 2 processes) and pdfplumber /
  camelot on every page (benchmarks/bench_pdf.py);
* CPU ms per report by stage in one process (benchmarks/stage_times.py);
* the nightly run with nothing new: ``ogi run`` over ``--nightly`` cached, already published
  files, against the same command on an empty folder (Prefect's own start-up);
* publish time against dataset size (benchmarks/bench_publish.py, when present).

Wall-clock rates measure the machine as it is: the load average is printed before and after;
on a busy machine read the CPU columns (and the CPU-bound rate derived from them). A side-by-side
table closes the output. Copies of one PDF differ only by a trailing comment, so nothing may be
cached by content: every copy is extracted in full.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_e2e import born_digital, make_folder

DEFAULT_FOLDERS = [str(ROOT.parent / "shared" / "corpus" / "dev"), str(ROOT.parent / "shared" / "corpus" / "real")]
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
       "PREFECT_LOGGING_LEVEL": "WARNING", "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180"}


class WorkerPeak:
    """Peak RSS and PSS of the biggest worker under ``pid``: forked children with the same command
    line (Prefect's ephemeral server is another command), sampled every 50 ms."""

    def __init__(self, pid: int) -> None:
        self.root = psutil.Process(pid)
        self.rss = self.pss = 0
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()

    def _run(self) -> None:
        try:
            cmd = self.root.cmdline()
        except psutil.Error:
            return
        while not self._stop.is_set():
            try:
                for p in self.root.children(recursive=True):
                    if p.cmdline() != cmd:
                        continue
                    mem = p.memory_full_info()
                    self.rss, self.pss = max(self.rss, mem.rss), max(self.pss, mem.pss)
            except psutil.Error:
                pass
            time.sleep(0.05)

    def stop(self) -> None:
        self._stop.set()
        self._t.join()


PR_SET_CHILD_SUBREAPER = 36


def become_subreaper() -> bool:
    """Make orphaned descendants of our runs our children (Linux), so their CPU can be counted."""
    try:
        return ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


SUBREAPER = become_subreaper()


def reap_orphans(deadline_s: float = 60.0) -> int:
    """Wait for every descendant left behind by a run (reparented here); kill what outlives the
    deadline. Their CPU then counts in RUSAGE_CHILDREN. Returns how many were reaped."""
    reaped, end = 0, time.monotonic() + deadline_s
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return reaped
        if pid:
            reaped += 1
            continue
        if time.monotonic() > end:
            for child in psutil.Process().children():
                child.kill()
            end = float("inf")
        time.sleep(0.05)


def tree_cpu() -> float:
    """CPU seconds of every reaped descendant so far."""
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def cli_run(source: Path, out: Path, workers: int, prefect: bool) -> dict:
    """One ``ogi run``: wall seconds, CPU seconds of the whole process tree, worker peaks, its JSON."""
    cmd = [sys.executable, "-m", "pipeline.cli", "run", "--source", str(source), "--out", str(out),
           "--workers", str(workers)] + ([] if prefect else ["--no-prefect"])
    reap_orphans()
    before = tree_cpu()
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = WorkerPeak(proc.pid)
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - t0
    peak.stop()
    orphans = reap_orphans() if SUBREAPER else 0
    cpu = tree_cpu() - before
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{stderr[-2000:]}")
    result = json.loads(stdout.strip().splitlines()[-1])
    return {"wall": wall, "cpu": cpu, "rss": peak.rss, "pss": peak.pss, "result": result, "orphans": orphans}


def best_runs(small: Path, large: Path, workers: int, prefect: bool, tmp: Path, repeat: int) -> tuple[dict, dict]:
    """``repeat`` runs of each size, alternating small and large (so a load that comes and goes hits
    both alike); the best wall time and the least CPU of each size (what the machine gives at best)."""
    runs: dict[str, list[dict]] = {"s": [], "l": []}
    for i in range(repeat):
        for size, src in (("s", small), ("l", large)):
            out = tmp / f"o-{prefect}-{size}-{i}"
            runs[size].append(cli_run(src, out, workers, prefect))
            shutil.rmtree(out, ignore_errors=True)

    def best(rs: list[dict]) -> dict:
        return {"wall": min(r["wall"] for r in rs), "cpu": min(r["cpu"] for r in rs),
                "walls": [r["wall"] for r in rs], "rss": max(r["rss"] for r in rs), "pss": max(r["pss"] for r in rs),
                "orphans": max(r["orphans"] for r in rs)}

    return best(runs["s"]), best(runs["l"])


def _secs(xs: list[float]) -> str:
    return "/".join(f"{x:.1f}" for x in xs)


def cpu_rate(cpu_ms: float, cores: int) -> float:
    """Reports/s these cores would reach if CPU were the only limit (what a shared machine hides)."""
    return cores * 1000 / cpu_ms if cpu_ms > 0 else float("nan")


def rate_rows(small: Path, sizes: dict[bool, tuple[Path, int]], n_small: int, workers: int, tmp: Path,
              summary: dict[str, tuple[str, ...]] | None = None, repeat: int = 3) -> list[str]:
    """One row per path: ``sizes[prefect]`` is its large folder and file count."""
    rows = []
    for prefect in (False, True):
        label = "ogi run (Prefect flow)" if prefect else "ogi run --no-prefect"
        large, n_large = sizes[prefect]
        a, b = best_runs(small, large, workers, prefect, tmp, repeat)
        dn = n_large - n_small
        rate = dn / max(1e-9, b["wall"] - a["wall"])
        cpu_ms = 1000 * (b["cpu"] - a["cpu"]) / dn
        if summary is not None:
            summary[label] = (f"{rate:.1f}", f"{cpu_ms:.0f}", f"{cpu_rate(cpu_ms, workers):.1f}",
                              f"{max(a['rss'], b['rss']) / 2**20:.0f} / {max(a['pss'], b['pss']) / 2**20:.0f}")
        reaped = f", {max(a['orphans'], b['orphans'])} orphan(s) reaped" if SUBREAPER else ", orphans not counted"
        rows.append(f"{label:34} {rate:9.1f}/s  marginal ({n_large} vs {n_small}: best of {repeat} "
                    f"{b['wall']:.1f} s vs {a['wall']:.1f} s; all: {_secs(b['walls'])} vs {_secs(a['walls'])}); "
                    f"CPU {cpu_ms:.0f} ms/report (whole tree{reaped}); "
                    f"biggest process peak RSS {max(a['rss'], b['rss']) / 2**20:.0f} MB, "
                    f"PSS {max(a['pss'], b['pss']) / 2**20:.0f} MB")
    return rows


def _text_floor(path: str) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path)
    try:
        return sum(len(pdf[i].get_textpage().get_text_range()) for i in range(len(pdf)))
    finally:
        pdf.close()


def floor_row(folder: Path, workers: int, summary: dict[str, tuple[str, ...]] | None = None) -> str:
    paths = sorted(str(p) for p in folder.glob("*.pdf"))
    c0 = time.process_time()
    for p in paths:
        _text_floor(p)
    cpu_ms = 1000 * (time.process_time() - c0) / len(paths)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(_text_floor, paths[:workers]))
        t0 = time.perf_counter()
        list(pool.map(_text_floor, paths, chunksize=4))
        wall = time.perf_counter() - t0
    if summary is not None:
        summary["pypdfium2 plain text (the floor)"] = (f"{len(paths) / wall:.1f}", f"{cpu_ms:.0f}",
                                                       f"{cpu_rate(cpu_ms, workers):.1f}", "")
    return (f"{'pypdfium2 plain text (the floor)':34} {len(paths) / wall:9.1f}/s  {workers} processes over "
            f"{len(paths)} PDFs; CPU {cpu_ms:.1f} ms/report")


def peers_rows(pdfs: list[Path], tmp: Path, skip: set[str]) -> list[str]:
    methods = [m for m in ("plumber", "camelot") if m not in skip]
    if not methods:
        return []
    d = tmp / "distinct"
    d.mkdir(exist_ok=True)
    for i, p in enumerate(pdfs):
        (d / f"{i:03d}.pdf").symlink_to(p.resolve())
    res = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_pdf.py"), str(d), "--methods",
                          ",".join(methods), "--repeat", "1"], cwd=ROOT, env=ENV, capture_output=True, text=True,
                         check=False)
    return ["  " + ln for ln in res.stdout.strip().splitlines()] or [f"  bench_pdf failed: {res.stderr[-300:]}"]


def stage_rows(pdfs: list[Path], workers: int = 2, summary: dict[str, tuple[str, ...]] | None = None) -> list[str]:
    res = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "stage_times.py"), "--json",
                          *map(str, pdfs)], cwd=ROOT, env=ENV, capture_output=True, text=True, check=False)
    if res.returncode != 0:
        return [f"  stage_times failed: {res.stderr[-300:]}"]
    row = json.loads(res.stdout.strip().splitlines()[-1])
    total = row.pop("total")
    if summary is not None:
        summary["extract + normalize, one process"] = ("", f"{total:.0f}", f"{cpu_rate(total, workers):.1f}", "")
    lines = [f"  {v:7.1f} ms  {k}" for k, v in sorted(row.items(), key=lambda kv: -kv[1])]
    return lines + [f"  {total:7.1f} ms  total CPU per report, one process ({1000 / total:.1f} reports/s per core)"]


def seed_cache(pdfs: list[Path], n: int, tmp: Path) -> tuple[Path, Path]:
    """``n`` distinct cached, already published files: real reports, re-keyed (facts cut to 5 rows)."""
    from ogi.hashing import report_id_for
    from ogi.settings import cache_dir_for
    from pipeline.batch import (
        Cache,
        InputFile,
        discover,
        pipeline_version,
        process_file,
    )
    from publish.local import publish

    src, out = tmp / f"nightly{n}", tmp / f"nightly{n}-out"
    make_folder(pdfs, n, tmp).rename(src)
    base = [process_file(InputFile(str(p), p.name, p.name)) for p in pdfs]
    cache = Cache(cache_dir_for(str(out)), pipeline_version())
    files = discover(src)
    shas = cache.index.shas([f.path for f in files])
    reports = []
    for i, f in enumerate(files):
        rep = base[i % len(base)]
        rep = type(rep)(**{**{k: getattr(rep, k) for k in rep.__slots__}, "facts": rep.facts[:5],
                           "sha256": shas[f.path], "report_id": report_id_for(shas[f.path], f.key),
                           "file_name": f.file_name})
        cache.put(rep)
        reports.append(rep)
    cache.index.record(reports)
    cache.index.close()
    publish(reports, out)
    return src, out


def nightly_rows(pdfs: list[Path], n: int, workers: int, tmp: Path) -> list[str]:
    src, out = seed_cache(pdfs, n, tmp)
    empty = tmp / "empty"
    empty.mkdir()
    e = cli_run(empty, tmp / "empty-out", workers, True)
    r = cli_run(src, out, workers, True)
    res = r["result"]
    return [(f"  {n} cached files, nothing new: {r['wall']:.1f} s wall (flow body {res.get('seconds')} s; "
             f"cached={res.get('cached')} extracted={res.get('extracted')} published={res.get('published')})"),
            (f"  same command on an empty folder (Prefect start-up): {e['wall']:.1f} s  →  "
             f"{r['wall'] - e['wall']:.1f} s beyond start-up")]


def publish_rows(sizes: str) -> list[str]:
    script = ROOT / "benchmarks" / "bench_publish.py"
    if not script.exists():
        return ["  benchmarks/bench_publish.py not here yet (issue 12's publish half): nothing measured"]
    res = subprocess.run([sys.executable, str(script), "--sizes", sizes], cwd=ROOT, env=ENV,
                         capture_output=True, text=True, check=False)
    return ["  " + ln for ln in (res.stdout.strip().splitlines() or [f"failed: {res.stderr[-300:]}"])]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folders", nargs="*", default=DEFAULT_FOLDERS)
    ap.add_argument("--small", type=int, default=12)
    ap.add_argument("--large", type=int, default=120)
    ap.add_argument("--large-prefect", type=int, default=360,
                    help="files of the Prefect row's large run (its start-up varies by seconds)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each size per row, alternating; best counts")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--nightly", type=int, default=10000, help="cached files for the nothing-new run (0: skip)")
    ap.add_argument("--publish-sizes", default="1000,10000,100000")
    ap.add_argument("--skip", default="", help="comma list of: rates,floor,plumber,camelot,stages,nightly,publish")
    args = ap.parse_args(argv)
    skip = set(filter(None, args.skip.split(",")))
    pdfs = born_digital(args.folders)
    if not pdfs:
        print("no born-digital PDFs found", file=sys.stderr)
        return 1
    print(f"{len(pdfs)} distinct born-digital PDFs; {args.workers} workers; {os.cpu_count()} cores; "
          f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} (before)")
    summary: dict[str, tuple[str, ...]] = {}
    with tempfile.TemporaryDirectory(prefix="ogi-bench-") as t:
        tmp = Path(t)
        small, large = make_folder(pdfs, args.small, tmp), make_folder(pdfs, args.large, tmp)
        sizes = {False: (large, args.large), True: (large, args.large)}
        print("\n## Rates (reports/s, wall clock)")
        if "rates" not in skip:
            cli_run(make_folder(pdfs, 2, tmp), tmp / "warm", args.workers, False)  # disk caches, .pyc
            if args.large_prefect != args.large:
                sizes[True] = (make_folder(pdfs, args.large_prefect, tmp), args.large_prefect)
            for row in rate_rows(small, sizes, args.small, args.workers, tmp, summary, args.repeat):
                print(row)
        if "floor" not in skip:
            print(floor_row(large, args.workers, summary))
        print("\n## Peers on every page (one process, benchmarks/bench_pdf.py)")
        for row in peers_rows(pdfs, tmp, skip):
            print(row)
        if "stages" not in skip:
            print("\n## CPU ms per report by stage (one process, best of 3 passes)")
            for row in stage_rows(pdfs, args.workers, summary):
                print(row)
        if "nightly" not in skip and args.nightly > 0:
            print(f"\n## Nightly run with nothing new (Prefect, {args.nightly} files)")
            for row in nightly_rows(pdfs, args.nightly, args.workers, tmp):
                print(row)
        if "publish" not in skip:
            print("\n## Publish time against dataset size")
            for row in publish_rows(args.publish_sizes):
                print(row)
    if summary:
        print(f"\n## Side by side ({args.workers} workers; CPU-bound rate = {args.workers} × 1000 / CPU ms)")
        head = ("", "rate/s (wall)", "CPU ms/report", "CPU-bound rate/s", "peak RSS / PSS per worker (MB)")
        print(f"{head[0]:34} {head[1]:>14} {head[2]:>14} {head[3]:>17}  {head[4]}")
        for label, (rate, cpu, bound, mem) in summary.items():
            print(f"{label:34} {rate:>14} {cpu:>14} {bound:>17}  {mem}")
    print(f"\nload average {' '.join(f'{x:.1f}' for x in os.getloadavg())} (after)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
