"""Which reports of a batch could settle open splits with the same agency's previous report.

A flattened table whose digits still split several ways (a failed ``S:<table>`` check)
may be decided by Y1/Y2 against last year's printed values; this picks, per such report,
the previous year's values from the same batch. Pure: the caller re-reads the file.
"""

from __future__ import annotations

from collections.abc import Sequence

from normalizers.checks import fact_map
from ogi.types import Report


def open_split(r: Report) -> bool:
    return any(c.rule.startswith("S:") and not c.passed for c in r.checks)


def previous_values(reports: Sequence[Report]) -> dict[int, dict[str, float]]:
    """Index in ``reports`` → previous-year values, for each report with an open split that has one."""
    by_key: dict[tuple, list[Report]] = {}
    for r in reports:
        if r.agency and r.year is not None and r.facts:
            by_key.setdefault((r.agency, r.province, r.year), []).append(r)
    out: dict[int, dict[str, float]] = {}
    for i, r in enumerate(reports):
        if not open_split(r) or not r.agency or r.year is None:
            continue
        prev = by_key.get((r.agency, r.province, r.year - 1))
        if prev:
            # a page and its text dump may both be there: the one with the most cells
            out[i] = fact_map(max(prev, key=lambda p: len(p.facts)).facts)
    return out
