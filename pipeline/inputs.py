"""Where a run's input files come from: a local folder, or portal sources crawled first.

``source`` is a folder (or file), a listing URL, a name from ``data/sources.yaml``, a
comma-separated list of URLs/names, or ``all`` (every configured source). URLs and names are
crawled first (:func:`fetchers.crawl.crawl`) into a content-addressed RawStore beside the
dataset (``<out>/../raw``; for a remote ``out``, ``$OGI_DATA_DIR/raw``); the stored files are
then extracted like a folder, keyed by their URL so a report keeps its ``report_id`` across runs.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from fetchers import FetchSettings, RawStore, crawl
from fetchers.crawl import url_file_name
from fetchers.sources import is_http_url, load_sources, source_for_url
from ogi.errors import FetchError, OgiError
from ogi.names import bare_name
from ogi.settings import sources_file as default_sources_file
from pipeline.batch import InputFile

log = logging.getLogger(__name__)

ALL_SOURCES = "all"
#: reasons for which trying the whole source again later may help (portal down, overloaded)
TRANSIENT_REASONS = frozenset({"gave-up", "network", "http-500", "http-502", "http-503", "http-504", "http-429"})


@dataclass(frozen=True, slots=True)
class SourcePlan:
    """What a ``source`` parameter means: a local folder, or portal sources to crawl first."""

    folder: str | None = None
    sources: tuple = ()  # fetchers.sources.Source


class SourceFailed(FetchError):
    """A source gave no report file: the run records it and the operator sees it (a failed task, a
    non-zero exit). ``stats`` is what the crawl did, for the run artifact."""

    def __init__(self, message: str, *, file: str | None = None, stats: FetchStats | None = None) -> None:
        super().__init__(message, file=file)
        self.stats = stats


class SourceUnreachable(SourceFailed):
    """The listing could not be fetched at all for a transient reason: worth retrying later."""


class SourceYieldedNothing(SourceFailed):
    """robots.txt, the listing or every report link failed: the source gave no report file."""


@dataclass(slots=True)
class FetchStats:
    """What the fetch stage did, for the run artifact."""

    sources: int = 0
    listing_pages: int = 0
    new: int = 0
    unchanged: int = 0
    skipped: int = 0
    requests: int = 0
    failed: dict[str, str] = field(default_factory=dict)  # url → reason
    sources_failed: dict[str, str] = field(default_factory=dict)  # source url → why it gave no report

    def add(self, other: FetchStats) -> None:
        for k in ("sources", "listing_pages", "new", "unchanged", "skipped", "requests"):
            setattr(self, k, getattr(self, k) + getattr(other, k))
        self.failed.update(other.failed)
        self.sources_failed.update(other.sources_failed)


def plan_source(text: str | None, sources_file: str | Path | None = None) -> SourcePlan:
    """Resolve a ``source`` parameter; an existing path wins over a source name."""
    text = (text or ALL_SOURCES).strip()
    if Path(text).exists():
        return SourcePlan(folder=text)
    path = Path(sources_file or default_sources_file())
    configured = load_sources(path) if path.exists() else {}
    if text == ALL_SOURCES:
        if not configured:
            raise FetchError("no sources configured: give a folder or a URL", file=str(path))
        return SourcePlan(sources=tuple(configured.values()))
    found = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        if is_http_url(part):
            found.append(source_for_url(part))
        elif part in configured:
            found.append(configured[part])
        else:
            known = ", ".join(sorted(configured)) or "none"
            raise OgiError(f"source {part!r} is not a folder, a file, an http(s) URL or a configured source "
                           f"(configured: {known}, or '{ALL_SOURCES}')", file=str(path))
    if not found:
        raise OgiError("empty source")
    return SourcePlan(sources=tuple(found))


def inputs_from_crawl(result) -> list[InputFile]:
    """Stored report files of a crawl → inputs keyed by URL (stable report_id), source_url recorded."""
    out = []
    for rf in result.stored:
        path = Path(rf.path)
        # The file's own name, as the contract says; the sniffed bytes (and the stored
        # path's suffix) decide the extractor, so a portal's `.htm` or a suffix-less
        # download name is kept as served.
        name = bare_name(rf.file_name) or url_file_name(rf.url) or path.name  # never a path (a manifest of old)
        out.append(InputFile(path=str(path), key=rf.url, file_name=name, source_url=rf.url,
                             aliases=tuple(rf.also_urls)))
    return out


def fetch_stats(result) -> FetchStats:
    s = result.summary()
    failed: dict[str, str] = {}  # url → "reason-code: what happened"
    for f in result.failures:
        failed.setdefault(f.url, f"{f.reason}: {f.detail}" if f.detail else f.reason)
    for r in result.by_status("failed"):
        failed.setdefault(r.url, r.reason or "failed")
    return FetchStats(sources=1, listing_pages=s["listing_pages"], new=s["new"], unchanged=s["unchanged"],
                      skipped=s["skipped"], requests=s["requests"], failed=failed)


def check_reachable(result) -> None:
    """Raise SourceUnreachable when nothing at all came back and the failure looks transient."""
    if result.listing_pages or result.stored:
        return
    first = next((f for f in result.failures if f.url == result.source.url), None)
    if first is not None and first.reason in TRANSIENT_REASONS:
        raise SourceUnreachable(f"listing of {result.source.name} unreachable: {first.detail or first.reason}",
                                file=result.source.url, stats=fetch_stats(result))


def check_yield(result) -> None:
    """Raise SourceYieldedNothing when no report file was stored because something failed: robots.txt,
    the listing, or every report link. (A listing that links no report at all is not a failure.)"""
    if result.stored or not result.failures:
        return
    name = result.source.name
    first = next((f for f in result.failures if f.url == result.source.url), None)
    if first is not None:
        why = f"the listing failed: {first.detail or first.reason}"
    else:
        counts: dict[str, int] = {}
        for f in result.failures:
            counts[f.reason] = counts.get(f.reason, 0) + 1
        why = f"all {len(result.by_status('failed'))} report links failed (" + \
            ", ".join(f"{n} {r}" for r, n in sorted(counts.items())) + ")"
    raise SourceYieldedNothing(f"source {name} gave no report: {why}", file=result.source.url,
                               stats=fetch_stats(result))


def fetch_source(source, raw_root: str | Path, settings=None) -> tuple[list[InputFile], FetchStats]:
    """Crawl one source into the RawStore at ``raw_root``; the fetched files as extraction inputs.
    ``settings`` is a fetchers.FetchSettings (default: the polite defaults)."""
    with RawStore(raw_root) as store:
        result = crawl(source, settings or FetchSettings(), store)
    check_reachable(result)
    check_yield(result)
    return inputs_from_crawl(result), fetch_stats(result)
