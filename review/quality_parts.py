"""The quality page's figures at the cost of what changed: tallies per immutable part of the dataset.

A published version's year folders hold links to segments that never change (:mod:`publish.segments`).
The quality figures are sums, so each segment's tally (reports per year × province × status, the
reasons reports are not ok, reviewed reports; checks passed and failed per rule) is computed once,
kept in ``<out>/.quality.json`` under the segment's name, and reused by every later version that
still links it: a publish of 50 reports reads the few segments it re-made, not the 100 000 reports.
A plain file (``year_unknown.parquet``, or a year folder's file of a layout before segments) is
keyed by its inode, size and mtime (a version shares it by hardlink); anything else is read every time.

"What changed since the previous version" compares only the parts one version links and the other
does not: a report in a part both link is the same row in both.
"""

from __future__ import annotations

import json
import logging
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from ogi.schema import DATASETS

log = logging.getLogger(__name__)

CACHE = ".quality.json"
FORMAT = 1  # bump when a tally's meaning changes: an older cache is then ignored
REPORT_COLUMNS = ["report_id", "file_name", "province", "year", "status", "error", "reviewed"]
CHANGE_COLUMNS = ["report_id", "file_name", "status"]


@dataclass(slots=True)
class Tally:
    """Summable figures of some reports and checks (what :func:`review.quality.assemble` turns into a page)."""

    cube: Counter = field(default_factory=Counter)  # (year key, province key, status) -> reports
    rules: dict[str, list[int]] = field(default_factory=dict)  # rule id -> [passed, failed]
    reasons: Counter = field(default_factory=Counter)  # reason (numbers blanked) -> reports not ok
    reviewed: int = 0

    def add(self, other: Tally) -> Tally:
        self.cube.update(other.cube)
        for k, (p, f) in other.rules.items():
            r = self.rules.setdefault(k, [0, 0])
            r[0] += p
            r[1] += f
        self.reasons.update(other.reasons)
        self.reviewed += other.reviewed
        return self

    def to_json(self) -> dict:
        return {"cube": [[*k, v] for k, v in self.cube.items()], "rules": self.rules,
                "reasons": dict(self.reasons), "reviewed": self.reviewed}

    @classmethod
    def from_json(cls, d: dict) -> Tally:
        return cls(cube=Counter({tuple(x[:3]): x[3] for x in d["cube"]}), rules={k: list(v) for k, v in d["rules"].items()},
                   reasons=Counter(d["reasons"]), reviewed=d["reviewed"])


def _counts(t: pa.Table, keys: list[str]) -> dict[tuple, int]:
    """Rows of ``t`` per distinct ``keys`` (nulls count as their own key)."""
    if t.num_rows == 0:
        return {}
    g = t.group_by(keys).aggregate([([], "count_all")])
    return dict(zip(zip(*(g[k].to_pylist() for k in keys)), g["count_all"].to_pylist()))


def tally_reports(reports: pa.Table) -> Tally:
    """The tally of a reports table (columns status, year, province, error, reviewed): Arrow group-bys,
    a Python step only per report that is not ok."""
    from review.quality import reason_of

    if reports.num_rows == 0:
        return Tally()
    status = reports["status"]
    year = pc.if_else(pc.is_valid(reports["year"]), pc.cast(reports["year"], pa.string()), "unknown")
    prov = pc.if_else(pc.fill_null(pc.not_equal(reports["province"], ""), False), reports["province"], "unknown")
    cube = Counter(_counts(pa.table({"year": year, "province": prov, "status": status}), ["year", "province", "status"]))
    bad = reports.filter(pc.and_(pc.fill_null(pc.not_equal(status, "ok"), True),
                                 pc.fill_null(pc.not_equal(reports["error"], ""), False)))
    reasons = Counter(reason_of(e) for e in bad["error"].to_pylist())
    reviewed = int(pc.sum(pc.fill_null(reports["reviewed"], False)).as_py() or 0) \
        if "reviewed" in reports.column_names else 0
    return Tally(cube=cube, reasons=reasons, reviewed=reviewed)


def tally_checks(checks: pa.Table) -> Tally:
    """The tally of a checks table (columns rule, passed): per rule id (the rule's first word)."""
    rules: dict[str, list[int]] = {}
    for (rule, passed), c in _counts(checks.select(["rule", "passed"]), ["rule", "passed"]).items():
        rules.setdefault(rule.split()[0], [0, 0])[0 if passed else 1] += c  # a few hundred distinct rules
    return Tally(rules=rules)


# ---- the parts of a version ----------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Part:
    """One piece of a dataset of a version: a segment folder or a plain Parquet file (``path``), the
    year its folder says (None: unknown), and its cache key (None: not cacheable, read every time)."""

    key: str | None
    path: Path
    year: int | None


