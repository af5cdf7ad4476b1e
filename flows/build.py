"""The Prefect flow `build-dataset`: [fetch] → extract+normalize → publish, with a run artifact.

Flows and tasks stay thin; the work is in :mod:`pipeline.batch`, :mod:`publish.local`,
:mod:`pipeline.inputs` (portal sources), :mod:`publish.remote` (object storage) and :mod:`flows.runners` (process pool
or Dask). Retries belong to network I/O only (fetching), never to extraction.
"""

from __future__ import annotations

import time
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.tasks import exponential_backoff

from flows.runners import api_url_for_workers, dask_task_runner, extract_on_dask, parse_runner
from pipeline.batch import BatchStats, InputFile, RunSettings, discover, process_many
from publish.local import PublishStats
from ogi.settings import cache_dir_for, raw_root_for
from pipeline.inputs import ALL_SOURCES, FetchStats, SourceUnreachable, fetch_source, plan_source
from publish.remote import already_published, dataset_counts, publish_to
from ogi.types import Report

ARTIFACT_KEY = "build-dataset-summary"
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = str(ROOT / "data" / "dataset")
FETCH_RETRIES = 3


def retry_when_unreachable(task, task_run, state) -> bool:
    """Retry a fetch only when the portal could not be reached (network), never for 404s or bad names."""
    try:
        state.result()
    except SourceUnreachable:
        return True
    except Exception:
        return False
    return False


@task(name="fetch", task_run_name="fetch-{source.name}", retries=FETCH_RETRIES,
      retry_delay_seconds=exponential_backoff(backoff_factor=30), retry_jitter_factor=0.5,
      retry_condition_fn=retry_when_unreachable, cache_policy=NO_CACHE)
def fetch_task(source, raw_root: str, fetch_delay: float = 1.0) -> tuple[list[InputFile], FetchStats]:
    from fetchers import FetchSettings

    return fetch_source(source, raw_root, FetchSettings(delay=fetch_delay))


@task(name="discover")
def discover_task(source: str) -> list[InputFile]:
    return discover(source)


@task(name="extract-and-normalize")
def extract_task(files: list[InputFile], settings: RunSettings, progress: bool = False) -> tuple[list[Report], BatchStats]:
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(files), unit="file", desc="reports")
    try:
        return process_many(files, settings, progress=(lambda _r: bar.update(1)) if bar else None)
    finally:
        if bar is not None:
            bar.close()


@task(name="publish")
def publish_task(reports: list[Report], out: str) -> PublishStats:
    return publish_to(reports, out)


def fetch_all(sources, raw_root: str, fetch_delay: float) -> tuple[list[InputFile], FetchStats]:
    """Crawl each source in turn (one RawStore); a source still down after retries is recorded, not fatal."""
    files: list[InputFile] = []
    total = FetchStats()
    for src in sources:
        state = fetch_task(src, raw_root, fetch_delay, return_state=True)
        if state.is_completed():
            got, stats = state.result()
            files += got
            total.add(stats)
        else:
            total.sources += 1
            total.failed[src.url] = f"source not fetched: {state.message or state.name}"
    return files, total


def _table(header: list[str], row: list) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header), "| " + " | ".join(map(str, row)) + " |"]


