"""The batch: discover report files, extract + normalize each in a worker, never stop on one.

The run composition (:mod:`pipeline.run`) calls these for the CLI and the Prefect flow alike.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields, replace
from functools import partial
from pathlib import Path

from extractors import (
    base as extractors_base,  # module attribute: tests swap extract_file
)
from extractors.base import registered
from normalizers.neighbours import Neighbours
from normalizers.report import NORMALIZER_VERSION, metadata_from_name, normalize
from ogi.errors import OgiError, disk_full, is_disk_full
from ogi.hashing import file_sha256_or_empty, report_id_for
from ogi.names import readable
from ogi.settings import ExtractSettings, RunSettings
from ogi.sniff import kind_mismatch
from ogi.status import OK_STATUSES, READ_STATUSES, RETRY_STATUSES, Status
from ogi.types import Check, Fact, Report, Section
from pipeline.files import SKIP_SUFFIXES, InputFile, TooBig, discover, read_input, source_path  # noqa: F401 (re-exported)
from pipeline.report_index import Entry, ReportIndex
from pipeline.warm import warm_for_workers
from pipeline.workers import Limits, Outcome, death_reason, run_isolated

log = logging.getLogger(__name__)

_EXC_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit)\b[^:]*:")
MAX_FILE_BYTES = 512 * 2**20  # no report is this big; reading it whole would only exhaust memory
OUT_OF_MEMORY = ("ran out of memory reading this file (per-worker memory limit reached): the file is "
                 "malformed or far larger than a report; raise --memory-mb (RunSettings.memory_mb) to retry it")


@dataclass(slots=True)
class BatchStats:
    seen: int = 0
    cached: int = 0
    extracted: int = 0
    failed: dict[str, str] = field(default_factory=dict)  # file → reason
    checks_failed: int = 0
    by_status: dict[str, int] = field(default_factory=dict)  # every counted report's status

    def add(self, other: BatchStats) -> None:
        """Add another batch's counts to these."""
        self.seen += other.seen
        self.cached += other.cached
        self.extracted += other.extracted
        self.checks_failed += other.checks_failed
        self.failed.update(other.failed)
        for k, n in other.by_status.items():
            self.by_status[k] = self.by_status.get(k, 0) + n




def one_per_content(reports: list[Report]) -> list[Report]:
    """The first report of each report_id: files with identical bytes are one report (the row keeps
    the first file's name in discovery order, ``seen_as`` every name); the others are logged, not published."""
    kept: dict[str, Report] = {}
    for r in reports:
        if r.report_id in kept:
            first = kept[r.report_id]
            log.info("%s has the same bytes as %s: one report", r.file_name, first.file_name)
            first.seen_as = list(dict.fromkeys([*first.seen_as, *r.seen_as]))
            continue
        kept[r.report_id] = r
    return list(kept.values())


def seen_as(inp: InputFile) -> list[str]:
    """The names an input's bytes were found under: its key, and the other URLs that gave them."""
    return list(dict.fromkeys([inp.key, *inp.aliases]))


def pipeline_version(extract: ExtractSettings = ExtractSettings()) -> str:
    """The cache key of a finished report: extractor and normalizer versions, and the run's extract
    settings when they are not the defaults (a report read without OCR is not one read with it)."""
    parts = sorted(f"{k}={c.name}@{c.version}" for k, c in registered().items())
    if fp := extract.fingerprint():
        parts.append(f"extract={fp}")
    return hashlib.sha256((";".join(parts) + f";norm={NORMALIZER_VERSION}").encode()).hexdigest()[:12]


