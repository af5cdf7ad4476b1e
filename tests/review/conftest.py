"""A small real dataset for the review tests: a PDF that breaks R1, an ok text dump, an HTML page
whose tables are images; built once with `ogi run --no-prefect`, copied for tests that change it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import FIXTURES

FILES = {"guiyang_2024_r1_broken.pdf": FIXTURES / "review" / "guiyang_2024_r1_broken.pdf",
         "ok_2019_tabs.txt": FIXTURES / "review" / "ok_2019_tabs.txt",
         "tongwei_img_tables_gbk.html": FIXTURES / "html" / "tongwei_img_tables_gbk.html"}


def run(src: Path, out: Path, *extra: str, capsys=None) -> dict:
    """`ogi run --no-prefect` in this process; its JSON summary."""
    from pipeline.cli import main

    assert main(["run", "--source", str(src), "--out", str(out), "--no-prefect", "--workers", "1", *extra]) == 0
    if capsys is not None:
        return json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    return {}


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("review")
    src = base / "src"
    src.mkdir()
    for name, p in FILES.items():
        shutil.copy(p, src / name)
    out = base / "out"
    run(src, out)
    return src, out


@pytest.fixture
def dataset(built, tmp_path) -> tuple[Path, Path]:
    """A private copy of the built dataset (with its cache): tests may correct and rerun it."""
    src, out = built
    mine = tmp_path / "out"
    shutil.copytree(out, mine, symlinks=True)
    return src, mine


def reports(out: Path) -> pd.DataFrame:
    return pd.read_parquet(out / "reports").set_index("file_name")


def facts(out: Path, file_name: str) -> pd.DataFrame:
    rid = reports(out).loc[file_name, "report_id"]
    f = pd.read_parquet(out / "facts")
    f = f[f.report_id == rid].copy()
    f["cell"] = f["table"] + "." + f["row"] + "." + f["col"]
    return f.set_index("cell")
