"""HTML of the review app, as pure functions of the dataset rows (no I/O here).

The list page filters the reports that are not ``ok``; a report page shows the source (page
images with the boxes of the extracted cells, or the document's text with its tables) beside
the template tables as a form: missing cells and cells of failed identities are marked, and a
person types a cell's printed value or marks the whole report.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from urllib.parse import quote, urlencode

from ogi.types import Document, Paragraph, RawTable
from review.corrections import REPORT_MARKS

_CSS = """body{font:14px/1.4 system-ui,"Noto Sans CJK SC",sans-serif;margin:0;color:#222}
header{background:#24292f;color:#fff;padding:.5em 1em}header a{color:#fff}
main{padding:.8em 1em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px}
th{background:#f3f3f3}.cols{display:flex;gap:1em;align-items:flex-start}
.src{flex:1 1 50%;max-height:92vh;overflow:auto;border:1px solid #ddd}
.form{flex:1 1 50%;max-height:92vh;overflow:auto}
.page{position:relative;margin:0 0 8px 0}.page img{display:block;width:100%}
.box{position:absolute;border:1.5px solid #1f6feb;background:rgba(31,111,235,.08)}
.box.failed{border-color:#d1242f;background:rgba(209,36,47,.15)}
.box.corrected{border-color:#1a7f37;background:rgba(26,127,55,.15)}
td.cell{padding:0}td.cell input{width:4.5em;border:0;padding:2px;font:inherit;text-align:right}
td.missing input{background:#fff1c2}td.failed input{background:#ffd8d3}td.corrected input{background:#d3f5dc}
td.hl{background:#dbe9ff}.txt p{margin:.3em .5em}.txt table{margin:.5em}.small{font-size:12px;color:#666}
th.lbl{text-align:left;font-weight:normal;white-space:nowrap}.legend span{padding:0 6px;margin-right:6px}#msg{font-weight:bold;margin-left:1em}"""


def _e(x) -> str:
    return html.escape("" if x is None else str(x))


def layout(title: str, body: str, script: str = "") -> str:
    return (f"<!doctype html><html lang=zh><head><meta charset=utf-8><title>{_e(title)}</title>"
            f"<link rel=icon href='data:,'><style>{_CSS}</style></head><body><header><a href='/'>ogi review</a> · {_e(title)}</header>"
            f"<main>{body}</main>{f'<script>{script}</script>' if script else ''}</body></html>")


def failed_rules(checks: Iterable[Mapping]) -> dict[str, list[str]]:
    """report_id → rule ids (R1 … Y2) that failed."""
    out: dict[str, list[str]] = {}
    for c in checks:
        if not c["passed"]:
            rid = c["rule"].split()[0]
            lst = out.setdefault(c["report_id"], [])
            if rid not in lst:
                lst.append(rid)
    return out


def list_page(reports: list[Mapping], rules: Mapping[str, list[str]], query: Mapping[str, str]) -> str:
    """Reports that are not ok, filtered by status, province, year and failed rule."""
    flagged = [r for r in reports if r["status"] != "ok"]

    def keep(r: Mapping) -> bool:
        return ((not query.get("status") or r["status"] == query["status"])
                and (not query.get("province") or (r["province"] or "") == query["province"])
                and (not query.get("year") or str(r["year"] or "") == query["year"])
                and (not query.get("rule") or query["rule"] in rules.get(r["report_id"], [])))

    def select(name: str, values: Iterable) -> str:
        opts = sorted({str(v) for v in values if v not in (None, "")})
        cur = query.get(name, "")
        items = ["<option value=''>all</option>"] + [
            f"<option{' selected' if v == cur else ''} value='{_e(v)}'>{_e(v)}</option>" for v in opts]
        return f"<label>{name} <select name={name} id=f-{name}>{''.join(items)}</select></label> "

    shown = sorted((r for r in flagged if keep(r)), key=lambda r: (r["status"], r["file_name"]))
    form = ("<form method=get action='/' id=filters>" + select("status", (r["status"] for r in flagged))
            + select("province", (r["province"] for r in flagged)) + select("year", (r["year"] for r in flagged))
            + select("rule", (x for v in rules.values() for x in v)) + "<button id=apply>filter</button></form>")
    rows = "".join(
        f"<tr class=report><td><a href='/report/{quote(r['report_id'])}'>{_e(r['file_name'])}</a>"
        f"{' ✔' if r.get('reviewed') else ''}</td><td>{_e(r['status'])}</td><td>{_e(r['province'])}</td>"
        f"<td>{_e(r['year'])}</td><td>{_e(' '.join(rules.get(r['report_id'], [])))}</td>"
        f"<td class=small>{_e((r['error'] or '')[:200])}</td></tr>" for r in shown)
    body = (f"<p>{len(flagged)} of {len(reports)} reports are not ok; {len(shown)} shown. "
            f"<a href='/quality.html'>quality page</a></p>{form}<table id=reports><tr><th>file</th><th>status</th>"
            f"<th>province</th><th>year</th><th>failed rules</th><th>why</th></tr>{rows}</table>")
    return layout("reports to review", body)


# ---- one report --------------------------------------------------------------------------

def rule_cells(rule: str, ids: Iterable[str]) -> set[str]:
    """The cell ids an identity reads: marked when it fails."""
    parts = rule.split()
    if len(parts) < 2:
        return set()
    rid, what = parts[0], parts[1]
    ids = list(ids)
    if rid == "R1":
        col = what.rsplit(".", 1)[1]
        return {f"requests.{r}.{col}" for r in ("new_received", "carried_over", "handled_total", "carried_forward")}
    if rid == "R2":
        col = what.rsplit(".", 1)[1]
        skip = ("new_received.", "carried_over.", "carried_forward.")
        return {i for i in ids if i.startswith("requests.") and i.endswith("." + col)
                and not i[len("requests."):].startswith(skip)}
    if rid == "R3":
        return {i for i in ids if i.rsplit(".", 1)[0] == what}
    if rid == "R4":
        return {i for i in ids if i.startswith(what + ".")}
    if rid == "Y1":
        return {what}
    if rid == "Y2":
        row = what.rsplit(".", 1)[0]
        return {f"{row}.{c}" for c in ("in_force", "issued", "repealed")}
    return set()


def _fact_id(f: Mapping) -> str:
    return f"{f['table']}.{f['row']}.{f['col']}"


def template_form(cells: list, template: str, facts: Mapping[str, Mapping], bad: set[str]) -> str:
    """The three template tables as inputs, one per cell id of this template version."""
    out = []
    for table in ("active", "requests", "appeals"):
        mine = [c for c in cells if c.table == table and template in c.labels]
        cols = list(dict.fromkeys(c.col for c in mine))
        rows = list(dict.fromkeys(c.row for c in mine))
        by = {(c.row, c.col): c for c in mine}
        head = "".join(f"<th title='{_e(next((by[(r, col)].labels[template][1] for r in rows if (r, col) in by), ''))}'>"
                       f"{_e(col)}</th>" for col in cols)
        body = []
        for r in rows:
            label = next((by[(r, col)].labels[template][0] for col in cols if (r, col) in by), r)
            tds = []
            for col in cols:
                c = by.get((r, col))
                if c is None:
                    tds.append("<td></td>")
                    continue
                f = facts.get(c.id)
                cls = ["cell", "missing" if f is None else "", "failed" if c.id in bad else "",
                       "corrected" if f is not None and f.get("origin") == "corrected" else ""]
                raw = "" if f is None else (f["raw"] if f["raw"] is not None else "")
                tip = c.id + ("" if f is None or f.get("origin") != "corrected"
                              else f" (extracted: {f.get('extracted_value')})")
                tds.append(f"<td class='{' '.join(x for x in cls if x)}'><input data-cell='{_e(c.id)}' "
                           f"data-orig='{_e(raw)}' value='{_e(raw)}' title='{_e(tip)}'></td>")
            body.append(f"<tr><th class=lbl title='{_e(r)}: {_e(label)}'>{_e(label[:16])}</th>"
                        f"{''.join(tds)}</tr>")
        out.append(f"<h3>{table}</h3><table class=tpl id=tpl-{table}><tr><th></th>{head}</tr>{''.join(body)}</table>")
    return "".join(out)


def page_images(report_id: str, sizes: list[tuple[float, float]], facts: Iterable[Mapping], bad: set[str]) -> str:
    """Each page as an image with the boxes of its extracted cells (positions in % of the page)."""
    by_page: dict[int, list[Mapping]] = {}
    for f in facts:
        if f["page"] is not None and f["bbox"] is not None:
            by_page.setdefault(int(f["page"]), []).append(f)
    out = []
    for n, (w, h) in enumerate(sizes, start=1):
        boxes = []
        for f in by_page.get(n, []):
            x0, top, x1, bottom = f["bbox"]
            cls = "box" + (" failed" if _fact_id(f) in bad else "") + (
                " corrected" if f.get("origin") == "corrected" else "")
            boxes.append(f"<div class='{cls}' data-cell='{_e(_fact_id(f))}' title='{_e(_fact_id(f))}: {_e(f['raw'])}' "
                         f"style='left:{100 * x0 / w:.3f}%;top:{100 * top / h:.3f}%;width:{100 * (x1 - x0) / w:.3f}%;"
                         f"height:{100 * (bottom - top) / h:.3f}%'></div>")
        out.append(f"<div class=page id=page-{n}><img alt='page {n}' src='/page/{quote(report_id)}/{n}.png' "
                   f"loading=lazy>{''.join(boxes)}</div>")
    return "".join(out)


def document_text(doc: Document, facts: Iterable[Mapping]) -> str:
    """A text-like document (HTML, DOCX, text) as paragraphs and its tables, extracted cells highlighted."""
    from review.provenance import parse_locator

    hit: dict[tuple[int, int, int], str] = {}
    for f in facts:
        loc = parse_locator(f.get("locator"))
        if {"table", "row", "col"} <= loc.keys():
            hit[(loc["table"], loc["row"], loc["col"])] = _fact_id(f)
    out, t = [], 0
    for b in doc.blocks:
        if isinstance(b, Paragraph):
            out.append(f"<p>{_e(b.text)}</p>")
            continue
        if not isinstance(b, RawTable):
            continue
        t += 1
        trs = []
        for _r, line in enumerate(b.rows(), start=1):
            tds = []
            for c in line:
                cid = hit.get((t, c.row + 1, c.col + 1))
                line_no = parse_locator(c.locator).get("line")
                attrs = (f" class=hl data-cell='{_e(cid)}' title='{_e(cid)}'" if cid else "") + (
                    f" data-line={line_no}" if line_no else "")
                span = (f" colspan={c.colspan}" if c.colspan > 1 else "") + (f" rowspan={c.rowspan}" if c.rowspan > 1 else "")
                tds.append(f"<td{attrs}{span}>{_e(c.text)}</td>")
            trs.append(f"<tr>{''.join(tds)}</tr>")
        out.append(f"<table id=doc-table-{t}>{''.join(trs)}</table>")
    return f"<div class=txt>{''.join(out)}</div>"


SAVE_JS = """
document.getElementById('save').addEventListener('click', async () => {
  const cells = {};
  document.querySelectorAll('input[data-cell]').forEach(i => {
    if (i.value.trim() !== i.dataset.orig.trim() && (i.value.trim() !== '' || i.dataset.orig !== ''))
      cells[i.dataset.cell] = i.value.trim();
  });
  const body = {report_id: document.body.dataset.report, cells,
    mark: document.getElementById('mark').value, note: document.getElementById('note').value,
    reviewer: document.getElementById('reviewer').value};
  const r = await fetch('/api/save', {method: 'POST', headers: {'Content-Type': 'application/json'},
    body: JSON.stringify(body)});
  const j = await r.json();
  document.getElementById('msg').textContent = r.ok ? `Saved ${j.saved} correction(s) to ${j.file}`
    : `Not saved: ${j.error}`;
  if (r.ok) document.querySelectorAll('input[data-cell]').forEach(i => {
    if (i.dataset.cell in cells) { i.dataset.orig = i.value; i.parentElement.classList.add('corrected'); } });
});
document.querySelectorAll('[data-cell]').forEach(el => el.addEventListener('mouseenter', () => {
  document.querySelectorAll(`[data-cell="${el.dataset.cell}"]`).forEach(o => o.style.outline = '2px solid #bf8700');
}));
document.querySelectorAll('[data-cell]').forEach(el => el.addEventListener('mouseleave', () => {
  document.querySelectorAll(`[data-cell="${el.dataset.cell}"]`).forEach(o => o.style.outline = '');
}));
"""


def report_page(rep: Mapping, source_html: str, form_html: str, checks: list[Mapping]) -> str:
    failed = [c for c in checks if not c["passed"]]
    marks = "".join(f"<option value='{k}'>{_e(v)}</option>" for k, v in REPORT_MARKS.items())
    info = (f"<p><b>{_e(rep['file_name'])}</b> · {_e(rep['status'])} · {_e(rep['province'])} {_e(rep['year'])} · "
            f"template {_e(rep['template'])}{' · reviewed' if rep.get('reviewed') else ''}</p>"
            f"<p class=small>{_e(rep['error'])}</p>"
            + ("<p class=small>failed: " + "; ".join(_e(f"{c['rule']} ({c['detail']})") for c in failed) + "</p>"
               if failed else "")
            + "<p class='legend small'><span style='background:#fff1c2'>missing</span>"
              "<span style='background:#ffd8d3'>in a failed identity</span>"
              "<span style='background:#d3f5dc'>corrected</span></p>")
    controls = (f"<p><label>report <select id=mark><option value=''>cells as typed</option>{marks}</select></label> "
                f"<label>note <input id=note size=30></label> <label>reviewer <input id=reviewer size=10></label> "
                f"<button id=save>save</button><span id=msg></span></p>")
    body = (f"{info}<div class=cols><div class=src id=source>{source_html}</div>"
            f"<div class=form>{controls}{form_html}</div></div>")
    page = layout(rep["file_name"], body, SAVE_JS)
    return page.replace("<body>", f"<body data-report='{_e(rep['report_id'])}'>", 1)


def list_query(params: Mapping[str, list[str]]) -> dict[str, str]:
    return {k: params[k][0] for k in ("status", "province", "year", "rule") if params.get(k) and params[k][0]}


def list_url(query: Mapping[str, str]) -> str:
    return "/?" + urlencode(query)
