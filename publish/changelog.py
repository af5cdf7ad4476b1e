"""CHANGELOG.md of a release: what changed in the dataset since the previous release.

Reports are compared by report_id (the file's content): an id only in the new release was added,
one only in the previous was removed, unless the same file name is on both sides, which is a file
whose bytes changed. Counts are rows per dataset and reports per status. The previous release's
own changelog follows, so the file tells the whole history.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds

from ogi.schema import DATASETS, PARTITION_COLS

LIST_AT_MOST = 100  # lines per list; the rest is counted
_COLS = ["report_id", "file_name", "year", "agency", "status"]


def read_reports(folder: Path) -> list[dict]:
    """The reports rows of a release (or dataset) folder: id, name, year, agency, status."""
    return [r for r in _table(folder, "reports").select(_COLS).to_pylist()]


def _table(folder: Path, name: str) -> pa.Table:
    schema = DATASETS[name]
    if not (folder / name).exists():
        return schema.empty_table()
    part = ds.partitioning(pa.schema([schema.field(c) for c in PARTITION_COLS]), flavor="hive")
    return ds.dataset(str(folder / name), schema=schema, format="parquet", partitioning=part).to_table()


def _counts(folder: Path) -> dict[str, int]:
    out = {name: ds.dataset(str(folder / name), format="parquet").count_rows() if (folder / name).exists() else 0
           for name in DATASETS}
    out.update({f"status {k}": v for k, v in sorted(Counter(r["status"] for r in read_reports(folder)).items())})
    return out


def _line(r: dict) -> str:
    return f"- `{r['file_name']}` ({r['year'] or 'year unknown'}, {r['agency'] or 'agency unknown'}): {r['status']}"


def _section(title: str, lines: list[str]) -> list[str]:
    if not lines:
        return []
    shown = lines[:LIST_AT_MOST]
    more = [f"- … and {len(lines) - len(shown)} more"] if len(lines) > len(shown) else []
    return [f"### {title} ({len(lines)})", "", *shown, *more, ""]


def changelog(new: Path, version: str, today: dt.date, prev: Path | None, prev_version: str | None) -> str:
    """The CHANGELOG.md text of release ``version`` (folder ``new``) after ``prev`` (None: the first)."""
    head = ["# Changelog", "", f"## {version} ({today.isoformat()})", ""]
    now = {r["report_id"]: r for r in read_reports(new)}
    cn = _counts(new)
    if prev is None:
        body = ["First release.", "", "| | this release |", "| --- | ---: |"]
        body += [f"| {k} | {v} |" for k, v in cn.items()]
        return "\n".join(head + body) + "\n"
    before = {r["report_id"]: r for r in read_reports(prev)}
    cp = _counts(prev)
    added = [now[i] for i in sorted(now.keys() - before.keys(), key=lambda i: now[i]["file_name"] or "")]
    removed = [before[i] for i in sorted(before.keys() - now.keys(), key=lambda i: before[i]["file_name"] or "")]
    gone = {r["file_name"] for r in removed}
    changed = [r for r in added if r["file_name"] in gone]  # same name, other bytes
    names = {r["file_name"] for r in changed}
    added = [r for r in added if r["file_name"] not in names]
    removed = [r for r in removed if r["file_name"] not in names]
    status = [f"- `{now[i]['file_name']}`: {before[i]['status']} → {now[i]['status']}"
              for i in sorted(now.keys() & before.keys(), key=lambda i: now[i]["file_name"] or "")
              if now[i]["status"] != before[i]["status"]]
    body = [f"Compared with release {prev_version}.", "", f"| | {prev_version} | {version} | change |",
            "| --- | ---: | ---: | ---: |"]
    body += [f"| {k} | {cp.get(k, 0)} | {cn.get(k, 0)} | {cn.get(k, 0) - cp.get(k, 0):+d} |"
             for k in dict.fromkeys([*cn, *cp])]
    body.append("")
    body += _section("Reports added", [_line(r) for r in added])
    body += _section("Reports removed", [_line(r) for r in removed])
    body += _section("Files whose content changed (new report_id)", [_line(r) for r in changed])
    body += _section("Status changed", status)
    if not (added or removed or changed or status):
        body += ["No report was added, removed or changed status.", ""]
    older = (prev / "CHANGELOG.md").read_text(encoding="utf-8") if (prev / "CHANGELOG.md").is_file() else ""
    older = older.removeprefix("# Changelog\n").lstrip("\n")
    return "\n".join(head + body) + ("\n" + older if older else "")
