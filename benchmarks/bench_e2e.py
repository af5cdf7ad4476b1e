"""End-to-end throughput: born-digital PDFs into Parquet, as the marginal rate.

Usage:
    .venv/bin/python benchmarks/bench_e2e.py PDF_FOLDER [PDF_FOLDER ...] [--small 12] [--large 60] [--workers 2]

Copies born-digital PDFs (cycled to reach N files; each copy gets a distinct trailing
comment so its content hash differs) into a temp folder and times the whole library path
(discover → extract+normalize in worker processes → publish Parquet) for N=small and N=large.
The marginal rate (large − small) / (t_large − t_small) leaves out fixed start-up costs
(Prefect's own start-up is not involved: the library is called directly, as the flow does).
Peak memory is sampled over the process tree twice: summed RSS (counts pages that forked
workers share with the parent once per process, so it overstates) and summed PSS (each
shared page split between the processes sharing it: the memory the run really holds).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.batch import RunSettings, discover, process_many  # noqa: E402
from publish.local import publish  # noqa: E402


def born_digital(folders: list[str]) -> list[Path]:
    import pypdfium2 as pdfium

    out = []
    for folder in folders:
        for p in sorted(Path(folder).glob("*.pdf")):
            doc = pdfium.PdfDocument(str(p))
            try:
                if any(doc[i].get_textpage().count_chars() > 50 for i in range(len(doc))):
                    out.append(p)
            finally:
                doc.close()
    return out


def make_folder(pdfs: list[Path], n: int, root: Path) -> Path:
    d = root / f"n{n}"
    d.mkdir()
    for i in range(n):
        src = pdfs[i % len(pdfs)]
        dst = d / f"{i:04d}_{src.name}"
        shutil.copy(src, dst)
        with dst.open("ab") as f:  # a PDF comment after %%EOF: same document, new hash
            f.write(f"\n% copy {i}\n".encode())
    return d


class PeakRSS:
    def __init__(self) -> None:
        self.peak = 0
        self.peak_pss = 0
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            try:
                procs = [me, *me.children(recursive=True)]
                rss = sum(p.memory_info().rss for p in procs)
                pss = sum(p.memory_full_info().pss for p in procs)
            except psutil.Error:
                rss = pss = 0
            self.peak = max(self.peak, rss)
            self.peak_pss = max(self.peak_pss, pss)
            time.sleep(0.05)

    def __enter__(self) -> PeakRSS:
        self._t.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._t.join()


def run_once(folder: Path, out: Path, workers: int) -> float:
    t0 = time.perf_counter()
    reports, _ = process_many(discover(folder), RunSettings(workers=workers))
    publish(reports, out)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folders", nargs="+")
    ap.add_argument("--small", type=int, default=12)
    ap.add_argument("--large", type=int, default=60)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    pdfs = born_digital(args.folders)
    if not pdfs:
        sys.exit("no born-digital PDFs found")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        small, large = make_folder(pdfs, args.small, root), make_folder(pdfs, args.large, root)
        run_once(make_folder(pdfs, 2, root), root / "warm", args.workers)  # imports, caches
        with PeakRSS() as mem:
            ts = run_once(small, root / "out_small", args.workers)
            tl = run_once(large, root / "out_large", args.workers)
    rate = (args.large - args.small) / (tl - ts)
    print(f"born-digital PDFs: {len(pdfs)} distinct, workers={args.workers}")
    print(f"N={args.small}: {ts:.2f} s   N={args.large}: {tl:.2f} s")
    print(f"marginal rate: {rate:.1f} reports/s   (whole run at N={args.large}: {args.large / tl:.1f} reports/s)")
    print(f"peak memory (process tree): PSS {mem.peak_pss / 2**20:.0f} MB, summed RSS {mem.peak / 2**20:.0f} MB")


if __name__ == "__main__":
    main()
