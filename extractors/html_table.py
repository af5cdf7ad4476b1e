"""HTML table cells: text cleaned the CJK way, and the table grid with rowspan/colspan.

Split from :mod:`extractors.html` so the page-level logic (article, blocks) and the
cell-level logic can be read and tested apart.
"""

from __future__ import annotations

import re

from lxml import etree

from ogi.types import Cell, RawTable

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_PUNCT = "\u3000-\u303f\uff00-\uffef\u2018-\u201f\u2026\u2014\u00b7"
_CJK_RE = re.compile(f"[{_CJK}]")
_WS_RE = re.compile(r"[\s\u00a0\u3000\u2002-\u200a\u202f\u205f]+")
_ZW_RE = re.compile("[\u200b-\u200d\u2060\ufeff\x00]")
_CJK_SPACE_RE = re.compile(f"(?<=[{_CJK}{_CJK_PUNCT}]) | (?=[{_CJK}{_CJK_PUNCT}])")
_CJK_EDGE_RE = re.compile(f"[{_CJK}{_CJK_PUNCT}]")
_INT_RE = re.compile(r"\s*(\d+)")
_DROP_TAGS = {"script", "style", "noscript", "iframe", "template", "select", "textarea", "button",
              "object", "embed", "svg", "input", "head", "link", "meta"}
_BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
               "section", "article", "header", "footer", "main", "aside", "blockquote", "center",
               "pre", "address", "figure", "figcaption", "form", "fieldset", "hr", "nav", "caption",
               "tr", "td", "th", "tbody", "thead", "tfoot", "body"}

def clean_text(s: str) -> str:
    """Collapse whitespace (incl. &nbsp;), drop spaces next to CJK; digits stay as they are."""
    s = _WS_RE.sub(" ", _ZW_RE.sub("", s)).strip()
    return _CJK_SPACE_RE.sub("", s) if " " in s else s


def cjk_count(s: str | None) -> int:
    return 0 if not s or s.isascii() else len(_CJK_RE.findall(s))


def _span(el: etree._Element, attr: str, hi: int) -> int:
    v = el.get(attr)
    m = _INT_RE.match(v) if v else None
    return max(1, min(int(m.group(1)), hi)) if m else 1


def table_rows(table: etree._Element) -> list[etree._Element]:
    """The table's own <tr>s (directly or in thead/tbody/tfoot), not those of nested tables.

    Word's zero-height helper row (``<![if !supportMisalignedColumns]>``) is not printed: skipped.
    """
    rows: list[etree._Element] = []
    for child in table:
        if child.tag == "tr":
            rows.append(child)
        elif child.tag in ("thead", "tbody", "tfoot"):
            rows.extend(r for r in child if r.tag == "tr")
    return [r for r in rows if (r.get("height") or "").strip() != "0"]


def cell_text(td: etree._Element) -> str:
    """Text of a cell: one line per <p>/<div>/<br>, each cleaned; Word <span> noise joined."""
    parts: list[str] = []

    def visit(el: etree._Element) -> None:
        if not isinstance(el.tag, str) or el.tag in _DROP_TAGS:
            return
        block = el.tag in _BLOCK_TAGS and el is not td
        if block or el.tag == "br":
            parts.append("\n")
        if el.text:
            parts.append(el.text)
        for child in el:
            visit(child)
            if child.tail:
                parts.append(child.tail)
        if block:
            parts.append("\n")

    visit(td)
    return join_lines([clean_text(x) for x in "".join(parts).split("\n")])


def join_lines(lines: list[str]) -> str:
    """Join a cell's lines: no separator where CJK meets (商业/企业 → 商业企业), else "\n"."""
    out = ""
    for line in filter(None, lines):
        if out:
            out += "" if _CJK_EDGE_RE.match(out[-1]) or _CJK_EDGE_RE.match(line[0]) else "\n"
        out += line
    return out


def build_table(table: etree._Element, source: str = "html") -> RawTable:
    """One Cell per <td>/<th> on the HTML table grid: occupied slots push later cells right."""
    rows = table_rows(table)
    occupied: set[tuple[int, int]] = set()
    cells: list[Cell] = []
    for r, tr in enumerate(rows):
        c = 0
        for td in tr:
            if td.tag not in ("td", "th"):
                continue
            while (r, c) in occupied:
                c += 1
            rs, cs = _span(td, "rowspan", len(rows) - r), _span(td, "colspan", 1000)
            occupied.update((r + i, c + k) for i in range(rs) for k in range(cs))
            cells.append(Cell(text=cell_text(td), row=r, col=c, rowspan=rs, colspan=cs))
            c += cs
    return RawTable(cells=cells, page=None, source=source)
