"""The Y1/Y2 rows of a new version, rewritten only where they change.

Cross-year checks compare an agency's report with its report of the year before, so a publish
recomputes them for the touched agency-years and the year after (:func:`publish.versions.year_check_rows`,
from the version index, without reading facts). They live apart from the reports' own files,
in ``checks/year=YYYY/ychecks-<stamp>-<k>.parquet`` chunks of at most CHUNK reports, and the
index says, per report, which chunk holds its Y rows (``yfile``) and a digest of them
(``ydigest``). A publish compares the recomputed rows' digests with the index and rewrites only
the chunks that hold a report whose rows changed (or went), plus one new chunk per year for
the changed rows: adding 50 reports to 100 000 touches a few small files, not every Y row of a
year. Small chunks from many small publishes are merged once a year holds more than MAX_SMALL.

A version written before the index had these columns is read once whole (every Y chunk) to
fill them in; later publishes are incremental again.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from publish import segments, versions

if TYPE_CHECKING:
    from publish.index_store import Overlay
    from publish.versions import _Builder

PREFIX = "ychecks-"
# A Y chunk holds at most CHUNK reports, and a report one to three Y rows: a chunk is small (to be
# merged) below SMALL rows, so it holds fewer than SMALL reports, and a full chunk never is. (Counted
# against 1000 rows, a full chunk of 2019-template reports, one Y1 row each, was small: a year of
# them was merged and rewritten unchanged at every publish that touched it.)


def digest(rows: list[tuple]) -> int:
    """A stable 64-bit digest of one report's Y rows (rule, passed, detail), whatever their order."""
    text = "\x1f".join("\x1e".join(map(str, r)) for r in sorted(rows, key=lambda r: tuple(map(str, r))))
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big", signed=True)


def _digests(t: pa.Table) -> dict[str, int]:
    per: dict[str, list[tuple]] = {}
    for rid, rule, passed, detail in zip(*(t[c].to_pylist() for c in ("report_id", "rule", "passed", "detail"))):
        per.setdefault(rid, []).append((rule, passed, detail))
    return {rid: digest(rows) for rid, rows in per.items()}


def _is_y(rel: str) -> bool:
    return rel.startswith("checks/year=") and rel.rsplit("/", 1)[-1].startswith(PREFIX)


def _year_of(rel: str) -> int:
    return int(rel.split("/")[1].split("=", 1)[1])


def _stem(rel: str) -> str:
    return rel.rsplit("/", 1)[-1].removesuffix(".parquet")


def _adopt(b: _Builder) -> dict[str, tuple[int, str, int]]:
    """rid → (year, chunk, digest) of every Y row of an old version whose index lacks them (read once)."""
    out: dict[str, tuple[int, str, int]] = {}
    for rel in [r for r in b.oldman if _is_y(r)]:
        t = pq.read_table(b.old / segments.physical(rel, b.oldman[rel]), schema=versions.file_schema("checks"))
        for rid, d in _digests(t).items():
            out[rid] = (_year_of(rel), _stem(rel), d)
    return out


def _old_rows(b: _Builder, ids: list[str]) -> dict[str, tuple[int, str, int]]:
    """rid → (year, chunk, digest) of the old version's Y rows of ``ids`` (from its index)."""
    t = b.oldidx.filter(pc.and_(pc.is_in(b.oldidx["report_id"], value_set=pa.array(ids, pa.string())),
                                pc.is_valid(b.oldidx["yfile"])))
    return {rid: (y, f, d) for rid, y, f, d in zip(*(t[c].to_pylist() for c in ("report_id", "year", "yfile", "ydigest")))}


