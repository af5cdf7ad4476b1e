"""Where the extraction work runs: the default process pool, or Dask workers through prefect-dask.

``runner`` is a flow parameter (settable in the UI) and a CLI option:

* ``process`` (default): :func:`ogi.pipeline.process_many`, a multiprocessing pool with a
  per-file time limit, inside the flow run's process.
* ``dask``: a temporary ``distributed.LocalCluster`` of 2 worker processes on 127.0.0.1.
* ``dask://host:port`` (or ``tcp://host:port``): an existing Dask scheduler.

With Dask, files are sent as Prefect tasks of ~8 files each (one task per file would spend
more time on orchestration than on most TXT/HTML reports), so work spreads over workers and
each chunk shows up in the UI. The cache by content hash is honoured the same way as
:func:`ogi.pipeline.process_many` does, so both runners give the same reports.

Tradeoff: Dask workers are daemonic processes and cannot start the per-file pool, so the
per-file time limit is not enforced there; a stuck file holds its worker until the run ends.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from ogi.pipeline import BatchStats, Cache, InputFile, RunSettings, pipeline_version, process_file, report_id_for
from ogi.types import Report

log = logging.getLogger(__name__)

DEFAULT_CHUNK = 8
LOCAL_DASK_WORKERS = 2


@dataclass(frozen=True, slots=True)
class RunnerSpec:
    """A parsed ``runner`` parameter. ``address`` None with kind dask means a LocalCluster."""

    kind: str = "process"  # process | dask
    address: str | None = None
    workers: int = LOCAL_DASK_WORKERS
    chunk: int = DEFAULT_CHUNK

    def __post_init__(self) -> None:
        if self.kind not in ("process", "dask"):
            raise ValueError(f"unknown runner kind {self.kind!r}")
        if self.chunk < 1 or self.workers < 1:
            raise ValueError("chunk and workers must be >= 1")


def parse_runner(text: str | None) -> RunnerSpec:
    """``process`` | ``dask`` | ``dask://host:port`` | ``tcp://host:port`` → RunnerSpec."""
    t = (text or "process").strip()
    low = t.lower()
    if low in ("", "process", "processes", "local"):
        return RunnerSpec()
    if low == "dask":
        return RunnerSpec(kind="dask")
    for prefix in ("dask://", "tcp://"):
        if low.startswith(prefix):
            hostport = t[len(prefix):].strip("/")
            host, _, port = hostport.rpartition(":")
            if not host or not port.isdigit():
                raise ValueError(f"runner {t!r}: expected dask://host:port")
            return RunnerSpec(kind="dask", address=f"tcp://{host}:{port}")
    raise ValueError(f"unknown runner {t!r}: use 'process', 'dask' or 'dask://host:port'")


def dask_task_runner(spec: RunnerSpec):
    """A prefect-dask task runner for ``spec`` (imported here: Dask is needed only when asked for)."""
    from prefect_dask import DaskTaskRunner

    if spec.address:
        return DaskTaskRunner(address=spec.address)
    return DaskTaskRunner(cluster_kwargs={
        "n_workers": spec.workers, "threads_per_worker": 1, "processes": True,
        "host": "127.0.0.1", "dashboard_address": "127.0.0.1:0",
    })


@contextmanager
def api_url_for_workers() -> Iterator[None]:
    """Export the API URL this run talks to, so LocalCluster workers (spawned processes) report
    their task runs to it instead of each starting a temporary Prefect server of their own."""
    if os.environ.get("PREFECT_API_URL"):
        yield
        return
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        url = str(client.api_url).rstrip("/")
    os.environ["PREFECT_API_URL"] = url
    try:
        yield
    finally:
        os.environ.pop("PREFECT_API_URL", None)


def chunked(items: Sequence, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield list(items[i:i + size])


# ---- cache split (mirrors ogi.pipeline.process_many, which has no hook for another executor) ----

def _sha_of(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def split_cached(files: list[InputFile], settings: RunSettings) -> tuple[dict[int, Report], list[tuple[int, InputFile]]]:
    """Reports already in the cache (by content hash) and the files still to extract."""
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
        if rep is None:
            todo.append((i, inp))
            continue
        rep.report_id, rep.file_name, rep.source_url = report_id_for(inp.key), inp.file_name, inp.source_url
        done[i] = rep
    return done, todo


def finish(files: list[InputFile], done: dict[int, Report], cached: int, settings: RunSettings) -> tuple[list[Report], BatchStats]:
    """Order reports as the inputs, apply the years filter, count failures (as process_many does)."""
    stats = BatchStats(seen=len(files), cached=cached, extracted=len(files) - cached)
    reports = [done[i] for i in range(len(files))]
    if settings.years:
        reports = [r for r in reports if r.year is None or r.year in settings.years]
    for r in reports:
        if r.status not in ("ok", "checks_failed"):
            stats.failed[r.file_name] = f"{r.status}: {r.error}"
        if r.status == "checks_failed":
            stats.checks_failed += 1
    return reports, stats


def _worker_failure(inp: InputFile, err: BaseException) -> Report:
    return Report(report_id=report_id_for(inp.key), file_name=inp.file_name, sha256="",
                  format=Path(inp.file_name).suffix.lower().lstrip("."), source_url=inp.source_url,
                  status="failed", error=f"Dask task failed on this chunk: {type(err).__name__}: {err}")


# ---- Prefect: a chunk task and the subflow that runs on the Dask task runner -------------------

@task(name="extract-chunk", task_run_name="extract-chunk-{first}", cache_policy=NO_CACHE)
def extract_chunk(files: list[InputFile], first: int = 0) -> list[Report]:
    """Extract + normalize a few files in one Dask worker. Never raises per file. Not cached by
    Prefect: paths can keep their name and change content; our cache is by content hash."""
    return [process_file(f) for f in files]


@flow(name="extract-on-dask")
def extract_on_dask(files: list[InputFile], settings: RunSettings, chunk: int = DEFAULT_CHUNK) -> tuple[list[Report], BatchStats]:
    """The Dask counterpart of process_many: cached files skipped, the rest in chunks on workers."""
    done, todo = split_cached(files, settings)
    cached = len(done)
    cache = Cache(settings.cache_dir, pipeline_version()) if settings.cache_dir else None
    submitted = []
    for part in chunked(todo, chunk):
        submitted.append((part, extract_chunk.submit([inp for _i, inp in part], first=part[0][0])))
    for part, fut in submitted:
        try:
            reps = fut.result()
        except Exception as e:  # a worker died: record every file of the chunk, keep the batch
            log.warning("chunk starting at %s failed: %s", part[0][1].file_name, e)
            reps = [_worker_failure(inp, e) for _i, inp in part]
        for (i, _inp), rep in zip(part, reps):
            done[i] = rep
            if cache is not None:
                cache.put(rep)
    return finish(files, done, cached, settings)

