"""Publish Reports as hive-partitioned Parquet, replacing by report_id, crash-safe.

Layout under the dataset folder::

    out/reports -> current/reports      (stable relative symlinks, read by pandas)
    out/current -> .versions/<stamp>    (swapped atomically by rename)
    out/.versions/<stamp>/{reports,facts,sections,checks}/year=YYYY/*.parquet

A run writes a complete new version next to the old one and then swaps one symlink,
so a crash at any moment leaves the previous dataset readable, and a rerun over the
same input replaces rows instead of adding them.
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

from normalizers.checks import cross_year_checks
from ogi.codebook import write_codebook
from ogi.schema import DATASETS, PARTITION_COLS
from ogi.types import Report
from publish import settle

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
    cols: dict[str, dict[str, list]] = {n: {f.name: [] for f in s} for n, s in DATASETS.items()}

    def add(name: str, **kw) -> None:
        for k, v in cols[name].items():
            v.append(kw.get(k))

    for r in reports:
        failed = sum(1 for c in r.checks if not c.passed)
        add("reports", report_id=r.report_id, file_name=r.file_name, sha256=r.sha256, format=r.format,
            title=r.title, agency=r.agency, admin_level=r.admin_level, province=r.province, city=r.city,
            county=r.county, township=r.township, region_code=r.region_code, year=r.year, template=r.template,
            status=r.status, error=r.error, published=r.published, source_url=r.source_url, extractor=r.extractor,
            source_path=r.source_path, raw_path=r.source_path if r.source_url else None,
            fee_charged=r.fee_charged, fee_notices=r.fee_notices, fee_amount_yuan=r.fee_amount_yuan,
            n_facts=len(r.facts), n_checks_failed=failed, reviewed=r.reviewed, agency_id=r.agency_id,
            territorial_level=r.territorial_level, duplicate_of=r.duplicate_of)
        for f in r.facts:
            add("facts", report_id=r.report_id, table=f.table, row=f.row, col=f.col, value=f.value, raw=f.raw,
                page=f.page, bbox=_bbox(f.bbox), confidence=f.confidence, locator=f.locator, origin=f.origin,
                extracted_value=f.extracted_value, year=r.year)
        for s in r.sections:
            add("sections", report_id=r.report_id, section=s.number, title=s.title, text=s.text,
                keywords=list(s.keywords), year=r.year)
        for c in r.checks:
            add("checks", report_id=r.report_id, rule=c.rule, passed=c.passed, detail=c.detail, year=r.year)
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


def year_checks(tables: dict[str, pa.Table]) -> pa.Table:
    """Y1/Y2 rows for every report whose agency also has the previous year in the dataset."""
    rep = tables["reports"].select(["report_id", "agency", "province", "region_code", "year", "template"]).to_pylist()
    facts = tables["facts"]
    wanted = {"requests.carried_over.total", "requests.carried_forward.total", "active.rules.in_force",
              "active.normative_docs.in_force", "active.rules.issued", "active.rules.repealed",
              "active.normative_docs.issued", "active.normative_docs.repealed"}
    vals: dict[str, dict[str, float]] = {}
    for rid, t, r, c, v in zip(*(facts[k].to_pylist() for k in ("report_id", "table", "row", "col", "value"))):
        key = f"{t}.{r}.{c}"
        if key in wanted and v is not None:
            vals.setdefault(rid, {})[key] = v
    by_agency: dict[tuple, dict[int, list[dict]]] = {}
    for r in rep:
        if r["agency"] and r["year"] is not None:
            by_agency.setdefault((r["agency"], r["province"]), {}).setdefault(r["year"], []).append(r)
    rows = {"report_id": [], "rule": [], "passed": [], "detail": [], "year": []}
    for years in by_agency.values():
        for y, reps in years.items():
            if y - 1 not in years:
                continue
            # the same agency-year may come twice (a page and its text dump): compare with the fuller one
            prev = max(years[y - 1], key=lambda p: len(vals.get(p["report_id"], {})))
            for r in reps:
                for chk in cross_year_checks(vals.get(prev["report_id"], {}), vals.get(r["report_id"], {}),
                                             r["template"]):
                    rows["report_id"].append(r["report_id"])
                    rows["rule"].append(chk.rule)
                    rows["passed"].append(chk.passed)
                    rows["detail"].append(f"{chk.detail} (previous year's report {prev['report_id']})")
                    rows["year"].append(y)
    return pa.table(rows, schema=DATASETS["checks"])


def _without_year_checks(t: pa.Table) -> pa.Table:
    import pyarrow.compute as pc

    if t.num_rows == 0:
        return t
    return t.filter(pc.invert(pc.starts_with(t["rule"], "Y")))


def publish(reports: list[Report], out: str | Path) -> PublishStats:
    """Merge ``reports`` into the dataset at ``out`` (replace by report_id) and swap it in."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    _recover(out)
    new = to_tables(reports)
    old = read_current(out)
    ids = {r.report_id for r in reports} | (settle.superseded(old["reports"], new["reports"]) if old else set())
    merged: dict[str, pa.Table] = {}
    replaced = 0
    for name in DATASETS:
        if old is not None:
            kept = _drop_ids(old[name], ids)
            if name == "reports":
                replaced = old[name].num_rows - kept.num_rows
            merged[name] = pa.concat_tables([kept, new[name]])
        else:
            merged[name] = new[name]
    merged["checks"] = pa.concat_tables([_without_year_checks(merged["checks"]), year_checks(merged)])
    merged["reports"] = settle.settle(merged["reports"], merged["checks"])  # Y checks, duplicates
    stamp = f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    vdir = out / ".versions" / stamp
    partial = vdir.with_name(stamp + PARTIAL)  # a crash leaves it recognisably unfinished
    for name, table in merged.items():
        _write(table, partial / name)
    os.rename(partial, vdir)
    _swap(out, vdir)
    _prune(out)
    write_codebook(out)  # codebook.csv + datapackage.json list the files of this version
    return PublishStats(reports=merged["reports"].num_rows, facts=merged["facts"].num_rows,
                        sections=merged["sections"].num_rows, checks=merged["checks"].num_rows,
                        replaced=replaced, path=str(out))


