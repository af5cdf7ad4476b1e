"""A small real dataset for the review tests: a PDF that breaks R1, an ok text dump, an HTML page
whose tables are images; built once with `ogi run --no-prefect`, copied for tests that change it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.review.support import FILES, run


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
