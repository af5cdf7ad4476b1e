"""Map neutral tables to the template's stable cell ids, by label, not by position.

Stages, each a small pure function:
  table rows → :class:`Line` (label text + trailing value cells)
  → route each line to a table kind (active / requests / appeals)
  → map lines to row ids by aligning the whole table with the template's ordered rows
    (normalizers/align.py: label similarity, cell counts, group headings; identities settle doubts)
  → facts with the printed text kept in ``raw``.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from normalizers.align import fitted
from normalizers.flattened import parse_flattened, table_region
from normalizers.glued import GluedRow, glued_run, resolve_glued
from normalizers.neighbours import Neighbours
from normalizers.rowmap import map_rows
from normalizers.spec import Spec, TableSpec, load_spec
from normalizers.values import (
    clean_label,
    explicit_zeros,
    impossible_value,
    is_blank,
    parse_value,
    unread_blanks,
)
from ogi.fields import template_for_year
from ogi.types import Block, Cell, Check, Fact, Paragraph

log = logging.getLogger(__name__)

KINDS = ("active", "requests", "appeals")
APPEALS_WIDTH = 15

_SECTION_KIND = (
    (re.compile(r"主动公开政府信息"), "active"),
    (re.compile(r"收到和处理|公开申请情况|依申请公开情况"), "requests"),
    (re.compile(r"行政复议|行政诉讼"), "appeals"),
    (re.compile(r"存在的主要问题|其他需要报告|总体情况"), None),
)
# label words (ending in a CJK character or closing bracket) then two or more digits, dashes or 无/ marks
_GLUED_TAIL = re.compile(r"^(.*[\u4e00-\u9fff）)”\"])\s*([0-9０-９][0-9０-９.,\-—－/无]+)\s*$", re.S)
_HEADING_NUM = re.compile(r"^\s*[#*\s]*[一二三四五六七八九十]+\s*[、.．]")


@dataclass(slots=True)
class Line:
    """One printed table row: its label (cleaned) and the value cells after it."""

    label: str
    values: list[Cell]
    page: int | None = None
    raw: str = ""  # the label cells' text before cleaning (line breaks kept)

    @property
    def numbers(self) -> int:
        return sum(1 for c in self.values if c.text and not c.text.isspace())  # not is_blank(c.text), inlined: hot


@dataclass(slots=True)
class Tables:
    """What the mapping found: facts, which tables, and what went wrong (for people)."""

    template: str | None
    facts: list[Fact] = field(default_factory=list)
    found: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)  # how flattened tables were re-split (S:<table>)
    glued: list[GluedRow] = field(default_factory=list)  # rows whose digits ran together, split later


def split_line(cells: list[Cell], page: int | None = None) -> Line:
    """Label = text up to the last non-value cell; values = the trailing run of value cells."""
    k = len(cells)
    while k > 0 and parse_value(cells[k - 1].text) is not None:
        k -= 1
    j = len(cells)
    while j > 0 and is_blank(cells[j - 1].text):
        j -= 1
    if 1 < j and j - 1 < k and _ALL_DIGITS.fullmatch(cells[j - 1].text.strip()):
        k = j - 1  # a cell of digits run together with dashes ("191---121") is no label: the row's values
        while k > 0 and parse_value(cells[k - 1].text) is not None:
            k -= 1
    elif 0 < j and j - 1 < k and (m := _GLUED_TAIL.match(cells[j - 1].text)):
        # a row's numbers run into its label cell ("（一）予以公开0000000"): the digits are its values, and
        # the empty cells after them only padding (never zeros: they would pad a row that is short)
        c = cells[j - 1]
        cells = [*cells[:j - 1], dataclasses.replace(c, text=m.group(1)), dataclasses.replace(c, text=m.group(2))]
        k = j
    raw = "\n".join(c.text for c in cells[:k])
    pg = next((c.page for c in cells if c.page is not None), page)
    return Line(label=clean_label(raw), values=list(cells[k:]), page=pg, raw=raw)


def fit(values: list[Cell], n: int, keep: str = "last") -> list[Cell] | None:
    """Exactly ``n`` value cells: drop blank padding at the ends, then extra cells; None if short."""
    return fitted(values, n, keep)


def detect_template(texts: list[str], year: int | None, spec: Spec | None = None) -> str | None:
    """2021 or 2019, from markers printed in the tables; the year decides a tie."""
    spec = spec or load_spec()
    blob = clean_label("".join(texts))
    score = {t: sum(blob.count(clean_label(m)) for m in ms) for t, ms in spec.template_markers.items()}
    best = max(score, key=lambda t: score[t])
    if score[best] > 0 and list(score.values()).count(score[best]) == 1:
        return best
    return template_for_year(year)


def classify_table(lines: list[Line], spec: Spec) -> str | None:
    """Which template table a raw table holds, from its label markers; None if unsure."""
    blob = "".join(ln.label for ln in lines)
    score = {name: sum(blob.count(clean_label(m)) for m in t.markers) for name, t in spec.tables.items()}
    if any(ln.numbers >= 10 and not ln.label for ln in lines):
        score["appeals"] += 3
    best = max(score, key=lambda k: score[k])
    return best if score[best] > 0 else None


def section_kind(text: str) -> tuple[bool, str | None]:
    """(is a section heading, table kind it introduces) for a short heading-like paragraph."""
    s = clean_label(text)
    if len(s) > 40 or not _HEADING_NUM.match(text):
        return False, None
    for pat, kind in _SECTION_KIND:
        if pat.search(s):
            return True, kind
    return False, None


def route_lines(blocks: list[Block], spec: Spec) -> dict[str, list[Line]]:
    """Every table line, in reading order, assigned to the table kind it belongs to."""
    out: dict[str, list[Line]] = {k: [] for k in KINDS}
    current: str | None = None  # kind from the latest section heading
    prev_kind: str | None = None
    heading_since = True
    for b in blocks:
        if isinstance(b, Paragraph):
            is_head, kind = section_kind(b.text)
            if is_head:
                current, heading_since = kind, True
            elif prev_kind and not heading_since and (ln := glued_paragraph(b)) is not None:
                out[_line_kind(ln, prev_kind, spec)].append(ln)
            continue
        lines = [split_line(cells, b.page) for cells in b.rows() if cells]
        kind = classify_table(lines, spec)
        if kind is None:
            kind = prev_kind if not heading_since and prev_kind else current
        if kind is None:
            continue
        for ln in lines:
            out[_line_kind(ln, kind, spec)].append(ln)
        prev_kind, heading_since = kind, False
    return out


_HITS: dict[tuple[int, str], tuple[Spec, list[str]]] = {}


_ALL_DIGITS = re.compile(r"[0-9０-９][0-9０-９.,\-—－/无\s]*[0-9０-９]")


def glued_paragraph(p: Paragraph) -> Line | None:
    """A table row printed as a line of text of its own, its numbers run together after its label
    ("规章000", or 表四's "000000000000000"): a text extractor finds no cell edge in it, so it comes
    as a paragraph between the table's rows. Only right after a table (the caller's check)."""
    text = p.text.strip()
    if len(text) > 120 or not (_GLUED_TAIL.match(text) or _ALL_DIGITS.fullmatch(text)):
        return None
    return split_line([Cell(text, 0, 0, page=p.page)], p.page)


def _table_hits(label: str, spec: Spec) -> list[str]:
    """Tables with a row whose strong pattern the label hits; kept per label (labels recur across reports)."""
    hit = _HITS.get((id(spec), label))
    if hit is None or hit[0] is not spec:
        if len(_HITS) > 50000:
            _HITS.clear()
        names = [name for name, t in spec.tables.items() if any(r.matches(label) and not r.weak for r in t.rows)]
        hit = _HITS[(id(spec), label)] = (spec, names)
    return hit[1]


def _line_kind(ln: Line, default: str, spec: Spec) -> str:
    if not ln.label:
        return default
    hits = _table_hits(ln.label, spec)
    if default in hits or not hits:
        return default
    return hits[0]


def _fact(table: str, row: str, col: str, cell: Cell, page: int | None) -> Fact:
    return Fact(
        table=table, row=row, col=col, value=parse_value(cell.text), raw=cell.text,
        page=cell.page if cell.page is not None else page, bbox=cell.bbox, confidence=cell.confidence,
        locator=cell.locator,
    )


def map_active(lines: list[Line], template: str, spec: Spec) -> Tables:
    """Active-disclosure rows by whole-table alignment (normalizers/align.py)."""
    rows = spec.tables["active"].rows_for(template)
    res = Tables(template=template)
    got = map_rows(lines, "active", template, spec, _fact, lambda rid: spec.cols(template, "active", rid),
                   keep="first")
    res.facts, res.problems, res.glued = got.facts, got.problems, got.glued
    if got.rows or got.glued:
        res.found.add("active")
        missing = [r.id for r in rows if r.id not in got.rows + [g.row for g in got.glued]]
        if missing:
            res.problems.append("active rows not found: " + ", ".join(missing))
    return res


def map_requests(lines: list[Line], template: str, spec: Spec) -> Tables:
    """Request rows by whole-table alignment; （六） as one row or as its three sub-rows."""
    t: TableSpec = spec.tables["requests"]
    res = Tables(template=template)
    got = map_rows(lines, "requests", template, spec, _fact, lambda rid: t.columns, keep="last")
    res.facts, res.problems, res.glued = got.facts, got.problems, got.glued
    if got.rows or got.glued:
        res.found.add("requests")
        assigned = set(got.rows) | {g.row for g in got.glued}
        expect = [r.id for r in t.rows_for(template) if r.id != "other" and not r.id.startswith("other.")]
        missing = [r for r in expect if r not in assigned]
        subs = [r.id for r in t.rows if r.id.startswith("other.")]
        if not ("other" in assigned or all(r in assigned for r in subs)):
            missing.append("other" if got.single_other else "other.*")
        if missing:
            res.problems.append("requests rows not found: " + ", ".join(missing))
    return res


def map_appeals(lines: list[Line], spec: Spec) -> Tables:
    t = spec.tables["appeals"]
    res = Tables(template=None)
    # a row of blanks under the header is a row of zeros (zeros printed as blank)
    value_lines = [ln for ln in lines if ln.numbers > 0 or (not ln.label and len(ln.values) >= APPEALS_WIDTH)]
    cells = next((c for c in (fit(ln.values, APPEALS_WIDTH) for ln in value_lines) if c is not None), None)
    if cells is None and value_lines:
        cells = fit([c for ln in value_lines for c in ln.values], APPEALS_WIDTH, keep="first")
    if cells is None or (explicit_zeros(cells) and unread_blanks(cells) is not None):
        if (g := _glued_appeals(value_lines, t)) is not None:
            res.glued.append(g)
            res.found.add("appeals")
            return res
    if cells is None:
        if value_lines:
            n = sum(len(ln.values) for ln in value_lines)
            res.problems.append(f"appeals: {n} value cells printed, {APPEALS_WIDTH} expected")
        return res
    why = unread_blanks(cells) if explicit_zeros(cells) else None
    if why is not None:
        res.problems.append(f"appeals: {why} while the table prints its zeros as marks: "
                            "may be digits run together; left unread")
        return res
    page = value_lines[0].page
    ids = [(g, c) for g in t.groups for c in t.columns]
    res.facts.extend(_fact("appeals", g, c, cell, page) for (g, c), cell in zip(ids, cells))
    res.found.add("appeals")
    return res


def _glued_appeals(lines: list[Line], t: TableSpec) -> GluedRow | None:
    """表四's value lines as one run of digits, when its cells ran together."""
    run = glued_run("", [c for ln in lines for c in ln.values])
    ids = tuple(f"appeals.{g}.{c}" for g in t.groups for c in t.columns)
    if run is None or len(run.text) < len(ids) or not lines:
        return None
    return GluedRow("appeals", "", ids, run, lines[0].page)


