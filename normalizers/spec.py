"""The template as data: field ids from fields.csv (:mod:`ogi.fields`) and label patterns from labels.yaml."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from ogi.fields import TEMPLATES, read_fields

HERE = Path(__file__).parent


@dataclass(frozen=True, slots=True)
class RowSpec:
    id: str
    patterns: tuple[re.Pattern[str], ...]
    weak: bool = False
    templates: tuple[str, ...] = TEMPLATES
    fallback: tuple[str, ...] = TEMPLATES
    variants: tuple[str, ...] = ()  # known printed wordings besides the official label (fuzzy-compared)

    def matches(self, label: str) -> bool:
        return any(p.search(label) for p in self.patterns)


@dataclass(frozen=True, slots=True)
class HeadingSpec:
    """A group heading printed above some rows (（三）不予公开 …): it fixes where its rows may sit."""

    id: str
    label: str
    before: str  # the row id the heading is printed above
    until: str = ""  # the last row id of its group ('' = only `before`)
    variants: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TableSpec:
    name: str
    markers: tuple[str, ...]
    rows: tuple[RowSpec, ...] = ()
    columns: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    headings: tuple[HeadingSpec, ...] = ()

    def rows_for(self, template: str) -> tuple[RowSpec, ...]:
        return tuple(r for r in self.rows if template in r.templates)


@dataclass(frozen=True, slots=True)
class Spec:
    tables: dict[str, TableSpec]
    template_markers: dict[str, tuple[str, ...]]
    fields: dict[tuple[str, str, str], tuple[str, ...]]  # (template, table, row) → cols in order
    labels: dict[tuple[str, str, str, str], tuple[str, str]]  # (template, table, row, col) → labels

    def cols(self, template: str, table: str, row: str) -> tuple[str, ...]:
        return self.fields.get((template, table, row), ())


@cache
def load_spec(labels_path: str | None = None, fields_path: str | None = None) -> Spec:
    """Read the shipped (or given) label and field files once per process."""
    lp = Path(labels_path) if labels_path else HERE / "labels.yaml"
    data = yaml.safe_load(lp.read_text(encoding="utf-8"))
    tables: dict[str, TableSpec] = {}
    for name, t in data["tables"].items():
        rows = tuple(
            RowSpec(
                id=r["id"],
                patterns=tuple(re.compile(p) for p in r["match"]),
                weak=bool(r.get("weak", False)),
                templates=tuple(r.get("templates", TEMPLATES)),
                fallback=tuple(r.get("fallback", r.get("templates", TEMPLATES))),
                variants=tuple(r.get("variants", [])),
            )
            for r in t.get("rows", [])
        )
        tables[name] = TableSpec(
            name=name,
            markers=tuple(t.get("markers", [])),
            rows=rows,
            columns=tuple(t.get("columns", [])),
            groups=tuple(t.get("groups", [])),
            headings=tuple(HeadingSpec(id=h["id"], label=h["label"], before=h["before"], until=h.get("until", ""),
                                       variants=tuple(h.get("variants", []))) for h in t.get("headings", [])),
        )
    fields: dict[tuple[str, str, str], list[str]] = {}
    labels: dict[tuple[str, str, str, str], tuple[str, str]] = {}
    for rec in read_fields(fields_path):
        fields.setdefault((rec.template, rec.table, rec.row), []).append(rec.col)
        labels[(rec.template, rec.table, rec.row, rec.col)] = (rec.row_label, rec.col_label)
    markers = {k: tuple(v) for k, v in data["template_markers"].items()}
    return Spec(tables=tables, template_markers=markers, fields={k: tuple(v) for k, v in fields.items()}, labels=labels)
