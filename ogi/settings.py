"""Run settings and every default in one place: limits, and where data lives.

Paths resolve so that an installed package works from any folder: the bundled samples and
``sources.yaml`` ship inside the package (``ogi/data``, mapped from the checkout's ``data/``),
while what a run writes (dataset, raw files, cache) goes under ``$OGI_DATA_DIR`` or the
current folder's ``data/``.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

TIMEOUT_S = 180.0  # seconds one file may take
MEMORY_MB = 2048  # how far a worker's heap may grow (RLIMIT_DATA); OCR of a scan needs ~1.6 GB; 0: none
MAX_TASKS_PER_WORKER = 200  # then a fresh process: leaks in native libraries stay bounded
FETCH_DELAY_S = 1.0  # seconds between requests to one portal
RESPONSE_DEADLINE_S = 60.0  # seconds one HTTP response may take in all (a server trickling bytes)
CRAWL_DEADLINE_S = 7200.0  # seconds the crawl of one source may take
YEAR_RANGE = (1990, 2100)
DATA_DIR_ENV = "OGI_DATA_DIR"
SOURCES_FILE_ENV = "OGI_SOURCES_FILE"

_PACKAGE = Path(__file__).resolve().parent
PROJECT_ROOT = _PACKAGE.parent  # the checkout (or site-packages when installed)


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


def bundled_data_dir() -> Path:
    """Read-only data shipped with the code: ``ogi/data`` in a wheel, ``data/`` in a checkout."""
    packaged = _PACKAGE / "data"
    return packaged if (packaged / "samples").is_dir() else PROJECT_ROOT / "data"


def data_dir() -> Path:
    """Where runs keep their state: ``$OGI_DATA_DIR``, else ``./data`` of the current folder."""
    return Path(os.environ.get(DATA_DIR_ENV) or Path.cwd() / "data")


def default_source() -> Path:
    """The bundled sample reports (``ogi run`` with no arguments)."""
    return bundled_data_dir() / "samples"


def default_out() -> Path:
    return data_dir() / "dataset"


def sources_file() -> Path:
    """``$OGI_SOURCES_FILE``, else ``sources.yaml`` of the data dir if there is one, else the bundled one."""
    if env := os.environ.get(SOURCES_FILE_ENV):
        return Path(env)
    local = data_dir() / "sources.yaml"
    return local if local.is_file() else bundled_data_dir() / "sources.yaml"


def is_remote(out: str | Path) -> bool:
    """True for fsspec URLs other than local files (s3://, gs://, memory://, ...)."""
    s = str(out)
    return "://" in s and not s.startswith("file://")


def local_data_dir() -> Path:
    """Local state of a remote dataset (raw files, cache)."""
    return data_dir()


def raw_root_for(out: str | Path) -> Path:
    """Where fetched files are kept: beside a local dataset, else <data>/raw."""
    return local_data_dir() / "raw" if is_remote(out) else Path(out).resolve().parent / "raw"


def cache_dir_for(out: str | Path) -> str:
    """The extraction cache is always local: inside a local dataset, else under data/cache."""
    if not is_remote(out):
        return str(Path(out) / ".cache")
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", str(out))[:80]
    return str(local_data_dir() / "cache" / f"{slug}-{hashlib.sha256(str(out).encode()).hexdigest()[:8]}")


def check_limits(workers: int, timeout_s: float, memory_mb: int, max_tasks: int) -> None:
    """The one validation of worker limits (RunSettings and pipeline.workers.Limits)."""
    if workers < 1:
        raise ValueError("workers must be >= 1")
    if timeout_s <= 0:
        raise ValueError("timeout_s must be > 0")
    if max_tasks < 1:
        raise ValueError("max_tasks_per_worker must be >= 1")
    if memory_mb < 0 or 0 < memory_mb < 256:
        raise ValueError("memory_mb must be 0 (no limit) or >= 256")


@dataclass(frozen=True, slots=True)
class RunSettings:
    """How a batch runs. Validates itself so a bad UI parameter fails before any work."""

    workers: int = default_workers()
    timeout_s: float = TIMEOUT_S  # per file
    force: bool = False  # re-extract even when the cache has this file
    years: tuple[int, ...] = ()  # only these report years (empty: all)
    cache_dir: str | None = None
    chunk: int = 4
    memory_mb: int = MEMORY_MB
    max_tasks_per_worker: int = MAX_TASKS_PER_WORKER

    def __post_init__(self) -> None:
        check_limits(self.workers, self.timeout_s, self.memory_mb, self.max_tasks_per_worker)
        lo, hi = YEAR_RANGE
        if any(not (lo <= y <= hi) for y in self.years):
            raise ValueError(f"years out of range: {self.years}")
