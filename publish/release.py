"""``ogi release``: a frozen, citable copy of the dataset as it stands.

``<out>/releases/<version>/`` (or ``--to``) receives a copy of the current version's four datasets,
``codebook.csv``, ``quality.html`` and ``corrections.csv`` when present, then ``datapackage.json``
(with the version), ``CITATION.cff`` (CFF 1.2.0, from ``publish/citation.yaml``), ``CHANGELOG.md``
(what changed since the previous release of this dataset) and ``SHA256SUMS`` (``sha256sum -c``
format, every other file). The copy is written beside its destination and renamed into place, so a
release is either whole or absent. Releases made are listed in ``<out>/releases/index.json``,
which is how the next release finds the previous one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

from ogi.codebook import codebook_csv
from ogi.datapackage import datapackage
from ogi.errors import OgiError
from ogi.schema import DATASETS
from publish.changelog import changelog

log = logging.getLogger(__name__)

CITATION = Path(__file__).with_name("citation.yaml")
INDEX = "index.json"
SUMS = "SHA256SUMS"
EXTRAS = ("quality.html", "corrections.csv")  # copied when the dataset has them
_VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._+-]{0,63}$")


@dataclass(frozen=True, slots=True)
class Release:
    version: str
    path: Path
    previous: str | None
    files: int


def release(out: str | Path, version: str, to: str | Path | None = None,
            today: dt.date | None = None) -> Release:
    """Freeze the current dataset at ``out`` as release ``version``; raises OgiError on a user error."""
    out = Path(out)
    if not _VERSION.match(version or ""):
        raise OgiError(f"bad release version {version!r}: use letters, digits and . _ + - (e.g. 2026.1 or v1.0.0)")
    cur = out / "current"
    if not cur.exists():
        raise OgiError(f"no published dataset at {out}: run `ogi run --out {out}` first")
    dest = Path(to) if to else out / "releases" / version
    if dest.exists():
        raise OgiError(f"release {version} already exists at {dest}: choose another version")
    index = _read_index(out)
    if any(r["version"] == version for r in index):
        raise OgiError(f"release {version} was already made (see {out / 'releases' / INDEX}): choose another version")
    today = today or dt.date.today()
    prev = next((r for r in reversed(index) if Path(r["path"]).is_dir()), None)
    tmp = dest.with_name(f".{dest.name}.partial-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        src = cur.resolve()
        for name in DATASETS:
            shutil.copytree(src / name, tmp / name, copy_function=shutil.copy2)
        (tmp / "codebook.csv").write_text(codebook_csv(), encoding="utf-8")
        for extra in EXTRAS:
            if (out / extra).is_file():
                shutil.copy2(out / extra, tmp / extra)
        pkg = datapackage(tmp, version=version, created=f"{today.isoformat()}T00:00:00Z")
        (tmp / "datapackage.json").write_text(json.dumps(pkg, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        (tmp / "CITATION.cff").write_text(citation(version, today), encoding="utf-8")
        prev_path = Path(prev["path"]) if prev else None
        text = changelog(tmp, version, today, prev_path, prev["version"] if prev else None)
        (tmp / "CHANGELOG.md").write_text(text, encoding="utf-8")
        n = write_sums(tmp)
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.rename(tmp, dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _write_index(out, [*index, {"version": version, "path": str(dest.resolve()), "released": today.isoformat()}])
    log.info("release %s: %d files at %s", version, n, dest)
    return Release(version=version, path=dest, previous=prev["version"] if prev else None, files=n + 1)


def citation(version: str, today: dt.date) -> str:
    """CITATION.cff text: publish/citation.yaml plus this release's version and date."""
    meta = yaml.safe_load(CITATION.read_text(encoding="utf-8"))
    meta.update({"version": version, "date-released": today.isoformat()})
    return yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=100)


def write_sums(folder: Path) -> int:
    """``SHA256SUMS`` of every file under ``folder`` (sorted, ``sha256sum -c`` format); returns their number."""
    lines = []
    for p in sorted(q for q in folder.rglob("*") if q.is_file() and q.name != SUMS):
        h = hashlib.sha256()
        with p.open("rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        lines.append(f"{h.hexdigest()}  {p.relative_to(folder).as_posix()}")
    (folder / SUMS).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


def _read_index(out: Path) -> list[dict]:
    p = out / "releases" / INDEX
    return json.loads(p.read_text(encoding="utf-8")) if p.is_file() else []


def _write_index(out: Path, entries: list[dict]) -> None:
    p = out / "releases" / INDEX
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(entries, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, p)
