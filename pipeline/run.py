"""The one composition of a run: plan → fetch → extract → publish → result.

``ogi run --no-prefect`` calls :func:`run` with the plain steps; the Prefect flow
``build-dataset`` (:mod:`flows.build`) calls the same :func:`run` with each step wrapped in a
task (:class:`Steps`), so the two cannot drift: both extract in batches of paths that hand on a
spool id and counts (:mod:`pipeline.spool`), both start no extraction at all when every file is
unchanged and published as is, both skip rewriting a dataset that already holds exactly these
reports, both overlay the corrections inside the publish step, both record an unreachable source
instead of stopping.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from fetchers import FetchSettings
from ogi.errors import OgiError, UsageError, disk_full, is_disk_full
from ogi.settings import (
    CRAWL_DEADLINE_S,
    FETCH_DELAY_S,
    MEMORY_MB,
    RESPONSE_DEADLINE_S,
    TIMEOUT_S,
    ExtractSettings,
    RunSettings,
    cache_dir_for,
    default_workers,
    is_remote,
    raw_root_for,
)
from ogi.types import Report
from pipeline.batch import BatchStats, InputFile, discover, one_per_content
from pipeline.inputs import (
    ALL_SOURCES,
    FetchStats,
    SourcePlan,
    fetch_source,
    plan_source,
)
from pipeline.spool import (
    DEFAULT_BATCH,
    BatchResult,
    RunTotals,
    batches,
    corrections_in_play,
    drop_spools,
    extract_batch,
    nothing_new,
    read_spools,
)
from publish.local import PublishStats, recover
from publish.remote import already_published, dataset_counts, publish_lock, publish_to
from review.hook import Review, after_publish, before_publish

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RunRequest:
    """What a person asks of a run (CLI flags or flow parameters), checked before any work."""

    source: str = ALL_SOURCES
    out: str = ""
    years: tuple[int, ...] = ()
    force: bool = False
    workers: int | None = None
    fetch_delay: float = FETCH_DELAY_S
    timeout_s: float = TIMEOUT_S
    memory_mb: int = MEMORY_MB
    corrections: str | None = None  # corrections file overlaid on the reports (default: <out>/corrections.csv)
    extract: ExtractSettings = ExtractSettings()  # how files are read (OCR, PDF tables, DOCX limits)
    response_deadline: float = RESPONSE_DEADLINE_S  # seconds one HTTP response may take in all
    crawl_deadline: float = CRAWL_DEADLINE_S  # seconds one source's crawl may take

    def fetch_settings(self) -> FetchSettings:
        """The crawl's settings; a bad value raises UsageError naming the option."""
        try:
            return FetchSettings(delay=self.fetch_delay, response_deadline=self.response_deadline,
                                 crawl_deadline=self.crawl_deadline)
        except ValueError as e:
            raise UsageError("--" + str(e).replace("_", "-")) from None

    def settings(self) -> RunSettings:
        """The batch settings; a bad value raises UsageError naming the option."""
        try:
            return RunSettings(workers=default_workers() if self.workers is None else self.workers,
                               force=self.force, years=tuple(self.years), cache_dir=cache_dir_for(self.out),
                               timeout_s=self.timeout_s, memory_mb=self.memory_mb, extract=self.extract)
        except ValueError as e:
            msg = str(e)
            for name, flag in (("workers", "--workers"), ("timeout_s", "--timeout"), ("memory_mb", "--memory-mb"),
                               ("years", "--years")):
                if msg.startswith(name):
                    msg = flag + msg[len(name):]
            raise UsageError(msg) from None


@dataclass(frozen=True, slots=True)
class Planned:
    """A validated request and what its source means."""

    request: RunRequest
    settings: RunSettings
    plan: SourcePlan


#: the command line's name for each ExtractSettings field a person sets there
EXTRACT_FLAGS = {"ocr": "--no-ocr", "ocr_max_pages": "--ocr-pages", "ocr_time_budget_s": "--ocr-budget",
                 "pdf_engine": "--pdf-engine"}


def extract_settings(values: Mapping[str, Any] | None = None) -> ExtractSettings:
    """A run's extract settings from CLI flags or the flow's ``extract`` parameter (field name → value);
    an unknown name or a bad value is one UsageError naming the option."""
    try:
        return ExtractSettings(**dict(values or {}))
    except TypeError:
        known = ", ".join(f.name for f in fields(ExtractSettings))
        unknown = sorted(set(values or {}) - {f.name for f in fields(ExtractSettings)})
        raise UsageError(f"extract: unknown setting(s) {', '.join(unknown)} (known: {known})") from None
    except ValueError as e:
        msg = str(e)
        name = msg.split(" ", 1)[0]
        raise UsageError(EXTRACT_FLAGS.get(name, name) + msg[len(name):]) from None


