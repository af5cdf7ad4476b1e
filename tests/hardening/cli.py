"""Run `ogi run --no-prefect` as a subprocess (its own process group) and watch its memory."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[2]
GUARD_S = 900  # a hung run fails the test instead of hanging it (not a timing assert)


def ogi_command(source: Path, out: Path, *extra: str) -> list[str]:
    exe = Path(sys.executable).parent / "ogi"
    head = [str(exe)] if exe.exists() else [sys.executable, "-m", "pipeline.cli"]
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