def parts(vdir: Path, name: str) -> list[Part]:
    """The parts dataset ``name`` of version ``vdir`` is read from (a few directory listings)."""
    root = vdir / name
    try:
        top = list(os.scandir(root))
    except OSError:
        return []
    found: list[Part] = []
    for e in top:
        if e.name.startswith((".", "_")):
            continue
        if e.name.startswith("year=") and e.is_dir():
            year = int(e.name[5:]) if e.name[5:].isdigit() else None
            found += [_part(name, c, year, Path(e.path)) for c in os.scandir(e.path) if not c.name.startswith((".", "_"))]
        elif e.is_file() and e.name.endswith(".parquet"):
            found.append(_part(name, e, None, root))
    return found


def _part(name: str, e: os.DirEntry, year: int | None, folder: Path) -> Part:
    if e.is_symlink() and e.is_dir():  # a segment: its name says it all (it never changes)
        target = os.path.normpath(os.path.join(folder, os.readlink(e.path)))
        return Part(f"{name}/seg/{e.name}", Path(target), year)
    if e.is_file():
        st = e.stat()
        return Part(f"{name}/file/{st.st_ino}:{st.st_size}:{st.st_mtime_ns}", Path(e.path), year)
    return Part(None, Path(e.path), year)


def read_part(part: Part, name: str, columns: list[str]) -> pa.Table:
    """``columns`` of one part (``year`` from its folder, as a hive-aware reader gives it)."""
    schema = DATASETS[name]
    stored = pa.schema([f for f in schema if f.name != "year"])
    t = ds.dataset(str(part.path), schema=stored, format="parquet").to_table(
        columns=[c for c in columns if c != "year"])
    if "year" in columns:
        t = t.append_column("year", pa.array([part.year] * t.num_rows, schema.field("year").type))
    return t


# ---- the cache -----------------------------------------------------------------------------

def load_cache(out: Path) -> dict[str, dict]:
    try:
        doc = json.loads((out / CACHE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return doc.get("parts", {}) if doc.get("format") == FORMAT else {}


def save_cache(out: Path, entries: dict[str, dict]) -> None:
    """Write the cache atomically (a reader sees the old or the new one; a lost write costs a re-read)."""
    tmp = out / f"{CACHE}.{os.getpid()}.tmp"
    try:
        tmp.write_text(json.dumps({"format": FORMAT, "parts": entries}, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, out / CACHE)
    except OSError as e:
        log.info("quality cache of %s not written (%s): the next page reads its parts again", out, e)
        tmp.unlink(missing_ok=True)


def tally_version(out: Path, vdir: Path) -> Tally:
    """The whole version's tally: cached parts reused, the others read (and cached for the next one).
    The cache keeps only this version's parts: a part a later version links again is the same part."""
    cache = load_cache(out)
    keep: dict[str, dict] = {}
    total = Tally()
    read = 0
    for name, columns, tally in (("reports", ["status", "year", "province", "error", "reviewed"], tally_reports),
                                 ("checks", ["rule", "passed"], tally_checks)):
        for part in parts(vdir, name):
            got = cache.get(part.key) if part.key else None
            if got is None:
                t = tally(read_part(part, name, columns))
                read += 1
                got = t.to_json()
            if part.key:
                keep[part.key] = got
            total.add(Tally.from_json(got))
    if read or keep.keys() != cache.keys():
        save_cache(out, keep)
    log.debug("quality figures of %s: %d parts read, %d from the cache", vdir.name, read, len(keep) - read)
    return total


# ---- what changed since the previous version -----------------------------------------------

@dataclass(slots=True)
class Before:
    """The reports of the version a publish merges into, as parts (read only where the new version
    differs); ``table`` instead when the dataset is not local."""

    parts: list[Part] = field(default_factory=list)
    table: pa.Table | None = None


def snapshot(out: Path) -> Before | None:
    """The current version's reports parts, before a publish; None when nothing is published yet."""
    cur = out / "current"
    if not cur.exists():
        return None
    return Before(parts=parts(cur.resolve(), "reports"))


def changed_rows(before: Before, vdir: Path) -> tuple[pa.Table, pa.Table]:
    """Report rows (id, file name, status) of the parts only the previous version links, and of those
    only version ``vdir`` links: every other report is the same row in both."""
    now = parts(vdir, "reports")
    old_keys = {p.key for p in before.parts if p.key}
    new_keys = {p.key for p in now if p.key}
    old = [p for p in before.parts if p.key is None or p.key not in new_keys]
    new = [p for p in now if p.key is None or p.key not in old_keys]
    return _rows(old), _rows(new)


def _rows(ps: list[Part]) -> pa.Table:
    tables = [read_part(p, "reports", CHANGE_COLUMNS) for p in ps]
    return pa.concat_tables(tables) if tables else DATASETS["reports"].empty_table().select(CHANGE_COLUMNS)
