"""The batch: discover report files, extract + normalize each in a worker, never stop on one.

The CLI and the Prefect flow both call these functions.
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing as mp
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ogi.errors import OgiError
from ogi.types import Check, Fact, Report, Section

log = logging.getLogger(__name__)

SKIP_SUFFIXES = frozenset({".json", ".csv", ".yaml", ".yml", ".parquet", ".py", ".db", ".sqlite", ".lock", ".log"})


@dataclass(frozen=True, slots=True)
class RunSettings:
    """How a batch runs. Validates itself so a bad UI parameter fails before any work."""

    workers: int = max(1, os.cpu_count() or 1)
    timeout_s: float = 180.0  # per file
    force: bool = False  # re-extract even when the cache has this file
    years: tuple[int, ...] = ()  # only these report years (empty: all)
    cache_dir: str | None = None
    chunk: int = 4

    def __post_init__(self) -> None:
        if self.workers < 1:
            raise ValueError("workers must be >= 1")
        if self.timeout_s <= 0:
            raise ValueError("timeout_s must be > 0")
        if any(not (1990 <= y <= 2100) for y in self.years):
            raise ValueError(f"years out of range: {self.years}")


@dataclass(slots=True)
class InputFile:
    path: str
    key: str  # stable identity of the input: path relative to the source, or its URL
    file_name: str
    source_url: str | None = None


@dataclass(slots=True)
class BatchStats:
    seen: int = 0
    cached: int = 0
    extracted: int = 0
    failed: dict[str, str] = field(default_factory=dict)  # file → reason
    checks_failed: int = 0


def discover(source: str | Path) -> list[InputFile]:
    """Report files under a folder (recursively, sorted), or the one file given."""
    p = Path(source)
    if p.is_file():
        return [InputFile(path=str(p), key=p.name, file_name=p.name)]
    if not p.is_dir():
        raise OgiError(f"source not found: {source}")
    out = []
    for f in sorted(p.rglob("*")):
        rel = f.relative_to(p)
        if not f.is_file() or any(part.startswith(".") for part in rel.parts):
            continue
        if f.suffix.lower() in SKIP_SUFFIXES:
            continue
        out.append(InputFile(path=str(f), key=rel.as_posix(), file_name=f.name))
    return out


def report_id_for(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def pipeline_version() -> str:
    from extractors.base import registered
    from normalizers.report import NORMALIZER_VERSION

    parts = sorted(f"{k}={c.name}@{c.version}" for k, c in registered().items())
    return hashlib.sha256((";".join(parts) + f";norm={NORMALIZER_VERSION}").encode()).hexdigest()[:12]


def process_file(inp: InputFile, data: bytes | None = None) -> Report:
    """One file → one Report. Never raises: failures become a status and a reason."""
    from extractors.base import extract_file
    from normalizers.report import normalize

    try:
        if data is None:
            data = Path(inp.path).read_bytes()
    except OSError as e:
        return Report(report_id=report_id_for(inp.key), file_name=inp.file_name, sha256="", format="",
                      status="unreadable", error=f"cannot read file: {e.strerror}", source_url=inp.source_url)
    rep = Report(report_id=report_id_for(inp.key), file_name=inp.file_name, sha256=hashlib.sha256(data).hexdigest(),
                 format=Path(inp.file_name).suffix.lower().lstrip("."), source_url=inp.source_url)
    try:
        doc = extract_file(inp.path, data)
        normalize(doc, rep)
    except OgiError as e:
        rep.status, rep.error = e.status, str(e)
    except MemoryError:
        rep.status, rep.error = "failed", "ran out of memory reading this file"
    except RecursionError:
        rep.status, rep.error = "unreadable", "structure nested too deeply to read (pathological file)"
    except Exception as e:  # a bug or a file we do not understand: record, keep the batch going
        log.exception("unexpected failure on %s", inp.file_name)
        rep.status, rep.error = "failed", f"internal error while reading this file: {type(e).__name__}: {e}"
    if rep.status not in ("ok", "checks_failed", "needs_review", "tables_missing") and rep.year is None:
        from normalizers.report import metadata_from_name

        metadata_from_name(rep)
    return rep


# ---- cache: a finished Report per (content hash, pipeline version) --------------------------

def report_to_json(rep: Report) -> str:
    return json.dumps(asdict(rep), ensure_ascii=False)


def report_from_json(s: str) -> Report:
    d = json.loads(s)
    d["facts"] = [Fact(**{**f, "bbox": tuple(f["bbox"]) if f.get("bbox") else None}) for f in d["facts"]]
    d["sections"] = [Section(**x) for x in d["sections"]]
    d["checks"] = [Check(**x) for x in d["checks"]]
    return Report(**d)


class Cache:
    """Finished Reports keyed by content hash and pipeline version: reruns do only new work."""

    def __init__(self, root: str | Path, version: str) -> None:
        self.root = Path(root) / version
        self.root.mkdir(parents=True, exist_ok=True)

    def _path(self, sha: str) -> Path:
        return self.root / sha[:2] / f"{sha}.json"

    def get(self, sha: str) -> Report | None:
        p = self._path(sha)
        try:
            return report_from_json(p.read_text(encoding="utf-8"))
        except (OSError, ValueError, TypeError, KeyError):
            return None

    def put(self, rep: Report) -> None:
        if not rep.sha256 or rep.status in ("failed",):
            return
        p = self._path(rep.sha256)
        p.parent.mkdir(parents=True, exist_ok=True)
        tmp = p.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(report_to_json(rep), encoding="utf-8")
        os.replace(tmp, p)


def _worker(inp: InputFile) -> Report:
    return process_file(inp)


def _sha_of(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def process_many(files: Iterable[InputFile], settings: RunSettings = RunSettings(),
                 progress: Callable[[Report], None] | None = None) -> tuple[list[Report], BatchStats]:
    """Every file → exactly one Report, cached ones without re-extraction, the rest in parallel."""
    files = list(files)
    stats = BatchStats(seen=len(files))
    cache = Cache(settings.cache_dir, pipeline_version()) if settings.cache_dir else None
    done: dict[int, Report] = {}
    todo: list[tuple[int, InputFile]] = []
    for i, inp in enumerate(files):
        rep = None
        if cache is not None and not settings.force:
            try:
                rep = cache.get(_sha_of(inp.path))
            except OSError:
                rep = None
        if rep is not None:
            rep.report_id, rep.file_name, rep.source_url = report_id_for(inp.key), inp.file_name, inp.source_url
            done[i] = rep
            stats.cached += 1
            if progress:
                progress(rep)
        else:
            todo.append((i, inp))
    for i, rep in _run_parallel(todo, settings):
        done[i] = rep
        stats.extracted += 1
        if cache is not None:
            cache.put(rep)
        if progress:
            progress(rep)
    reports = [done[i] for i in range(len(files))]
    if settings.years:
        reports = [r for r in reports if r.year is None or r.year in settings.years]
    for r in reports:
        if r.status not in ("ok", "checks_failed"):
            stats.failed[r.file_name] = f"{r.status}: {r.error}"
        if r.status == "checks_failed":
            stats.checks_failed += 1
    return reports, stats


def _timeout_report(inp: InputFile, settings: RunSettings) -> Report:
    from normalizers.report import metadata_from_name

    return metadata_from_name(Report(
        report_id=report_id_for(inp.key), file_name=inp.file_name, sha256=_safe_sha(inp.path),
        format=Path(inp.file_name).suffix.lower().lstrip("."), source_url=inp.source_url,
        status="timeout", error=f"reading this file took longer than {settings.timeout_s:.0f} s; skipped"))


def _safe_sha(path: str) -> str:
    try:
        return _sha_of(path)
    except OSError:
        return ""


def _run_parallel(todo: list[tuple[int, InputFile]], settings: RunSettings) -> Iterator[tuple[int, Report]]:
    """Run in worker processes with a per-file time limit; a stuck file kills only its pool."""
    if not todo:
        return
    if settings.workers == 1 and len(todo) == 1:
        yield todo[0][0], process_file(todo[0][1])
        return
    ctx = mp.get_context("fork" if hasattr(os, "fork") else "spawn")
    pending = list(todo)
    while pending:
        pool = ctx.Pool(processes=min(settings.workers, len(pending)), maxtasksperchild=200)
        try:
            asyncs = [(i, inp, pool.apply_async(_worker, (inp,))) for i, inp in pending]
            pending = []
            for n, (i, inp, res) in enumerate(asyncs):
                try:
                    yield i, res.get(timeout=settings.timeout_s)
                except mp.TimeoutError:
                    log.warning("time limit hit on %s", inp.file_name)
                    yield i, _timeout_report(inp, settings)
                    # restart the pool: the stuck worker cannot be cancelled alone
                    pending = [(j, f) for j, f, r in asyncs[n + 1:] if not r.ready()]
                    for j, f, r in asyncs[n + 1:]:
                        if r.ready():
                            yield j, _result_or_failure(r, f)
                    break
                except Exception as e:  # a worker died (killed, out of memory)
                    yield i, Report(report_id=report_id_for(inp.key), file_name=inp.file_name,
                                    sha256=_safe_sha(inp.path), format="", source_url=inp.source_url,
                                    status="failed", error=f"worker process failed on this file: {type(e).__name__}: {e}")
        finally:
            pool.terminate()
            pool.join()


def _result_or_failure(res, inp: InputFile) -> Report:
    try:
        return res.get(timeout=0)
    except Exception as e:
        return Report(report_id=report_id_for(inp.key), file_name=inp.file_name, sha256=_safe_sha(inp.path),
                      format="", source_url=inp.source_url, status="failed",
                      error=f"worker process failed on this file: {type(e).__name__}: {e}")