def map_tables(blocks: list[Block], year: int | None, spec: Spec | None = None,
               previous: Mapping[str, float] | Neighbours | None = None) -> Tables:
    """All three tables of a report from its blocks; template detected from the labels.

    ``previous``: the same agency's neighbouring years' values (a mapping: the year before), when
    known, to choose splits of run-together digits."""
    spec = spec or load_spec()
    routed = route_lines(blocks, spec)
    if not any(routed.values()):
        return _map_flattened(blocks, year, spec, previous)
    texts = [ln.label for kind in KINDS for ln in routed[kind]]
    texts += [b.text for b in blocks if isinstance(b, Paragraph) and len(b.text) < 80]  # header lines
    template = detect_template(texts, year, spec)
    res = Tables(template=template)
    if template is None:
        if any(routed.values()):
            res.problems.append("template version not recognised (neither 2019 nor 2021 labels)")
        return res
    glued: list[GluedRow] = []
    for part in (map_active(routed["active"], template, spec), map_requests(routed["requests"], template, spec),
                 map_appeals(routed["appeals"], spec)):
        res.facts.extend(part.facts)
        res.found |= part.found
        res.problems.extend(part.problems)
        glued += part.glued
    res.facts, bad = drop_impossible_rows(res.facts)
    res.problems.extend(bad)
    if glued:
        text = "\n".join(b.text for b in blocks if isinstance(b, Paragraph))
        split = resolve_glued(glued, res.facts, template, spec, text, Neighbours.of(previous))
        res.facts.extend(split.facts)
        res.problems.extend(split.problems)
        res.checks.extend(split.checks)
    return res


