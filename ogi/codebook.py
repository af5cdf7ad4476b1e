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
import datetime as dt
import functools
import io
import json
import logging
import os
import re
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyarrow as pa
import yaml

from ogi.fields import TEMPLATES, read_fields
from ogi.harmonize import variables as harmonized_variables
from ogi.schema import DATASETS, PARTITION_COLS

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

def _files(out: Path, name: str) -> list[str]:
    """Parquet files of one dataset, relative to ``out``, through its stable link."""
    root = out / name
    if not root.exists():
        return []
    found = []  # os.walk: a large dataset has thousands of files, and Path.rglob is slow per file
    for folder, _dirs, names in os.walk(root, followlinks=True):
        rel = os.path.relpath(folder, out).replace(os.sep, "/")
        found += [f"{rel}/{n}" for n in names if n.endswith(".parquet")]
    return sorted(found)


def _partition(rel: str) -> str:
    """The year of a file from its hive folder (``reports/year=2023/part-0.parquet`` → "2023"), or "unknown"."""
    parts = rel.split("/")
    return parts[1].split("=", 1)[1] if len(parts) > 2 and parts[1].startswith("year=") else "unknown"


_SAFE = re.compile(r"[a-z0-9._-]*")


def _resource_name(rel: str) -> str:
    """A Frictionless resource name (lower-case letters, digits, ``-._``) unique per file."""
    stem = rel.rsplit("/", 1)[-1].removesuffix(".parquet").lower()
    # the usual name (part-<stamp>-<k>) is safe as it is: no pass per character over thousands of files
    safe = stem if _SAFE.fullmatch(stem) else "".join(ch if ch.isalnum() or ch in "-._" else "-" for ch in stem)
    return f"{rel.split('/', 1)[0]}-{_partition(rel)}-{safe}"


def _fields(name: str, schema: pa.Schema, meanings: dict, labels: dict) -> list[dict]:
    return [{"name": f.name, "title": labels[(name, f.name)][1], "type": table_schema_type(f.type),
             "description": f"{labels[(name, f.name)][0]}. {_meaning(name, f.name, meanings)}"}
            for f in schema if f.name not in PARTITION_COLS]


PACKAGE_META = HERE / "datapackage.yaml"


def package_meta() -> dict:
    """Licence, sources, contributors, keywords of the package (ogi/datapackage.yaml)."""
    return yaml.safe_load(PACKAGE_META.read_text(encoding="utf-8"))


def _dev_version(out: Path) -> str:
    """``dev+<stamp>`` of the published version ``out/current`` points at (a release sets its own)."""
    cur = out / "current"
    stamp = cur.resolve().name if cur.is_symlink() else "unpublished"
    return "dev+" + "".join(ch if ch.isalnum() or ch in "-." else "." for ch in stamp)


def datapackage(out: str | Path, version: str | None = None, created: str | None = None) -> dict:
    """A Frictionless (v2) data package: one resource per Parquet file, then the codebook.

    A hive partition stores ``year`` in its folder name, not in the file, and Frictionless reads
    one file per resource (a multipart path concatenates bytes, which Parquet cannot be), so each
    file is its own resource named ``<dataset>-<year|unknown>-<file>`` with the columns it holds.
    A facts/sections/checks file references the reports file of its partition with the same file
    name (or the only one), so ``frictionless validate`` also checks that every row has its report.
    """
    out = Path(out)
    meanings, labels = column_meanings(), column_labels()
    resources = []
    fields = {name: _fields(name, schema, meanings, labels) for name, schema in DATASETS.items()}  # shared lists
    for name, rel, res, year, target in _file_resources(out):
        resources.append(_file_resource(name, rel, res, year, target, fields[name]))
    resources.append(_CODEBOOK_RESOURCE)
    return {**_package_head(out, version, created), "resources": resources}


def package_text(out: str | Path, version: str | None = None, created: str | None = None) -> str:
    """``datapackage.json`` as :func:`_package_json` writes :func:`datapackage` (see :func:`package_bytes`)."""
    return package_bytes(out, version, created).decode("utf-8")


def package_bytes(out: str | Path, version: str | None = None, created: str | None = None) -> bytes:
    """``datapackage.json`` as :func:`_package_json` writes :func:`datapackage`, UTF-8, faster: a file's
    resource differs from its dataset's others in four strings only, so each dataset's resource
    is encoded once with marks and filled in per file, in bytes joined once (a publish into 100 000
    reports rewrites this file: ~1000 resources of 2.4 kB each, mostly non-ASCII descriptions that
    a str would copy and encode again)."""
    out = Path(out)
    meanings, labels = column_meanings(), column_labels()
    fields = {name: _fields(name, schema, meanings, labels) for name, schema in DATASETS.items()}
    shapes: dict[tuple[str, bool], list[bytes]] = {}
    described: dict[tuple[str, str], bytes] = {}
    head = json.dumps(_package_head(out, version, created), ensure_ascii=False)
    chunks = [(head[:-1] + ', "resources": [\n').encode("utf-8")]
    for name, rel, res, year, target in _file_resources(out):
        parts = shapes.get((name, target is not None))
        if parts is None:
            masked = _file_resource(name, _HOLE, _HOLE, year, _HOLE if target is not None else None, fields[name])
            masked["description"] = _HOLE
            text = json.dumps(masked, ensure_ascii=False).encode("utf-8")
            parts = shapes[(name, target is not None)] = text.split(f'"{_HOLE}"'.encode())
        desc = described.get((name, year))
        if desc is None:
            desc = described[(name, year)] = _json_str(_description(name, year)).encode("utf-8")
        chunks += [parts[0], _json_str(res).encode("utf-8"), parts[1], _json_str(rel).encode("utf-8"), parts[2],
                   desc, parts[3]]
        if target is not None:
            chunks += [_json_str(target).encode("utf-8"), parts[4]]
        chunks.append(b",\n")
    chunks.append(json.dumps(_CODEBOOK_RESOURCE, ensure_ascii=False).encode("utf-8") + b"\n]}\n")
    return b"".join(chunks)