def changed_extract(extract: ExtractSettings) -> dict[str, Any]:
    """The fields that differ from the defaults (what a flow run's ``extract`` parameter carries)."""
    default = ExtractSettings()
    return {f.name: getattr(extract, f.name) for f in fields(ExtractSettings)
            if getattr(extract, f.name) != getattr(default, f.name)}


def parse_years(text: str | None) -> tuple[int, ...]:
    """``"2022,2023"`` → (2022, 2023); anything else is one clear UsageError."""
    if not text:
        return ()
    try:
        return tuple(int(y) for y in text.split(","))
    except ValueError:
        raise UsageError(f"--years must be comma-separated years such as 2022,2023, not {text!r}") from None


def check_out(out: str) -> None:
    """A local ``out`` must be a folder we can create and write (remote URLs are checked on publish)."""
    if not out or not out.strip():
        raise UsageError("--out is empty: give a dataset folder or an s3:// URL")
    if is_remote(out):
        return
    p = Path(out)
    for parent in (p, *p.parents):
        if parent.exists():
            if not parent.is_dir():
                raise UsageError(f"--out {out}: {parent} is a file, not a folder")
            if not os.access(parent, os.W_OK | os.X_OK):
                raise UsageError(f"--out {out}: no permission to write in {parent}")
            return


def plan(request: RunRequest) -> Planned:
    """Validate everything a person typed and resolve the source: fails in one line, before any work."""
    if request.source is not None and not str(request.source).strip():
        raise UsageError("--source is empty: give a folder, a file, a listing URL or a configured source name")
    check_out(request.out)
    settings = request.settings()
    request.fetch_settings()
    try:
        source_plan = plan_source(request.source)
    except UsageError:
        raise
    except Exception as e:  # an unknown name, no sources configured: the person must change the source
        raise UsageError(str(e)) from e
    return Planned(request=request, settings=settings, plan=source_plan)


def fetch_all(sources, raw_root: str, fetch_one: Callable) -> tuple[list[InputFile], FetchStats]:
    """Crawl each source in turn; a source that stays unreachable is recorded, not fatal."""
    files: list[InputFile] = []
    total = FetchStats()
    for src in sources:
        try:
            got, stats = fetch_one(src, raw_root)
        except Exception as e:  # gave nothing, or unreachable after retries (the flow retries in its task)
            if is_disk_full(e):
                raise disk_full(e, f"storing the files of {src.url}") from None
            log.warning("source %s gave no report: %s", src.url, e)
            got_stats = getattr(e, "stats", None)
            if got_stats is not None:
                total.add(got_stats)
            else:
                total.sources += 1
            total.failed.setdefault(src.url, f"source not fetched: {e}")
            total.sources_failed[src.url] = str(e)
            continue
        files += got
        total.add(stats)
    return files, total


SOURCES_FAILED_EXIT = 3  # the run published what it got, but some source gave no report


class SourcesFailed(OgiError):
    """Raised by the flow after publishing when a source gave no report, so its run is not green;
    ``result`` is the run's result all the same."""

    def __init__(self, message: str, result: dict) -> None:
        super().__init__(message)
        self.result = result


def sources_failed_lines(fetch: FetchStats | None) -> list[str]:
    """One line per source that gave no report, for stderr and the flow's failure."""
    if fetch is None:
        return []
    return [f"{url}: {why}" for url, why in sorted(fetch.sources_failed.items())]


def already_there(reports: list[Report], extracted: int, out: str, force: bool, review: Review) -> bool:
    """Nothing was extracted or corrected and the dataset holds exactly these reports: leave it as it is."""
    return extracted == 0 and not force and not review.overlay.applied and already_published(reports, out)


def publish_spooled(spools: list[str], out: str, corrections: str | None = None, force: bool = False,
                    extracted: int = 0) -> tuple[PublishStats, Review, bool]:
    """The publish step: overlay the corrections on the spooled reports and merge them into the
    dataset when anything changed; the quality page either way. The spooled reports go once read.

    The whole step holds the dataset's publish lock, so the "before" of the quality page is the
    version this run merges into and two runs never interleave their pages."""
    hold = publish_lock(out) if spools or is_remote(out) or Path(out).exists() else nullcontext()
    try:
        with hold:
            reports, review = before_publish(one_per_content(read_spools(spools)), out, corrections)
            published = bool(reports) and not already_there(reports, extracted, out, force, review)
            pub = publish_to(reports, out) if published else dataset_counts(out)
            if not published and not is_remote(out):
                recover(out)  # what a killed run left goes even when nothing is new
            after_publish(out, review, published)
    finally:  # the reports stay in the cache: a failed publish holds no spooled report
        drop_spools(spools)
    review.before = None  # the previous reports table: not handed back to the flow
    return pub, review, published


