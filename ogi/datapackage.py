"""The dataset's ``datapackage.json`` (Frictionless Data Package) and its writing beside the codebook.

Split from :mod:`ogi.codebook` (which documents the variables): this module lists each dataset's
year folders (and its unknown-year file) as resources, so the package costs a publish what the
years are, not what the dataset holds.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pyarrow as pa
import yaml

from ogi.codebook import (
    CSV_FIELDS,
    HERE,
    PRIMARY_KEYS,
    _meaning,
    codebook_csv,
    column_labels,
    column_meanings,
    table_schema_type,
)
from ogi.schema import DATASETS, PARTITION_COLS


def _parts(out: Path, name: str) -> list[str]:
    """The resources of one dataset, relative to ``out``, through its stable link: each ``year=YYYY``
    folder, then ``year_unknown.parquet``. One listing of the dataset folder: a year folder holds
    segment links and files (:mod:`publish.segments`), which a publish must not walk."""
    root = out / name
    if not root.is_dir():
        return []
    names = os.listdir(root)
    years = sorted(n for n in names if n.startswith("year=") and (root / n).is_dir())
    return [f"{name}/{y}" for y in years] + ([f"{name}/{UNKNOWN}"] if UNKNOWN in names else [])


UNKNOWN = "year_unknown.parquet"


def _partition(rel: str) -> str:
    """The year of a resource from its hive folder (``reports/year=2023`` → "2023"), or "unknown"."""
    parts = rel.split("/")
    return parts[1].split("=", 1)[1] if len(parts) > 1 and parts[1].startswith("year=") else "unknown"


def _resource_name(rel: str) -> str:
    """A Frictionless resource name (lower-case letters, digits, ``-._``): ``<dataset>-<year|unknown>``."""
    return f"{rel.split('/', 1)[0]}-{_partition(rel)}"


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
    """A Frictionless (v2) data package: one resource per dataset and year, then the codebook.

    A hive partition stores ``year`` in its folder name, not in the files, so each ``year=YYYY``
    folder is one resource (``<dataset>-<year>``, the columns its files hold; Frictionless reads a
    Parquet folder as one table through pyarrow, segments and all) and ``year_unknown.parquet``
    another (``<dataset>-unknown``). One resource per file listed ~1000 at 100 000 reports and cost
    every publish a 2.5 MB rewrite; a year folder's resource never changes. A facts/sections/checks
    resource references the reports resource of its year, so ``frictionless validate`` also checks
    that every row has its report.
    """
    out = Path(out)
    meanings, labels = column_meanings(), column_labels()
    fields = {name: _fields(name, schema, meanings, labels) for name, schema in DATASETS.items()}  # shared lists
    resources = [_file_resource(name, rel, res, year, target, fields[name])
                 for name, rel, res, year, target in _file_resources(out)]
    resources.append(_CODEBOOK_RESOURCE)
    return {**_package_head(out, version, created), "resources": resources}


def package_text(out: str | Path, version: str | None = None, created: str | None = None) -> str:
    """``datapackage.json`` as :func:`write_codebook` writes it."""
    return _package_json(datapackage(out, version, created))


_CODEBOOK_RESOURCE = {"name": "codebook", "type": "table", "path": "codebook.csv", "format": "csv",
                      "mediatype": "text/csv", "encoding": "utf-8",
                      "schema": {"fields": [{"name": k, "type": "string"} for k in CSV_FIELDS]}}


def _file_resources(out: Path) -> list[tuple[str, str, str, str, str | None]]:
    """(dataset, path, resource name, year or "unknown", resource name of its year's reports or None) per resource."""
    parts = {name: _parts(out, name) for name in DATASETS}
    reports = {_partition(rel) for rel in parts["reports"]}
    found = []
    for name in DATASETS:
        for rel in parts[name]:
            year = _partition(rel)
            target = f"reports-{year}" if name != "reports" and year in reports else None
            found.append((name, rel, _resource_name(rel), year, target))
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
                           "identity check; see codebook.csv. Each dataset's year=YYYY folder is one resource (its "
                           "Parquet files, in segment folders), year_unknown.parquet another (year not known).",
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
                       ("datapackage.json", package_text(out).encode("utf-8"))):
        tmp = out / f".{name}.tmp"
        tmp.write_bytes(text)
        tmp.replace(out / name)
        written.append(out / name)
    return written
