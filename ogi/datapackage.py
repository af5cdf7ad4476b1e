"""The dataset's ``datapackage.json`` (Frictionless Data Package) and its writing beside the codebook.

Split from :mod:`ogi.codebook` (which documents the variables): this module lists every Parquet
file of a published dataset as a resource. A dataset of 100 000 reports has about a thousand
files, so the package is encoded once per dataset shape and filled in per file (see
``package_bytes``): publishing must cost what changed, not what the dataset holds.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
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