def summary(stats: BatchStats, pub: PublishStats, published: bool, fetch: FetchStats | None,
            seconds: float) -> dict:
    """The run's result, each count named for what it counts: ``seen`` input files, ``cached`` /
    ``extracted`` of them, ``not_ok`` reports whose status is neither ok nor checks_failed (files
    to look at), ``checks_failed`` reports whose numbers fail an identity, ``by_status`` every
    status's count, ``reports`` / ``facts`` rows now in the dataset."""
    result = {"seen": stats.seen, "cached": stats.cached, "extracted": stats.extracted,
              "not_ok": len(stats.failed), "checks_failed": stats.checks_failed,
              "by_status": dict(sorted(stats.by_status.items())),
              "reports": pub.reports, "facts": pub.facts, "published": published, "seconds": round(seconds, 2)}
    if fetch is not None:
        result.update({"fetched_new": fetch.new, "fetched_unchanged": fetch.unchanged,
                       "fetch_failed": len(fetch.failed), "sources_failed": len(fetch.sources_failed)})
    return result


Extract = Callable[[list[InputFile], RunSettings, str, int, bool], BatchResult]
Publish = Callable[[list[str], str, "str | None", bool, int], tuple[PublishStats, Review, bool]]


@dataclass(slots=True)
class Steps:
    """How each step runs: plain calls here, Prefect tasks in the flow."""

    discover: Callable[[str], list[InputFile]] = discover
    fetch_one: Callable | None = None  # (source, raw_root) → (files, FetchStats)
    extract: Extract | None = None  # (batch of files, settings, out, index of its first file, skip published)
    publish: Publish = publish_spooled  # (spools, out, corrections, force, extracted) → ...
    batch: int | None = DEFAULT_BATCH  # files per extract step; None: all in one


@dataclass(slots=True)
class RunOutcome:
    """Everything a run produced, for the CLI's line and the flow's artifact."""

    result: dict
    stats: BatchStats
    pub: PublishStats
    published: bool
    fetch: FetchStats | None = None
    timings: dict[str, float] = field(default_factory=dict)
    review: Review | None = None


def extract_all(files: list[InputFile], settings: RunSettings, out: str, extract: Extract,
                batch: int | None, skip_published: bool) -> RunTotals:
    """Every batch through the extract step, added up; none at all when nothing is new."""
    idle = nothing_new(files, settings, out) if skip_published else None
    if idle is not None:  # every file unchanged, cached and published as is: no extract step at all
        return RunTotals(stats=idle)
    totals = RunTotals()
    size = batch or max(1, len(files))
    try:
        for i, part in enumerate(batches(files, size)):
            totals.add(extract(part, settings, out, i * size, skip_published))
    except BaseException:  # e.g. the disk filled: the reports stay in the cache, the spooled ones go
        drop_spools(totals.spools)
        raise
    return totals


def run(planned: Planned, steps: Steps | None = None,
        progress: Callable[[int], None] | None = None) -> RunOutcome:
    """The run: inputs (discover or fetch), extract + normalize in batches, publish unless nothing changed.
    ``progress(n)``: n more input files are done (default steps only; a flow's steps report their own)."""
    steps = steps or Steps()
    req = planned.request
    fetch_settings = req.fetch_settings()
    fetch_one = steps.fetch_one or (lambda src, raw_root: fetch_source(src, raw_root, fetch_settings))
    extract = steps.extract or (lambda files, settings, out, _first, skip: extract_batch(
        files, settings, out, skip, progress=progress))
    t0 = time.monotonic()
    fetch = None
    if planned.plan.folder is not None:
        files = steps.discover(planned.plan.folder)
    else:
        files, fetch = fetch_all(planned.plan.sources, str(raw_root_for(req.out)), fetch_one)
    t1 = time.monotonic()
    log.info("%d report files from %s", len(files), req.source)
    skip = not corrections_in_play(req.out, req.corrections)  # corrections apply to loaded reports only
    totals = extract_all(files, planned.settings, req.out, extract, steps.batch, skip)
    stats = totals.stats
    t2 = time.monotonic()
    pub, review, published = steps.publish(totals.spools, req.out, req.corrections, req.force, stats.extracted)
    seconds = time.monotonic() - t0
    timings = {"fetch": t1 - t0, "extract": t2 - t1, "publish": seconds - (t2 - t0)}
    log.info("%s %d reports, %d facts at %s in %.1f s", "published" if published else "unchanged:",
             pub.reports, pub.facts, req.out, seconds)
    result = {**summary(stats, pub, published, fetch, seconds), **review.summary()}
    return RunOutcome(result=result, stats=stats, pub=pub, published=published, fetch=fetch, timings=timings,
                      review=review)
