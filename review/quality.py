"""The quality page of a published dataset: ``<out>/quality.html``, self-contained (inline CSS
and SVG, no network), and the same figures as Markdown for the Prefect run artifact.

The figures are computed from the published tables, so the page shows what ``reports/`` holds.
"""

from __future__ import annotations

import html
import logging
import re
import time
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from review.data import read_rows
from review.quality_parts import CHANGE_COLUMNS, REPORT_COLUMNS, Before, Tally, changed_rows, snapshot, tally_checks, tally_reports, tally_version

log = logging.getLogger(__name__)

FILE_NAME = "quality.html"
STATUSES = ("ok", "checks_failed", "needs_review", "tables_missing", "not_a_report", "unreadable",
            "unsupported_format", "needs_ocr", "timeout", "failed")
_NUM = re.compile(r"\d+(?:[.,]\d+)*")


def _key(v) -> str:
    return "unknown" if v is None or v == "" else str(v)


def reason_of(error: str) -> str:
    """An error message with its numbers and quoted details blanked, so like errors count together."""
    e = (error or "").split(";")[0]
    e = re.sub(r"'[^']*'|\"[^\"]*\"|“[^”]*”|\([^)]*\)", "…", e)
    return _NUM.sub("N", e).strip()[:120]


def figures(reports: pa.Table, checks: pa.Table, before: pa.Table | None = None,
            corrections: Mapping | None = None) -> dict:
    """Every figure of the page, from the published ``reports`` and ``checks`` tables (pure).

    ``before`` is the previous version's reports table (None for a first publish); ``corrections``
    the overlay's summary (``OverlayStats.summary()`` plus ``rows``). A publish computes the same
    figures from per-segment tallies (:func:`write_quality`); this reads the tables whole.
    """
    changes = _changes(before, reports) if before is not None else None
    return assemble(tally_reports(reports).add(tally_checks(checks)), changes, corrections)


def assemble(t: Tally, changes: dict | None, corrections: Mapping | None = None) -> dict:
    """The page's figures from a tally of the whole dataset and what changed (None: a first version)."""
    by_status: Counter = Counter()
    by_year: dict[str, Counter] = {}
    by_prov: dict[str, Counter] = {}
    cover: Counter = Counter()
    for (y, pv, st), c in t.cube.items():
        by_status[st] += c
        by_year.setdefault(y, Counter())[st] += c
        by_prov.setdefault(pv, Counter())[st] += c
        cover[(pv, y)] += c
    statuses = [s for s in STATUSES if by_status.get(s)] + sorted(set(by_status) - set(STATUSES))
    years = sorted(by_year, key=lambda y: (y == "unknown", y))
    provinces = sorted(by_prov, key=lambda p: (p == "unknown", p))
    ch = {"first": changes is None, "added": [], "removed": [], "status": [], **(changes or {})}
    return {
        "generated": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "reports": sum(by_status.values()), "by_status": {s: by_status[s] for s in statuses}, "statuses": statuses,
        "by_year": {y: dict(by_year[y]) for y in years}, "by_province": {p: dict(by_prov[p]) for p in provinces},
        "coverage": {p: {y: cover[(p, y)] for y in years if cover.get((p, y))} for p in provinces}, "years": years,
        "rules": {k: {"passed": v[0], "failed": v[1]} for k, v in sorted(t.rules.items())},
        # most common first, ties by text: the same order whatever order the parts are summed in
        "reasons": sorted(t.reasons.items(), key=lambda kv: (-kv[1], kv[0]))[:12], "reviewed": t.reviewed,
        "corrections": dict(corrections or {}), "changes": ch,
    }


def _changes(before: pa.Table, now: pa.Table) -> dict:
    """Reports added, removed, and whose status changed, by file name (sorted)."""
    old, new = before.select(["report_id", "file_name", "status"]), now.select(["report_id", "file_name", "status"])
    added = new.filter(pc.invert(pc.is_in(new["report_id"], value_set=old["report_id"].combine_chunks())))
    removed = old.filter(pc.invert(pc.is_in(old["report_id"], value_set=new["report_id"].combine_chunks())))
    both = new.join(old.select(["report_id", "status"]).rename_columns(["report_id", "old_status"]), "report_id",
                    join_type="inner")
    moved = both.filter(pc.fill_null(pc.not_equal(both["status"], both["old_status"]), True)) if both.num_rows else both
    moved = moved.filter(pc.invert(pc.and_(pc.is_null(moved["status"]), pc.is_null(moved["old_status"])))) \
        if moved.num_rows else moved
    return {"added": sorted(added["file_name"].to_pylist()), "removed": sorted(removed["file_name"].to_pylist()),
            "status": sorted(zip(moved["file_name"].to_pylist(), moved["old_status"].to_pylist(),
                                 moved["status"].to_pylist()))}


# ---- rendering ----------------------------------------------------------------------------

