"""Dataset versions that cost what changed: immutable files, a manifest, hardlinks.

One version (``.versions/<stamp>/``) holds::

    <dataset>/year=YYYY/part-<stamp>-<k>.parquet  ≤ CHUNK reports' rows; never modified once written
    checks/year=YYYY/ychecks-<stamp>-<k>.parquet  Y1/Y2 rows of ≤ CHUNK reports (they depend on neighbours)
    <dataset>/year_unknown.parquet                rows whose year is unknown (one file: the loader reads it by name)
    _manifest.json                                every file of the version: its rows and the stamp that wrote it
    _index.arrow (+ _index.delta.arrow)           one row per report: year, file, what Y-checks compare, its Y chunk
                                                  (a base shared by hardlink + the rows changed since: publish.index_store)

A new version hardlinks every file of the previous one it does not change. It rewrites only the
files that held a replaced report (a report whose year changed leaves its old partition that way),
writes the new reports as new files, and rewrites only the Y-check chunks whose rows change
(:mod:`publish.ychecks`; the index gives the neighbours' values without reading facts). So adding
50 reports costs about the same into 1 000 reports as into 100 000. Partitions
collect small files from small publishes: once one holds more than MAX_SMALL, the smallest are
merged (at most CHUNK reports rewritten at a time).
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as pads
import pyarrow.parquet as pq

from normalizers.checks import cross_year_checks
from ogi.schema import DATASETS
from publish import index_store, segments, version_files, ychecks

log = logging.getLogger(__name__)

MANIFEST = "_manifest.json"
INDEX = "_index.parquet"  # the index of the older layout: one Parquet file, rewritten whole
UNKNOWN = "year_unknown"
CHUNK = 500  # reports per file: replacing one report rewrites at most this many reports' rows
SMALL = CHUNK // 2  # files below this get merged; merged files of SMALL..CHUNK reports stay
MAX_SMALL = 16  # small files one partition may hold before the smallest are merged
Y_KEYS = ("requests.carried_over.total", "requests.carried_forward.total", "active.rules.in_force",
          "active.normative_docs.in_force", "active.rules.issued", "active.rules.repealed",
          "active.normative_docs.issued", "active.normative_docs.repealed")
INDEX_SCHEMA = pa.schema([("report_id", pa.string()), ("year", pa.int32()), ("file", pa.string()),
                          ("agency", pa.string()), ("province", pa.string()), ("template", pa.string())]
                         + [(k, pa.float64()) for k in Y_KEYS]
                         + [("source", pa.string()),  # source_url, else source_path: a changed file's old report
                            ("yfile", pa.string()), ("ydigest", pa.int64()),  # its Y rows' chunk (publish.ychecks)
                            # what settling a neighbour reads (publish.settle), so it reads no file: its row as
                            # the file alone says (status, error without the Y sentence, agency_id, n_facts, format, failed
                            # checks but Y) and a digest of its settled columns as published
                            ("status", pa.string()), ("base_error", pa.string()), ("agency_id", pa.string()),
                            ("n_facts", pa.int32()), ("own_failed", pa.int32()), ("settled", pa.int64()),
                            ("format", pa.string())])
SETTLE_COLUMNS = ("status", "base_error", "agency_id", "n_facts", "own_failed", "settled", "format")
SETTLED = ("status", "error", "n_checks_failed", "duplicate_of")  # what settling a report may change
Writer = Callable[[pa.Table, Path], None]
Year = int | None


@dataclass(slots=True)
class Built:
    """What a new version holds (row counts from the manifest) and how many reports it replaced."""

    rows: dict[str, int]
    replaced: int


def file_schema(name: str) -> pa.Schema:
    """Columns stored inside the files of one dataset (the year lives in the folder name)."""
    s = DATASETS[name]
    return s.remove(s.get_field_index("year"))


def relpath(name: str, year: Year, stem: str) -> str:
    return f"{name}/{UNKNOWN}.parquet" if year is None else f"{name}/year={year}/{stem}.parquet"


def has_manifest(vdir: Path) -> bool:
    return (vdir / MANIFEST).is_file()


def read_manifest(vdir: Path) -> dict[str, dict]:
    """Every data file of version ``vdir``: its rows, the stamp that wrote it ("by"), its segment ("seg",
    :mod:`publish.segments`). Cached: a finished version never changes; callers must not modify it."""
    return _read_manifest(str(vdir))


@functools.lru_cache(maxsize=2)
def _read_manifest(vdir: str) -> dict[str, dict]:
    return json.loads(Path(vdir, MANIFEST).read_text(encoding="utf-8"))["files"]


def file_path(vdir: Path, rel: str) -> Path:
    """The file ``rel`` of version ``vdir``'s manifest on disk (inside its segment)."""
    return vdir / segments.physical(rel, read_manifest(vdir).get(rel, {}))


