"""A non-editable install works from any folder: package data ships, defaults resolve in the
current folder (regression: `pip install .` gave an `ogi` whose defaults pointed into
site-packages, so `ogi run` failed with a traceback).

The project is installed with `pip install --no-deps <checkout>` (a real wheel build, not
editable) into a fresh venv that sees this interpreter's installed dependencies through a .pth
file, so the test does not download prefect, onnxruntime and the rest again.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow  # builds a wheel, runs the CLI three times


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", str(d)], check=True)
    py = d / "bin" / "python"
    site = subprocess.check_output([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                   text=True).strip()
    Path(site, "_deps_of_the_test_interpreter.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    res = subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-deps", str(ROOT)],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr[-3000:]
    return d


def ogi(venv: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "OGI_DATA_DIR", "OGI_SOURCES_FILE")}
    return subprocess.run([str(venv / "bin" / "ogi"), *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=900)


def test_installed_code_is_not_the_checkout(venv, tmp_path):
    out = subprocess.check_output([str(venv / "bin" / "python"), "-c", "import pipeline, ogi.settings as s; "
                                   "print(pipeline.__file__); print(s.default_source())"], cwd=tmp_path, text=True,
                                  env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    code, samples = out.split()
    assert str(ROOT) not in code and str(ROOT) not in samples
    assert Path(samples).is_dir() and any(Path(samples).iterdir())


def test_run_source_out_from_an_empty_folder_gives_the_checkout_dataset(venv, tmp_path, fixtures):
    src = tmp_path / "src"
    src.mkdir()
    for name in ("dashuikeng_2020.txt", "gaotian_2024_layout.txt"):
        (src / name).write_bytes((fixtures / "text" / name).read_bytes())
    empty = tmp_path / "empty"
    empty.mkdir()
    res = ogi(venv, empty, "run", "--no-prefect", "--workers", "1", "--source", str(src), "--out", str(tmp_path / "a"))
    assert res.returncode == 0, res.stderr[-3000:]
    here = subprocess.run([sys.executable, "-m", "pipeline.cli", "run", "--no-prefect", "--workers", "1",
                           "--source", str(src), "--out", str(tmp_path / "b")], cwd=ROOT, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert here.returncode == 0, here.stderr[-3000:]
    keys = ["report_id", "table", "row", "col"]
    a = pd.read_parquet(tmp_path / "a" / "facts").sort_values(keys).reset_index(drop=True)
    b = pd.read_parquet(tmp_path / "b" / "facts").sort_values(keys).reset_index(drop=True)
    assert len(a) > 300
    pd.testing.assert_frame_equal(a, b)
    assert list(empty.iterdir()) == []  # nothing written into the current folder


def test_run_without_arguments_builds_the_samples_here(venv, tmp_path):
    res = ogi(venv, tmp_path, "run", "--no-prefect", "--workers", "2")
    assert res.returncode == 0, res.stderr[-3000:]
    reports = pd.read_parquet(tmp_path / "data" / "dataset" / "reports")
    assert len(reports) == len([p for p in (ROOT / "data" / "samples").iterdir() if p.is_file()])


def test_user_error_from_the_installed_command_is_one_line(venv, tmp_path):
    res = ogi(venv, tmp_path, "run", "--source", "/nonexistent", "--out", str(tmp_path / "o"))
    assert res.returncode == 2 and len(res.stderr.strip().splitlines()) == 1 and "Traceback" not in res.stderr