_CSS = """body{font:14px/1.45 system-ui,"Noto Sans CJK SC",sans-serif;margin:1.5em auto;max-width:1100px;color:#222}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.4em 0}td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}
th{background:#f3f3f3}td.l,th.l{text-align:left}.muted{color:#777}
.s-ok{color:#1a7f37}.s-bad{color:#b42318}"""


def _e(x) -> str:
    return html.escape(str(x))


def _matrix(rows: Mapping[str, Mapping[str, int]], cols: list[str], head: str, shade: bool = False) -> str:
    top = max((v for r in rows.values() for v in r.values()), default=0) or 1
    out = [f"<table><tr><th class=l>{_e(head)}</th>" + "".join(f"<th>{_e(c)}</th>" for c in cols) + "<th>all</th></tr>"]
    for name, r in rows.items():
        cells = []
        for c in cols:
            v = r.get(c, 0)
            style = f' style="background:rgba(31,111,235,{0.08 + 0.6 * v / top:.2f})"' if shade and v else ""
            cells.append(f"<td{style}>{v or ''}</td>")
        out.append(f"<tr><td class=l>{_e(name)}</td>{''.join(cells)}<td>{sum(r.values())}</td></tr>")
    return "".join(out) + "</table>"


def _bars(counts: Mapping[str, int]) -> str:
    """A horizontal bar chart as inline SVG."""
    top = max(counts.values(), default=0) or 1
    h = 22 * len(counts) + 4
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="560" height="{h}" role="img" aria-label="status counts">']
    for i, (k, v) in enumerate(counts.items()):
        y = 4 + 22 * i
        w = 360 * v / top
        color = "#1a7f37" if k == "ok" else "#d0a215" if k in ("checks_failed", "needs_review") else "#b42318"
        parts.append(f'<text x="0" y="{y + 14}" font-size="13">{_e(k)}</text>'
                     f'<rect x="130" y="{y}" width="{w:.1f}" height="16" fill="{color}"/>'
                     f'<text x="{136 + w:.1f}" y="{y + 13}" font-size="12">{v}</text>')
    return "".join(parts) + "</svg>"


def render_html(fig: Mapping) -> str:
    """The whole page as one string: no script, no external resource."""
    st = fig["statuses"]
    corr = fig["corrections"]
    ch = fig["changes"]
    parts = [f"<!doctype html><html lang=en><head><meta charset=utf-8><title>Dataset quality</title><link rel=icon href='data:,'>"
             f"<style>{_CSS}</style></head><body><h1>Dataset quality</h1>"
             f"<p class=muted>{fig['reports']} reports; generated {_e(fig['generated'])}; "
             f"{fig['reviewed']} reviewed by a person.</p>",
             "<h2>Status</h2>", _bars(fig["by_status"]),
             "<h2>Status by year</h2>", _matrix(fig["by_year"], st, "year"),
             "<h2>Status by province</h2>", _matrix(fig["by_province"], st, "province"),
             "<h2>Coverage: reports per province × year</h2>", _matrix(fig["coverage"], fig["years"], "province", True),
             "<h2>Identity checks by rule</h2><table><tr><th class=l>rule</th><th>passed</th><th>failed</th></tr>"]
    parts += [f"<tr><td class=l>{_e(k)}</td><td>{v['passed']}</td><td class={'s-bad' if v['failed'] else 's-ok'}>"
              f"{v['failed']}</td></tr>" for k, v in fig["rules"].items()]
    parts.append("</table><h2>Most common reasons a report is not ok</h2><table><tr><th>reports</th>"
                 "<th class=l>reason</th></tr>")
    parts += [f"<tr><td>{n}</td><td class=l>{_e(r)}</td></tr>" for r, n in fig["reasons"]]
    parts.append("</table><h2>Corrections</h2>")
    parts.append(f"<p>{corr.get('corrections_applied', 0)} corrections applied to {corr.get('corrections_reports', 0)}"
                 f" reports; {len(corr.get('corrections_unknown_sha256', []))} for files not in this run and "
                 f"{len(corr.get('corrections_bad_cell', []))} with a bad cell id were not applied.</p>")
    if corr.get("rows"):
        parts.append("<table><tr><th class=l>file</th><th class=l>cell</th><th class=l>value</th>"
                     "<th class=l>reviewer</th><th class=l>when</th><th class=l>note</th></tr>")
        parts += [f"<tr><td class=l>{_e(r['file_name'])}</td><td class=l>{_e(r['cell'])}</td><td class=l>"
                  f"{_e(r['raw'])}</td><td class=l>{_e(r['reviewer'])}</td><td class=l>{_e(r['reviewed_at'])}</td>"
                  f"<td class=l>{_e(r['note'])}</td></tr>" for r in corr["rows"][:500]]
        parts.append("</table>")
    for what in ("corrections_unknown_sha256", "corrections_bad_cell"):
        if corr.get(what):
            parts.append(f"<p>Not applied ({_e(what.split('_', 1)[1].replace('_', ' '))}): "
                         + ", ".join(_e(x) for x in corr[what][:50]) + "</p>")
    parts.append("<h2>Changes since the previous version</h2>")
    if ch["first"]:
        parts.append("<p>First version of this dataset.</p>")
    else:
        parts.append(f"<p>{len(ch['added'])} reports added, {len(ch['removed'])} removed, "
                     f"{len(ch['status'])} changed status.</p>")
        if ch["status"]:
            parts.append("<table><tr><th class=l>file</th><th class=l>before</th><th class=l>now</th></tr>")
            parts += [f"<tr><td class=l>{_e(f)}</td><td class=l>{_e(a)}</td><td class=l>{_e(b)}</td></tr>"
                      for f, a, b in ch["status"][:300]]
            parts.append("</table>")
        for what in ("added", "removed"):
            if ch[what]:
                parts.append(f"<p>{what.capitalize()}: " + ", ".join(_e(x) for x in ch[what][:100]) + "</p>")
    parts.append("</body></html>")
    return "\n".join(parts)


