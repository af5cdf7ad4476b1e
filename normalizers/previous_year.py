"""Which reports of a batch could settle open splits with the same agency's other years.

A flattened table whose digits still split several ways (a failed ``S:<table>`` check)
may be decided by Y1/Y2 and the logical bounds against the same agency's reports of the
year before and the year after (:mod:`normalizers.neighbours`). They may be in this batch
or, batches being cut per 1000 files, already in the published dataset: the caller passes
those as ``published``. Pure: the caller re-reads the file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from normalizers.checks import fact_map
from normalizers.neighbours import Neighbours
from ogi.types import Report

#: (agency, province, year): how a report's neighbours are found
Key = tuple[str, "str | None", int]


def open_split(r: Report) -> bool:
    return any(c.rule.startswith("S:") and not c.passed for c in r.checks)


def wanted_keys(reports: Sequence[Report]) -> set[Key]:
    """The (agency, province, year) whose values would help some report with an open split."""
    return {(r.agency, r.province, r.year + d) for r in reports
            if open_split(r) and r.agency and r.year is not None for d in (-1, 1)}


def batch_values(reports: Sequence[Report]) -> dict[Key, dict[str, float]]:
    """Printed values per (agency, province, year): a page and its text dump may both be
    there, so the one with the most cells."""
    best: dict[Key, Report] = {}
    for r in reports:
        if r.agency and r.year is not None and r.facts:
            k = (r.agency, r.province, r.year)
            if k not in best or len(r.facts) > len(best[k].facts):
                best[k] = r
    return {k: fact_map(r.facts) for k, r in best.items()}


def neighbour_values(reports: Sequence[Report],
                     published: Mapping[Key, Mapping[str, float]] | None = None) -> dict[int, Neighbours]:
    """Index in ``reports`` → the neighbours' values, for each report with an open split that has one.

    The batch's own reports come first; ``published`` fills in years the batch lacks."""
    values: dict[Key, Mapping[str, float]] = {**(published or {}), **batch_values(reports)}
    out: dict[int, Neighbours] = {}
    for i, r in enumerate(reports):
        if not open_split(r) or not r.agency or r.year is None:
            continue
        nb = Neighbours(previous=values.get((r.agency, r.province, r.year - 1)),
                        following=values.get((r.agency, r.province, r.year + 1)))
        if nb:
            out[i] = nb
    return out