def read_written_by(vdir: Path) -> dict[str, dict]:
    """Every file of version ``vdir`` the manifest knows (data files and index files), each with the
    stamp of the version that wrote it ("by"): what a remote copy may share instead of uploading."""
    doc = json.loads((vdir / MANIFEST).read_text(encoding="utf-8"))
    return {**doc["files"], **doc.get("index", {})}


def read_index(vdir: Path) -> pa.Table:
    """The index of a finished version (read once per publish: settle and build both use it)."""
    return _read_index(str(vdir))


@functools.lru_cache(maxsize=2)
def _read_index(vdir: str) -> pa.Table:  # a version never changes once its folder has its final name
    if index_store.has_base(Path(vdir)):
        return index_store.read(Path(vdir), INDEX_SCHEMA)
    path = os.path.join(vdir, INDEX)
    index = pq.read_table(path, schema=INDEX_SCHEMA)
    if "format" not in pq.read_schema(path).names:  # the last column settling came to read
        index = _adopt_settle(vdir, index)
    return index


def write_plain(table: pa.Table, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path)


# ---- the index: per report, where it is and what the cross-year checks compare -------------

def index_rows(tables: dict[str, pa.Table]) -> pa.Table:
    """Index rows (file still empty) of the reports in ``tables``; later facts win, as before."""
    rep = tables["reports"]
    facts = tables["facts"]
    vals: dict[str, dict[str, float]] = {}
    if facts.num_rows:
        key = pc.binary_join_element_wise(facts["table"], facts["row"], facts["col"], ".")
        hit = facts.filter(pc.and_(pc.is_in(key, value_set=pa.array(Y_KEYS)), pc.is_valid(facts["value"])))
        hk = pc.binary_join_element_wise(hit["table"], hit["row"], hit["col"], ".").to_pylist()
        for rid, k, v in zip(hit["report_id"].to_pylist(), hk, hit["value"].to_pylist()):
            vals.setdefault(rid, {})[k] = v
    ids = rep["report_id"].to_pylist()
    cols = {c: rep[c] for c in ("report_id", "year", "agency", "province", "template")}
    cols["source"] = pc.coalesce(rep["source_url"], rep["source_path"])
    cols["file"] = pa.nulls(len(ids), pa.string())
    cols["yfile"], cols["ydigest"] = pa.nulls(len(ids), pa.string()), pa.nulls(len(ids), pa.int64())
    cols.update(settle_columns(rep, tables["checks"]))
    for k in Y_KEYS:
        cols[k] = pa.array([vals.get(r, {}).get(k) for r in ids], pa.float64())
    return pa.table({f.name: cols[f.name] for f in INDEX_SCHEMA}, schema=INDEX_SCHEMA)


def own_failed(checks: pa.Table, ids: pa.ChunkedArray | pa.Array) -> pa.Array:
    """Per report of ``ids``: how many of its checks failed, Y rows left out (they depend on neighbours)."""
    if checks.num_rows:
        bad = checks.filter(pc.and_(pc.invert(pc.fill_null(checks["passed"], True)),
                                    pc.invert(pc.starts_with(checks["rule"], "Y"))))
        g = bad.group_by("report_id").aggregate([([], "count_all")]) if bad.num_rows else None
    else:
        g = None
    if g is None:
        return pa.array([0] * len(ids), pa.int32())
    at = pc.index_in(ids, value_set=g["report_id"].combine_chunks())
    return pc.cast(pc.fill_null(pc.take(g["count_all"], at), 0), pa.int32())


