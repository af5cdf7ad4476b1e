"""Publish Reports as hive-partitioned Parquet, replacing by report_id, crash-safe.

Layout under the dataset folder::

    out/reports -> current/reports      (stable relative symlinks, read by pandas)
    out/current -> .versions/<stamp>    (swapped atomically by rename)
    out/.versions/<stamp>/{reports,facts,sections,checks}/year=YYYY/*.parquet  (+ manifest, index)

A run builds a new version next to the old one and then swaps one symlink, so a crash at
any moment leaves the previous dataset readable, and a rerun over the same input replaces
rows instead of adding them. The new version shares every unchanged file with the old one
by hardlink (:mod:`publish.versions`): a publish costs what it changes, not the dataset's size.
One publish at a time holds the dataset's lock (:mod:`publish.dataset_lock`).
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds

from ogi.datapackage import write_codebook
from ogi.errors import OgiError, disk_full, is_disk_full
from ogi.schema import DATASETS, PARTITION_COLS
from ogi.types import Report
from publish import segments, settle, versions
from publish.dataset_lock import dataset_lock

log = logging.getLogger(__name__)
KEEP_VERSIONS = 2
PARTIAL = ".partial"  # suffix of a version still being written


@dataclass(slots=True)
class PublishStats:
    reports: int = 0
    facts: int = 0
    sections: int = 0
    checks: int = 0
    replaced: int = 0
    path: str = ""


def _bbox(b):
    return [float(x) for x in b] if b else None


def to_tables(reports: Iterable[Report]) -> dict[str, pa.Table]:
    """Reports → one Arrow table per dataset, typed by the one schema."""
    reports = list(reports)
    cols: dict[str, dict[str, list]] = {"reports": {f.name: [] for f in DATASETS["reports"]}}
    for r in reports:
        failed = sum(1 for c in r.checks if not c.passed)
        row = {"report_id": r.report_id, "file_name": r.file_name, "sha256": r.sha256, "format": r.format,
               "title": r.title, "agency": r.agency, "admin_level": r.admin_level, "province": r.province,
               "city": r.city, "county": r.county, "township": r.township, "region_code": r.region_code,
               "year": r.year, "template": r.template, "status": r.status, "error": r.error,
               "published": r.published, "source_url": r.source_url, "extractor": r.extractor,
               "source_path": r.source_path, "raw_path": r.source_path if r.source_url else None,
               "fee_charged": r.fee_charged, "fee_notices": r.fee_notices, "fee_amount_yuan": r.fee_amount_yuan,
               "n_facts": len(r.facts), "n_checks_failed": failed, "reviewed": r.reviewed,
               "agency_id": r.agency_id, "territorial_level": r.territorial_level, "duplicate_of": r.duplicate_of,
               "region_match": r.region_match,
               "seen_as": list(r.seen_as) or [r.file_name]}
        for k, v in cols["reports"].items():
            v.append(row.get(k))
    # column by column: a batch of reports holds ~200 facts each
    facts = [(r, f) for r in reports for f in r.facts]
    cols["facts"] = {"report_id": [r.report_id for r, _ in facts], "table": [f.table for _, f in facts],
                     "row": [f.row for _, f in facts], "col": [f.col for _, f in facts],
                     "value": [f.value for _, f in facts], "raw": [f.raw for _, f in facts],
                     "page": [f.page for _, f in facts], "bbox": [_bbox(f.bbox) for _, f in facts],
                     "confidence": [f.confidence for _, f in facts], "locator": [f.locator for _, f in facts],
                     "origin": [f.origin for _, f in facts], "extracted_value": [f.extracted_value for _, f in facts],
                     "year": [r.year for r, _ in facts]}
    secs = [(r, s) for r in reports for s in r.sections]
    cols["sections"] = {"report_id": [r.report_id for r, _ in secs], "section": [s.number for _, s in secs],
                        "title": [s.title for _, s in secs], "text": [s.text for _, s in secs],
                        "keywords": [list(s.keywords) for _, s in secs], "year": [r.year for r, _ in secs]}
    chks = [(r, c) for r in reports for c in r.checks]
    cols["checks"] = {"report_id": [r.report_id for r, _ in chks], "rule": [c.rule for _, c in chks],
                      "passed": [c.passed for _, c in chks], "detail": [c.detail for _, c in chks],
                      "year": [r.year for r, _ in chks]}
    return {n: pa.table(cols[n], schema=DATASETS[n]) for n in DATASETS}


def read_current(out: str | Path) -> dict[str, pa.Table] | None:
    """The published dataset as Arrow tables, or None when there is none yet."""
    cur = Path(out) / "current"
    if not cur.exists():
        return None
    tables = {}
    for name, schema in DATASETS.items():
        p = cur / name
        if not p.exists():
            tables[name] = schema.empty_table()
            continue
        part = ds.partitioning(pa.schema([schema.field(c) for c in PARTITION_COLS]), flavor="hive")
        tables[name] = ds.dataset(str(p), schema=schema, format="parquet", partitioning=part).to_table()
    return tables


def _drop_ids(t: pa.Table, ids: set[str]) -> pa.Table:
    if not ids or t.num_rows == 0:
        return t
    import pyarrow.compute as pc

    mask = pc.invert(pc.is_in(t["report_id"], value_set=pa.array(sorted(ids), pa.string())))
    return t.filter(mask)


def _without_year_checks(t: pa.Table) -> pa.Table:
    import pyarrow.compute as pc

    if t.num_rows == 0:
        return t
    return t.filter(pc.invert(pc.starts_with(t["rule"], "Y")))


def publish(reports: list[Report], out: str | Path) -> PublishStats:
    """Merge ``reports`` into the dataset at ``out`` (replace by report_id) and swap it in.

    Holds the dataset's publish lock throughout, so a concurrent run waits and then merges into
    the version this one published. Only the files that change are written (:mod:`publish.versions`).
    """
    reports = list({r.report_id: r for r in reports}.values())  # one row per report_id, the last wins
    return publish_tables(to_tables(reports), out)


def publish_tables(new: dict[str, pa.Table], out: str | Path) -> PublishStats:
    """:func:`publish` for rows already in Arrow tables (one per dataset, unique report_ids)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    with dataset_lock(out):
        return _publish_locked(new, out)


