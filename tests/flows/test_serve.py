"""`ogi serve` against a real `prefect server start` on 127.0.0.1: deployment, schedule, a triggered run.

Both servers run as subprocesses with their own PREFECT_HOME, stopped with SIGTERM (then kill).
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pandas as pd
import pytest

from flows.build import ARTIFACT_KEY
from flows.serve import CRON, TIMEZONE, ServeSettings, deployment_parameters, schedules

pytestmark = pytest.mark.server  # real `prefect server start` subprocesses

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
RUN_TIMEOUT_S = 120


def test_schedule_and_parameters_are_what_the_deployment_promises():
    s = ServeSettings(out="/data/ds")
    (sched,) = schedules(s)
    assert (sched.cron, sched.timezone) == (CRON, TIMEZONE) == ("0 2 * * *", "Asia/Shanghai")
    assert deployment_parameters(s) == {"source": "all", "out": "/data/ds", "years": None, "force": False,
                                        "runner": "process"}
    with pytest.raises(ValueError):
        ServeSettings(runner="ray")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(proc: subprocess.Popen) -> None:
    """SIGTERM the process group we started, then kill it if it does not go."""
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def _wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"prefect server exited with {proc.returncode}")
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise TimeoutError("prefect server not healthy in time")


@pytest.fixture(scope="module")
def prefect_api(tmp_path_factory):
    home = tmp_path_factory.mktemp("prefect-server-home")
    port = _free_port()
    url = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    logf = open(home / "server.log", "wb")
    proc = subprocess.Popen([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                            env=env, stdout=logf, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_healthy(url, proc)
        yield url
    finally:
        _stop(proc)
        logf.close()


@pytest.fixture(scope="module")
def served(prefect_api, tmp_path_factory):
    home = tmp_path_factory.mktemp("prefect-serve-home")
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_API_URL": prefect_api,
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_RUNNER_POLL_FREQUENCY": "2"}
    logf = open(home / "serve.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "serve", "--out", str(home / "default-out")], cwd=ROOT, env=env,
                            stdout=logf, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield proc
    finally:
        _stop(proc)
        logf.close()


async def _deployment(api: str, proc: subprocess.Popen, timeout: float = 90):
    from prefect.client.orchestration import PrefectClient
    from prefect.exceptions import ObjectNotFound

    deadline = time.monotonic() + timeout
    async with PrefectClient(api) as c:
        while time.monotonic() < deadline:
            assert proc.poll() is None, "ogi serve exited"
            try:
                return await c.read_deployment_by_name("build-dataset/nightly")
            except ObjectNotFound:
                await asyncio.sleep(1)
    raise TimeoutError("deployment not registered in time")


async def _run(api: str, deployment_id, parameters: dict):
    """Trigger a run through the API and wait (bounded) until it is final; the run and its artifact."""
    from prefect.client.orchestration import PrefectClient
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    async with PrefectClient(api) as c:
        fr = await c.create_flow_run_from_deployment(deployment_id, parameters=parameters)
        deadline = time.monotonic() + RUN_TIMEOUT_S
        while time.monotonic() < deadline:
            fr = await c.read_flow_run(fr.id)
            if fr.state is not None and fr.state.is_final():
                break
            await asyncio.sleep(1)
        arts = await c.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[ARTIFACT_KEY])))
    return fr, [a for a in arts if a.flow_run_id == fr.id]


@pytest.mark.slow  # 40 s alone, 70+ s on a loaded machine (two servers, two flow-run processes); not skipped
def test_serve_registers_nightly_and_runs_triggered_flow(prefect_api, served, tmp_path, fixtures):
    dep = asyncio.run(_deployment(prefect_api, served))
    (sched,) = [s.schedule for s in dep.schedules]
    assert (sched.cron, sched.timezone) == ("0 2 * * *", "Asia/Shanghai")
    assert {"source", "out", "years", "force", "runner"} <= set(dep.parameter_openapi_schema["properties"])
    assert dep.parameters["source"] == "all"

    src = tmp_path / "src"
    src.mkdir()
    for name in ("dashuikeng_2020.txt", "gaotian_2024_layout.txt"):
        shutil.copy(fixtures / "text" / name, src / name)
    out = tmp_path / "ds"
    params = {"source": str(src), "out": str(out)}
    fr, arts = asyncio.run(_run(prefect_api, dep.id, params))
    assert fr.state.is_completed(), fr.state
    facts = pd.read_parquet(out / "facts")
    assert len(facts) == 198 + 200 and not facts.duplicated(["report_id", "table", "row", "col"]).any()
    assert len(arts) == 1 and "| 2 | 2 | 0 | 0 | 0 |" in arts[0].data  # seen, extracted, cached, failed, checks

    # the nightly case: nothing new since the last run
    fr2, arts2 = asyncio.run(_run(prefect_api, dep.id, params))
    assert fr2.state.is_completed(), fr2.state
    assert "Nothing new" in arts2[0].data and "| 2 | 0 | 2 | 0 | 0 |" in arts2[0].data
    log.info("first run %.1f s, nothing-new run %.1f s (start→end); picked up %.1f s after being created",
             (fr.end_time - fr.start_time).total_seconds(), (fr2.end_time - fr2.start_time).total_seconds(),
             (fr2.start_time - fr2.created).total_seconds())


def test_serve_refuses_without_an_api():
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.serve import serve
    from ogi.errors import OgiError

    with temporary_settings(restore_defaults={PREFECT_API_URL}):
        with pytest.raises(OgiError, match="PREFECT_API_URL"):
            serve(ServeSettings())
