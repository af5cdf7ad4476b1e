"""Corrections as data: a person's reading of a cell, kept apart from what extraction read.

``<out>/corrections.csv`` (one row per corrected cell, editable by hand, fit for git) is applied
as an overlay at every run: the cache keeps what extraction read, the overlay replaces a fact's
``value``/``raw`` with the person's reading (``origin = corrected``, ``extracted_value`` = what was
read), the identities are checked again on the corrected numbers, and the status follows them.
A row whose ``cell`` is ``status`` marks the whole report (``not_a_report`` or ``tables_missing``:
tables printed as images) instead of a cell.
"""

from __future__ import annotations

import copy
import csv
import logging
import math
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from normalizers.checks import report_checks
from normalizers.identity import region_problem
from normalizers.values import parse_value
from ogi.types import Fact, Report

log = logging.getLogger(__name__)

COLUMNS = ("sha256", "cell", "value", "raw", "reviewer", "reviewed_at", "note")
STATUS_CELL = "status"  # a row that marks the report, not a cell
REPORT_MARKS = {"not_a_report": "marked not a report by a reviewer",
                "tables_missing": "marked by a reviewer: the statistical tables are printed as images"}
FILE_NAME = "corrections.csv"


@dataclass(frozen=True, slots=True)
class Correction:
    """One reviewed cell (or report mark). ``value`` is the number of ``raw`` as printed."""

    sha256: str
    cell: str
    value: float | None
    raw: str
    reviewer: str = ""
    reviewed_at: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        if not self.sha256 or not self.cell:
            raise ValueError("a correction needs sha256 and cell")


@dataclass(slots=True)
class OverlayStats:
    """What the overlay did, for the run summary and the quality page."""

    applied: int = 0  # corrections applied
    reports: int = 0  # reports changed
    unknown_sha: list[str] = field(default_factory=list)  # "sha256 cell": no input file has this hash
    bad_cell: list[str] = field(default_factory=list)  # "sha256 cell": no such cell id / mark
    rows: list[dict] = field(default_factory=list)  # applied corrections, for the quality page

    def summary(self) -> dict:
        return {"corrections_applied": self.applied, "corrections_reports": self.reports,
                "corrections_unknown_sha256": self.unknown_sha, "corrections_bad_cell": self.bad_cell}


def corrections_path(out: str | Path, given: str | Path | None = None) -> Path | None:
    """The corrections file of a dataset: ``given``, else ``<out>/corrections.csv`` (local datasets)."""
    if given:
        return Path(given)
    return None if "://" in str(out) else Path(out) / FILE_NAME


def _float(s: str | None) -> float | None:
    s = (s or "").strip()
    if not s:
        return None
    v = float(s)
    if not math.isfinite(v):
        raise ValueError(f"not a finite number: {s}")
    return v


def read_corrections(path: str | Path) -> list[Correction]:
    """The rows of a corrections file (none when it does not exist). A later row for the same
    sha256 and cell wins: saving a review again appends, it never edits history."""
    p = Path(path)
    if not p.exists():
        return []
    out: dict[tuple[str, str], Correction] = {}
    with p.open(encoding="utf-8", newline="") as f:
        for n, rec in enumerate(csv.DictReader(f), start=2):
            try:
                raw = (rec.get("raw") or "").strip()
                value = _float(rec.get("value"))
                if value is None and raw and rec.get("cell", "").strip() != STATUS_CELL:
                    value = parse_value(raw)
                c = Correction(sha256=(rec.get("sha256") or "").strip().lower(), cell=(rec.get("cell") or "").strip(),
                               value=value, raw=raw or ("" if value is None else _fmt(value)),
                               reviewer=rec.get("reviewer") or "", reviewed_at=rec.get("reviewed_at") or "",
                               note=rec.get("note") or "")
            except (ValueError, TypeError) as e:
                log.warning("%s line %d skipped: %s", p, n, e)
                continue
            out[(c.sha256, c.cell)] = c
    return list(out.values())


def append_corrections(path: str | Path, rows: Iterable[Correction]) -> int:
    """Append rows (header first when the file is new); one write, then fsync."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    new = not p.exists() or p.stat().st_size == 0
    rows = list(rows)
    with p.open("a", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        if new:
            w.writerow(COLUMNS)
        for c in rows:
            w.writerow([c.sha256, c.cell, "" if c.value is None else _fmt(c.value), c.raw, c.reviewer,
                        c.reviewed_at, c.note])
        f.flush()
        os.fsync(f.fileno())
    return len(rows)


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


@cache
def template_cells() -> dict[str, tuple[str, str, str, frozenset[str]]]:
    """cell id → (table, row, col, templates it belongs to), from fields.csv."""
    from ogi.codebook import cells

    return {c.id: (c.table, c.row, c.col, frozenset(c.templates)) for c in cells()}


def missing_cells(facts: Iterable[Fact], template: str | None) -> list[str]:
    """Cell ids of the template that no fact holds; a single 其他 row stands for 2021's three."""
    if template is None:
        return ["(template unknown)"]
    have = {f"{f.table}.{f.row}.{f.col}" for f in facts if f.value is not None}
    want = [cid for cid, (_t, _r, _c, tpl) in template_cells().items() if template in tpl]
    miss = [c for c in want if c not in have]
    cols = {cid.rsplit(".", 1)[1] for cid in want if cid.startswith("requests.new_received.")}
    single = all(f"requests.other.{c}" in have for c in cols)
    split = all(f"requests.other.{r}.{c}" in have for r in ("unpaid_fee", "no_correction", "other") for c in cols)
    if single or split:
        miss = [m for m in miss if not m.startswith("requests.other")]
    return miss


