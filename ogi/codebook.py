"""The codebook: what every column and every cell id of the dataset means.

Generated, never hand-written, from the one schema (``ogi/schema.py``), the template's
cells (``ogi/fields.csv``, official Chinese labels), English labels of the template's rows
and columns (``codebook_cells_en.csv``), column labels and meanings (``codebook_columns.csv``) and
the identities (``codebook_rules.csv``), so it cannot drift from the data. Three outputs:
``docs/codebook.md`` (committed; ``python -m ogi.codebook`` regenerates it),
``<out>/codebook.csv`` and a Frictionless ``<out>/datapackage.json`` beside the dataset.
"""

from __future__ import annotations

import csv
import functools
import io
import logging
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyarrow as pa

from ogi.fields import TEMPLATES, read_fields
from ogi.harmonize import variables as harmonized_variables
from ogi.schema import DATASETS

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
ROOT = HERE.parent
DOC = ROOT / "docs" / "codebook.md"

TABLE_TITLES = {"active": "二、主动公开政府信息情况", "requests": "三、收到和处理政府信息公开申请情况",
                "appeals": "四、政府信息公开行政复议、行政诉讼情况"}
# value kind of a cell by its column id; every other column id is a count
KINDS = {"change": "signed change", "amount": "decimal amount", "amount_10k_yuan": "decimal amount"}
KIND_TEXT = {"int count": "integer ≥ 0 (件, 项, 个 …)",
             "signed change": "integer, negative when the number of items fell (本年增/减)",
             "decimal amount": "money, may have decimals; the unit is in the column label (万元 when stated)"}
PRIMARY_KEYS = {"reports": ["report_id"], "facts": ["report_id", "table", "row", "col"],
                "sections": ["report_id", "section"]}
CSV_FIELDS = ("kind", "variable", "label_zh", "label_en", "dataset", "type", "templates", "row_label_2019", "col_label_2019",
              "row_label_2021", "col_label_2021", "description")


@dataclass(frozen=True, slots=True)
class CellEntry:
    """One template cell: its id, where it is, what it is called in each template version."""

    table: str
    row: str
    col: str
    kind: str
    labels: dict[str, tuple[str, str]]  # template → (row label, column label)

    @property
    def id(self) -> str:
        return f"{self.table}.{self.row}.{self.col}"

    @property
    def templates(self) -> tuple[str, ...]:
        return tuple(t for t in TEMPLATES if t in self.labels)

    @property
    def label_zh(self) -> str:
        """Official label of the latest template printing the cell: 行标签：列标签."""
        row, col = self.labels[self.templates[-1]]
        return f"{row}：{col}"

    @property
    def label_en(self) -> str:
        en = english_labels()
        try:
            return f"{en[('row', self.table, self.row)]}: {en[('col', self.table, self.col)]}"
        except KeyError as e:
            raise KeyError(f"{self.id}: no English label for {e.args[0]} in ogi/codebook_cells_en.csv") from None


def kind_of(col: str) -> str:
    return KINDS.get(col, "int count")


@cache
def cells(fields_path: str | None = None) -> tuple[CellEntry, ...]:
    """Every field id of fields.csv once, in template order (2019-only and 2021-only included)."""
    order: dict[tuple[str, str, str], dict[str, tuple[str, str]]] = {}
    for r in read_fields(fields_path):
        order.setdefault((r.table, r.row, r.col), {})[r.template] = (r.row_label, r.col_label)
    by_table: dict[str, list[CellEntry]] = {}
    for (t, row, col), labels in order.items():
        by_table.setdefault(t, []).append(CellEntry(t, row, col, kind_of(col), labels))
    return tuple(c for t in by_table for c in by_table[t])


def _read_csv(name: str) -> list[dict[str, str]]:
    with (HERE / name).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def column_meanings() -> dict[tuple[str, str], str]:
    return {(r["dataset"], r["column"]): r["meaning"] for r in _read_csv("codebook_columns.csv")}


def column_labels() -> dict[tuple[str, str], tuple[str, str]]:
    """(dataset, column) → (Chinese label, English label)."""
    return {(r["dataset"], r["column"]): (r["label_zh"], r["label_en"]) for r in _read_csv("codebook_columns.csv")}


@cache
def english_labels() -> dict[tuple[str, str, str], str]:
    """(axis row|col, table, id) → English label of a template row or column."""
    return {(r["axis"], r["table"], r["id"]): r["label_en"] for r in _read_csv("codebook_cells_en.csv")}