def drop_impossible_rows(facts: list[Fact]) -> tuple[list[Fact], list[str]]:
    """Rows holding a number no cell of theirs can print (``11211059.86`` under 项目数量) are left unread.

    The whole row goes: its neighbours were cut by the same wrong boundary (the cell after a
    merged run-together one reads as a blank zero)."""
    why: dict[tuple[str, str], str] = {}
    for f in facts:
        reason = impossible_value(f.col, f.value, f.raw)
        if reason and (f.table, f.row) not in why:
            why[(f.table, f.row)] = f"{f.table}.{f.row}.{f.col} printed {f.raw!r}: {reason}; row left unread"
    if not why:
        return facts, []
    return [f for f in facts if (f.table, f.row) not in why], list(why.values())


def _map_flattened(blocks: list[Block], year: int | None, spec: Spec,
                   previous: Mapping[str, float] | Neighbours | None = None) -> Tables:
    """No table anywhere: the source may have flattened its tables into running text."""
    text = "\n".join(b.text for b in blocks if isinstance(b, Paragraph))
    template = detect_template([table_region(text)], year, spec)
    if template is None or not table_region(text):
        return Tables(template=template)
    split = parse_flattened(text, template, spec, previous)
    return Tables(template=template, facts=split.facts, found={f.table for f in split.facts},
                  problems=split.problems, checks=split.checks)