def apply_to_report(rep: Report, fixes: list[Correction]) -> Report:
    """A copy of ``rep`` with ``fixes`` applied, identities re-checked and the status re-derived.

    Pure: ``rep`` (which the cache holds) keeps what extraction read.
    """
    out = copy.deepcopy(rep)
    out.reviewed = True
    index = {f"{f.table}.{f.row}.{f.col}": f for f in out.facts}
    mark = next((c for c in fixes if c.cell == STATUS_CELL), None)
    for c in fixes:
        if c.cell == STATUS_CELL:
            continue
        table, row, col, _ = template_cells()[c.cell]
        f = index.get(c.cell)
        if f is None:
            f = Fact(table=table, row=row, col=col, value=None, raw="")
            out.facts.append(f)
            index[c.cell] = f
            f.extracted_value = None
        elif f.origin != "corrected":
            f.extracted_value = f.value
        f.value, f.raw, f.origin = c.value, c.raw, "corrected"
    out.checks = report_checks(out.facts)
    notes = "; ".join(f"{c.cell}: {c.note}" for c in fixes if c.note and c.cell != STATUS_CELL)
    if mark is not None:
        out.status = mark.raw
        out.error = REPORT_MARKS[mark.raw] + (f": {mark.note}" if mark.note else "")
        return out
    failed = [c for c in out.checks if not c.passed]
    missing = missing_cells(out.facts, out.template)
    if missing:
        if out.status in ("ok", "checks_failed"):
            out.status = "needs_review"
        out.error = (f"after review {len(missing)} template cells still missing (e.g. {', '.join(missing[:3])})"
                     + (f"; {out.error}" if out.error else ""))
    elif failed:
        out.status = "checks_failed"
        out.error = "identities fail after review: " + "; ".join(f"{c.rule} ({c.detail})" for c in failed[:6])
    elif why := region_problem(out):  # ok also needs the region (normalizers/report.py)
        out.status, out.error = "needs_review", why
    else:
        out.status, out.error = "ok", ""
    if notes:
        out.error = f"{out.error}; reviewer notes: {notes}" if out.error else ""
    return out


def valid(c: Correction) -> bool:
    if c.cell == STATUS_CELL:
        return c.raw in REPORT_MARKS
    return c.cell in template_cells() and c.value is not None


def apply_corrections(reports: list[Report], corrections: list[Correction]) -> tuple[list[Report], OverlayStats]:
    """Overlay ``corrections`` on ``reports`` (new list; the given Reports are left as read).

    A correction whose sha256 matches no report, or whose cell id is not in fields.csv, is
    listed in the stats and not applied.
    """
    stats = OverlayStats()
    by_sha: dict[str, list[Correction]] = {}
    for c in corrections:
        if not valid(c):
            stats.bad_cell.append(f"{c.sha256} {c.cell}")
            continue
        by_sha.setdefault(c.sha256, []).append(c)
    shas = {r.sha256 for r in reports if r.sha256}
    for sha, fixes in by_sha.items():
        if sha not in shas:
            stats.unknown_sha += [f"{sha} {c.cell}" for c in fixes]
    out = []
    for r in reports:
        fixes = by_sha.get(r.sha256) if r.sha256 else None
        if fixes and r.template:  # a cell of the other template version has no place in this report
            wrong = [c for c in fixes if c.cell != STATUS_CELL and r.template not in template_cells()[c.cell][3]]
            stats.bad_cell += [f"{c.sha256} {c.cell} (not in template {r.template})" for c in wrong]
            fixes = [c for c in fixes if c not in wrong]
        if not fixes:
            out.append(r)
            continue
        out.append(apply_to_report(r, fixes))
        stats.reports += 1
        stats.applied += len(fixes)
        stats.rows += [{"file_name": r.file_name, "report_id": r.report_id, "cell": c.cell, "raw": c.raw,
                        "reviewer": c.reviewer, "reviewed_at": c.reviewed_at, "note": c.note} for c in fixes]
    if stats.unknown_sha or stats.bad_cell:
        log.warning("corrections not applied: %d for unknown files, %d with a bad cell id",
                    len(stats.unknown_sha), len(stats.bad_cell))
    return out, stats


def overlay(reports: list[Report], out: str | Path, corrections: str | Path | None = None
            ) -> tuple[list[Report], OverlayStats]:
    """The one call before publishing: read ``<out>/corrections.csv`` (or ``corrections``), apply it."""
    path = corrections_path(out, corrections)
    return apply_corrections(reports, read_corrections(path) if path else [])
