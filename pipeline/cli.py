"""`ogi`: the thin command line over the library (sqlite-utils style).

A person's mistake (bad source, unwritable out, bad years, workers or runner, Prefect not
reachable) is one line on stderr and exit code 2, checked before any work and before a flow
starts. The run itself is :func:`pipeline.run.run`, the same composition the Prefect flow calls.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
from pathlib import Path

import ogi
from ogi.errors import OgiError, UsageError, disk_full, is_disk_full
from ogi.settings import (
    CRAWL_DEADLINE_S,
    FETCH_DELAY_S,
    MEMORY_MB,
    OCR_MAX_PAGES,
    OCR_TIME_BUDGET_S,
    PDF_ENGINES,
    RESPONSE_DEADLINE_S,
    TIMEOUT_S,
    default_out,
    default_source,
    is_remote,
)

USAGE_EXIT = 2


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line (the full usage stays in --help)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message} (see --help)")


def _quiet_prefect() -> None:
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


def check_prefect_reachable(timeout_s: float = 5.0) -> None:
    """With PREFECT_API_URL set, the server must answer now, not after a minute of retries."""
    url = os.environ.get("PREFECT_API_URL", "").rstrip("/")
    if not url:
        return  # Prefect starts a temporary local server for this run
    import httpx

    try:
        httpx.get(f"{url}/health", timeout=timeout_s).raise_for_status()
    except httpx.HTTPError as e:
        raise UsageError(f"Prefect API at {url} is not reachable ({type(e).__name__}): start the server, "
                         "unset PREFECT_API_URL, or use --no-prefect") from None


def _request(args: argparse.Namespace):
    from pipeline.run import RunRequest, extract_settings, parse_years

    extract = extract_settings({"ocr": not args.no_ocr, "ocr_max_pages": args.ocr_pages,
                                "ocr_time_budget_s": args.ocr_budget, "pdf_engine": args.pdf_engine})
    return RunRequest(source=str(default_source()) if args.source is None else args.source,
                      out=str(default_out()) if args.out is None else args.out,
                      years=parse_years(args.years), force=args.force, workers=args.workers,
                      fetch_delay=args.fetch_delay, timeout_s=args.timeout, memory_mb=args.memory_mb,
                      corrections=args.corrections, extract=extract, response_deadline=args.response_deadline,
                      crawl_deadline=args.crawl_deadline)


def _runner(text: str | None):
    from flows.runners import parse_runner

    try:
        return parse_runner(text)
    except ValueError as e:
        raise UsageError(f"--runner: {e}") from None


def cmd_run(args: argparse.Namespace) -> int:
    """Exit 0; 2 for a person's mistake; 3 when the run published but a source gave no report
    (robots.txt, its listing or every report link failed): one warning line per such source."""
    from pipeline.run import SOURCES_FAILED_EXIT, SourcesFailed, changed_extract, plan, run, sources_failed_lines

    request = _request(args)
    spec = _runner(args.runner)
    planned = plan(request)  # every mistake fails here, before a flow or a worker starts
    if args.no_prefect:
        if spec.kind != "process":
            raise UsageError("--runner dask needs Prefect: drop --no-prefect")
        from tqdm import tqdm

        with tqdm(total=None, unit="file", desc="reports", disable=not sys.stderr.isatty()) as bar:
            outcome = run(planned, progress=bar.update)
        result, failed = outcome.result, sources_failed_lines(outcome.fetch)
    else:
        _quiet_prefect()
        check_prefect_reachable()
        from flows.build import build_dataset

        try:
            result = build_dataset(source=request.source, out=request.out, years=list(request.years) or None,
                                   force=request.force, workers=request.workers, progress=sys.stderr.isatty(),
                                   runner=args.runner or "process", fetch_delay=request.fetch_delay,
                                   timeout_s=request.timeout_s, memory_mb=request.memory_mb,
                                   corrections=request.corrections, extract=changed_extract(request.extract) or None,
                                   response_deadline=request.response_deadline,
                                   crawl_deadline=request.crawl_deadline)
            failed = []
        except SourcesFailed as e:
            result, failed = e.result, str(e).splitlines()
        except RuntimeError as e:  # Prefect's own server did not come up (a loaded machine): say so in one line
            if "Prefect API" not in str(e):
                raise
            raise UsageError(f"{e}: retry, raise PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS, "
                             "or use --no-prefect") from None
    print(json.dumps(result, ensure_ascii=False))
    for line in failed:
        print(f"ogi: warning: {line}", file=sys.stderr)
    return SOURCES_FAILED_EXIT if failed else 0


def cmd_status(args: argparse.Namespace) -> int:
    from pipeline.inspect import dataset_status, status_text

    st = dataset_status(args.out)
    print(json.dumps(st.as_dict(), ensure_ascii=False) if args.json else status_text(st))
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from pipeline.inspect import show_text

    print(show_text(args.out, args.report))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Register build-dataset/nightly on PREFECT_API_URL and execute its runs until stopped."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from flows.serve import ServeSettings, serve

    def absolute(p: str | None) -> str | None:  # runs start in another process: no cwd surprises
        return str(Path(p).resolve()) if p and Path(p).exists() else p

    _runner(args.runner)
    check_prefect_reachable()
    defaults = ServeSettings()
    out = args.out and (args.out if is_remote(args.out) else str(Path(args.out).resolve()))
    settings = ServeSettings(source=absolute(args.source) or defaults.source, out=out or defaults.out,
                             runner=args.runner or defaults.runner)
    signal.signal(signal.SIGINT, _stop_soon)
    try:
        serve(settings)
    except KeyboardInterrupt:
        print("ogi serve: stopped", file=sys.stderr)
        os._exit(130)  # Prefect's shutdown would retry a vanished API for a minute
    return 0


SERVE_GRACE_S = 3.0  # after Ctrl-C, how long Prefect may take to shut down before the process exits anyway


def _stop_soon(signum, frame) -> None:
    """Ctrl-C: let Prefect shut down cleanly, but exit after SERVE_GRACE_S even if its API is gone."""
    timer = threading.Timer(SERVE_GRACE_S, lambda: os._exit(130))
    timer.daemon = True
    timer.start()
    raise KeyboardInterrupt


def parser() -> argparse.ArgumentParser:
    ap = _Parser(prog="ogi", description="OGI annual reports → Parquet dataset")
    ap.add_argument("--version", action="version", version=f"ogi {ogi.__version__}")
    sub = ap.add_subparsers(dest="cmd", required=True, parser_class=_Parser)
    r = sub.add_parser("run", help="process report files into the dataset (Prefect flow build-dataset)")
    r.add_argument("--source", help="folder or file of reports, a listing URL, source name(s) from "
                                    "sources.yaml or 'all' (default: the bundled samples)")
    r.add_argument("--out", help="dataset folder or s3://bucket/path (default: ./data/dataset, or "
                                 "$OGI_DATA_DIR/dataset)")
    r.add_argument("--years", help="only these report years, comma-separated")
    r.add_argument("--force", action="store_true", help="re-extract even files already processed")
    r.add_argument("--workers", type=int, help="worker processes (default: all cores)")
    r.add_argument("--no-prefect", action="store_true", help="run the same pipeline without Prefect")
    r.add_argument("--runner", help="process (default), dask, or dask://host:port of a Dask scheduler")
    r.add_argument("--fetch-delay", type=float, default=FETCH_DELAY_S, help="seconds between requests to one portal")
    r.add_argument("--response-deadline", type=float, default=RESPONSE_DEADLINE_S,
                   help=f"seconds one HTTP response may take in all (default {RESPONSE_DEADLINE_S:.0f})")
    r.add_argument("--crawl-deadline", type=float, default=CRAWL_DEADLINE_S,
                   help=f"seconds the crawl of one source may take (default {CRAWL_DEADLINE_S:.0f})")
    r.add_argument("--timeout", type=float, default=TIMEOUT_S, help=f"seconds one file may take (default {TIMEOUT_S:.0f})")
    r.add_argument("--memory-mb", type=int, default=MEMORY_MB,
                   help=f"memory one worker may add, in MB (default {MEMORY_MB})")
    r.add_argument("--corrections", help="corrections file to apply (default: OUT/corrections.csv)")
    r.add_argument("--no-ocr", action="store_true", help="do not OCR scans: they are reported needs_ocr")
    r.add_argument("--ocr-pages", type=int, default=OCR_MAX_PAGES,
                   help=f"pages of a long scan to OCR: the first ones and the last two (default {OCR_MAX_PAGES})")
    r.add_argument("--ocr-budget", type=float, default=OCR_TIME_BUDGET_S,
                   help=f"seconds of OCR per file; later pages are skipped and flagged (default {OCR_TIME_BUDGET_S:.0f})")
    r.add_argument("--pdf-engine", choices=PDF_ENGINES, default=PDF_ENGINES[0],
                   help="page geometry of PDFs: pdfium (fast, default) or pdfplumber (slow)")
    r.add_argument("-v", "--verbose", action="store_true")
    r.set_defaults(func=cmd_run)
    from review.cli import add_parser as add_review

    add_review(sub)
    from publish.cli import add_parser as add_release

    add_release(sub)
    st = sub.add_parser("status", help="a dataset's reports by status, year and province; its last run")
    st.add_argument("out", help="dataset folder")
    st.add_argument("--json", action="store_true", help="print JSON instead of text")
    st.set_defaults(func=cmd_status)
    sh = sub.add_parser("show", help="one report's tables in template form, its status and error")
    sh.add_argument("out", help="dataset folder")
    sh.add_argument("report", help="report_id or file_name")
    sh.set_defaults(func=cmd_show)
    s = sub.add_parser("serve", help="serve the deployment build-dataset/nightly on PREFECT_API_URL")
    s.add_argument("--source", help="default source of the runs (default: all configured sources)")
    s.add_argument("--out", help="default dataset of the runs (default: ./data/dataset)")
    s.add_argument("--runner", help="default runner: process, dask or dask://host:port")
    s.add_argument("-v", "--verbose", action="store_true")
    s.set_defaults(func=cmd_serve)
    return ap


def main(argv: list[str] | None = None) -> int:
    try:
        args = parser().parse_args(argv)
        logging.basicConfig(level=logging.INFO if getattr(args, "verbose", False) else logging.WARNING,
                            format="%(levelname)s %(name)s: %(message)s")
        return args.func(args)
    except UsageError as e:
        print(f"ogi: error: {e}", file=sys.stderr)
        return USAGE_EXIT
    except OgiError as e:  # the run could not finish (e.g. an upload failed): one line too
        print(f"ogi: error: {e}", file=sys.stderr)
        return 1
    except OSError as e:
        if not is_disk_full(e):
            raise
        print(f"ogi: error: {disk_full(e, 'writing')}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("ogi: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `ogi show ... | head`: the reader left, nothing to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
