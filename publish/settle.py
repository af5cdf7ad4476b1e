"""What a report's row can only know once it sits in the whole dataset, settled at every publish.

- **superseded**: a file read again at the same place (local path, or URL) with other bytes is a new
  report (report_id follows the bytes); the old report of that place leaves the dataset instead of
  lingering as a ghost.
- **duplicate_of**: the same agency-year held more than once (a portal page and its text dump, a PDF
  and its HTML): one copy is kept (the best read: usable status, then the richer format, then most
  cells, then report_id) and the others name it.
- **status**: cross-year identities (Y1, Y2) are computed across the dataset, so a report's
  ``n_checks_failed`` counts its failed Y rows too, and an ``ok`` report whose Y rows fail becomes
  ``checks_failed``. The Y part of ``error`` is one trailing sentence, so the next publish can take
  it off again when the neighbouring year changes (status goes back to what the file alone says).

Pure functions on Arrow tables of the published schema (ogi/schema.py), and
:func:`with_neighbours`, which the publish calls to settle the reports it writes plus the published
ones whose row they change (so a publish still costs what changes, :mod:`publish.versions`).
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ogi.schema import DATASETS
from publish import versions

Y_NOTE = "cross-year identities fail: "
_SEP = "; "
# which copy of an agency-year to keep: usable numbers first (ok and checks_failed alike)
_RANK = {"ok": 0, "checks_failed": 0, "needs_review": 1, "tables_missing": 2}
# then the richer format: the publication itself (its table structure kept) before a scan, a scan before a
# text dump (a page's text copy, a PDF's text extract, an OCR transcript); any other suffix last
_FORMAT_RANK = {**dict.fromkeys(("pdf", "docx", "doc", "html", "htm", "xlsx", "xls", "wps", "ofd"), 0),
                **dict.fromkeys(("png", "jpg", "jpeg", "tif", "tiff", "bmp", "gif", "webp"), 1),
                **dict.fromkeys(("txt", "md", "text", "markdown"), 2)}


def superseded(old: pa.Table, new: pa.Table) -> set[str]:
    """report_ids of ``old`` reports whose source (URL, else local path) a ``new`` report reads with other bytes."""
    if old.num_rows == 0 or new.num_rows == 0:
        return set()
    now = {}
    for rid, url, path in zip(*(new[c].to_pylist() for c in ("report_id", "source_url", "source_path"))):
        if url or path:
            now[url or path] = rid
    out = set()
    for rid, url, path in zip(*(old[c].to_pylist() for c in ("report_id", "source_url", "source_path"))):
        key = url or path
        if key in now and now[key] != rid:
            out.add(rid)
    return out


def base_status(status: str | None, error: str | None) -> tuple[str | None, str]:
    """(status, error) as the file alone says, without the Y sentence a publish added."""
    error = error or ""
    if error.startswith(Y_NOTE):
        error = ""
    elif (at := error.find(_SEP + Y_NOTE)) >= 0:
        error = error[:at]
    if status == "checks_failed" and not error:
        status = "ok"
    return status, error


def duplicates(reports: pa.Table) -> list[str | None]:
    """``duplicate_of`` for every row: the kept copy's report_id when its agency-year is held more than once."""
    rows = reports.select(["report_id", "agency_id", "year", "status", "error", "n_facts", "format"]).to_pylist()
    groups: dict[tuple, list[dict]] = {}
    for r in rows:
        if r["agency_id"] and r["year"] is not None:
            groups.setdefault((r["agency_id"], r["year"]), []).append(r)
    kept: dict[tuple, str] = {}
    for key, members in groups.items():
        if len(members) > 1:
            best = min(members, key=lambda r: (_RANK.get(base_status(r["status"], r["error"])[0] or "", 3),
                                               _FORMAT_RANK.get((r["format"] or "").lower(), 3),
                                               -(r["n_facts"] or 0), r["report_id"]))
            kept[key] = best["report_id"]
    out = []
    for r in rows:
        k = kept.get((r["agency_id"], r["year"]))
        out.append(k if k is not None and k != r["report_id"] else None)
    return out


def settle(reports: pa.Table, checks: pa.Table, own_failed: dict[str, int] | None = None) -> pa.Table:
    """``reports`` with duplicate_of, n_checks_failed and the Y part of status/error recomputed from
    ``checks`` (plus ``own_failed``: failed checks of reports whose own rows ``checks`` leaves out)."""
    if reports.num_rows == 0:
        return reports
    failed: dict[str, int] = dict(own_failed or {})
    y_fail: dict[str, list[str]] = {}
    if checks.num_rows:
        bad = checks.filter(pc.invert(pc.fill_null(checks["passed"], True)))
        for rid, rule, detail in zip(*(bad[c].to_pylist() for c in ("report_id", "rule", "detail"))):
            failed[rid] = failed.get(rid, 0) + 1
            if rule.startswith("Y"):
                y_fail.setdefault(rid, []).append(f"{rule} ({detail})" if detail else rule)
    statuses, errors = [], []
    for rid, status, error in zip(*(reports[c].to_pylist() for c in ("report_id", "status", "error"))):
        status, error = base_status(status, error)
        if rid in y_fail:
            note = Y_NOTE + "; ".join(y_fail[rid][:4])
            if status == "ok":
                status = "checks_failed"
            error = f"{error}{_SEP}{note}" if error else note
        statuses.append(status)
        errors.append(error)
    out = reports
    for name, values, typ in (("status", statuses, pa.string()), ("error", errors, pa.string()),
                              ("n_checks_failed", [failed.get(r, 0) for r in reports["report_id"].to_pylist()],
                               pa.int32()),
                              ("duplicate_of", duplicates(reports), pa.string())):
        out = out.set_column(out.schema.get_field_index(name), name, pa.array(values, typ))
    return out