def _publish_locked(new: dict[str, pa.Table] | list[Report], out: Path) -> PublishStats:
    _recover(out)
    if isinstance(new, list):
        new = to_tables(list({r.report_id: r for r in new}.values()))
    new = {**new, "checks": _without_year_checks(new["checks"])}
    old = current_or_repaired(out)
    if old is not None and not versions.has_manifest(old):  # an older layout: merged in full, once
        new, old = _merge_whole(out, new, set(new["reports"]["report_id"].to_pylist())), None
    new, drop = settle.with_neighbours(old, new)  # Y checks in status, duplicates, changed files' old reports
    stamp = f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    vdir = out / ".versions" / stamp
    partial = vdir.with_name(stamp + PARTIAL)  # a crash leaves it recognisably unfinished
    try:
        built = versions.build(old, new, partial, stamp, write=lambda t, p: _write(t, p), drop=drop)
        os.rename(partial, vdir)
    except BaseException as e:  # the previous version stays current; nothing half-written stays behind
        segments.discard(out, stamp)
        shutil.rmtree(partial, ignore_errors=True)
        if is_disk_full(e):
            raise disk_full(e, "writing the new dataset version") from None
        raise
    _swap(out, vdir)
    _prune(out)
    write_codebook(out)  # codebook.csv + datapackage.json list the files of this version
    log.info("published version %s: %d reports (%d replaced)", stamp, built.rows["reports"], built.replaced)
    return PublishStats(reports=built.rows["reports"], facts=built.rows["facts"], sections=built.rows["sections"],
                        checks=built.rows["checks"], replaced=built.replaced, path=str(out))


class DatasetBroken(OgiError):
    """``current`` points at a version that is gone and no complete version is left to repair it from."""


