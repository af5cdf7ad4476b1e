"""The layers have one direction: a test reads every module's imports (top level and inside
functions) and fails on a wrong-way one.

ogi (the contract) ← extractors, normalizers, fetchers ← publish, review ← pipeline ← flows.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("ogi", "extractors", "normalizers", "fetchers", "publish", "review", "pipeline", "flows")
#: what each package must never import (anything not listed is allowed)
FORBIDDEN = {
    "ogi": {"extractors", "normalizers", "fetchers", "publish", "review", "pipeline", "flows"},
    "extractors": {"normalizers", "fetchers", "publish", "review", "pipeline", "flows"},
    "normalizers": {"extractors", "fetchers", "publish", "review", "pipeline", "flows"},
    "fetchers": {"normalizers", "publish", "review", "pipeline", "flows"},
    "publish": {"pipeline", "flows", "fetchers", "extractors", "review"},
    "review": {"pipeline", "flows", "fetchers", "publish"},
    "pipeline": {"flows"},
    "flows": set(),
}
#: the command line is the one module above the flows: it starts them
ENTRY_POINTS = {"pipeline/cli.py"}


def imported_packages(path: Path) -> list[tuple[int, str]]:
    """(line, top-level package) of every import in the module, wherever it is written."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name.split(".")[0]) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module.split(".")[0]))
    return found


def modules() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py"))


@pytest.mark.parametrize("path", modules(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_wrong_way_import(path: Path) -> None:
    rel = path.relative_to(ROOT).as_posix()
    pkg = rel.split("/")[0]
    forbidden = FORBIDDEN[pkg] - ({"flows"} if rel in ENTRY_POINTS else set())
    wrong = [f"line {n}: imports {name}" for n, name in imported_packages(path) if name in forbidden]
    assert not wrong, f"{path.relative_to(ROOT)} ({pkg}) imports against the layers: {wrong}"


def test_the_checker_sees_imports_inside_functions(tmp_path: Path) -> None:
    mod = tmp_path / "m.py"
    mod.write_text("import os\n\ndef f():\n    from normalizers.spec import load_spec\n    import pipeline.batch\n")
    assert [name for _, name in imported_packages(mod)] == ["os", "normalizers", "pipeline"]


def test_tests_share_fixtures_through_conftest_not_imports() -> None:
    """Fixtures come from conftest.py (pytest finds them); no test imports a conftest or another
    test module (plain helper modules such as tests/support.py are fine)."""
    wrong = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module] if isinstance(node, ast.ImportFrom) and node.module else []
            for name in names:
                last = name.split(".")[-1]
                if name.startswith("tests") and (last == "conftest" or last.startswith("test_")):
                    wrong.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {name}")
    assert not wrong, wrong