# ---- within an incremental publish (publish.versions) -------------------------------------------

SETTLED = versions.SETTLED


def with_neighbours(old: Path | None, new: dict[str, pa.Table]) -> tuple[dict[str, pa.Table], set[str]]:
    """``new`` settled, plus the published reports whose settled row it changes; and the ids of
    published reports a new one supersedes (for :func:`publish.versions.build`'s ``drop``).

    A settled row depends on the same agency's reports of its year (duplicates) and of the year
    before (Y1/Y2): the published reports of a touched agency-year and of the year after are read
    back, settled with ``new``, and re-published only when their row changes. Y rows come from
    the version index through :func:`publish.versions.year_check_rows`, as the version writes them.
    """
    newidx = versions.index_rows(new)
    if old is None:
        return {**new, "reports": settle(new["reports"], _with_y(new["checks"], newidx.to_pylist(), None))}, set()
    oldidx = versions.read_index(old)
    now = {src: rid for rid, src in zip(newidx["report_id"].to_pylist(), newidx["source"].to_pylist()) if src}
    same_place = oldidx.filter(pc.is_in(oldidx["source"], value_set=pa.array(sorted(now), pa.string())))
    drop = {rid for rid, src in zip(same_place["report_id"].to_pylist(), same_place["source"].to_pylist())
            if now[src] != rid}
    gone = drop | set(newidx["report_id"].to_pylist())
    was = oldidx.filter(pc.is_in(oldidx["report_id"], value_set=pa.array(sorted(gone), pa.string())))
    touched = was.to_pylist() + newidx.to_pylist()
    hit = {(r["agency"], r["province"], r["year"]) for r in touched if r["agency"] and r["year"] is not None}
    redo = hit | {(a, p, y + 1) for a, p, y in hit}
    groups = {(a, p) for a, p, _ in hit}
    agencies = pa.array(sorted({a for a, _ in groups}), pa.string())  # columns first: the index may be large
    remain = [r for r in oldidx.filter(pc.is_in(oldidx["agency"], value_set=agencies)).to_pylist()
              if r["report_id"] not in gone and (r["agency"], r["province"]) in groups]
    affected = [r for r in remain if (r["agency"], r["province"], r["year"]) in redo]
    # settled from the index alone (it holds what settling reads); files are read only for the
    # published reports whose settled row changes, to re-publish them
    cols = ["report_id", "year", "status", "error", "agency_id", "n_facts", "format", "n_checks_failed", "duplicate_of"]
    proxy = pa.Table.from_pylist([{**{c: r.get(c) for c in cols}, "error": r["base_error"]} for r in affected],
                                 schema=pa.schema([DATASETS["reports"].field(c) for c in cols]))
    members = remain + [r for r in newidx.to_pylist() if (r["agency"], r["province"]) in groups]
    settled = settle(pa.concat_tables([new["reports"].select(cols), proxy]), _with_y(new["checks"], members, redo),
                     {r["report_id"]: r["own_failed"] or 0 for r in affected})
    before = {r["report_id"]: r["settled"] for r in affected}
    after = {r["report_id"]: versions.settled_key(*(r[c] for c in SETTLED))
             for r in settled.select(["report_id", *SETTLED]).to_pylist()}
    keep = [rid for rid, row in after.items() if rid not in before or before[rid] != row]
    changed = set(keep) & set(before)
    extra = _load(old, [r for r in affected if r["report_id"] in changed])
    ids = pa.array(keep, pa.string())
    out = {n: pa.concat_tables([new[n], extra[n]]) for n in DATASETS}
    out = {n: t.filter(pc.is_in(t["report_id"], value_set=ids)) for n, t in out.items()}
    out["reports"] = _settled_as(out["reports"], settled)
    return out, drop


def _settled_as(reports: pa.Table, settled: pa.Table) -> pa.Table:
    """``reports`` with the SETTLED columns of the same report_id in ``settled``."""
    at = pc.index_in(reports["report_id"], value_set=settled["report_id"].combine_chunks())
    for c in SETTLED:
        reports = reports.set_column(reports.schema.get_field_index(c), c, pc.take(settled[c], at))
    return reports


def _with_y(checks: pa.Table, members: list[dict], only: set[tuple] | None) -> pa.Table:
    """``checks`` (no Y rows) plus the Y rows of ``members`` (index rows) whose agency-year is in ``only``."""
    pieces = [checks.filter(pc.invert(pc.starts_with(checks["rule"], "Y")))] if checks.num_rows else [checks]
    for y, t in versions.year_check_rows(members, only=only).items():
        pieces.append(t.append_column("year", pa.array([y] * t.num_rows, pa.int32())).select(DATASETS["checks"].names))
    return pa.concat_tables(pieces)


def _load(old: Path, rows: list[dict], names: tuple[str, ...] = tuple(DATASETS)) -> dict[str, pa.Table]:
    """The published rows (datasets ``names``, year column included) of the index rows ``rows``."""
    out = {n: [DATASETS[n].empty_table()] for n in names}
    by_file: dict[tuple, list[str]] = {}
    for r in rows:
        by_file.setdefault((r["year"], r["file"]), []).append(r["report_id"])
    for (year, stem), ids in by_file.items():
        want = pa.array(ids, pa.string())
        for name in names:
            path = versions.file_path(old, versions.relpath(name, year, stem))
            if not path.is_file():
                continue
            t = pq.read_table(path, schema=versions.file_schema(name), filters=pc.field("report_id").isin(want))
            t = t.append_column("year", pa.array([year] * t.num_rows, pa.int32()))
            out[name].append(t.select(DATASETS[name].names))
    return {n: pa.concat_tables(ts) for n, ts in out.items()}