def process_file(inp: InputFile, data: bytes | None = None,
                 previous: Mapping[str, float] | Neighbours | None = None,
                 extract: ExtractSettings = ExtractSettings()) -> Report:
    """One file → one Report, read as ``extract`` says. Never raises: failures become a status and a reason."""
    try:
        if data is None:
            data = read_input(inp.path, MAX_FILE_BYTES)
    except TooBig as e:
        return _failure(inp, e.strerror, status=Status.UNREADABLE)
    except (OSError, MemoryError) as e:
        why = getattr(e, "strerror", None) or "not enough memory"
        return Report(report_id=report_id_for("", inp.key), file_name=inp.file_name, sha256="", format="",
                      status=Status.UNREADABLE, error=f"cannot read file: {why}", source_url=inp.source_url,
                      source_path=source_path(inp))
    sha = hashlib.sha256(data).hexdigest()
    rep = Report(report_id=report_id_for(sha, inp.key), file_name=inp.file_name, sha256=sha,
                 format=Path(inp.file_name).suffix.lower().lstrip("."), source_url=inp.source_url,
                 source_path=source_path(inp))
    try:
        doc = extractors_base.extract_file(readable(inp.path), data, settings=extract)
        normalize(doc, rep, previous)
    except OgiError as e:
        rep.status, rep.error = e.status, _tidy_error(str(e))
        if "bad_alloc" in str(e) or isinstance(e.__cause__, MemoryError):  # a native library ran out
            rep.status, rep.error = Status.FAILED, OUT_OF_MEMORY
    except MemoryError:
        rep.status, rep.error = Status.FAILED, OUT_OF_MEMORY
    except RecursionError:
        rep.status, rep.error = Status.UNREADABLE, "structure nested too deeply to read (pathological file)"
    except Exception as e:  # a bug or a file we do not understand: record, keep the batch going
        log.exception("unexpected failure on %s", inp.file_name)
        rep.status, rep.error = Status.FAILED, f"internal error while reading this file: {type(e).__name__}: {e}"
    if rep.status not in READ_STATUSES:
        if note := kind_mismatch(data, inp.file_name):
            rep.error = f"{rep.error}; {note}" if rep.error else note
        if rep.year is None:
            metadata_from_name(rep)
    return rep


def _tidy_error(msg: str) -> str:
    """One readable line: a wrapped traceback becomes its exception line, "(file, page)" kept."""
    head, sep, tb = msg.partition("Traceback (most recent call last):")
    if sep:
        lines = [ln.strip() for ln in tb.splitlines() if ln.strip()]
        exc = next((ln for ln in reversed(lines) if _EXC_LINE.match(ln)), "")
        where = lines[-1] if lines and lines[-1].startswith("(") and lines[-1].endswith(")") else ""
        msg = " ".join(filter(None, (head, exc, where)))
    msg = " ".join(msg.split())
    return msg if len(msg) <= 600 else msg[:597] + "..."


# ---- cache: a finished Report per (content hash, pipeline version) --------------------------

_NAMES = {cls: tuple(f.name for f in fields(cls)) for cls in (Report, Fact, Section, Check)}
_NESTED = {"facts", "sections", "checks"}


def _plain(obj: object) -> dict:
    return {n: getattr(obj, n) for n in _NAMES[type(obj)]}


def report_to_json(rep: Report) -> str:
    """The same JSON as ``json.dumps(asdict(rep))``, without asdict's deep copy (~4x faster: it runs for every report)."""
    d = {n: getattr(rep, n) for n in _NAMES[Report] if n not in _NESTED}
    d["facts"] = [_plain(f) for f in rep.facts]
    d["sections"] = [_plain(x) for x in rep.sections]
    d["checks"] = [_plain(x) for x in rep.checks]
    d = {n: d[n] for n in _NAMES[Report]}  # asdict's key order
    return json.dumps(d, ensure_ascii=False, check_circular=False)  # fresh dicts and lists: nothing to check


def report_from_json(s: str) -> Report:
    d = json.loads(s)
    d["facts"] = [Fact(**{**f, "bbox": tuple(f["bbox"]) if f.get("bbox") else None}) for f in d["facts"]]
    d["sections"] = [Section(**x) for x in d["sections"]]
    d["checks"] = [Check(**x) for x in d["checks"]]
    return Report(**d)


