"""Where the extraction work runs: the default process pool, or Dask workers through prefect-dask.

``runner`` is a flow parameter (settable in the UI) and a CLI option:

* ``process`` (default): :func:`pipeline.batch.process_many`, a multiprocessing pool with a
  per-file time limit, inside the flow run's process.
* ``dask``: a temporary ``distributed.LocalCluster`` of 2 worker processes on 127.0.0.1.
* ``dask://host:port`` (or ``tcp://host:port``): an existing Dask scheduler.

With Dask, files are sent as Prefect tasks of ~8 files each (one task per file would spend
more time on orchestration than on most TXT/HTML reports), so work spreads over workers and
each chunk shows up in the UI. Dask is plugged into :func:`pipeline.batch.process_many` as its
executor, so the cache by content hash and the counting are the same for both runners.

Tradeoff: Dask workers are daemonic processes and cannot start the per-file pool, so the
per-file time limit is not enforced there; a stuck file holds its worker until the run ends.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from ogi.hashing import file_sha256_or_empty, report_id_for
from ogi.settings import ExtractSettings
from ogi.status import Status
from ogi.types import Report
from pipeline.batch import (
    BatchStats,
    InputFile,
    RunSettings,
    process_file,
    process_many,
)
from pipeline.neighbours import published_values

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


def _worker_failure(inp: InputFile, err: BaseException) -> Report:
    sha = file_sha256_or_empty(inp.path)
    return Report(report_id=report_id_for(sha, inp.key), file_name=inp.file_name, sha256=sha,
                  format=Path(inp.file_name).suffix.lower().lstrip("."), source_url=inp.source_url,
                  status=Status.FAILED, error=f"Dask task failed on this chunk: {type(err).__name__}: {err}")


# ---- Prefect: a chunk task and the subflow that runs on the Dask task runner -------------------

@task(name="extract-chunk", task_run_name="extract-chunk-{first}", cache_policy=NO_CACHE)
def extract_chunk(files: list[InputFile], first: int = 0, extract: ExtractSettings | None = None) -> list[Report]:
    """Extract + normalize a few files in one Dask worker, read as the run's ``extract`` settings say.
    Never raises per file. Not cached by Prefect: paths can keep their name and change content; our
    cache is by content hash."""
    return [process_file(f, extract=extract or ExtractSettings()) for f in files]


def _run_on_dask(todo: list[tuple[int, InputFile]], chunk: int,
                 extract: ExtractSettings) -> Iterator[tuple[int, Report]]:
    """Submit chunks of files as Prefect tasks on the Dask task runner; yield as they finish."""
    submitted = [(part, extract_chunk.submit([inp for _i, inp in part], first=part[0][0], extract=extract))
                 for part in chunked(todo, chunk)]
    for part, fut in submitted:
        try:
            reps = fut.result()
        except Exception as e:  # a worker died: record every file of the chunk, keep the batch
            log.warning("chunk starting at %s failed: %s", part[0][1].file_name, e)
            reps = [_worker_failure(inp, e) for _i, inp in part]
        yield from ((i, rep) for (i, _inp), rep in zip(part, reps))


@flow(name="extract-on-dask")
def extract_on_dask(files: list[InputFile], settings: RunSettings, chunk: int = DEFAULT_CHUNK,
                    out: str | None = None) -> tuple[list[Report], BatchStats]:
    """pipeline.batch.process_many with Dask as the executor: cached files skipped, the rest in chunks on workers.
    ``out``: the dataset whose neighbouring years may settle run-together digits (pipeline.neighbours)."""
    published = (lambda keys: published_values(out, keys)) if out else None
    return process_many(files, settings, run=lambda todo, s: _run_on_dask(todo, chunk, s.extract), published=published)
