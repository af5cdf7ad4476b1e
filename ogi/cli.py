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
        from fetchers import FetchSettings
        from ogi.pipeline import RunSettings, process_many
        from ogi.remote import cache_dir_for, collect_inputs, publish_to
        from tqdm import tqdm

        if args.runner not in (None, "process"):
            raise SystemExit("--runner dask needs Prefect: drop --no-prefect")
        settings = RunSettings(workers=args.workers or RunSettings().workers, force=args.force,
                               years=tuple(years or ()), cache_dir=cache_dir_for(out),
                               timeout_s=args.timeout, memory_mb=args.memory_mb)
        files, fetched = collect_inputs(source, out, FetchSettings(delay=args.fetch_delay))
        with tqdm(total=len(files), unit="file", desc="reports", disable=not sys.stderr.isatty()) as bar:
            reports, stats = process_many(files, settings, progress=lambda _r: bar.update(1))
        from review.hook import after_publish, before_publish

        reports, review = before_publish(reports, out, args.corrections)
        pub = publish_to(reports, out)
        after_publish(out, review)
        result = {"seen": stats.seen, "cached": stats.cached, "extracted": stats.extracted,
                  "failed": len(stats.failed), "checks_failed": stats.checks_failed,
                  "reports": pub.reports, "facts": pub.facts, **review.summary()}
        if fetched is not None:
            result.update({"fetched_new": fetched.new, "fetched_unchanged": fetched.unchanged,
                           "fetch_failed": len(fetched.failed)})
    else:
        _quiet_prefect()
        from flows.build import build_dataset

        result = build_dataset(source=source, out=out, years=years, force=args.force, workers=args.workers,
                               progress=sys.stderr.isatty(), runner=args.runner or "process",
                               fetch_delay=args.fetch_delay, timeout_s=args.timeout, memory_mb=args.memory_mb,
                               corrections=args.corrections)
    print(json.dumps(result, ensure_ascii=False))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Register build-dataset/nightly on PREFECT_API_URL and execute its runs until stopped."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from flows.serve import ServeSettings, serve
    from ogi.remote import is_remote

    def absolute(p: str | None) -> str | None:  # runs start in another process: no cwd surprises
        return str(Path(p).resolve()) if p and Path(p).exists() else p

    defaults = ServeSettings()
    out = args.out and (args.out if is_remote(args.out) else str(Path(args.out).resolve()))
    serve(ServeSettings(source=absolute(args.source) or defaults.source, out=out or defaults.out,
                        runner=args.runner or defaults.runner))
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="ogi", description="OGI annual reports → Parquet dataset")
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run", help="process report files into the dataset (Prefect flow build-dataset)")
    r.add_argument("--source", help=f"folder or file of reports, a listing URL, source name(s) from "
                                    f"data/sources.yaml or 'all' (default: {DEFAULT_SOURCE})")
    r.add_argument("--out", help=f"dataset folder or s3://bucket/path (default: {DEFAULT_OUT})")
    r.add_argument("--years", help="only these report years, comma-separated")
    r.add_argument("--force", action="store_true", help="re-extract even files already processed")
    r.add_argument("--workers", type=int, help="worker processes (default: all cores)")
    r.add_argument("--no-prefect", action="store_true", help="run the same pipeline without Prefect")
    r.add_argument("--runner", help="process (default), dask, or dask://host:port of a Dask scheduler")
    r.add_argument("--fetch-delay", type=float, default=1.0, help="seconds between requests to one portal")
    r.add_argument("--timeout", type=float, default=180.0, help="seconds one file may take (default 180)")
    r.add_argument("--memory-mb", type=int, default=2048, help="memory one worker may add, in MB (default 2048)")
    r.add_argument("--corrections", help="corrections file to apply (default: OUT/corrections.csv)")
    r.add_argument("-v", "--verbose", action="store_true")
    r.set_defaults(func=cmd_run)
    from review.cli import add_parser as add_review

    add_review(sub)
    from publish.cli import add_parser as add_release

    add_release(sub)
    s = sub.add_parser("serve", help="serve the deployment build-dataset/nightly on PREFECT_API_URL")
    s.add_argument("--source", help="default source of the runs (default: all configured sources)")
    s.add_argument("--out", help=f"default dataset of the runs (default: {DEFAULT_OUT})")
    s.add_argument("--runner", help="default runner: process, dask or dask://host:port")
    s.add_argument("-v", "--verbose", action="store_true")
    s.set_defaults(func=cmd_serve)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO if getattr(args, "verbose", False) else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
