"""The review tests' small real dataset and how they read it (a plain module; the fixtures that
build the dataset are in conftest.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from tests.support import FIXTURES

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


def reports(out: Path) -> pd.DataFrame:
    return pd.read_parquet(out / "reports").set_index("file_name")


def facts(out: Path, file_name: str) -> pd.DataFrame:
    rid = reports(out).loc[file_name, "report_id"]
    f = pd.read_parquet(out / "facts")
    f = f[f.report_id == rid].copy()
    f["cell"] = f["table"] + "." + f["row"] + "." + f["col"]
    return f.set_index("cell")
