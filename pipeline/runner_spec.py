"""The ``runner`` parameter (``process``, ``dask``, ``dask://host:port``) parsed into a :class:`RunnerSpec`.

Kept apart from :mod:`flows.runners`, which needs Prefect, so the command line can check
``--runner`` (and ``--no-prefect`` can refuse a Dask runner) without importing Prefect.
"""

from __future__ import annotations

from dataclasses import dataclass

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
