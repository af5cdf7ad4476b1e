"""Numbers a report states in its narrative that equal table cells ("制发规范性文件62件").

Patterns are data (``narrative_numbers.yaml``). They only help choose between splits of
run-together digits; they never set a cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

DATA = Path(__file__).with_name("narrative_numbers.yaml")


@dataclass(frozen=True, slots=True)
class Statement:
    """The narrative says sum(cells) is one of ``values``; ``quote`` is what it printed."""

    cells: tuple[str, ...]
    values: frozenset[float]
    quote: str


@lru_cache(maxsize=1)
def _anchors() -> tuple[tuple[tuple[str, ...], tuple[str, ...] | None, re.Pattern[str]], ...]:
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    return tuple((tuple(a["cells"]), tuple(a["templates"]) if a.get("templates") else None, re.compile(a["pattern"]))
                 for a in data["anchors"])


def narrative_statements(text: str, template: str) -> list[Statement]:
    """Every anchored number found in ``text`` (narrative only: the caller cuts the tables out)."""
    out: list[Statement] = []
    for cells, templates, pat in _anchors():
        if templates is not None and template not in templates:
            continue
        hits = [(m.group(0), next(g for g in m.groups() if g is not None)) for m in pat.finditer(text)]
        if hits:
            out.append(Statement(cells, frozenset(float(v) for _, v in hits), "；".join(q for q, _ in hits)[:80]))
    return out