def write(b: _Builder, index: Overlay) -> dict[str, tuple[str | None, int | None]]:
    """Write the changed Y chunks of version ``b`` (index: the new version's index so far);
    return rid → (yfile, ydigest) for every report whose entry changes."""
    adopted = _adopt(b) if b.old is not None and not b.y_indexed else None
    patches: dict[str, tuple[str | None, int | None]] = {}
    if adopted is not None:
        patches = {rid: (f, d) for rid, (_y, f, d) in adopted.items()}
    else:  # a replaced report's index row is new: its Y rows stay where they are unless they change below
        kept = b.replaced.filter(pc.is_valid(b.replaced["yfile"]))
        patches = {rid: (f, d) for rid, f, d in zip(*(kept[c].to_pylist() for c in ("report_id", "yfile", "ydigest")))}
    touched = pa.concat_tables([b.newidx, b.replaced.select(b.newidx.column_names)])
    hit = {(a, p, y) for a, p, y in zip(*(touched[c].to_pylist() for c in ("agency", "province", "year")))
           if a and y is not None}
    if not hit:
        return patches
    redo = hit | {(a, p, y + 1) for a, p, y in hit}
    agencies = pa.array(sorted({a for a, _, _ in hit}), pa.string())
    groups = {(a, p) for a, p, _ in hit}
    cols = ["report_id", "year", "agency", "province", "template", *versions.Y_KEYS]
    members = [r for r in index.where("agency", agencies).select(cols).to_pylist()
               if (r["agency"], r["province"]) in groups]
    olds = [r["report_id"] for r in b.oldidx.filter(pc.is_in(b.oldidx["agency"], value_set=agencies))
            .select(["report_id", "year", "agency", "province"]).to_pylist()
            if (r["agency"], r["province"], r["year"]) in redo]
    candidates = sorted({r["report_id"] for r in members if (r["agency"], r["province"], r["year"]) in redo}
                        | set(olds) | set(b.ids.to_pylist()))
    fresh = versions.year_check_rows(members, only=redo)
    now = {rid: (y, d) for y, t in fresh.items() for rid, d in _digests(t).items()}
    before = {rid: v for rid, v in adopted.items() if rid in set(candidates)} if adopted is not None \
        else _old_rows(b, candidates)
    changed = [rid for rid in candidates if ((before[rid][0], before[rid][2]) if rid in before else None) != now.get(rid)]
    if not changed:
        return patches
    gone = pa.array(changed, pa.string())
    victims = {(before[rid][0], before[rid][1]) for rid in changed if rid in before}
    years = {y for y, _ in victims} | {now[rid][0] for rid in changed if rid in now}
    for y in sorted(years):
        victims |= {(y, s) for s in _small(b, y, {s for vy, s in victims if vy == y})}
        pieces = []
        for _y, stem in sorted(v for v in victims if v[0] == y):
            rel = f"checks/year={y}/{stem}.parquet"
            if rel not in b.oldman:
                continue
            b.dropped.add(rel)
            t = pq.read_table(b.old / segments.physical(rel, b.oldman[rel]), schema=versions.file_schema("checks"))
            pieces.append(t.filter(pc.invert(pc.is_in(t["report_id"], value_set=gone))))
        if y in fresh:
            pieces.append(fresh[y].filter(pc.is_in(fresh[y]["report_id"], value_set=gone)))
        t = pa.concat_tables(pieces) if pieces else None
        if t is None or not t.num_rows:
            continue
        rids = sorted(set(t["report_id"].to_pylist()))
        # moved rows keep their digest (only the changed ones were recomputed)
        known = {**_old_digests(b, adopted, {v for v in victims if v[0] == y}),
                 **{rid: now[rid][1] for rid in changed if rid in now}}
        for k, i in enumerate(range(0, len(rids), versions.CHUNK)):
            stem = f"{PREFIX}{b.stamp}-{k}"
            part = rids[i:i + versions.CHUNK]
            chunk = t if len(rids) <= versions.CHUNK else t.filter(pc.is_in(t["report_id"], value_set=pa.array(part)))
            b._put(f"checks/year={y}/{stem}.parquet", chunk)
            missing = [rid for rid in part if rid not in known]
            if missing:
                known.update(_digests(chunk.filter(pc.is_in(chunk["report_id"], value_set=pa.array(missing)))))
            for rid in part:
                patches[rid] = (stem, known[rid])
    for rid in changed:
        if rid not in now:
            patches[rid] = (None, None)  # no Y rows any more (or the report left)
    return patches


def _old_digests(b: _Builder, adopted: dict | None, victims: set[tuple[int, str]]) -> dict[str, int]:
    """The digest the old version's index gives for each report whose Y rows sit in ``victims``."""
    if adopted is not None:
        return {rid: d for rid, (y, f, d) in adopted.items() if (y, f) in victims}
    if not victims:
        return {}
    t = b.oldidx.filter(pc.is_in(b.oldidx["yfile"], value_set=pa.array(sorted({s for _, s in victims}), pa.string())))
    return {rid: d for rid, y, f, d in zip(*(t[c].to_pylist() for c in ("report_id", "year", "yfile", "ydigest")))
            if (y, f) in victims}


def _small_chunks(b: _Builder) -> dict[int, list[tuple[int, str]]]:
    """(rows, chunk) of the old version's small Y chunks, by year: one pass over its manifest per publish."""
    if b.small_y is None:
        b.small_y = {}
        for rel, m in b.oldman.items():
            if m["rows"] < versions.SMALL and _is_y(rel):
                b.small_y.setdefault(_year_of(rel), []).append((m["rows"], _stem(rel)))
    return b.small_y


def _small(b: _Builder, year: int, victims: set[str]) -> set[str]:
    """Small Y chunks of ``year`` to merge into this publish's chunk once the year holds too many."""
    small = sorted((n, stem) for n, stem in _small_chunks(b).get(year, []) if stem not in victims)
    if len(small) + 1 <= versions.MAX_SMALL:
        return set()
    out, total = set(), 0
    for n, stem in small:
        if total + n > versions.CHUNK:  # what is merged fits one chunk
            break
        out.add(stem)
        total += n
    return out
