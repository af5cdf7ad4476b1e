"""Looking into a built dataset: what ``ogi status`` and ``ogi show`` print.

Library functions returning plain data or text; the CLI only prints them.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

import ogi
from ogi.errors import UsageError
from ogi.fields import read_fields
from ogi.loader import read_table, to_pandas

MISSING = "·"  # a cell of the template the report has no value for
FAILED = "✗"  # a cell that was printed but could not be read as a number


@dataclass(slots=True)
class DatasetStatus:
    """Counts of a dataset's reports, and when and by what version it was last written."""

    path: str
    reports: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    by_year: dict[str, int] = field(default_factory=dict)
    by_province: dict[str, int] = field(default_factory=dict)
    last_run: str | None = None  # when the current version was published (UTC)
    dataset_version: str | None = None  # the version folder the dataset points at
    extractors: dict[str, int] = field(default_factory=dict)
    ogi_version: str = ogi.__version__

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__slots__}


def _require_dataset(out: str | Path) -> Path:
    p = Path(out)
    if not (p / "reports").exists():
        raise UsageError(f"no dataset at {out}: build one with `ogi run --out {out}`")
    return p


def _counts(values) -> dict[str, int]:
    return {str(k): v for k, v in sorted(Counter("unknown" if pd.isna(x) else x for x in values).items(),
                                         key=lambda kv: str(kv[0]))}


def dataset_status(out: str | Path) -> DatasetStatus:
    """Reports by status, year and province; the last run and the versions that wrote it."""
    p = _require_dataset(out)
    reports = to_pandas(read_table(p, "reports"))
    st = DatasetStatus(path=str(p), reports=len(reports), by_status=_counts(reports["status"]),
                       by_year=_counts(reports["year"]), by_province=_counts(reports["province"]),
                       extractors=_counts(reports["extractor"].replace("", None)))
    current = p / "current"
    if current.exists():
        target = current.resolve()
        st.dataset_version = target.name
        st.last_run = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(target.stat().st_mtime))
    return st


def status_text(st: DatasetStatus) -> str:
    lines = [f"dataset {st.path}: {st.reports} reports", f"last run {st.last_run or 'unknown'} "
             f"(version {st.dataset_version or 'unknown'}), ogi {st.ogi_version}"]
    for title, counts in (("status", st.by_status), ("year", st.by_year), ("province", st.by_province)):
        lines.append(f"by {title}:")
        lines += [f"  {k:<20} {v:>6}" for k, v in counts.items()]
    return "\n".join(lines)


def find_report(out: str | Path, which: str) -> dict:
    """One report's row, by report_id or file name (a unique file name)."""
    p = _require_dataset(out)
    reports = to_pandas(read_table(p, "reports"))
    hit = reports[(reports["report_id"] == which) | (reports["file_name"] == which)]
    if hit.empty:
        raise UsageError(f"no report {which!r} in {out}: give a report_id or a file_name from `ogi status`")
    if len(hit) > 1:
        ids = ", ".join(hit["report_id"])
        raise UsageError(f"{len(hit)} reports are named {which!r}: give one report_id ({ids})")
    return hit.iloc[0].to_dict()


def report_tables(out: str | Path, report: dict) -> dict[str, pd.DataFrame]:
    """The report's cells in template form: one frame per table, rows and columns as in fields.csv,
    each cell its value, FAILED + the printed text when unreadable, MISSING when absent."""
    facts = to_pandas(read_table(out, "facts", years=[None if pd.isna(report["year"]) else report["year"]]))
    facts = facts[facts["report_id"] == report["report_id"]]
    got = {(t, r, c): (v, raw) for t, r, c, v, raw in
           zip(facts["table"], facts["row"], facts["col"], facts["value"], facts["raw"])}
    template = report["template"] if isinstance(report.get("template"), str) else None
    fields = [f for f in read_fields() if template is None or f.template == template]
    tables: dict[str, dict[str, dict[str, str]]] = {}
    for f in fields:
        row = tables.setdefault(f.table, {}).setdefault(f.row, {})
        if f.col in row:
            continue
        v, raw = got.get((f.table, f.row, f.col), (None, None))
        if raw is None:
            row[f.col] = MISSING
        elif v is None or pd.isna(v):
            row[f.col] = f"{FAILED} {raw}".strip()
        else:
            row[f.col] = f"{v:g}"
    return {t: pd.DataFrame.from_dict(rows, orient="index").fillna("") for t, rows in tables.items()}


def show_text(out: str | Path, which: str) -> str:
    rep = {k: (None if not isinstance(v, str) and pd.isna(v) else v) for k, v in find_report(out, which).items()}
    head = [f"{rep['file_name']}  (report_id {rep['report_id']})",
            f"status {rep['status']}" + (f": {rep['error']}" if rep.get("error") else ""),
            f"year {rep['year'] or 'unknown'}, template {rep['template'] or 'unknown'}, "
            f"{rep['agency'] or 'agency unknown'}", f"cells: {MISSING} missing, {FAILED} printed but not read", ""]
    if not rep.get("n_facts"):
        return "\n".join(head + ["no cells were read from this report"])
    with pd.option_context("display.max_columns", None, "display.width", 200, "display.max_rows", None):
        body = [f"## {t}\n{df.to_string()}\n" for t, df in report_tables(out, rep).items()]
    return "\n".join(head + body)