def render_markdown(fig: Mapping) -> str:
    """The same figures for the Prefect artifact."""
    st = fig["statuses"]
    lines = ["## Quality", "", "| status | " + " | ".join(st) + " |", "| --- |" + " --- |" * len(st),
             "| reports | " + " | ".join(str(fig["by_status"][s]) for s in st) + " |", "",
             "| year | " + " | ".join(st) + " |", "| --- |" + " --- |" * len(st)]
    lines += [f"| {y} | " + " | ".join(str(c.get(s, 0)) for s in st) + " |" for y, c in fig["by_year"].items()]
    lines += ["", "| province | " + " | ".join(st) + " |", "| --- |" + " --- |" * len(st)]
    lines += [f"| {p} | " + " | ".join(str(c.get(s, 0)) for s in st) + " |" for p, c in fig["by_province"].items()]
    lines += ["", "| rule | passed | failed |", "| --- | --- | --- |"]
    lines += [f"| {k} | {v['passed']} | {v['failed']} |" for k, v in fig["rules"].items()]
    lines += ["", "| reports | most common reason not ok |", "| --- | --- |"]
    lines += [f"| {n} | {r.replace('|', '/')} |" for r, n in fig["reasons"]]
    c = fig["corrections"]
    ch = fig["changes"]
    lines += ["", f"Corrections applied: {c.get('corrections_applied', 0)} "
                  f"(to {c.get('corrections_reports', 0)} reports); not applied: "
                  f"{len(c.get('corrections_unknown_sha256', []))} unknown file, "
                  f"{len(c.get('corrections_bad_cell', []))} bad cell id.",
              "", "Since the previous version: " + ("no new version written" if ch.get("unchanged") else
                                                   "first version" if ch["first"] else
                  f"{len(ch['added'])} added, {len(ch['removed'])} removed, {len(ch['status'])} changed status")]
    return "\n".join(lines)


def write_quality(out: str | Path, before: Before | pa.Table | None = None,
                  corrections: Mapping | None = None) -> dict:
    """Write ``<out>/quality.html`` for the dataset just published; return its figures.

    ``before``: what :func:`previous_reports` said before the publish. Costs what the publish changed
    (:mod:`review.quality_parts`): the figures of the segments this version shares come from the cache."""
    if not (Path(out) / "current").exists():
        return {}
    fig = current_figures(out, before, corrections)
    p = Path(out) / FILE_NAME
    tmp = p.with_suffix(".html.tmp")
    tmp.write_text(render_html(fig), encoding="utf-8")
    tmp.replace(p)
    return fig


def current_figures(out: str | Path, before: Before | pa.Table | None = None,
                    corrections: Mapping | None = None) -> dict:
    """The figures of the dataset's current version (local), from per-segment tallies; equal to
    :func:`figures` of its tables read whole."""
    vdir = (Path(out) / "current").resolve()
    if isinstance(before, Before) and before.table is None:
        changes = _changes(*changed_rows(before, vdir))
    elif before is not None:
        table = before.table if isinstance(before, Before) else before
        changes = _changes(table, read_rows(out, "reports", columns=CHANGE_COLUMNS))
    else:
        changes = None
    return assemble(tally_version(Path(out), vdir), changes, corrections)


def figure_rows(out: str | Path) -> tuple[pa.Table, pa.Table]:
    """The columns :func:`figures` reads: reports' ids, names, places, status; checks' rule and result."""
    return read_rows(out, "reports", columns=REPORT_COLUMNS), read_rows(out, "checks", columns=["rule", "passed"])


def previous_reports(out: str | Path) -> Before | None:
    """The published reports before a publish (for "what changed"), None if none: the parts of the
    current version (read after the publish, only those the new version no longer links)."""
    if "://" in str(out):
        return None
    try:
        return snapshot(Path(out))
    except OSError as e:
        log.info("no previous version readable (%s)", e)
        return None