def settled_key(status: str | None, error: str | None, n_checks_failed: int | None, duplicate_of: str | None) -> int:
    """A 64-bit digest of a report's settled columns: did settling change its published row?"""
    text = "\x1f".join("\x00" if v is None else str(v) for v in (status, error, n_checks_failed, duplicate_of))
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big", signed=True)


def settle_columns(rep: pa.Table, checks: pa.Table) -> dict[str, pa.Array]:
    """The index columns settling reads, for the rows of ``rep`` (reports) and their ``checks``."""
    from publish.settle import base_status

    rows = zip(*(rep[c].to_pylist() for c in SETTLED))
    keys, base = [], []
    for status, error, n, dup in rows:
        keys.append(settled_key(status, error, n, dup))
        base.append(base_status(status, error)[1] or None)
    return {"status": rep["status"], "base_error": pa.array(base, pa.string()), "agency_id": rep["agency_id"],
            "n_facts": rep["n_facts"], "own_failed": own_failed(checks, rep["report_id"]),
            "settled": pa.array(keys, pa.int64()), "format": rep["format"]}


def _adopt_settle(vdir: str, index: pa.Table) -> pa.Table:
    """An index written before it carried what settling reads: filled in from the version's reports
    and checks (their few columns, once; the next version's index has them)."""
    log.info("index of %s lacks what settling reads: reading reports and checks once", vdir)
    rep = pads.dataset(os.path.join(vdir, "reports"), format="parquet").to_table(
        columns=["report_id", "agency_id", "n_facts", "format", *SETTLED])
    chk = pads.dataset(os.path.join(vdir, "checks"), format="parquet").to_table(columns=["report_id", "rule", "passed"])
    rep = rep.take(pc.index_in(index["report_id"], value_set=rep["report_id"].combine_chunks()))
    for c, col in settle_columns(rep, chk).items():
        index = index.set_column(index.schema.get_field_index(c), c, col)
    return index


def year_check_rows(members: list[dict], only: set[tuple] | None = None) -> dict[int, pa.Table]:
    """Y1/Y2 rows, by year, for index rows of whole (agency, province) groups; with ``only``,
    just the rows of reports whose (agency, province, year) is in it."""
    by_agency: dict[tuple, dict[int, list[dict]]] = {}
    for r in sorted(members, key=lambda m: m["report_id"]):
        if r["agency"] and r["year"] is not None:
            by_agency.setdefault((r["agency"], r["province"]), {}).setdefault(r["year"], []).append(r)
    rows: dict[int, dict[str, list]] = {}
    for years in by_agency.values():
        for y, reps in years.items():
            if y - 1 not in years:
                continue
            # the same agency-year may come twice (a page and its text dump): compare with the fuller one
            prev = max(years[y - 1], key=lambda p: len(_vals(p)))
            for r in reps:
                if only is not None and (r["agency"], r["province"], y) not in only:
                    continue
                for chk in cross_year_checks(_vals(prev), _vals(r), r["template"]):
                    out = rows.setdefault(y, {"report_id": [], "rule": [], "passed": [], "detail": []})
                    out["report_id"].append(r["report_id"])
                    out["rule"].append(chk.rule)
                    out["passed"].append(chk.passed)
                    out["detail"].append(f"{chk.detail} (previous year's report {prev['report_id']})")
    return {y: pa.table(c, schema=file_schema("checks")) for y, c in rows.items()}


def _vals(row: dict) -> dict[str, float]:
    return {k: row[k] for k in Y_KEYS if row[k] is not None}


# ---- building a version ---------------------------------------------------------------------

def build(old: Path | None, new: dict[str, pa.Table], dest: Path, stamp: str,
          write: Writer = write_plain, drop: set[str] = frozenset()) -> Built:
    """Write version ``dest``: version ``old`` (None: empty) with the reports of ``new`` added or
    replaced by report_id, and the reports ``drop`` removed. ``new`` holds one table per dataset
    (year column included, no Y rows)."""
    b = _Builder(old, new, dest, stamp, write, drop)
    return b.run()


