"""The Prefect flow `build-dataset`: the run of :func:`pipeline.run.run`, its steps as tasks, plus an artifact.

The flow does not wire the run itself: it hands :func:`pipeline.run.run` task-wrapped steps
(fetch with retries, discover, extract one batch of paths on the process pool or Dask, publish
the spooled reports with the corrections overlay and quality page), so ``ogi run --no-prefect``
and the flow do the same thing: the batching, the spool ids and the "nothing new: no extract
task" decision live in the composition (:mod:`pipeline.run`, :mod:`pipeline.spool`). Every task
is NO_CACHE (Prefect would hash what tasks take and return); retries belong to network I/O only
(fetching), never to extraction.
"""

from __future__ import annotations

from typing import Any

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.tasks import exponential_backoff

from fetchers import FetchSettings
from flows.runners import api_url_for_workers, dask_task_runner, extract_on_dask
from ogi.errors import UsageError
from ogi.settings import (
    CRAWL_DEADLINE_S,
    FETCH_DELAY_S,
    MEMORY_MB,
    RESPONSE_DEADLINE_S,
    TIMEOUT_S,
    RunSettings,
    default_out,
)
from pipeline.batch import BatchStats, InputFile, discover
from pipeline.inputs import ALL_SOURCES, FetchStats, SourceUnreachable, fetch_source
from pipeline.run import (
    RunRequest,
    SourcesFailed,
    Steps,
    extract_settings,
    plan,
    publish_spooled,
    run,
    sources_failed_lines,
)
from pipeline.runner_spec import parse_runner
from pipeline.spool import DEFAULT_BATCH, BatchResult, extract_batch, spool_batch
from publish.local import PublishStats
from review.hook import Review

ARTIFACT_KEY = "build-dataset-summary"
DEFAULT_OUT = str(default_out())
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
def fetch_task(source, raw_root: str, settings: FetchSettings | None = None) -> tuple[list[InputFile], FetchStats]:
    """One source's crawl. A source that gives no report fails this task with the reason
    (pipeline.inputs.SourceFailed); only an unreachable one is retried."""
    return fetch_source(source, raw_root, settings or FetchSettings())


@task(name="discover", cache_policy=NO_CACHE)
def discover_task(source: str) -> list[InputFile]:
    return discover(source)


@task(name="extract-and-normalize", task_run_name="extract-{first}", cache_policy=NO_CACHE)
def extract_task(files: list[InputFile], settings: RunSettings, out: str, first: int = 0,
                 skip_published: bool = True, bar=None) -> BatchResult:
    """One batch of paths → its counts and a spool id (:func:`pipeline.spool.extract_batch`)."""
    return extract_batch(files, settings, out, skip_published, progress=bar.update if bar is not None else None)


@task(name="publish", cache_policy=NO_CACHE)
def publish_task(spools: list[str], out: str, corrections: str | None = None, force: bool = False,
                 extracted: int = 0) -> tuple[PublishStats, Review, bool]:
    return publish_spooled(spools, out, corrections, force, extracted)


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
    lines += _table(["files seen", "new (extracted)", "unchanged (cached)", "not ok", "identity checks failed"],
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
    if fetch is not None and fetch.sources_failed:
        lines += ["", "## Sources that gave no report", "", "| source | reason |", "| --- | --- |"]
        lines += [f"| {k} | {v.replace('|', '/')[:300]} |" for k, v in sorted(fetch.sources_failed.items())]
    if fetch is not None and fetch.failed:
        lines += ["", "## URLs not fetched", "", "| url | reason |", "| --- | --- |"]
        lines += [f"| {k} | {v.replace('|', '/')[:300]} |" for k, v in sorted(fetch.failed.items())[:200]]
    return "\n".join(lines)


@flow(name="build-dataset", log_prints=False)
def build_dataset(source: str = ALL_SOURCES, out: str = DEFAULT_OUT, years: list[int] | None = None,
                  force: bool = False, workers: int | None = None, progress: bool = False,
                  runner: str = "process", fetch_delay: float = FETCH_DELAY_S, timeout_s: float = TIMEOUT_S,
                  memory_mb: int = MEMORY_MB, corrections: str | None = None,
                  extract: dict[str, Any] | None = None, response_deadline: float = RESPONSE_DEADLINE_S,
                  crawl_deadline: float = CRAWL_DEADLINE_S) -> dict:
    """Turn the reports of ``source`` (folder, listing URL, configured source name(s) or ``all``)
    into the dataset at ``out`` (folder or s3://...), extracting on ``runner`` (process | dask |
    dask://host:port). ``corrections`` (default ``<out>/corrections.csv``) is overlaid on the reports.
    ``extract`` sets how files are read (fields of :class:`ogi.settings.ExtractSettings`, e.g.
    ``{"ocr": false}`` or ``{"ocr_max_pages": 20}``)."""
    try:
        spec = parse_runner(runner)  # bad parameters fail before any work
    except ValueError as e:
        raise UsageError(f"runner: {e}") from None
    planned = plan(RunRequest(source=source, out=out, years=tuple(years or ()), force=force, workers=workers,
                              fetch_delay=fetch_delay, timeout_s=timeout_s, memory_mb=memory_mb,
                              corrections=corrections, extract=extract_settings(extract),
                              response_deadline=response_deadline, crawl_deadline=crawl_deadline))
    fetch_settings = planned.request.fetch_settings()
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=None, unit="file", desc="reports")

    def extract_on(files: list[InputFile], settings: RunSettings, out: str, first: int, skip: bool) -> BatchResult:
        if spec.kind == "process":
            return extract_task(files, settings, out, first=first, skip_published=skip, bar=bar)
        with api_url_for_workers():
            reports, stats = extract_on_dask.with_options(task_runner=dask_task_runner(spec))(
                files, settings, chunk=spec.chunk, out=out)
        return spool_batch(reports, stats, settings, out, skip)

    steps = Steps(discover=discover_task, fetch_one=lambda src, raw_root: fetch_task(src, raw_root, fetch_settings),
                  extract=extract_on, publish=publish_task, batch=DEFAULT_BATCH if spec.kind == "process" else None)
    try:
        outcome = run(planned, steps)
    finally:
        if bar is not None:
            bar.close()
    failed = sources_failed_lines(outcome.fetch)
    create_markdown_artifact(key=ARTIFACT_KEY,
                             markdown=summary_markdown(source, outcome.stats, outcome.pub,
                                                       outcome.result["seconds"], outcome.fetch, outcome.timings,
                                                       outcome.published)
                             + "\n\n" + outcome.review.markdown(),
                             description="What the last build-dataset run did")
    if failed:  # published what came, but the run is not green: its fetch task failed too
        raise SourcesFailed("\n".join(failed), outcome.result)
    return outcome.result