class Cache:
    """Finished Reports keyed by content hash and pipeline version: reruns do only new work.

    Bodies are one JSON file per content hash (written atomically); ``index`` (one SQLite
    file) maps paths to hashes and hashes to outcomes, so a run over unchanged files opens
    neither the files nor the bodies (pipeline.report_index).
    """

    def __init__(self, root: str | Path, version: str) -> None:
        self.root = Path(root) / version
        self.root.mkdir(parents=True, exist_ok=True)
        self.index = ReportIndex(self.root)

    def _path(self, sha: str) -> Path:
        return self.root / sha[:2] / f"{sha}.json"

    def get(self, sha: str) -> Report | None:
        p = self._path(sha)
        try:
            return report_from_json(p.read_text(encoding="utf-8"))
        except (OSError, ValueError, TypeError, KeyError):
            return None

    def put(self, rep: Report) -> bool:
        """Store a finished report; False when it is not worth keeping (may succeed with more time)."""
        if not rep.sha256 or rep.status in RETRY_STATUSES:  # may succeed with more time or memory
            return False
        p = self._path(rep.sha256)
        tmp = p.with_suffix(f".{os.getpid()}.tmp")
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(report_to_json(rep), encoding="utf-8")
            os.replace(tmp, p)
        except OSError as e:
            tmp.unlink(missing_ok=True)
            if is_disk_full(e):
                raise disk_full(e, f"caching the report of {rep.file_name}") from None
            log.warning("report of %s not cached (%s): it is read again next run", rep.file_name, e)
            return False
        return True


NEIGHBOUR_PASSES = 3  # an open split settled by its neighbour may settle the next year's in turn
Executor = Callable[[list[tuple[int, InputFile]], RunSettings], Iterable[tuple[int, Report]]]


def process_many(files: Iterable[InputFile], settings: RunSettings = RunSettings(),
                 progress: Callable[[Report], None] | None = None,
                 run: Executor | None = None,
                 skip: Callable[[tuple[str, str, str]], bool] | None = None,
                 published: Callable[[set], Mapping[tuple, Mapping[str, float]]] | None = None,
                 ) -> tuple[list[Report], BatchStats]:
    """Every file → exactly one Report, cached ones without re-extraction, the rest in parallel.

    ``run`` executes the files still to extract, yielding ``(index, Report)``: by default
    this machine's isolated worker processes; the Dask runner passes its own. ``skip`` gets
    ``(report_id, sha256, status)`` of each cached file: when it says True (the dataset already
    holds that report as is) the report is counted as cached but neither loaded nor returned.
    ``published(keys)``: the published dataset's values for (agency, province, year) keys, asked
    only for the neighbouring years of reports whose run-together digits still split open.
    """
    files = list(files)
    stats = BatchStats(seen=len(files))
    cache = Cache(settings.cache_dir, pipeline_version(settings.extract)) if settings.cache_dir else None
    done: dict[int, Report] = {}
    todo: list[tuple[int, InputFile]] = []
    shas: dict[str, str] = {}
    entries: dict[str, Entry] = {}
    if cache is not None and not settings.force:
        shas = cache.index.shas([inp.path for inp in files])
        entries = cache.index.entries(shas.values())
    unreadable: list[str] = []
    skipped: list[int] = []  # cached, and published as they are: not loaded
    for i, inp in enumerate(files):
        rep = None
        sha = shas.get(inp.path)
        ent = entries.get(sha) if sha else None
        if ent is not None and not ent.split and skip is not None and skip((report_id_for(sha, inp.key), sha, ent.status)):
            skipped.append(i)
            stats.cached += 1
            continue
        if cache is not None and sha:
            rep = cache.get(sha)
            if rep is None and ent is not None:
                unreadable.append(sha)
        if rep is not None:
            rep.report_id, rep.file_name, rep.source_url = report_id_for(rep.sha256, inp.key), inp.file_name, inp.source_url
            rep.source_path = source_path(inp)
            done[i] = rep
            stats.cached += 1
            if progress:
                progress(rep)
        else:
            todo.append((i, inp))
    if cache is not None:
        cache.index.forget(unreadable)
    kept: list[Report] = []
    results = (run or _run_parallel)(todo, settings)
    try:
        for i, rep in results:
            done[i] = rep
            stats.extracted += 1
            if cache is not None and cache.put(rep):
                kept.append(rep)
                if len(kept) >= 100:  # a killed run loses at most these index rows (the bodies stay)
                    cache.index.record(kept)
                    kept = []
            if progress:
                progress(rep)
    finally:  # a full disk stops the batch: the workers go, what is cached stays findable
        close = getattr(results, "close", None)
        if close is not None:
            close()
        if cache is not None:
            cache.index.record(kept)
            cache.index.close()
    order = sorted(done)
    reports = [done[i] for i in order]
    from normalizers.previous_year import batch_values, neighbour_values, open_split, wanted_keys

    if skipped and any(open_split(r) for r in reports):  # the skipped may be the previous years: load them
        extra, _ = process_many([files[i] for i in skipped], replace(settings, years=()), run=run)
        order, reports, skipped = order + skipped, reports + extra, []
    for i in skipped:  # counted from the index
        ent = entries[shas[files[i].path]]
        if not settings.years or ent.year is None or ent.year in settings.years:
            count_report(stats, files[i].file_name, ent.status, ent.error)
    wanted = wanted_keys(reports) - set(batch_values(reports))
    known = published(wanted) if published is not None and wanted else None
    tried: dict[int, object] = {}
    for _ in range(NEIGHBOUR_PASSES):  # run-together digits: Y1/Y2 and bounds may settle; a settled one helps the next
        todo_nb = {j: nb for j, nb in neighbour_values(reports, known).items() if tried.get(j) != nb}
        for j, nb in todo_nb.items():
            tried[j] = nb
            reports[j] = process_file(files[order[j]], previous=nb, extract=settings.extract)
        if not todo_nb:
            break
    for j, r in enumerate(reports):
        r.seen_as = seen_as(files[order[j]])
    reports = one_per_content(reports)
    if settings.years:
        reports = [r for r in reports if r.year is None or r.year in settings.years]
    for r in reports:
        count_report(stats, r.file_name, r.status, r.error)
    return reports, stats