def newest_complete(out: Path) -> Path | None:
    """The most recently written complete version (manifest written, not being written), or None."""
    vroot = out / ".versions"
    if not vroot.is_dir():
        return None
    done = [p for p in vroot.iterdir() if p.is_dir() and not p.name.endswith(PARTIAL) and versions.has_manifest(p)]
    return max(done, key=lambda p: ((p / versions.MANIFEST).stat().st_mtime_ns, p.name), default=None)


def current_or_repaired(out: Path) -> Path | None:
    """The version ``current`` points at; None for a new dataset. When ``current`` points nowhere
    (its version was deleted) it is repointed at the newest complete version, with a warning; when
    none is left the run stops with DatasetBroken: a publish never silently starts from empty."""
    cur = out / "current"
    if cur.exists():
        return cur.resolve()
    best = newest_complete(out)
    if not cur.is_symlink() and best is None:
        return None  # nothing published yet
    pointed = os.readlink(cur) if cur.is_symlink() else "nothing"
    if best is None:
        raise DatasetBroken(f"dataset {out}: `current` points at {pointed}, which is gone, and no complete version "
                            "is left in .versions to repair it from: restore that version or move the dataset "
                            "folder away; nothing was published")
    log.warning("dataset %s: `current` pointed at %s, which is gone: repaired to the newest complete version %s",
                out, pointed, best.name)
    _swap(out, best)
    return best


def _merge_whole(out: Path, new: dict[str, pa.Table], ids: set[str]) -> dict[str, pa.Table]:
    """A dataset written before versions had manifests: read it whole and rewrite it in the new layout."""
    old = read_current(out)
    log.info("dataset at %s has no version manifest: rewriting it whole once", out)
    return {n: pa.concat_tables([_without_year_checks(_drop_ids(old[n], ids)) if n == "checks"
                                 else _drop_ids(old[n], ids), new[n]]) for n in DATASETS}


def _write(table: pa.Table, path: Path) -> None:
    """One file of a version, written once and never modified (versions share it by hardlink)."""
    versions.write_plain(table, path)


def _swap(out: Path, vdir: Path) -> None:
    """Point ``current`` at the new version in one rename; make sure the stable links exist."""
    tmp = out / f".current.{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(os.path.relpath(vdir, out), tmp)
    os.replace(tmp, out / "current")
    for name in DATASETS:
        link = out / name
        if link.is_symlink():
            continue
        if link.exists():  # a plain folder from an older layout: move it out of the way
            shutil.rmtree(link)
        os.symlink(os.path.join("current", name), link)


def recover(out: str | Path) -> None:
    """Clean up after a crashed run (half-written versions, temporary links) under the publish
    lock: a run with nothing new to publish does it too, so a kill mid-publish never lingers."""
    out = Path(out)
    if (out / ".versions").is_dir():
        with dataset_lock(out):
            _recover(out)


def _recover(out: Path) -> None:
    """Remove what a crash left: temporary links and half-written versions whose writer is gone."""
    for p in out.glob(".current.*"):
        p.unlink(missing_ok=True)
    dead = [p for p in (out / ".versions").glob(f"*{PARTIAL}")
            if not _alive(p.name.split("-")[1] if p.name.count("-") >= 2 else "")]
    if dead:  # its segments first: a crash during this cleanup leaves the partial to trigger it again
        segments.sweep(out, _complete(out))
    for p in dead:
        shutil.rmtree(p, ignore_errors=True)


def _complete(out: Path) -> list[Path]:
    vroot = out / ".versions"
    return [p for p in vroot.iterdir() if p.is_dir() and not p.name.endswith(PARTIAL)] if vroot.is_dir() else []


def _alive(pid: str) -> bool:
    """Whether process ``pid`` (from a version stamp) still runs: its version may be in progress."""
    if not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _prune(out: Path) -> None:
    cur = (out / "current").resolve()
    done = sorted(_complete(out), key=lambda p: p.stat().st_mtime)
    gone = [p for p in done[:-KEEP_VERSIONS] if p.resolve() != cur]
    if gone:  # a version is links to segments: the segments only it named go with it
        segments.collect(out, gone, [p for p in done if p not in gone])
    for p in gone:
        shutil.rmtree(p, ignore_errors=True)
