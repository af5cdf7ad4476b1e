"""The files of a version: sharing the unchanged ones, counting reports per file, cutting a
rewritten partition into files (:mod:`publish.versions`; helpers that touch no index)."""

from __future__ import annotations

import os
import shutil

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def link_all(old: str, dest: str, rels: list[str]) -> None:
    """Share unchanged files with the previous version (hardlinks; copies where they are not allowed),
    folder by folder through open folder handles: a version may carry thousands of files."""
    by_folder: dict[str, list[str]] = {}
    for rel in rels:
        folder, _, name = rel.rpartition("/")
        by_folder.setdefault(folder, []).append(name)
    for folder, names in by_folder.items():
        src, dst = os.path.join(old, folder), os.path.join(dest, folder)
        os.makedirs(dst, exist_ok=True)
        sfd, dfd = os.open(src, os.O_RDONLY), os.open(dst, os.O_RDONLY)
        try:
            for name in names:
                try:
                    os.link(name, name, src_dir_fd=sfd, dst_dir_fd=dfd)
                except OSError:
                    shutil.copy2(os.path.join(src, name), os.path.join(dst, name))
        finally:
            os.close(sfd)
            os.close(dfd)


def sizes(manifest: dict[str, dict], replaced: pa.Table) -> dict[int, dict[str, int]]:
    """Reports per old file that stay, by partition: a reports file holds one row per report, so the
    manifest counts them; the replaced ones are taken off (no pass over the whole index)."""
    out: dict[int, dict[str, int]] = {}
    for rel, meta in manifest.items():
        parts = rel.split("/")
        if parts[0] == "reports" and len(parts) == 3 and parts[1].startswith("year="):
            out.setdefault(int(parts[1][5:]), {})[parts[2].removesuffix(".parquet")] = meta["rows"]
    for y, f in zip(replaced["year"].to_pylist(), replaced["file"].to_pylist()):
        if y is not None and f in out.get(y, {}):
            out[y][f] -= 1
    return out


def split(t: pa.Table, rids: list[str], n: int, chunk: int) -> list[pa.Table]:
    """``t``'s rows in ``n`` parts, part k holding the reports rids[k*chunk:(k+1)*chunk] in their
    order in ``t``. Rows come grouped as the reports do (files are written that way), so the parts
    are slices; otherwise rows are sorted by part first. (A filter per part read every row once per
    part: replacing reports scattered over a year rewrites many parts of 100 000 facts rows; a hash
    lookup of every row's report_id cost ~1.4 s of replacing 50 reports scattered over 100 000.)"""
    if n <= 1:
        return [t]
    k = by_runs(t["report_id"], {rid: i // chunk for i, rid in enumerate(rids)}, n)
    if len(k) > 1 and (np.diff(k) < 0).any():
        order = np.argsort(k, kind="stable")
        t, k = t.combine_chunks().take(pa.array(order)), k[order]
    at = np.searchsorted(k, np.arange(n + 1), side="left")
    return [t.slice(int(at[i]), int(at[i + 1] - at[i])) for i in range(n)]


def by_runs(col: pa.ChunkedArray, lookup: dict[str, int], default: int) -> np.ndarray:
    """``lookup[report_id]`` (``default`` when absent) for every row of ``col``, looked up once per run
    of equal report_ids: a file's rows come grouped by report, ~200 facts each."""
    out = []
    for arr in col.chunks:
        m = len(arr)
        if not m:
            continue
        starts = np.zeros(1, np.int64)
        if m > 1:
            neq = pc.fill_null(pc.not_equal(arr.slice(1), arr.slice(0, m - 1)), True)
            starts = np.concatenate([starts, np.flatnonzero(neq.to_numpy(zero_copy_only=False)) + 1])
        vals = np.array([lookup.get(r, default) for r in arr.take(pa.array(starts)).to_pylist()], np.int64)
        out.append(np.repeat(vals, np.diff(np.append(starts, m))))
    return np.concatenate(out) if out else np.zeros(0, np.int64)
