"""A version's report index on disk: a shared base plus the rows changed since it.

The index (:data:`publish.versions.INDEX_SCHEMA`, one row per report) is read and written at every
publish. Rewritten whole it cost what the dataset holds (at 100 000 reports a Parquet write and
read of ~0.25 s, the largest part of adding 50 reports). So a version stores it as::

    _index.arrow        the base: every report at some earlier version (Arrow IPC, uncompressed,
                        memory-mapped on read); hardlinked unchanged from version to version
    _index.delta.arrow  the rows added or changed since the base, and the report_ids gone from it

A publish writes only the delta (the old delta's rows plus the reports it touched); the base is
rewritten once the delta outgrows a fraction of it (:data:`COMPACT`), so the cost stays
proportional to what changed, amortised. Both files are immutable, like every file of a version.
Reading leaves the delta's reports out of the memory-mapped base by zero-copy slices (a base is
written grouped by file, so they come in runs): a filter copied the whole base, ~20 MB of fresh
memory at 100 000 reports, at every publish.
A version of the older layout (``_index.parquet``, one file) is read as before and replaced by a
new base at its next publish (:mod:`publish.versions`).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.feather as feather

log = logging.getLogger(__name__)

BASE = "_index.arrow"
DELTA = "_index.delta.arrow"
GONE = "gone"  # delta column: the report left the dataset (its other columns are null)
COMPACT = 8  # rewrite the base once the delta holds more than 1/COMPACT of its rows …
MIN_DELTA = 2000  # … and more than this many (a small dataset rewrites its small base rarely, too)
MAX_SLICES = 256  # runs of base rows kept by reference when reading; more: one filtered copy


def has_base(vdir: Path) -> bool:
    return (vdir / BASE).is_file()


def read(vdir: Path, schema: pa.Schema) -> pa.Table:
    """The index of version ``vdir`` (rows in no set order): the base with the delta applied."""
    base = feather.read_table(str(vdir / BASE), memory_map=True)
    if not (vdir / DELTA).is_file():
        return base.select(schema.names)
    delta = feather.read_table(str(vdir / DELTA), memory_map=True)
    ids = delta["report_id"].combine_chunks()
    keep = _without(base.select(schema.names), pc.is_in(base["report_id"], value_set=ids))
    live = delta.filter(pc.invert(delta[GONE])).select(schema.names)
    return pa.concat_tables([keep, live])


def _without(base: pa.Table, hit: pa.ChunkedArray) -> pa.Table:
    """``base`` less its rows where ``hit``, as zero-copy slices of the memory-mapped base when the
    rows left out come in few runs (they do: a rewritten file's reports are contiguous). A filter
    copies the whole base, ~20 MB at 100 000 reports, in fresh memory at every publish."""
    at = np.flatnonzero(hit.to_numpy())
    if not len(at):
        return base
    gap = np.flatnonzero(np.diff(at) > 1)
    starts = np.concatenate([[0], at[np.concatenate([gap, [len(at) - 1]])] + 1])  # kept runs: after each hit run
    ends = np.concatenate([at[np.concatenate([[0], gap + 1])], [base.num_rows]])  # … up to the next one
    if len(starts) > MAX_SLICES:
        return base.filter(pc.invert(hit))
    return pa.concat_tables([base.slice(int(s), int(e - s)) for s, e in zip(starts, ends) if e > s]
                            or [base.schema.empty_table()])


@dataclass(slots=True)
class Overlay:
    """A new version's index without copying the old one: the old index, less the reports ``ids``,
    plus ``rows`` (those of ``ids`` still in the dataset, as they are now)."""

    old: pa.Table
    rows: pa.Table
    ids: pa.Array

    def where(self, column: str, values: pa.Array) -> pa.Table:
        """The rows whose ``column`` is one of ``values``."""
        old = self.old.filter(pc.is_in(self.old[column], value_set=values))
        old = old.filter(pc.invert(pc.is_in(old["report_id"], value_set=self.ids)))
        return pa.concat_tables([old, self.rows.filter(pc.is_in(self.rows[column], value_set=values))])

    def table(self) -> pa.Table:
        """The whole index (a new base only)."""
        old = self.old.filter(pc.invert(pc.is_in(self.old["report_id"], value_set=self.ids)))
        return pa.concat_tables([old, self.rows])

    def patch(self, ids: pa.Array) -> None:
        """Bring the old rows of ``ids`` into ``rows`` (about to change)."""
        ids = pc.filter(ids, pc.invert(pc.is_in(ids, value_set=self.ids)))
        if len(ids):
            self.rows = pa.concat_tables([self.rows, self.old.filter(pc.is_in(self.old["report_id"], value_set=ids))])
            self.ids = pa.concat_arrays([self.ids, ids])


def write(dest: Path, old: Path | None, index: Overlay) -> str:
    """Store ``index`` as version ``dest``'s: link ``old``'s base and write a delta of the reports it
    changed (added, replaced, moved to another file, gone) and those ``old``'s delta held; or a new
    base when ``old`` has none or the delta grew too large. Returns "base" or "delta"."""
    if old is not None and has_base(old):
        base_rows, was = _base_info(old)
        ids = pa.concat_arrays([was, index.ids.cast(pa.string())]).unique()
        if len(ids) <= max(MIN_DELTA, base_rows // COMPACT):
            _link(old / BASE, dest / BASE)
            live = index.where("report_id", ids)
            gone = pc.filter(ids, pc.invert(pc.is_in(ids, value_set=live["report_id"].combine_chunks())))
            rows = live.append_column(GONE, pa.array([False] * live.num_rows, pa.bool_()))
            left = pa.table({f.name: pa.nulls(len(gone), f.type) for f in live.schema}, schema=live.schema)
            left = left.set_column(0, "report_id", gone).append_column(GONE, pa.array([True] * len(gone), pa.bool_()))
            _write(pa.concat_tables([rows, left]), dest / DELTA)
            return "delta"
    # grouped by file, so a file rewritten later leaves the base in one run (read: no copy)
    table = index.table().sort_by([("year", "ascending"), ("file", "ascending")])
    log.debug("version %s: a new index base of %d reports", dest.name, table.num_rows)
    _write(table, dest / BASE)
    return "base"


def files(vdir: Path) -> list[str]:
    """The index files version ``vdir`` holds (names relative to it)."""
    return [n for n in (BASE, DELTA) if (vdir / n).is_file()]


def _base_info(old: Path) -> tuple[int, pa.Array]:
    """Rows in ``old``'s base (memory-mapped: no copy) and the report_ids its delta holds."""
    base_rows = feather.read_table(str(old / BASE), columns=["report_id"], memory_map=True).num_rows
    if not (old / DELTA).is_file():
        return base_rows, pa.array([], pa.string())
    delta = feather.read_table(str(old / DELTA), columns=["report_id"], memory_map=True)
    return base_rows, delta["report_id"].combine_chunks()


def _write(table: pa.Table, path: Path) -> None:
    feather.write_feather(table, str(path), compression="uncompressed")


def _link(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:  # no hardlinks here: a copy is as good (the base is immutable)
        import shutil

        shutil.copy2(src, dst)