def rules() -> list[dict[str, str]]:
    return _read_csv("codebook_rules.csv")


def arrow_type(t: pa.DataType) -> str:
    """Short readable type: string, int32, float64, list<string>, list<float32>[4] …"""
    if pa.types.is_fixed_size_list(t):
        return f"list<{t.value_type}>[{t.list_size}]"
    if pa.types.is_list(t):
        return f"list<{t.value_type}>"
    return "bool" if pa.types.is_boolean(t) else str(t)


def table_schema_type(t: pa.DataType) -> str:
    """The Frictionless Table Schema type of an Arrow type."""
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return "string"
    if pa.types.is_integer(t):
        return "integer"
    if pa.types.is_floating(t) or pa.types.is_decimal(t):
        return "number"
    if pa.types.is_boolean(t):
        return "boolean"
    return "any"  # lists too: Frictionless reads Parquet through pandas, whose numpy arrays no "array" accepts


def _meaning(dataset: str, column: str, meanings: dict[tuple[str, str], str]) -> str:
    try:
        return meanings[(dataset, column)]
    except KeyError:
        raise KeyError(f"column {dataset}.{column} has no meaning in ogi/codebook_columns.csv") from None


# ---- CSV --------------------------------------------------------------------------------------

def codebook_rows() -> list[dict[str, str]]:
    """Long format: one row per dataset column, per identity and per template cell."""
    meanings, labels = column_meanings(), column_labels()
    out: list[dict[str, str]] = []
    for name, schema in DATASETS.items():
        for f in schema:
            zh, en = labels[(name, f.name)]
            out.append({"kind": "column", "variable": f.name, "label_zh": zh, "label_en": en, "dataset": name,
                        "type": arrow_type(f.type), "description": _meaning(name, f.name, meanings)})
    for r in rules():
        out.append({"kind": "rule", "variable": r["rule"], "label_zh": r["label_zh"], "label_en": r["label_en"],
                    "dataset": "checks", "description": f"{r['scope']}: {r['text']}"})
    for c in cells():
        row = {"kind": "cell", "variable": c.id, "label_zh": c.label_zh, "label_en": c.label_en, "dataset": "facts",
               "type": c.kind, "templates": " ".join(c.templates), "description": KIND_TEXT[c.kind]}
        for t, (rl, cl) in c.labels.items():
            row[f"row_label_{t}"], row[f"col_label_{t}"] = rl, cl
        out.append(row)
    kinds = {c.id: c.kind for c in cells()}
    for v in harmonized_variables():
        out.append({"kind": "harmonized", "variable": v.id, "label_zh": v.label_zh, "label_en": v.label_en,
                    "dataset": "wide (harmonized)", "type": kinds[v.alternatives[0][0]], "templates": " ".join(TEMPLATES),
                    "description": f"{v.formula} — {v.note}"})
    return [{k: r.get(k, "") for k in CSV_FIELDS} for r in out]


@functools.lru_cache(maxsize=1)
def codebook_csv() -> str:  # the same text at every publish of a process (fields.csv does not change under it)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_FIELDS, lineterminator="\n")
    w.writeheader()
    w.writerows(codebook_rows())
    return buf.getvalue()


# ---- Markdown ---------------------------------------------------------------------------------

