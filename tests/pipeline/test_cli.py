"""`ogi`: a person's mistake is one line on stderr and exit code 2, with and without Prefect;
`status` and `show` read a built dataset (regression: tracebacks of 15-55 lines, and
`--source ""` silently building the samples into --out)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.inspect import MISSING, dataset_status, find_report, report_tables, show_text

ROOT = Path(__file__).resolve().parents[2]


def ogi(*args: str, cwd: Path | None = None, **env: str) -> subprocess.CompletedProcess:
    """The command as a person runs it: a fresh interpreter (`python -m pipeline.cli` is the console
    script's `sys.exit(main())`), so whatever an import prints to stderr is seen too."""
    e = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], cwd=cwd or ROOT, env=e,
                          capture_output=True, text=True, timeout=300)


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


def ogi_here(capsys, *args: str) -> Ran:
    """The same `main` in this process: no interpreter start and no Prefect import per call."""
    capsys.readouterr()
    try:
        code = main(list(args))
    except SystemExit as e:  # argparse's --version/--help exit themselves
        code = int(e.code or 0)
    got = capsys.readouterr()
    return Ran(code, got.out, got.err)


def one_line_usage_error(res: subprocess.CompletedProcess | Ran) -> str:
    assert res.returncode == 2, (res.returncode, res.stderr[-2000:])
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in res.stderr, res.stderr[-2000:]
    assert res.stdout == ""
    return lines[0]


@pytest.fixture
def a_file(tmp_path) -> Path:
    f = tmp_path / "a_file"
    f.write_text("x")
    return f


