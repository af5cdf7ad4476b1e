"""Hardening fixtures: the malformed corpus from scripts/make_malformed.py, made once per session."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

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
