"""Run one function over many inputs in worker processes that a bad input cannot take down.

Each worker reads one input at a time. The parent knows which input every worker holds,
so it can enforce a time limit per input (counted from when that input started), notice a
worker that died (segfault, abort, SIGKILL by the out-of-memory killer) and charge only
that input, and start a fresh worker. Workers cap their own heap growth (RLIMIT_DATA), so a
decompression bomb raises MemoryError in the worker instead of exhausting the machine.
``multiprocessing.Pool`` cannot do this: it loses a task whose worker died and waits forever.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing as mp
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Generic, TypeVar

from ogi.settings import MAX_TASKS_PER_WORKER, MEMORY_MB, TIMEOUT_S, check_limits

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Limits:
    """What one worker may use. ``memory_mb`` 0 means no memory limit."""

    workers: int = 1
    timeout_s: float = TIMEOUT_S
    memory_mb: int = MEMORY_MB
    max_tasks: int = MAX_TASKS_PER_WORKER  # then a fresh process: leaks in native libraries stay bounded

    def __post_init__(self) -> None:
        check_limits(self.workers, self.timeout_s, self.memory_mb, self.max_tasks)


@dataclass(frozen=True, slots=True)
class Outcome(Generic[R]):
    """A worker's answer: the result, and whether it must be retired (ran out of memory)."""

    result: R
    retire: bool = False


def data_bytes() -> int:
    """This process's current data segment (VmData), 0 where /proc is not there."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            return next((int(ln.split()[1]) * 1024 for ln in f if ln.startswith("VmData:")), 0)
    except OSError:
        return 0


def limit_memory(memory_mb: int) -> None:
    """Let this process's heap grow by at most ``memory_mb`` (RLIMIT_DATA over what it holds now).

    Relative, because a fork of a parent that loaded pyarrow.dataset starts with ~1.2 GB of
    reserved, untouched data segment. RLIMIT_AS would also count the address space that
    onnxruntime and PDFium reserve without using, and made OCR fail at 700 MB resident.
    """
    if memory_mb <= 0:
        return
    import resource

    _soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    want = data_bytes() + memory_mb * 2**20
    if hard != resource.RLIM_INFINITY:
        want = min(want, hard)
    try:
        resource.setrlimit(resource.RLIMIT_DATA, (want, hard))
    except (ValueError, OSError) as e:  # not permitted here: run without the guard
        log.warning("cannot set a %d MB memory limit on workers: %s", memory_mb, e)


def _serve(conn: Connection, work: Callable[[T], Outcome[R]], limits: Limits) -> None:
    """Worker loop: one input per message, answered with (result, leaving)."""
    limit_memory(limits.memory_mb)
    for n in range(1, limits.max_tasks + 1):
        try:
            item = conn.recv()
        except (EOFError, OSError):
            return
        if item is None:
            return
        out = work(item)
        leaving = out.retire or n == limits.max_tasks
        conn.send((out.result, leaving))
        if leaving:
            return


@dataclass(slots=True)
class _Slot:
    """A worker process, its pipe, and the input it holds (if any)."""

    proc: mp.process.BaseProcess
    conn: Connection
    task: tuple[int, object] | None = None
    started: float = 0.0


def _start(ctx, work: Callable, limits: Limits) -> _Slot:
    """A fresh worker. The parent's objects are frozen out of the garbage collector across the fork
    (``gc.freeze``), so the worker's collections never walk them: less CPU, and their pages stay
    shared with the parent instead of being copied when the collector touches them."""
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_serve, args=(child, work, limits), name="ogi-worker", daemon=True)
    gc.freeze()
    try:
        proc.start()
    finally:
        gc.unfreeze()
    child.close()  # so the parent sees end-of-pipe when the worker dies
    return _Slot(proc=proc, conn=parent)


def _stop(slot: _Slot) -> None:
    if slot.proc.is_alive():
        slot.proc.kill()
    slot.proc.join(5)
    slot.conn.close()


def _receive(slot: _Slot) -> tuple[object, bool] | None:
    try:
        return slot.conn.recv()
    except (EOFError, OSError):
        return None


def death_reason(exitcode: int | None) -> str:
    """How a worker ended, in words a person can act on."""
    why = {-signal.SIGKILL: "was killed (SIGKILL: usually the system ran out of memory)",
           -signal.SIGSEGV: "crashed in a native library (SIGSEGV)",
           -signal.SIGABRT: "aborted in a native library (SIGABRT, often an allocation failure)"}
    return why.get(exitcode or 0, f"exited unexpectedly (exit code {exitcode})")


def run_isolated(todo: list[tuple[int, T]], work: Callable[[T], Outcome[R]], limits: Limits,
                 on_timeout: Callable[[T], R], on_death: Callable[[T, int | None], R]) -> Iterator[tuple[int, R]]:
    """Yield (index, result) for every input, in completion order; never hangs on one input.

    ``work`` runs in a worker (a module-level function, so it also works with spawn);
    ``on_timeout`` / ``on_death`` run in the parent and make the result for a lost input.
    """
    if not todo:
        return
    ctx = mp.get_context("fork" if hasattr(os, "fork") else "spawn")
    queue = deque(todo)
    n_workers = min(limits.workers, len(todo))
    slots: list[_Slot] = []

    def feed(s: _Slot) -> None:
        if s.task is None and queue:
            s.task, s.started = queue.popleft(), time.monotonic()
            try:
                s.conn.send(s.task[1])
            except OSError:  # died between inputs: found dead below
                pass

    try:
        while queue or any(s.task for s in slots):
            while len(slots) < n_workers and queue:
                slots.append(_start(ctx, work, limits))
            for s in slots:
                feed(s)
            busy = [s for s in slots if s.task]
            deadline = min((s.started for s in busy), default=time.monotonic()) + limits.timeout_s
            wait([s.conn for s in busy] + [s.proc.sentinel for s in slots],
                 timeout=max(0.0, deadline - time.monotonic()))
            for s in list(slots):
                if s.task and s.conn.poll():
                    msg = _receive(s)
                    if msg is not None:
                        (i, _), s.task = s.task, None
                        if msg[1]:  # the worker is leaving: never give it another input
                            _stop(s)
                            slots.remove(s)
                        else:  # its next input first: it works while the caller handles this result
                            feed(s)
                        yield i, msg[0]
                        continue
                    s.proc.join(5)  # end of pipe: the worker is gone
                if s.task and time.monotonic() - s.started >= limits.timeout_s:
                    _stop(s)
                    slots.remove(s)
                    yield s.task[0], on_timeout(s.task[1])
                elif not s.proc.is_alive():
                    _stop(s)
                    slots.remove(s)
                    if s.task:
                        log.warning("worker died (exit code %s)", s.proc.exitcode)
                        yield s.task[0], on_death(s.task[1], s.proc.exitcode)
    finally:
        for s in slots:
            try:
                s.conn.send(None)
            except OSError:
                pass
        for s in slots:
            s.proc.join(1)
            _stop(s)