def _json_str(v: str) -> str:
    """``json.dumps(v, ensure_ascii=False)``; a plain ASCII string (every generated name and path) needs no escaping."""
    if v.isascii() and v.isprintable() and '"' not in v and "\\" not in v:
        return f'"{v}"'
    return json.dumps(v, ensure_ascii=False)


_HOLE = "@@ogi-hole@@"  # marks a string to fill in while a dataset's resource is encoded once
_CODEBOOK_RESOURCE = {"name": "codebook", "type": "table", "path": "codebook.csv", "format": "csv",
                      "mediatype": "text/csv", "encoding": "utf-8",
                      "schema": {"fields": [{"name": k, "type": "string"} for k in CSV_FIELDS]}}


def _file_resources(out: Path) -> list[tuple[str, str, str, str, str | None]]:
    """(dataset, path, resource name, year or "unknown", resource name of its reports file or None) per file."""
    files = {name: _files(out, name) for name in DATASETS}
    reports_at: dict[str, list[str]] = {}
    by_base: dict[tuple[str, str], str] = {}  # (partition, file name) → the reports file
    for rel in files["reports"]:
        reports_at.setdefault(_partition(rel), []).append(rel)
        by_base.setdefault((_partition(rel), rel.rsplit("/", 1)[-1]), rel)
    names: dict[str, str] = {}  # a reports file is named once, not once per file it is the target of
    found = []
    for name in DATASETS:
        for rel in files[name]:
            year = _partition(rel)
            same = by_base.get((year, rel.rsplit("/", 1)[-1]))
            only = reports_at.get(year, [])
            target = same or (only[0] if len(only) == 1 else None)
            names[rel] = _resource_name(rel)
            ref = (names.get(target) or _resource_name(target)) if name != "reports" and target else None
            found.append((name, rel, names[rel], year, ref))
    return found


def _description(name: str, year: str) -> str:
    return f"{name}/ rows of report year {year}" if year != "unknown" else f"{name}/ rows whose report year is unknown"


def _file_resource(name: str, rel: str, res: str, year: str, target: str | None, fields: list[dict]) -> dict:
    # pandas turns a null of an integer column into NaN: "nan" is a missing value, never a number here
    res_schema: dict = {"fields": fields, "missingValues": ["", "nan"]}
    if name in PRIMARY_KEYS:
        res_schema["primaryKey"] = PRIMARY_KEYS[name]
    if target is not None:
        res_schema["foreignKeys"] = [{"fields": ["report_id"], "reference": {"resource": target, "fields": ["report_id"]}}]
    return {"name": res, "type": "table", "path": rel, "format": "parquet", "mediatype": "application/vnd.apache.parquet",
            "description": _description(name, year), "schema": res_schema}


def _package_head(out: Path, version: str | None, created: str | None) -> dict:
    created = created or dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return {"$schema": "https://datapackage.org/profiles/2.0/datapackage.json", "name": "ogi-reports",
            "title": "政府信息公开工作年度报告 (Open Government Information annual reports)",
            "description": "Tables and narrative of China's OGI annual reports, one row per cell, section and "
                           "identity check; see codebook.csv. Each Parquet file is one resource: the report year "
                           "is the hive folder name year=YYYY (year_unknown.parquet: not known).",
            "version": version or _dev_version(out), "created": created, **package_meta()}


_FIELDS_MARK = "@@ogi-fields@@"  # stands for the encoded field list while a resource is encoded


def _package_json(pkg: dict) -> str:
    """One resource a line: readable, and written by json's C encoder (``indent`` falls back to the
    pure-Python one, seconds for the thousands of resources of a large dataset)."""
    head = json.dumps({k: v for k, v in pkg.items() if k != "resources"}, ensure_ascii=False)
    encoded: dict[int, str] = {}  # a dataset's field list, shared by its thousands of resources: encoded once
    lines: list[str] = []
    for r in pkg["resources"]:
        fields = r.get("schema", {}).get("fields")
        if not fields:
            lines.append(json.dumps(r, ensure_ascii=False))
            continue
        text = encoded.get(id(fields)) or encoded.setdefault(id(fields), json.dumps(fields, ensure_ascii=False))
        line = json.dumps({**r, "schema": {**r["schema"], "fields": _FIELDS_MARK}}, ensure_ascii=False)
        lines.append(line.replace(f'"{_FIELDS_MARK}"', text, 1))
    return head[:-1] + ', "resources": [\n' + ",\n".join(lines) + "\n]}\n"


def write_codebook(out_dir: str | Path) -> list[Path]:
    """Write ``codebook.csv`` and ``datapackage.json`` beside the dataset at ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in (("codebook.csv", codebook_csv().encode("utf-8")),
                       ("datapackage.json", package_bytes(out))):
        tmp = out / f".{name}.tmp"
        tmp.write_bytes(text)
        tmp.replace(out / name)
        written.append(out / name)
    return written


def write_docs(path: str | Path = DOC) -> Path:
    """Regenerate docs/codebook.md."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(codebook_markdown(), encoding="utf-8")
    return p


if __name__ == "__main__":
    print(write_docs(sys.argv[1] if len(sys.argv) > 1 else DOC))