def count_report(stats: BatchStats, file_name: str, status: str, error: str | None) -> None:
    """Count one report of the batch (loaded, or known from the index)."""
    stats.by_status[str(status)] = stats.by_status.get(str(status), 0) + 1
    if status not in OK_STATUSES:
        stats.failed[file_name] = f"{status}: {error}"
    if status == Status.CHECKS_FAILED:
        stats.checks_failed += 1


# ---- workers: one file at a time per process, with a time and a memory limit (pipeline.workers) ----

def _work(inp: InputFile, extract: ExtractSettings = ExtractSettings()) -> Outcome[Report]:
    rep = process_file(inp, extract=extract)
    return Outcome(rep, retire=rep.error == OUT_OF_MEMORY)  # its heap may stay fragmented


def _failure(inp: InputFile, error: str, status: str = Status.FAILED) -> Report:
    sha = file_sha256_or_empty(inp.path)
    return metadata_from_name(Report(
        report_id=report_id_for(sha, inp.key), file_name=inp.file_name, sha256=sha,
        format=Path(inp.file_name).suffix.lower().lstrip("."), source_url=inp.source_url,
        source_path=source_path(inp), status=status, error=error))


def _run_parallel(todo: list[tuple[int, InputFile]], settings: RunSettings) -> Iterator[tuple[int, Report]]:
    """A stuck, crashed or killed worker costs only its own file (see pipeline.workers)."""
    if not todo:
        return
    if hasattr(os, "fork"):
        warm_for_workers(settings.extract)  # once here, not in every forked worker (pipeline.warm)

    def timed_out(inp: InputFile) -> Report:
        log.warning("time limit hit on %s", inp.file_name)
        return _failure(inp, f"reading this file took longer than {settings.timeout_s:.0f} s (the per-file "
                             "time limit); skipped", status=Status.TIMEOUT)

    def died(inp: InputFile, exitcode: int | None) -> Report:
        log.warning("worker died on %s (exit code %s)", inp.file_name, exitcode)
        return _failure(inp, f"the worker process reading this file {death_reason(exitcode)}; the file was skipped")

    limits = Limits(workers=settings.workers, timeout_s=settings.timeout_s, memory_mb=settings.memory_mb,
                    max_tasks=settings.max_tasks_per_worker)
    yield from run_isolated(todo, partial(_work, extract=settings.extract), limits, on_timeout=timed_out, on_death=died)
