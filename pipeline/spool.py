"""What the run's steps hand each other: batches of paths in, a spool id and counts out.

The composition (:mod:`pipeline.run`) extracts in batches for the CLI and the flow alike.
Prefect keeps (and, with a cache policy, hashes) what tasks take and return; a list of
10 000 Reports with their facts is far too big for that. So extraction runs in batches of
input paths, each batch holds the reports the dataset still needs under one spool id in
this process (:func:`write_spool`), and only that id and the batch's counts go back to the
flow; the publish task takes the reports by their ids. A report the dataset already holds as
is (same id, content hash and status) is not even loaded from the cache.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as pads

from ogi.errors import OgiError
from ogi.hashing import report_id_for
from ogi.settings import RunSettings, is_remote
from ogi.types import Report
from pipeline.batch import (
    BatchStats,
    Cache,
    InputFile,
    count_report,
    pipeline_version,
    process_many,
)
from pipeline.neighbours import published_values
from publish.remote import read_dataset
from review.corrections import corrections_path

log = logging.getLogger(__name__)

DEFAULT_BATCH = 1000  # files per extract task: few task runs (10 for 10 000 files), progress still visible


@dataclass(slots=True)
class BatchResult:
    """One extract batch: its counts and the spool holding the reports still to publish."""

    stats: BatchStats
    spool: str | None = None
    pending: int = 0


@dataclass(slots=True)
class RunTotals:
    """The batches of a run added up."""

    stats: BatchStats = field(default_factory=BatchStats)
    spools: list[str] = field(default_factory=list)
    pending: int = 0

    def add(self, b: BatchResult) -> None:
        self.stats.add(b.stats)
        if b.spool:
            self.spools.append(b.spool)
        self.pending += b.pending


def batches(items: Sequence, size: int = DEFAULT_BATCH) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield list(items[i:i + size])


_held: dict[str, list[Report]] = {}
SPOOL_PREFIX = "spool:"


def write_spool(reports: list[Report]) -> str | None:
    """Hold one batch's reports for the publish step under a short id; None for no reports.

    Every step of a run (the extract batches, publish) runs in the run's own process: the CLI's,
    or the flow run's (Prefect runs these tasks in the flow's process, on the process runner and
    the Dask runner alike). So the reports stay here and only the id travels between the steps:
    nothing of a report is serialised to hand it on (a pickle file per batch, written and read
    back, cost ~2 ms of CPU per report)."""
    if not reports:
        return None
    sid = f"{SPOOL_PREFIX}{uuid.uuid4().hex}"
    _held[sid] = reports
    return sid


def read_spools(ids: list[str]) -> list[Report]:
    """The reports of every spool id, in order (ids handed out by this run's batches)."""
    missing = [i for i in ids if i not in _held]
    if missing:  # a step ran in another process: never publish without its reports
        raise OgiError(f"{len(missing)} batch(es) of extracted reports are not held by this process "
                       f"({missing[0]}): the publish step must run in the run's own process")
    out: list[Report] = []
    for i in ids:
        out += _held[i]
    return out


def held() -> list[str]:
    """The spool ids this process still holds (none once a run has published or failed)."""
    return list(_held)


def drop_spools(ids: list[str]) -> None:
    """Let the reports of these batches go (published, or the run failed)."""
    for i in ids:
        _held.pop(i, None)


Held = tuple[frozenset[tuple[str, str, str]], frozenset[tuple[str, str, int]]]
_seen: dict[tuple[str, str], Held] = {}


def published_keys(out: str) -> frozenset[tuple[str, str, str]]:
    """(report_id, sha256, status) of every report the dataset at ``out`` holds; empty when there
    is no dataset yet or it cannot be read (then everything is published again). Read once per
    published version of a local dataset, however many batches ask."""
    return published_state(out)[0]


def published_state(out: str) -> Held:
    """:func:`published_keys`, and the (agency, province or "", year) of every published report
    (the neighbouring years an open split may settle against, pipeline.neighbours)."""
    key = None
    try:
        if not is_remote(out):
            cur = Path(out) / "current"
            if not cur.exists():
                return frozenset(), frozenset()
            key = (str(out), os.path.realpath(cur))
            if key in _seen:
                return _seen[key]
        have = _published_reports(out)
    except (OSError, OgiError, ValueError, pa.ArrowInvalid) as e:
        log.info("cannot read the published reports (%s): publishing everything", e)
        return frozenset(), frozenset()
    from publish.settle import (
        base_status,  # a status the publish settled (Y checks) compares as the file's own
    )

    got = (frozenset((rid, sha, base_status(st, err)[0])
                     for rid, sha, st, err in zip(*(have[c].to_pylist() for c in KEY_COLUMNS))),
           frozenset((a, p or "", y) for a, p, y in zip(*(have[c].to_pylist() for c in ("agency", "province", "year")))
                     if a and y is not None))
    if key is not None:
        _seen.clear()
        _seen[key] = got
    return got


KEY_COLUMNS = ["report_id", "sha256", "status", "error"]


def _published_reports(out: str) -> pa.Table:
    """The columns of the published reports that say whether a report is held as is (not the whole table)."""
    cols = KEY_COLUMNS + ["agency", "province", "year"]
    if is_remote(out):
        return pa.Table.from_pandas(read_dataset(out, "reports")[cols], preserve_index=False)
    part = pads.partitioning(pa.schema([("year", pa.int32())]), flavor="hive")
    return pads.dataset(str(Path(out) / "current" / "reports"), format="parquet", partitioning=part).to_table(
        columns=cols)


def corrections_in_play(out: str, corrections: str | None = None) -> bool:
    """Whether a corrections file would be overlaid: then every report is loaded (an edit to the
    file must reach reports the dataset already holds)."""
    path = corrections_path(out, corrections)
    return path is not None and path.exists()


def nothing_new(files: list[InputFile], settings: RunSettings, out: str) -> BatchStats | None:
    """The counts of a run with nothing to do, or None when some file needs work.

    Every file unchanged (index), cached, and held by the dataset as it is: the run needs no
    extract task at all, only this one pass over the index (a nightly run with nothing new).
    A report whose digits still split is held as is too unless the run or the dataset has the
    same agency's report of the year before or after, against which it may settle (then the
    batch loads it, pipeline.neighbours).
    """
    if settings.force or not settings.cache_dir or not files:
        return None
    have, neighbours = published_state(out)
    if not have:
        return None
    cache = Cache(settings.cache_dir, pipeline_version(settings.extract))
    try:
        shas = cache.index.shas([f.path for f in files])
        entries = cache.index.entries(shas.values())
    finally:
        cache.index.close()
    found = [(f, shas.get(f.path)) for f in files]
    known = [(f, sha, entries.get(sha) if sha else None) for f, sha in found]
    if any(ent is None for _f, _sha, ent in known):
        return None
    run = neighbours | {k for _f, _sha, ent in known if (k := ent.key()) is not None}
    stats = BatchStats(seen=len(files), cached=len(files))
    for f, sha, ent in known:
        if ent.may_settle(run) or (report_id_for(sha, f.key), sha, ent.status) not in have:
            return None
        if not settings.years or ent.year is None or ent.year in settings.years:
            count_report(stats, f.file_name, ent.status, ent.error)
    return stats


def extract_batch(files: list[InputFile], settings: RunSettings, out: str, skip_published: bool = True,
                  progress: Callable[[int], None] | None = None) -> BatchResult:
    """One batch of paths → its counts and a spool file of the reports the dataset still needs
    (reports it already holds as they are stay unread in the cache). ``progress(n)``: n more files done."""
    have = published_keys(out) if skip_published and not settings.force else frozenset()
    shown = [0]

    def tick(_r: Report) -> None:
        shown[0] += 1
        progress(1)

    reports, stats = process_many(files, settings, progress=tick if progress else None, skip=have.__contains__,
                                  published=lambda keys: published_values(out, keys))
    if progress is not None and stats.seen > shown[0]:
        progress(stats.seen - shown[0])  # the skipped ones
    return BatchResult(stats, write_spool(reports), len(reports))


def spool_batch(reports: list[Report], stats: BatchStats, settings: RunSettings, out: str,
                skip_published: bool = True) -> BatchResult:
    """Reports extracted elsewhere (Dask) → the same BatchResult: those the dataset holds as is left out."""
    have = published_keys(out) if skip_published and not settings.force else frozenset()
    reports = [r for r in reports if (r.report_id, r.sha256, r.status) not in have]
    return BatchResult(stats, write_spool(reports), len(reports))