def summary_markdown(source: str, stats: BatchStats, pub: PublishStats, seconds: float,
                     fetch: FetchStats | None = None, timings: dict[str, float] | None = None,
                     published: bool = True) -> str:
    """What happened in a run, for people reading the Prefect UI."""
    lines = [f"# build-dataset: {source}", ""]
    if fetch is not None:
        lines += ["## Fetch", ""]
        lines += _table(["sources", "listing pages", "report files new", "unchanged", "failed URLs", "requests"],
                        [fetch.sources, fetch.listing_pages, fetch.new, fetch.unchanged, len(fetch.failed),
                         fetch.requests]) + [""]
    lines += ["## Extract", ""]
    lines += _table(["files seen", "new (extracted)", "unchanged (cached)", "failed", "identity checks failed"],
                    [stats.seen, stats.extracted, stats.cached, len(stats.failed), stats.checks_failed]) + [""]
    lines += ["## Publish", ""]
    if not published:
        lines += ["Nothing new: the dataset was left as it was.", ""]
    lines += _table(["rows written (reports/facts/sections/checks)", "replaced reports", "out"],
                    [f"{pub.reports}/{pub.facts}/{pub.sections}/{pub.checks}" if published else "0",
                     pub.replaced, pub.path]) + [""]
    t = timings or {}
    lines += ["## Time (seconds)", ""]
    lines += _table(["fetch", "extract", "publish", "total"],
                    [f"{t.get('fetch', 0.0):.1f}", f"{t.get('extract', 0.0):.1f}", f"{t.get('publish', 0.0):.1f}",
                     f"{seconds:.1f}"])
    if stats.failed:
        lines += ["", "## Files not ok", "", "| file | reason |", "| --- | --- |"]
        lines += [f"| {k} | {v.replace('|', '/')[:300]} |" for k, v in sorted(stats.failed.items())[:200]]
    if fetch is not None and fetch.failed:
        lines += ["", "## URLs not fetched", "", "| url | reason |", "| --- | --- |"]
        lines += [f"| {k} | {v.replace('|', '/')[:300]} |" for k, v in sorted(fetch.failed.items())[:200]]
    return "\n".join(lines)


@flow(name="build-dataset", log_prints=False)
def build_dataset(source: str = ALL_SOURCES, out: str = DEFAULT_OUT, years: list[int] | None = None,
                  force: bool = False, workers: int | None = None, progress: bool = False,
                  runner: str = "process", fetch_delay: float = 1.0, timeout_s: float = 180.0,
                  memory_mb: int = 2048) -> dict:
    """Turn the reports of ``source`` (folder, listing URL, configured source name(s) or ``all``)
    into the dataset at ``out`` (folder or s3://...), extracting on ``runner`` (process | dask |
    dask://host:port)."""
    logger = get_run_logger()
    t0 = time.monotonic()
    spec = parse_runner(runner)  # bad parameters fail before any work
    settings = RunSettings(workers=workers or RunSettings().workers, force=force, years=tuple(years or ()),
                           cache_dir=cache_dir_for(out), timeout_s=timeout_s, memory_mb=memory_mb)
    plan = plan_source(source)
    fetch = None
    if plan.folder is not None:
        files = discover_task(plan.folder)
    else:
        files, fetch = fetch_all(plan.sources, str(raw_root_for(out)), fetch_delay)
    t1 = time.monotonic()
    logger.info("%d report files from %s", len(files), source)
    if spec.kind == "process":
        reports, stats = extract_task(files, settings, progress)
    else:
        with api_url_for_workers():
            reports, stats = extract_on_dask.with_options(task_runner=dask_task_runner(spec))(
                files, settings, chunk=spec.chunk)
    t2 = time.monotonic()
    published = not (stats.extracted == 0 and not force and already_published(reports, out))
    pub = publish_task(reports, out) if published else dataset_counts(out)
    seconds = time.monotonic() - t0
    timings = {"fetch": t1 - t0, "extract": t2 - t1, "publish": seconds - (t2 - t0)}
    create_markdown_artifact(key=ARTIFACT_KEY,
                             markdown=summary_markdown(source, stats, pub, seconds, fetch, timings, published),
                             description="What the last build-dataset run did")
    logger.info("%s %d reports, %d facts at %s in %.1f s", "published" if published else "unchanged:",
                pub.reports, pub.facts, out, seconds)
    result = {"seen": stats.seen, "cached": stats.cached, "extracted": stats.extracted,
              "failed": len(stats.failed), "checks_failed": stats.checks_failed,
              "reports": pub.reports, "facts": pub.facts, "published": published, "seconds": round(seconds, 2)}
    if fetch is not None:
        result.update({"fetched_new": fetch.new, "fetched_unchanged": fetch.unchanged,
                       "fetch_failed": len(fetch.failed)})
    return result
