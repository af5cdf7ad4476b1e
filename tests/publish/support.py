"""Helpers the publish tests share: a small report, the datasets read back, the current version,
and a version turned back into the one-Parquet-index layout of earlier releases."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from ogi.types import Check, Fact, Report, Section
from publish import index_store, versions

KEYS = {"reports": ["report_id"], "facts": ["report_id", "table", "row", "col"],
        "sections": ["report_id", "section"], "checks": ["report_id", "rule"]}


def _report(rid: str, year: int | None = 2020, agency: str = "大水坑镇人民政府", value: float = 3.0,
            carried: tuple[float | None, float | None] = (None, None)) -> Report:
    facts = [Fact("requests", "new_received", "total", value, str(int(value)), page=1, bbox=(1, 2, 3, 4))]
    over, forward = carried
    if over is not None:
        facts.append(Fact("requests", "carried_over", "total", over, str(int(over))))
    if forward is not None:
        facts.append(Fact("requests", "carried_forward", "total", forward, str(int(forward))))
    return Report(report_id=rid, file_name=f"{rid}.txt", sha256="ab" * 32, format="txt", year=year, template="2019",
                  agency=agency, province="宁夏回族自治区", status="ok", facts=facts,
                  sections=[Section(1, "一、总体情况", f"正文 {rid}")], checks=[Check("R1 requests.total", True, "x")])


def _read(out: Path) -> dict[str, pd.DataFrame]:
    """Every dataset through the stable links, sorted, year as a plain nullable int."""
    got = {}
    for name, keys in KEYS.items():
        df = pd.read_parquet(out / name)
        df["year"] = df["year"].astype("Int64")
        got[name] = df.drop(columns=[c for c in ("bbox", "keywords") if c in df]).sort_values(keys + ["year"]) \
            .reset_index(drop=True)
    return got


def _current(out: Path) -> Path:
    return (out / "current").resolve()


def _as_parquet_index(vdir: Path, drop: tuple[str, ...] = ()) -> None:
    """Turn version ``vdir`` into what the previous layout wrote: one ``_index.parquet`` (less the
    columns ``drop``), no Arrow base or delta, a manifest without index entries."""
    index = versions.read_index(vdir)
    for name in index_store.files(vdir):
        (vdir / name).unlink()
    pq.write_table(index.drop_columns(list(drop)), vdir / versions.INDEX)
    doc = json.loads((vdir / versions.MANIFEST).read_text())
    doc.pop("index", None)
    (vdir / versions.MANIFEST).write_text(json.dumps(doc))
    versions._read_index.cache_clear()
    versions._read_manifest.cache_clear()


def _files(vdir: Path) -> dict[str, int]:
    """Data files of version ``vdir`` by the manifest's path (segment folder left out: publish.segments)
    and their inode: the same inode in two versions is one file shared, not rewritten."""
    out = {}
    for folder, _dirs, names in os.walk(vdir, followlinks=True):
        for n in names:
            if n.endswith(".parquet") and not n.startswith("_"):
                rel = Path(folder, n).relative_to(vdir).parts
                logical = rel if len(rel) < 4 else (*rel[:2], rel[-1])
                out["/".join(logical)] = Path(folder, n).stat().st_ino
    return out
