"""The nightly run with nothing new: the Prefect flow over N cached, published files, beyond start-up.

Usage:
    .venv/bin/python benchmarks/bench_noop.py [--files 10000] [--workers 2] [--dir /tmp/x] [--profile]

Makes ``--files`` distinct small text reports (the text fixtures of tests/fixtures/text, each copy
made distinct by trailing whitespace, which the text extractor ignores), runs ``ogi run
--no-prefect`` once to fill the cache and the dataset, then, in a fresh process (no warm
in-process caches), times:

1. an empty Prefect flow (Prefect's start-up: its temporary server, the first flow run);
2. a second empty flow (what any flow run costs once Prefect is up);
3. ``build_dataset`` — the flow the deployment ``build-dataset/nightly`` runs — over the same
   folder and ``--out``, with nothing new.

"Beyond start-up" is (3) − (2): what the nightly flow itself costs. ``--profile`` writes a
cProfile of (3) to ``<dir>/noop.prof`` and prints its top entries.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
       "PREFECT_LOGGING_LEVEL": "WARNING", "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180"}
FIXTURES = ROOT / "tests" / "fixtures" / "text"


def make_files(folder: Path, n: int) -> None:
    """``n`` distinct text reports: copy i ends in i written in binary as spaces and tabs."""
    folder.mkdir(parents=True, exist_ok=True)
    bases = sorted(FIXTURES.glob("*.txt"))
    texts = [p.read_bytes().rstrip() + b"\n" for p in bases]
    for i in range(n):
        tail = format(i, "b").replace("0", " ").replace("1", "\t").encode() + b"\n"
        (folder / f"{i:05d}_{bases[i % len(bases)].name}").write_bytes(texts[i % len(texts)] + tail)


def fill(src: Path, out: Path, workers: int) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pipeline.cli", "run", "--source", str(src), "--out", str(out),
                    "--workers", str(workers), "--no-prefect"], cwd=ROOT, env=ENV, check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def measure(src: str, out: str, workers: int, profile: str | None) -> dict:
    """Run in a fresh process: the empty flows, then the nightly flow; seconds of each."""
    t0 = time.perf_counter()
    from prefect import flow

    from flows.build import build_dataset
    imports = time.perf_counter() - t0

    @flow(name="empty")
    def empty() -> int:
        return 0

    t1 = time.perf_counter()
    empty()
    cold = time.perf_counter() - t1
    t2, c2 = time.perf_counter(), time.process_time()
    empty()
    warm, warm_cpu = time.perf_counter() - t2, time.process_time() - c2
    prof = None
    if profile:
        import cProfile

        prof = cProfile.Profile()
        prof.enable()
    t3, c3 = time.perf_counter(), time.process_time()
    result = build_dataset(source=src, out=out, workers=workers, runner="process")
    nightly, nightly_cpu = time.perf_counter() - t3, time.process_time() - c3
    if prof is not None:
        prof.disable()
        prof.dump_stats(profile)
    return {"imports": imports, "empty_cold": cold, "empty_warm": warm, "nightly": nightly, "result": result,
            "empty_warm_cpu": warm_cpu, "nightly_cpu": nightly_cpu, "load": os.getloadavg()[0]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=10000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--dir", help="work folder (default: a temp folder, removed after); reused when filled")
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--measure", nargs=2, metavar=("SRC", "OUT"), help=argparse.SUPPRESS)
    ap.add_argument("--profile-to", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.measure:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(measure(*args.measure, args.workers, args.profile_to)))
        return 0
    base = Path(args.dir or tempfile.mkdtemp(prefix="bench-noop-"))
    src, out = base / f"src{args.files}", base / f"out{args.files}"
    try:
        if not (out / "current").exists():
            shutil.rmtree(src, ignore_errors=True)
            shutil.rmtree(out, ignore_errors=True)
            make_files(src, args.files)
            print(f"filled {args.files} files in {fill(src, out, args.workers):.0f} s (ogi run --no-prefect)",
                  flush=True)
        prof = str(base / "noop.prof") if args.profile else None
        cmd = [sys.executable, str(Path(__file__).resolve()), "--measure", str(src), str(out),
               "--workers", str(args.workers)] + (["--profile-to", prof] if prof else [])
        res = subprocess.run(cmd, cwd=ROOT, env=ENV, capture_output=True, text=True, check=False)
        if res.returncode != 0:
            print(res.stderr[-3000:], file=sys.stderr)
            return 1
        m = json.loads(res.stdout.strip().splitlines()[-1])
        r = m["result"]
        print(f"{args.files} cached files, nothing new, through the Prefect flow build-dataset:")
        print(f"  imports {m['imports']:.2f} s; empty flow cold (Prefect start-up) {m['empty_cold']:.2f} s; "
              f"empty flow warm {m['empty_warm']:.2f} s")
        print(f"  nightly flow {m['nightly']:.2f} s (flow body {r['seconds']} s; seen={r['seen']} "
              f"cached={r['cached']} extracted={r['extracted']} published={r['published']})")
        print(f"  beyond start-up (nightly − warm empty flow): {m['nightly'] - m['empty_warm']:.2f} s wall, "
              f"{m['nightly_cpu'] - m['empty_warm_cpu']:.2f} s CPU of this process (load average {m['load']:.1f}: "
              "on a busy machine read the CPU figure)")
        if prof:
            import pstats

            pstats.Stats(prof).sort_stats("cumulative").print_stats(40)
    finally:
        if not args.dir:
            shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