@pytest.fixture
def quiet_prefect_env(monkeypatch) -> None:
    """What `ogi run` sets for Prefect, set here so the test leaves this process's environment as it was."""
    monkeypatch.setenv("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    monkeypatch.setenv("PREFECT_LOGGING_LEVEL", "WARNING")


CASES = ["missing source", "empty source", "out under a file", "bad years", "negative workers", "bad runner",
         "source without value"]


def case_args(case: str, tmp_path: Path, a_file: Path) -> list[str]:
    return {"missing source": ["--source", "/nonexistent", "--out", str(tmp_path / "o")],
            "empty source": ["--source", "", "--out", str(tmp_path / "o")],
            "out under a file": ["--source", str(ROOT / "data" / "samples"), "--out", str(a_file / "ds")],
            "bad years": ["--years", "20x", "--out", str(tmp_path / "o")],
            "negative workers": ["--workers", "-3", "--out", str(tmp_path / "o")],
            "bad runner": ["--runner", "spark", "--out", str(tmp_path / "o")],
            "source without value": ["--out", str(tmp_path / "o"), "--source"]}[case]


@pytest.mark.parametrize("prefect", [False, True], ids=["no-prefect", "prefect"])
@pytest.mark.parametrize("case", CASES)
def test_user_error_is_one_line_and_exit_2(case, prefect, tmp_path, a_file, capsys, quiet_prefect_env):
    res = ogi_here(capsys, "run", *case_args(case, tmp_path, a_file), *([] if prefect else ["--no-prefect"]))
    assert one_line_usage_error(res).startswith("ogi: error:")
    assert not (tmp_path / "o").exists()  # nothing was built


#: one real process in the fast tier (through the Prefect path: its imports must print nothing);
#: every case as a process in the whole suite (`make test`)
_PROCESS_CASES = [pytest.param(case, prefect, id=f"{case}-{'prefect' if prefect else 'no-prefect'}",
                               marks=() if (case, prefect) == ("missing source", True) else pytest.mark.slow)
                  for case in CASES for prefect in (False, True)]


@pytest.mark.parametrize(("case", "prefect"), _PROCESS_CASES)
def test_user_error_is_one_line_and_exit_2_in_a_process(case, prefect, tmp_path, a_file):
    line = one_line_usage_error(ogi("run", *case_args(case, tmp_path, a_file), *([] if prefect else ["--no-prefect"])))
    assert line.startswith("ogi: error:")
    assert not (tmp_path / "o").exists()  # nothing was built


def test_empty_source_names_the_option(tmp_path, capsys):
    res = ogi_here(capsys, "run", "--source", "", "--out", str(tmp_path / "o"))
    assert "--source is empty" in one_line_usage_error(res)


def test_unreachable_prefect_is_one_line(tmp_path, capsys, monkeypatch, quiet_prefect_env):
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")
    res = ogi_here(capsys, "run", "--source", str(ROOT / "data" / "samples"), "--out", str(tmp_path / "o"))
    assert "Prefect API at http://127.0.0.1:9/api is not reachable" in one_line_usage_error(res)
    assert not (tmp_path / "o").exists()


@pytest.mark.slow
def test_unreachable_prefect_is_one_line_in_a_process(tmp_path):
    res = ogi("run", "--source", str(ROOT / "data" / "samples"), "--out", str(tmp_path / "o"),
              PREFECT_API_URL="http://127.0.0.1:9/api")
    assert "Prefect API at http://127.0.0.1:9/api is not reachable" in one_line_usage_error(res)


def test_version(capsys):
    res = ogi_here(capsys, "--version")
    assert res.returncode == 0 and res.stdout.startswith("ogi ")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    fixtures_dir = ROOT / "tests" / "fixtures"
    src = tmp_path_factory.mktemp("src")
    for name in ("dashuikeng_2020.txt", "gaotian_2024_layout.txt"):
        shutil.copy(fixtures_dir / "text" / name, src / name)
    (src / "broken.pdf").write_bytes(b"not a pdf at all")
    out = tmp_path_factory.mktemp("ds")
    assert main(["run", "--no-prefect", "--workers", "1", "--source", str(src), "--out", str(out)]) == 0
    return out


def test_status_counts_reports(built, capsys):
    st = dataset_status(built)
    assert st.reports == 3
    assert st.by_status == {"ok": 2, "unreadable": 1}
    assert st.by_year.get("2020") == 1 and st.last_run and st.dataset_version
    res = ogi_here(capsys, "status", str(built), "--json")
    assert res.returncode == 0 and json.loads(res.stdout)["reports"] == 3


def test_show_prints_template_tables_and_marks_cells(built):
    rep = find_report(built, "dashuikeng_2020.txt")
    tables = report_tables(built, rep)
    assert set(tables) == {"active", "requests", "appeals"}
    assert tables["requests"].loc["new_received", "total"] != MISSING
    text = show_text(built, rep["report_id"])
    assert "dashuikeng_2020.txt" in text and "## requests" in text and f"{MISSING} missing" in text
    broken = show_text(built, "broken.pdf")
    assert "status unreadable: not a readable PDF" in broken and "no cells were read" in broken


def test_show_unknown_report_is_one_line(built, capsys):
    assert "no report" in one_line_usage_error(ogi_here(capsys, "show", str(built), "nope.pdf"))
    assert "no dataset" in one_line_usage_error(ogi_here(capsys, "status", str(built / "missing")))


@pytest.mark.server
def test_serve_stops_at_once_on_ctrl_c_when_the_api_is_gone(httpserver, tmp_path):
    """Regression: Ctrl-C was ignored for a minute while Prefect retried a vanished API."""
    import re
    import signal
    import time

    httpserver.expect_request("/api/health").respond_with_data("true", content_type="application/json")
    httpserver.expect_request(re.compile(".*")).respond_with_data("gone", status=503)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PREFECT_API_URL": httpserver.url_for("/api"),
           "PREFECT_HOME": str(tmp_path / "home")}
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "serve", "--out", str(tmp_path / "o")],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 60  # until Prefect has asked the (failing) API something
        while time.monotonic() < deadline and proc.poll() is None and \
                not any(r.path != "/api/health" for r, _ in httpserver.log):
            time.sleep(0.2)
        assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)  # a guard, not a timing assert: before the fix it hung for a minute or more
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130
