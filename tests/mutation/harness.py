"""Run the real extraction + normalization on one file and judge it against an answer key.

The harness owns no pipeline logic: :func:`process` is the single adapter to whatever
library call the CLI uses per file (``pipeline.batch.process_file``), so the mutation tests
follow the code as it moves.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.batch import InputFile, process_file

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("OGI_SHARED", ROOT.parent / "shared"))
DEV = SHARED / "corpus" / "dev"


def process(file_name: str, data: bytes):
    """One file through the real extractor registry and normalizer → its ``Report``.

    The bytes are written to a real file in a temporary folder (extractors may need a path,
    e.g. LibreOffice), named as given so the sniffing by suffix and the metadata by name work.
    """
    with tempfile.TemporaryDirectory(prefix="ogi-mutation-") as tmp:
        path = Path(tmp) / file_name
        path.write_bytes(data)
        return process_file(InputFile(path=str(path), key=file_name, file_name=file_name))


def cell_id(fact) -> str:
    return f"{fact.table}.{fact.row}.{fact.col}"


@dataclass(slots=True)
class Verdict:
    """How one report compares with its key; ``wrong`` lists (cell, key value, produced value)."""

    status: str
    error: str
    cells: int = 0
    exact: int = 0
    missing: list[str] = field(default_factory=list)
    wrong: list[tuple[str, Any, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def violations(self) -> list[str]:
        """Breaks of "never silently wrong": a produced cell unlike the key (or not in it) in any
        report, or a key cell missing while the report says ``ok``."""
        out = [f"{c}: key {k!r}, produced {g!r}" for c, k, g in self.wrong]
        if self.ok:
            out += [f"{c}: missing in a report marked ok" for c in self.missing]
        return out

    def describe(self) -> str:
        return (f"status={self.status} exact={self.exact}/{self.cells} error={self.error[:300]!r}; "
                + "; ".join(self.violations[:12]))


def same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(1.0, abs(b))


def judge(report, values: dict[str, float]) -> Verdict:
    """Compare the report's facts with the key's ``values`` (cell id → number)."""
    got: dict[str, float | None] = {}
    for f in report.facts:
        got.setdefault(cell_id(f), f.value)
    v = Verdict(status=report.status, error=report.error or "", cells=len(values))
    for cid, want in values.items():
        g = got.get(cid)
        if cid not in got or g is None:
            v.missing.append(cid)
        elif same(float(g), float(want)):
            v.exact += 1
        else:
            v.wrong.append((cid, want, g))
    v.wrong += [(cid, None, g) for cid, g in got.items() if cid not in values and g is not None]
    return v


def load_key(file_name: str, keys: Path | None = None) -> dict[str, Any]:
    return json.loads(((keys or DEV / "keys") / f"{file_name}.json").read_text(encoding="utf-8"))
