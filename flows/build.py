"""The Prefect flow `build-dataset`: [fetch] → extract+normalize → publish, with a run artifact.

Flows and tasks stay thin; the work is in :mod:`ogi.pipeline`, :mod:`ogi.publish`,
:mod:`ogi.remote` (portal sources, object storage) and :mod:`flows.runners` (process pool
or Dask). Retries belong to network I/O only (fetching), never to extraction.
"""

from __future__ import annotations

import time
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.tasks import exponential_backoff

from flows.batches import (DEFAULT_BATCH, BatchResult, RunTotals, batches, corrections_in_play, drop_spools, nothing_new,
                           published_keys, read_spools, write_spool)
from flows.runners import api_url_for_workers, dask_task_runner, extract_on_dask, parse_runner
from ogi.pipeline import BatchStats, InputFile, RunSettings, discover, process_many
from ogi.publish import PublishStats
from ogi.remote import (ALL_SOURCES, FetchStats, SourceUnreachable, already_published, cache_dir_for,
                        dataset_counts, fetch_source, plan_source, publish_to, raw_root_for)
from ogi.types import Report
from review.hook import Review, after_publish, before_publish

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


@task(name="discover", cache_policy=NO_CACHE)
def discover_task(source: str) -> list[InputFile]:
    return discover(source)


@task(name="extract-and-normalize", task_run_name="extract-{first}", cache_policy=NO_CACHE)
def extract_task(files: list[InputFile], settings: RunSettings, out: str, first: int = 0,
                 bar=None, skip_published: bool = True) -> BatchResult:
    """One batch of paths → its counts and a spool file of the reports the dataset still needs
    (reports it already holds as they are stay unread in the cache)."""
    have = published_keys(out) if skip_published and not settings.force else frozenset()
    shown = [0]

    def tick(_r: Report) -> None:
        shown[0] += 1
        bar.update(1)

    reports, stats = process_many(files, settings, progress=tick if bar else None, skip=have.__contains__)
    if bar is not None:
        bar.update(stats.seen - shown[0])  # the skipped ones
    return BatchResult(stats, write_spool(reports, settings.cache_dir), len(reports))


@task(name="publish", cache_policy=NO_CACHE)
def publish_task(spools: list[str], out: str, corrections: str | None = None, force: bool = False,
                 extracted: int = 0) -> tuple[PublishStats, Review, bool]:
    """Overlay the corrections on the spooled reports and merge them into the dataset when anything
    changed; the quality page either way. The spool files go once read."""
    reports, review = before_publish(read_spools(spools), out, corrections)
    published = bool(reports) and not (extracted == 0 and not force and not review.overlay.applied
                                       and already_published(reports, out))
    pub = publish_to(reports, out) if published else dataset_counts(out)
    after_publish(out, review, published)
    drop_spools(spools)
    return pub, review, published


def extract_batches(files: list[InputFile], settings: RunSettings, out: str, progress: bool,
                    batch: int = DEFAULT_BATCH, skip_published: bool = True) -> RunTotals:
    """The files in batches of ``batch`` paths, one extract task each, added up."""
    totals = RunTotals()
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(files), unit="file", desc="reports")
    try:
        for i, part in enumerate(batches(files, batch)):
            totals.add(extract_task(part, settings, out, first=i * batch, bar=bar, skip_published=skip_published))
    finally:
        if bar is not None:
            bar.close()
    return totals


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
                  memory_mb: int = 2048, corrections: str | None = None) -> dict:
    """Turn the reports of ``source`` (folder, listing URL, configured source name(s) or ``all``)
    into the dataset at ``out`` (folder or s3://...), extracting on ``runner`` (process | dask |
    dask://host:port). ``corrections`` (default ``<out>/corrections.csv``) is overlaid on the reports."""
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
    skip = not corrections_in_play(out, corrections)  # corrections apply to loaded reports only
    idle = nothing_new(files, settings, out) if skip else None
    if idle is not None:  # every file unchanged and published as is: no extract task at all
        totals = RunTotals(stats=idle)
    elif spec.kind == "process":
        totals = extract_batches(files, settings, out, progress, skip_published=skip)
    else:
        with api_url_for_workers():
            reports, dstats = extract_on_dask.with_options(task_runner=dask_task_runner(spec))(
                files, settings, chunk=spec.chunk)
        have = published_keys(out) if skip and not force else frozenset()
        reports = [r for r in reports if (r.report_id, r.sha256, r.status) not in have]
        totals = RunTotals()
        totals.add(BatchResult(dstats, write_spool(reports, settings.cache_dir), len(reports)))
    stats = totals.stats
    t2 = time.monotonic()
    pub, review, published = publish_task(totals.spools, out, corrections, force, stats.extracted)
    seconds = time.monotonic() - t0
    timings = {"fetch": t1 - t0, "extract": t2 - t1, "publish": seconds - (t2 - t0)}
    create_markdown_artifact(key=ARTIFACT_KEY,
                             markdown=summary_markdown(source, stats, pub, seconds, fetch, timings, published)
                             + "\n\n" + review.markdown(),
                             description="What the last build-dataset run did")
    logger.info("%s %d reports, %d facts at %s in %.1f s", "published" if published else "unchanged:",
                pub.reports, pub.facts, out, seconds)
    result = {"seen": stats.seen, "cached": stats.cached, "extracted": stats.extracted,
              "failed": len(stats.failed), "checks_failed": stats.checks_failed,
              "reports": pub.reports, "facts": pub.facts, "published": published, "seconds": round(seconds, 2),
              **review.summary()}
    if fetch is not None:
        result.update({"fetched_new": fetch.new, "fetched_unchanged": fetch.unchanged,
                       "fetch_failed": len(fetch.failed)})
    return result
