"""Hardening fixtures: the malformed corpus from scripts/make_malformed.py, made once per session, and
``cli``: `ogi run --no-prefect` as a subprocess (its own process group) whose memory is watched."""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType, SimpleNamespace

import psutil
import pytest

from tests.hardening.support import Loopback

ROOT = Path(__file__).resolve().parents[2]


def load_make_malformed() -> ModuleType:
    """scripts/ is not a package: load the generator by path."""
    name = "make_malformed"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / "make_malformed.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture(scope="session")
def mm() -> ModuleType:
    return load_make_malformed()


@pytest.fixture(scope="session")
def malformed(tmp_path_factory, mm) -> tuple[Path, dict[str, dict[str, str]]]:
    """(folder, manifest) of the malformed corpus mixed with good reports."""
    out = tmp_path_factory.mktemp("malformed")
    return out, mm.write_corpus(out, list(mm.DEFAULT_GOOD))


GUARD_S = 900  # a hung run fails the test instead of hanging it (not a timing assert)


def ogi_command(source: Path, out: Path, *extra: str) -> list[str]:
    head = [sys.executable, "-m", "pipeline.cli"]  # this checkout's code, whatever `ogi` the venv has
    return [*head, "run", "--no-prefect", "--source", str(source), "--out", str(out), *extra]


def start(source: Path, out: Path, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(ogi_command(source, out, *extra), cwd=ROOT, env=env, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def tree_rss(proc: psutil.Process) -> int:
    """Sum of resident memory of a process and all its descendants."""
    total = 0
    try:
        members = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0
    for p in members:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            continue
    return total


def run(source: Path, out: Path, *extra: str) -> tuple[subprocess.CompletedProcess, int]:
    """Run to the end; return the result and the peak RSS of the process tree in bytes."""
    proc = start(source, out, *extra)
    peak, done = [0], threading.Event()

    def watch() -> None:
        ps = psutil.Process(proc.pid)
        while not done.is_set():
            peak[0] = max(peak[0], tree_rss(ps))
            time.sleep(0.02)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        stdout, stderr = proc.communicate(timeout=GUARD_S)
    finally:
        done.set()
        watcher.join()
    return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr), peak[0]

def kill_when(proc: subprocess.Popen, ready: Callable[[], bool]) -> bool:
    """SIGKILL the run's whole process group once ``ready()``; False if it finished first."""
    deadline = time.monotonic() + GUARD_S
    while proc.poll() is None and time.monotonic() < deadline:
        if ready():
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            return True
        time.sleep(0.003)
    proc.communicate()
    return False


@pytest.fixture(scope="session")
def cli() -> SimpleNamespace:
    """Start or run `ogi run --no-prefect` in a subprocess: ``start``, ``run`` (→ result, peak RSS),
    ``kill_when``."""
    return SimpleNamespace(start=start, run=run, kill_when=kill_when, ogi_command=ogi_command, GUARD_S=GUARD_S)


# ---- loopback servers (tests/hardening/support.py) ------------------------------------------

@pytest.fixture
def loopback():
    server = Loopback()
    yield server
    server.close()


@pytest.fixture
def loopback2():
    """A second server: the same host (127.0.0.1) on another port."""
    server = Loopback()
    yield server
    server.close()