class _Builder:
    def __init__(self, old: Path | None, new: dict[str, pa.Table], dest: Path, stamp: str, write: Writer,
                 drop: set[str] = frozenset()):
        self.old, self.new, self.dest, self.stamp, self.write = old, new, dest, stamp, write
        self.oldman = read_manifest(old) if old is not None else {}
        self.oldidx = read_index(old) if old is not None else INDEX_SCHEMA.empty_table()
        self.y_indexed = (old is None or index_store.has_base(old)
                          or "yfile" in pq.read_schema(old / INDEX).names)  # else adopted once
        self.newidx = index_rows(new)
        self.ids = pa.array(sorted(set(self.newidx["report_id"].to_pylist()) | set(drop)), pa.string())
        hit = pc.is_in(self.oldidx["report_id"], value_set=self.ids)
        self.replaced = self.oldidx.filter(hit)
        self.sizes: dict[Year, dict[str, int]] = dict(version_files.sizes(self.oldman, self.replaced))  # reports per file that stay, by partition
        self.files: dict[str, dict] = {}
        self.dropped: set[str] = set()  # files of the old version not carried over
        self.moved: dict[str, str] = {}  # report_id → the file it is in now
        self.small_y: dict[int, list[tuple[int, str]]] | None = None  # publish.ychecks: small Y chunks by year

    def run(self) -> Built:
        self.dest.mkdir(parents=True, exist_ok=True)
        parts = set(self.newidx["year"].to_pylist()) | set(self.replaced["year"].to_pylist())
        for year in sorted(parts, key=lambda y: (y is not None, y or 0)):
            self._partition(year)
        index = self._index()
        patches = ychecks.write(self, index)
        index.patch(pa.array(list(patches), pa.string()))
        index.rows = _patch_y(index.rows, patches)
        carried = [rel for rel in self.oldman if rel not in self.dropped]
        plain = [rel for rel in carried if "/year=" not in rel]  # year_unknown files: a few
        if plain:
            version_files.link_all(str(self.old), str(self.dest), plain)
        self.files.update((rel, self.oldman[rel]) for rel in carried)
        rows = self._placeholders()
        named = segments.place(self.old, self.dest, self.stamp, self.oldman, self.files, self.dropped)
        stored = index_store.write(self.dest, self.old if self.y_indexed else None, index)
        (self.dest / MANIFEST).write_text(json.dumps({"stamp": self.stamp, "files": self.files,
                                                      "index": self._index_by(stored), "segments": named}),
                                          encoding="utf-8")
        return Built(rows=rows, replaced=self.replaced.num_rows)

    def _index_by(self, stored: str) -> dict[str, dict]:
        """Manifest entries of the index files: the base keeps the stamp of the version that wrote it."""
        if stored == "base":
            return {index_store.BASE: {"by": self.stamp}}
        was = json.loads((self.old / MANIFEST).read_text(encoding="utf-8")).get("index", {})
        return {index_store.BASE: was.get(index_store.BASE, {"by": self.stamp}), index_store.DELTA: {"by": self.stamp}}

    def _victims(self, year: Year) -> set[str]:
        """Old files of a partition to rewrite: those holding replaced reports, plus small ones to merge."""
        if year is None:
            return {UNKNOWN}
        hit = set(self.replaced.filter(_year_is(self.replaced, year))["file"].to_pylist())
        small = sorted((n, f) for f, n in self.sizes.get(year, {}).items() if n < SMALL and f not in hit)
        if len(small) + 1 > MAX_SMALL:
            total = 0
            for n, f in small:
                if total + n > CHUNK:
                    break
                hit.add(f)
                total += n
        return hit

    def _partition(self, year: Year) -> None:
        """Rewrite one partition's victims without the replaced reports, plus its new reports."""
        tables = {}
        victims = sorted(self._victims(year))
        for name in DATASETS:
            pieces = []
            for stem in victims:
                rel = relpath(name, year, stem)
                if rel not in self.oldman:
                    continue
                self.dropped.add(rel)
                t = pq.read_table(self.old / segments.physical(rel, self.oldman[rel]), schema=file_schema(name))
                pieces.append(t.filter(pc.invert(pc.is_in(t["report_id"], value_set=self.ids))))
            t = self.new[name]
            if name == "checks" and t.num_rows:
                t = t.filter(pc.invert(pc.starts_with(t["rule"], "Y")))
            pieces.append(t.filter(_year_is(t, year)).drop_columns(["year"]))
            tables[name] = pa.concat_tables(pieces)
        rids = tables["reports"]["report_id"].to_pylist()
        if year is None:
            chunks = [(UNKNOWN, rids)] if rids else []
        else:
            chunks = [(f"part-{self.stamp}-{k}", rids[i:i + CHUNK]) for k, i in enumerate(range(0, len(rids), CHUNK))]
        split = {name: version_files.split(t, rids, len(chunks), CHUNK) for name, t in tables.items()}
        for k, (stem, chunk) in enumerate(chunks):
            for name in tables:
                part = split[name][k]
                if part.num_rows:
                    self._put(relpath(name, year, stem), part)
            self.moved.update(dict.fromkeys(chunk, stem))

    def _put(self, rel: str, table: pa.Table) -> None:
        self.write(table, self.dest / rel)
        self.files[rel] = {"rows": table.num_rows, "by": self.stamp}

    def _index(self) -> index_store.Overlay:
        """The new version's index: the old one with the new reports and the kept ones now in
        rewritten files (only those rows are built: the index may hold 100 000 reports)."""
        ids = pa.array(list(self.moved), pa.string())
        stems = pa.array(list(self.moved.values()), pa.string())
        moved = pc.filter(ids, pc.invert(pc.is_in(ids, value_set=self.ids)))
        kept, new = self.oldidx.filter(pc.is_in(self.oldidx["report_id"], value_set=moved)), self.newidx
        at = pc.index_in(kept["report_id"], value_set=ids)
        files = pc.if_else(pc.is_valid(at), pc.take(stems, at), kept["file"])
        kept = kept.set_column(kept.schema.get_field_index("file"), "file", files)
        new = new.set_column(new.schema.get_field_index("file"), "file",
                             pc.take(stems, pc.index_in(new["report_id"], value_set=ids)))
        return index_store.Overlay(self.oldidx, pa.concat_tables([kept, new]), pa.concat_arrays([self.ids, moved]))

    def _placeholders(self) -> dict[str, int]:
        """An empty dataset still reads back (one empty file); an empty one beside data is dropped.
        Returns the rows per dataset (one pass over the manifest: it lists ~1000 files at 100 000 reports)."""
        rows, files = dict.fromkeys(DATASETS, 0), dict.fromkeys(DATASETS, 0)
        for rel, meta in self.files.items():
            name = rel[:rel.find("/")]
            rows[name] += meta["rows"]
            files[name] += 1
        for name in DATASETS:
            unknown = relpath(name, None, UNKNOWN)
            meta = self.files.get(unknown)
            others = files[name] - (meta is not None)
            if not others and meta is None:
                self._put(unknown, file_schema(name).empty_table())
            elif others and meta is not None and meta["rows"] == 0:
                (self.dest / unknown).unlink()
                del self.files[unknown]
        return rows


def _patch_y(index: pa.Table, patches: dict[str, tuple[str | None, str | None]]) -> pa.Table:
    """``index`` with the Y chunk and digest of the reports in ``patches`` replaced."""
    if not patches:
        return index
    keys = pa.array(list(patches), pa.string())
    at = pc.index_in(index["report_id"], value_set=keys)
    hit = pc.is_valid(at)
    for k, (name, typ) in enumerate((("yfile", pa.string()), ("ydigest", pa.int64()))):
        vals = pa.array([v[k] for v in patches.values()], typ)
        col = pc.if_else(hit, pc.take(vals, at), index[name])
        index = index.set_column(index.schema.get_field_index(name), name, col)
    return index


def _year_is(t: pa.Table, year: Year) -> pa.ChunkedArray:
    return pc.is_null(t["year"]) if year is None else pc.fill_null(pc.equal(t["year"], year), False)
