"""Shared test helpers: fixture paths and the optional ../shared corpus."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SHARED = Path(os.environ.get("OGI_SHARED", ROOT.parent / "shared"))

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


needs_shared = pytest.mark.skipif(not (SHARED / "corpus").is_dir(), reason="../shared corpus not beside the checkout")