def _md_cell(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ")


def _labels(c: CellEntry, i: int) -> str:
    texts = {t: c.labels[t][i] for t in c.templates}
    if len(set(texts.values())) == 1:
        return _md_cell(next(iter(texts.values())))
    return " / ".join(f"{_md_cell(v)} ({t})" for t, v in texts.items())


HARMONIZED_TEXT = (
    "`load(..., wide=True)` has one column per cell id of both templates, always the same columns in the same "
    "order (null where a report's template has no such cell). `load(..., wide=True, harmonized=True)` has instead "
    "the variables below, which mean the same under both templates: the cells printed in both with the same "
    "meaning, and the derived ones of `ogi/harmonized.csv` (the first alternative whose cells are all present; "
    "`+` sums). The other `active` columns changed meaning in 2021 (新制作/对外公开总数 → 制发/废止/现行有效) and "
    "are not harmonized. Counts are nullable integers (`Int64`), amounts nullable decimals (`Float64`).")


USAGE = """\
```python
import pandas as pd
facts = pd.read_parquet("data/dataset/facts")            # one row per cell

from ogi.loader import load
wide = load("data/dataset", wide=True)                   # one row per report, a column per cell id
panel = load("data/dataset", wide=True, harmonized=True) # the variables comparable across templates
d = load("data/dataset", years=[2023, 2024], provinces=["江苏省"], tables=("reports", "facts"))

import duckdb                                            # DuckDB and polars: the loader reads the
from ogi.loader import duckdb_views, scan_polars         # year= partitions and year_unknown.parquet
con = duckdb.connect(); duckdb_views(con, "data/dataset")
con.sql("SELECT year, sum(value) FROM facts WHERE row = 'new_received' AND col = 'total' GROUP BY year")
scan_polars("data/dataset", "checks").collect()
```"""


def codebook_markdown() -> str:
    """The whole codebook as Markdown (docs/codebook.md)."""
    meanings, labels = column_meanings(), column_labels()
    out = ["# Codebook", "",
           "<!-- generated by ogi/codebook.py from ogi/schema.py, ogi/fields.csv, ogi/codebook_columns.csv"
           " and ogi/codebook_rules.csv; do not edit: run `.venv/bin/python -m ogi.codebook` -->", "",
           "Four Parquet datasets, hive-partitioned by `year=` (rows whose year is unknown are in "
           "`year_unknown.parquet` at each dataset's root), joined by `report_id`. "
           "`ogi run` also writes this codebook beside the dataset as `codebook.csv` and a Frictionless "
           "`datapackage.json`.", "", "## Reading it", "", USAGE, "", "## Datasets and columns", ""]
    for name, schema in DATASETS.items():
        key = PRIMARY_KEYS.get(name)
        out += [f"### `{name}/`" + (f" (one row per {', '.join(key)})" if key else ""), "",
                "| column | label | type | meaning |", "| --- | --- | --- | --- |"]
        out += [f"| `{f.name}` | {' / '.join(labels[(name, f.name)])} | {arrow_type(f.type)} | "
                f"{_md_cell(_meaning(name, f.name, meanings))} |" for f in schema]
        out.append("")
    out += ["## Identities (勾稽关系) in `checks/`", "", "`rule` starts with the id; `passed` says whether the "
            "printed numbers satisfy it. Printed numbers are never corrected.", "",
            "| id | label | checked for | identity |", "| --- | --- | --- | --- |"]
    out += [f"| {r['rule']} | {r['label_zh']} / {r['label_en']} | {_md_cell(r['scope'])} | {_md_cell(r['text'])} |"
            for r in rules()]
    out += ["", "## Cell values", "", "`facts.value` by the kind of cell:", "", "| kind | values |", "| --- | --- |"]
    out += [f"| {k} | {v} |" for k, v in KIND_TEXT.items()]
    out += ["", "## Cells", "", "Field id `table.row.col` (the `facts` columns `table`, `row`, `col`; the column "
            "name in `load(..., wide=True)`), with the official labels of each template version "
            "(`2019`: years 2019–2020, `2021`: 2021 onward). Real reports vary the labels; the ids stay the same.", ""]
    by_table: dict[str, list[CellEntry]] = {}
    for c in cells():
        by_table.setdefault(c.table, []).append(c)
    for table, entries in by_table.items():
        out += [f"### `{table}` — {TABLE_TITLES.get(table, table)} ({len(entries)} cells)", "",
                "| field id | row label | column label | templates | kind | English label |",
                "| --- | --- | --- | --- | --- | --- |"]
        out += [f"| `{c.id}` | {_labels(c, 0)} | {_labels(c, 1)} | {' '.join(c.templates)} | {c.kind} | "
                f"{_md_cell(c.label_en)} |" for c in entries]
        out.append("")
    out += ["## Harmonized variables (both templates)", "", HARMONIZED_TEXT, "",
            "| variable | label | English label | computed as |", "| --- | --- | --- | --- |"]
    out += [f"| `{v.id}` | {_md_cell(v.label_zh)} | {_md_cell(v.label_en)} | "
            f"{'same cell id' if v.formula == v.id else '`' + v.formula.replace('|', '` or `') + '`'} |"
            for v in harmonized_variables()]
    out.append("")
    return "\n".join(out)


# ---- Frictionless data package ----------------------------------------------------------------

def write_docs(path: str | Path = DOC) -> Path:
    """Regenerate docs/codebook.md."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(codebook_markdown(), encoding="utf-8")
    return p


if __name__ == "__main__":
    print(write_docs(sys.argv[1] if len(sys.argv) > 1 else DOC))
