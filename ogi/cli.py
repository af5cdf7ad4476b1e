"""`ogi`: the thin command line over the library (sqlite-utils style)."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT / "data" / "samples"
DEFAULT_OUT = ROOT / "data" / "dataset"


def _quiet_prefect() -> None:
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


def cmd_run(args: argparse.Namespace) -> int:
    source = args.source or str(DEFAULT_SOURCE)
    out = args.out or str(DEFAULT_OUT)
    years = [int(y) for y in args.years.split(",")] if args.years else None
    if args.no_prefect:
        from ogi.pipeline import RunSettings, discover, process_many
        from ogi.publish import publish
        from tqdm import tqdm

        settings = RunSettings(workers=args.workers or RunSettings().workers, force=args.force,
                               years=tuple(years or ()), cache_dir=str(Path(out) / ".cache"))
        files = discover(source)
        with tqdm(total=len(files), unit="file", desc="reports", disable=not sys.stderr.isatty()) as bar:
            reports, stats = process_many(files, settings, progress=lambda _r: bar.update(1))
        pub = publish(reports, out)
        result = {"seen": stats.seen, "cached": stats.cached, "extracted": stats.extracted,
                  "failed": len(stats.failed), "checks_failed": stats.checks_failed,
                  "reports": pub.reports, "facts": pub.facts}
    else:
        _quiet_prefect()
        from flows.build import build_dataset

        result = build_dataset(source=source, out=out, years=years, force=args.force, workers=args.workers,
                               progress=sys.stderr.isatty())
    print(json.dumps(result, ensure_ascii=False))
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="ogi", description="OGI annual reports → Parquet dataset")
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run", help="process report files into the dataset (Prefect flow build-dataset)")
    r.add_argument("--source", help=f"folder or file of reports (default: {DEFAULT_SOURCE})")
    r.add_argument("--out", help=f"dataset folder (default: {DEFAULT_OUT})")
    r.add_argument("--years", help="only these report years, comma-separated")
    r.add_argument("--force", action="store_true", help="re-extract even files already processed")
    r.add_argument("--workers", type=int, help="worker processes (default: all cores)")
    r.add_argument("--no-prefect", action="store_true", help="run the same pipeline without Prefect")
    r.add_argument("-v", "--verbose", action="store_true")
    r.set_defaults(func=cmd_run)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO if getattr(args, "verbose", False) else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
