"""Paths every test module may import (a plain module: fixtures live in conftest.py, which no
test imports)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SAMPLES = ROOT / "data" / "samples"
SHARED = Path(os.environ.get("OGI_SHARED", ROOT.parent / "shared"))

needs_shared = pytest.mark.skipif(not (SHARED / "corpus").is_dir(), reason="../shared corpus not beside the checkout")
