"""One writer at a time per dataset: an exclusive lock around read-merge-write-swap.

Two runs publishing into the same ``--out`` would each merge into the version they read and the
later swap would drop the earlier run's rows. With the lock the second run waits (saying so on
stderr) and merges into the version the first one published. Readers take no lock: they follow
the ``current`` link, which only ever points at a complete version. The lock is re-entrant in one
thread, so a run holds it around everything it writes beside the version (the quality page).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

log = logging.getLogger(__name__)

LOCK_NAME = ".publish.lock"
OWNER_NAME = ".publish.lock.owner"  # who holds the lock, for the waiting message only


@contextmanager
def dataset_lock(folder: str | Path, what: str = "") -> Iterator[None]:
    """Hold the publish lock of the dataset at ``folder``; wait (and say so) while another holds it."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    # one lock object per lock file in this process (re-entrant: a run's publish step holds it around
    # the publish, which takes it again); per thread, so two threads still exclude each other
    lock = FileLock(os.path.realpath(folder / LOCK_NAME), preserve_lock_file=True, is_singleton=True)
    name = what or str(folder)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        log.warning("another run is publishing to %s (%s); waiting for it to finish, then merging into "
                    "the version it publishes", name, _owner(folder))
        start = time.monotonic()
        lock.acquire()
        log.warning("got the publish lock of %s after %.1f s", name, time.monotonic() - start)
    try:
        _write_owner(folder)
        yield
    finally:
        lock.release()


def _owner(folder: Path) -> str:
    try:
        return (folder / OWNER_NAME).read_text(encoding="utf-8").strip() or "owner unknown"
    except OSError:
        return "owner unknown"


def _write_owner(folder: Path) -> None:
    try:
        tmp = folder / f"{OWNER_NAME}.{os.getpid()}"
        tmp.write_text(f"pid {os.getpid()} since {time.strftime('%H:%M:%S')}", encoding="utf-8")
        os.replace(tmp, folder / OWNER_NAME)
    except OSError:  # informational only
        pass
