"""A version's year partitions as shared segment folders: the files a publish did not change cost it nothing.

A version folder holds, per dataset and year, one symlink per segment; the files live in the segments::

    .versions/<stamp>/facts/year=2020/<seg> -> ../../../../.segments/<seg>
    .segments/<seg>/part-<stamp>-<k>.parquet    (never modified once written)

pyarrow (``pandas.read_parquet``, its hive discovery) follows the links and ignores folder names
without ``=``, so ``pd.read_parquet(out + "/facts")`` reads exactly the current version's files and
takes ``year`` from ``year=``; DuckDB and polars read ``year=*/*/*.parquet`` (:mod:`ogi.loader`).
With one hardlink per file, a version cost every file of the dataset to link and, once pruned,
to unlink (~1000 files at 100 000 reports, 0.1 s of the 0.25 s a publish of 50 took).

A segment holds at most SEG files and never changes. A publish re-makes only the segments that lose
a file (their other files hardlinked into new segments, together with the files it wrote) and shares
every other one with a symlink: per dataset-year, a few links for ~SEG files each. Publishes that only
add leave small segments behind; once a dataset-year holds more than MAX_UNDER of them, the smallest are
packed together. The manifest (:mod:`publish.versions`) names each file's segment (``seg``); a file
without one is a plain file of the hardlink layout before segments, repacked by its next publish.
Segments no complete version names are removed under the dataset lock (:func:`collect`, :func:`sweep`).
A segment's name is short (``<12 hex of its version's stamp>-<k>``) so its link's target fits in the
inode (ext4 stores up to 59 bytes there; a longer target costs a data block: a symlink took ~0.4 ms).
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import logging
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

log = logging.getLogger(__name__)

SEGMENTS = ".segments"
SEG = 16  # files per segment: re-making one links at most this many
MAX_UNDER = 4  # segments below SEG files one dataset-year may hold before the smallest are packed together
UP = "../../../.."  # from <version>/<dataset>/year=YYYY/ back to the dataset folder


def part_of(rel: str) -> tuple[str, int] | None:
    """(dataset, year) of a file of a year partition (``facts/year=2020/part-1.parquet``), else None."""
    parts = rel.split("/")
    if len(parts) != 3 or not parts[1].startswith("year="):
        return None
    return parts[0], int(parts[1][5:])


def prefix(stamp: str) -> str:
    """What the names of the segments version ``stamp`` writes start with."""
    return hashlib.blake2b(stamp.encode("utf-8"), digest_size=6).hexdigest() + "-"


def physical(rel: str, meta: dict) -> str:
    """Where file ``rel`` of the manifest is inside a version folder (through its segment's link)."""
    seg = meta.get("seg")
    if seg is None:
        return rel
    head, _, base = rel.rpartition("/")
    return f"{head}/{seg}/{base}"


def place(old: Path | None, dest: Path, stamp: str, oldman: dict[str, dict], files: dict[str, dict],
          dropped: set[str]) -> list[str]:
    """Put version ``dest``'s year-partition files into segments and link them in.

    ``files``: the new version's manifest (entries written by ``stamp`` sit as plain files under
    ``dest``; the others are ``oldman``'s, carried over); ``dropped``: ``oldman``'s files not carried.
    Sets ``seg`` on every year-partition entry of ``files`` (new dicts: ``oldman``'s are left alone);
    returns the segments the version names (for its manifest)."""
    store = dest.parent.parent / SEGMENTS
    segs: dict[tuple[str, int], dict[str | None, list[str]]] = {}
    for rel, meta in oldman.items():
        if (k := part_of(rel)) is not None:
            segs.setdefault(k, {}).setdefault(meta.get("seg"), []).append(rel)
    new: dict[tuple[str, int], list[str]] = {}
    for rel, meta in files.items():
        if meta["by"] == stamp and (k := part_of(rel)) is not None:
            new.setdefault(k, []).append(rel)
    gone: dict[tuple[str, int], set[str]] = {}
    for rel in dropped:
        if (k := part_of(rel)) is not None:
            gone.setdefault(k, set()).add(rel)
    named: list[str] = []
    names = (f"{prefix(stamp)}{k}" for k in itertools.count())
    for key in sorted(set(segs) | set(new)):
        named += _place_one(key, old, dest, store, names, segs.get(key, {}), new.get(key, []),
                            gone.get(key, set()), oldman, files)
    return named


def _place_one(key: tuple[str, int], old: Path | None, dest: Path, store: Path, names: Iterator[str],
               segs: dict[str | None, list[str]], new: list[str], gone: set[str], oldman: dict[str, dict],
               files: dict[str, dict]) -> list[str]:
    """One dataset-year: re-make the segments that lose a file, with the new files; link in every segment
    (returned)."""
    name, year = key
    touched = {s for s, rels in segs.items() if s is None or not gone.isdisjoint(rels)}
    keep = {s: rels for s, rels in segs.items() if s not in touched}
    pool = sorted(r for s in touched for r in segs[s] if r not in gone) + sorted(new)
    under = sorted((len(rels), s) for s, rels in keep.items() if len(rels) < SEG)  # type: ignore[type-var]
    while under and len(under) + (1 if len(pool) % SEG else 0) > MAX_UNDER:
        _n, s = under.pop(0)  # pack the smallest small segments together
        pool = sorted(keep.pop(s)) + pool
    fresh = set(new)
    ydir = dest / name / f"year={year}"
    made = []
    for i in range(0, len(pool), SEG):
        seg = next(names)
        sdir = store / seg
        sdir.mkdir(parents=True)
        for rel in pool[i:i + SEG]:
            base = rel.rsplit("/", 1)[-1]
            if rel in fresh:
                os.rename(dest / rel, sdir / base)
            else:
                src = old / physical(rel, oldman[rel])  # type: ignore[operator]
                try:
                    os.link(src, sdir / base)
                except OSError:  # no hardlinks here: a copy is as good (the file is immutable)
                    shutil.copy2(src, sdir / base)
            files[rel] = {**files[rel], "seg": seg}
        made.append(seg)
    linked = sorted(keep) + made  # type: ignore[type-var]
    if not linked:
        if ydir.is_dir() and not any(ydir.iterdir()):
            ydir.rmdir()
        return []
    ydir.mkdir(parents=True, exist_ok=True)
    for seg in linked:
        os.symlink(f"{UP}/{SEGMENTS}/{seg}", ydir / seg)
    return linked


def named(files: dict[str, dict]) -> list[str]:
    """The segments (folders under ``.segments``) a manifest's files are in."""
    return sorted({meta["seg"] for meta in files.values() if meta.get("seg") is not None})


def referenced(vdir: Path) -> set[str]:
    """The segments version ``vdir`` names (its manifest lists them; a finished version never changes)."""
    return _referenced(str(vdir))


@functools.lru_cache(maxsize=8)
def _referenced(vdir: str) -> frozenset[str]:
    try:
        doc = json.loads(Path(vdir, "_manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return frozenset()
    return frozenset(doc["segments"] if "segments" in doc else named(doc.get("files", {})))


def collect(out: Path, gone: list[Path], kept: list[Path]) -> int:
    """Remove the segments versions ``gone`` (being pruned) name and no version of ``kept`` does.
    Call before ``gone`` are deleted (their manifests say what they held). Returns how many went."""
    doomed = set().union(*(referenced(v) for v in gone)) if gone else set()
    if doomed:
        doomed -= set().union(*(referenced(v) for v in kept))
    for seg in doomed:
        shutil.rmtree(out / SEGMENTS / seg, ignore_errors=True)
    return len(doomed)


def sweep(out: Path, complete: list[Path]) -> int:
    """Remove every segment no version of ``complete`` names: what a crashed publish left (one pass
    over the store, so only after a crash). Returns how many went."""
    store = out / SEGMENTS
    if not store.is_dir():
        return 0
    live = set().union(*(referenced(v) for v in complete)) if complete else set()
    n = 0
    for seg in os.listdir(store):
        if seg not in live:
            shutil.rmtree(store / seg, ignore_errors=True)
            n += 1
    if n:
        log.info("dataset %s: removed %d segments no version names (left by a crash)", out, n)
    return n


def discard(out: Path, stamp: str) -> None:
    """Remove the segments a failed publish ``stamp`` wrote (their names start with :func:`prefix`)."""
    store = out / SEGMENTS
    if not store.is_dir():
        return
    mine = prefix(stamp)
    for seg in os.listdir(store):
        if seg.startswith(mine):
            shutil.rmtree(store / seg, ignore_errors=True)