def _write(table: pa.Table, path: Path) -> None:
    """Hive partitions by year; rows whose year is unknown go to one file at the root
    (a null partition value would make pandas fail to read the dataset)."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    path.mkdir(parents=True, exist_ok=True)
    known = pc.is_valid(table["year"])
    unknown = table.filter(pc.invert(known))
    table = table.filter(known)
    if unknown.num_rows or table.num_rows == 0:
        pq.write_table(unknown.drop_columns(list(PARTITION_COLS)), path / "year_unknown.parquet")
    if table.num_rows:
        part = ds.partitioning(pa.schema([table.schema.field(c) for c in PARTITION_COLS]), flavor="hive")
        ds.write_dataset(table, str(path), format="parquet", partitioning=part,
                         existing_data_behavior="overwrite_or_ignore", basename_template="part-{i}.parquet")


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


def _recover(out: Path) -> None:
    """Remove what a crash left: temporary links and half-written versions whose writer is gone."""
    for p in out.glob(".current.*"):
        p.unlink(missing_ok=True)
    for p in (out / ".versions").glob(f"*{PARTIAL}"):
        if not _alive(p.name.split("-")[1] if p.name.count("-") >= 2 else ""):
            shutil.rmtree(p, ignore_errors=True)


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
    vroot = out / ".versions"
    cur = (out / "current").resolve()
    versions = sorted((p for p in vroot.iterdir() if p.is_dir() and not p.name.endswith(PARTIAL)),
                      key=lambda p: p.stat().st_mtime)
    for p in versions[:-KEEP_VERSIONS]:
        if p.resolve() != cur:
            shutil.rmtree(p, ignore_errors=True)
