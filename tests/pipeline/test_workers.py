"""pipeline.workers: a worker that hangs, crashes, is killed or runs out of memory costs only its
own input; the batch goes on and every input gets exactly one result."""

from __future__ import annotations

import faulthandler
import os
import signal
import time

import pytest

from pipeline.batch import OUT_OF_MEMORY, InputFile, RunSettings, process_many
from pipeline.workers import Limits, Outcome, limit_memory, run_isolated


def _hostile(item: str) -> Outcome[str]:
    """Behaves as its input says: the misbehaviours a native library can show on a bad file."""
    if item == "hang":
        time.sleep(3600)
    if item == "segv":
        faulthandler.disable()  # pytest's handler would print the fake crash's stack
        os.kill(os.getpid(), signal.SIGSEGV)
    if item == "sigkill":
        os.kill(os.getpid(), signal.SIGKILL)
    if item == "exit":
        os._exit(3)
    if item == "hog":
        try:
            blob = bytearray(3 * 2**30)  # over the worker's limit: MemoryError, not a dead machine
            return Outcome(f"allocated {len(blob)}")
        except MemoryError:
            return Outcome("oom", retire=True)
    return Outcome(f"ok:{item}:{os.getpid()}")


def _run(items: list[str], **kw) -> dict[int, str]:
    limits = Limits(**{"workers": 2, "timeout_s": 5.0, "memory_mb": 512, **kw})
    out = list(run_isolated(list(enumerate(items)), _hostile, limits,
                            on_timeout=lambda it: f"timeout:{it}", on_death=lambda it, code: f"died:{it}:{code}"))
    assert sorted(i for i, _ in out) == list(range(len(items))), "every input exactly once"
    return dict(out)


def test_each_misbehaviour_is_charged_to_its_own_input():
    items = ["a", "segv", "b", "sigkill", "c", "exit", "d", "hog", "e"]
    got = _run(items)
    assert got[1] == f"died:segv:{-signal.SIGSEGV}"
    assert got[3] == f"died:sigkill:{-signal.SIGKILL}"
    assert got[5] == "died:exit:3"
    assert got[7] == "oom"
    for i in (0, 2, 4, 6, 8):
        assert got[i].startswith(f"ok:{items[i]}:")


def test_a_hanging_input_times_out_and_the_rest_finish():
    got = _run(["hang", "a", "b", "c"], timeout_s=1.0)
    assert got[0] == "timeout:hang"
    assert [got[i].split(":")[1] for i in (1, 2, 3)] == ["a", "b", "c"]


def test_worker_retired_after_running_out_of_memory():
    got = _run(["hog", "a"], workers=1)
    pid_after = int(got[1].split(":")[2])
    assert got[0] == "oom" and pid_after != os.getpid()
    again = _run(["a", "b"], workers=1)  # without a retirement one worker serves both
    assert again[0].split(":")[2] == again[1].split(":")[2]


def test_workers_are_replaced_after_max_tasks():
    got = _run(["a", "b", "c", "d"], workers=1, max_tasks=2)
    pids = [got[i].split(":")[2] for i in range(4)]
    assert pids[0] == pids[1] != pids[2] == pids[3]


def test_empty_work_list():
    assert list(run_isolated([], _hostile, Limits(), on_timeout=str, on_death=lambda it, c: "")) == []


def test_limits_validate_themselves():
    for bad in ({"workers": 0}, {"timeout_s": 0}, {"memory_mb": 10}, {"max_tasks": 0}):
        with pytest.raises(ValueError):
            Limits(**bad)
    with pytest.raises(ValueError):
        RunSettings(memory_mb=-1)


def _grow_in_child(limit_mb: int, grow_mb: int) -> int:
    """Fork, limit, allocate: 0 allocated, 1 MemoryError (the parent is never limited)."""
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            limit_memory(limit_mb)
            blob = bytearray(grow_mb * 2**20)
            blob[-1] = 1
        except MemoryError:
            code = 1
        os._exit(code)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


@pytest.mark.slow  # a 600 MB parent, children growing hundreds of MB
def test_memory_limit_is_relative_to_what_the_worker_inherited():
    ballast = bytearray(600 * 2**20)  # a parent that already holds a lot (pyarrow reserves ~1 GB)
    ballast[-1] = 1
    assert _grow_in_child(300, 100) == 0
    assert _grow_in_child(300, 1000) == 1
    del ballast


def test_memory_error_in_the_pipeline_is_a_recorded_failure(tmp_path, fixtures, monkeypatch):
    """A reader that blows up on one file: that file fails with a reason, the others are read."""
    from extractors import text

    real = text.TextExtractor.extract

    def greedy(self, data, file_name):
        if "bomb" in file_name:
            blob = bytearray(4 * 2**30)  # beyond memory_mb: MemoryError inside the worker
            return blob
        return real(self, data, file_name)

    monkeypatch.setattr(text.TextExtractor, "extract", greedy)  # inherited by forked workers
    seed = (fixtures / "text" / "dashuikeng_2020.txt").read_bytes()
    for i, name in enumerate(("a.txt", "bomb.txt", "b.txt")):
        (tmp_path / name).write_bytes(seed + b"\n" * i)  # other bytes: identical content is one report
    files = [InputFile(path=str(tmp_path / n), key=n, file_name=n) for n in ("a.txt", "bomb.txt", "b.txt")]
    reports, stats = process_many(files, RunSettings(workers=1, memory_mb=512))
    assert [r.status for r in reports] == ["ok", "failed", "ok"]
    assert reports[1].error == OUT_OF_MEMORY and list(stats.failed) == ["bomb.txt"]
    assert reports[0].facts and [f.value for f in reports[0].facts] == [f.value for f in reports[2].facts]


def _marks(item: str) -> Outcome[str]:
    """Leaves a file named by its input: the caller can see the input was started."""
    open(item, "w").close()
    return Outcome(item)


def test_a_worker_has_its_next_input_while_the_caller_handles_a_result(tmp_path):
    """Issue 12: the next input went out only after the caller had handled (cached, counted) the
    last result, so every worker idled through the parent's share of each file."""
    items = [str(tmp_path / f"m{i}") for i in range(3)]
    started_meanwhile = []
    for i, _result in run_isolated(list(enumerate(items)), _marks, Limits(workers=1, memory_mb=0),
                                   on_timeout=str, on_death=lambda it, code: f"died:{it}"):
        if i + 1 < len(items):  # the worker has the next input already: it appears without our help
            deadline = time.monotonic() + 30
            while not os.path.exists(items[i + 1]) and time.monotonic() < deadline:
                time.sleep(0.01)
            started_meanwhile.append(os.path.exists(items[i + 1]))
    assert started_meanwhile == [True, True]


def _freeze_count(_item: str) -> Outcome[int]:
    import gc

    return Outcome(gc.get_freeze_count())


def test_workers_leave_the_parents_objects_to_the_parent_and_the_parent_unfrozen():
    """gc.freeze across the fork: a worker's collections skip what it inherited (no walk over the
    parent's heap, no copied pages); the parent's own collector is back to normal afterwards."""
    import gc

    before = gc.get_freeze_count()
    got = dict(run_isolated([(0, "a"), (1, "b")], _freeze_count, Limits(workers=2, memory_mb=0),
                            on_timeout=lambda it: -1, on_death=lambda it, code: -1))
    assert got[0] > 0 and got[1] > 0
    assert gc.get_freeze_count() == before
