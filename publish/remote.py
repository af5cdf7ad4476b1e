"""Datasets on object storage: publish to an fsspec URL with a version pointer.

``out`` is a folder (:mod:`publish.local`, symlink swap) or an fsspec URL such as
``s3://bucket/path``. S3 has no rename and no symlink, so a remote publish is:

1. download the current version, merge and write the new version locally with
   :func:`publish.local.publish` (one code path for merging and Y-checks);
2. upload it under a new prefix ``<out>/.versions/<stamp>/`` that no reader uses yet;
3. switch: overwrite the one small object ``<out>/_CURRENT`` (a single PUT, which S3 makes
   visible atomically);
4. mirror the version into the stable prefixes ``<out>/facts`` etc. that
   ``pandas.read_parquet("s3://bucket/path/facts")`` reads: copy the new files (names carry
   the stamp) and then delete the previous ones; finally drop every version but this one and
   the one it replaced. One writer at a time: runs on one machine take a local lock per URL
   (:mod:`publish.dataset_lock`); writers on different machines would still race on the pointer.

Tradeoff: ``_CURRENT`` + ``.versions/`` is consistent at every moment (:func:`read_dataset`
reads through it), and a crash before step 3 leaves the old version current (the half
upload is pruned by the next run). The plain ``facts/`` prefix is a convenience mirror: for
the seconds between the copy and the delete a reader listing it sees old and new files
(duplicate rows), and a reader that listed just before the delete may get a missing-file
error and must retry. A table format (Delta Lake, Iceberg) would remove that window at the
cost of a new dependency for every reader. Each publish downloads the current version (the
local merge hardlinks it), but uploads only the files the new version wrote: the files it shares
with the previous one are copied inside the store (CopyObject), and the mirror copies only files
it does not hold yet (their names carry the stamp of the version that wrote them).
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path

from ogi.errors import OgiError
from ogi.schema import DATASETS
from ogi.settings import cache_dir_for, is_remote
from ogi.types import Report
from publish import index_store, segments
from publish.dataset_lock import dataset_lock
from publish.local import KEEP_VERSIONS, PublishStats, publish
from publish.versions import MANIFEST, read_manifest, read_written_by

log = logging.getLogger(__name__)

POINTER = "_CURRENT"
STORAGE_OPTIONS_ENV = "OGI_STORAGE_OPTIONS"  # JSON, e.g. {"endpoint_url": "http://127.0.0.1:9000"}


def storage_options_from_env() -> dict:
    """fsspec options from $OGI_STORAGE_OPTIONS (credentials stay in the usual AWS_* variables)."""
    raw = os.environ.get(STORAGE_OPTIONS_ENV, "").strip()
    if not raw:
        return {}
    try:
        opts = json.loads(raw)
    except ValueError as e:
        raise OgiError(f"${STORAGE_OPTIONS_ENV} is not JSON: {e}") from e
    if not isinstance(opts, dict):
        raise OgiError(f"${STORAGE_OPTIONS_ENV} must be a JSON object")
    return opts


def _fs(out: str, storage_options: dict | None):
    import fsspec

    opts = storage_options if storage_options is not None else storage_options_from_env()
    fs, root = fsspec.core.url_to_fs(out, **opts)
    return fs, root.rstrip("/")


def current_version(fs, root: str) -> str | None:
    try:
        stamp = fs.cat_file(f"{root}/{POINTER}").decode("utf-8").strip()
    except FileNotFoundError:
        return None
    return stamp or None


def publish_to(reports: list[Report], out: str, storage_options: dict | None = None) -> PublishStats:
    """Publish to a local folder or an fsspec URL, by the same merge rules."""
    if not is_remote(out):
        return publish(reports, out)
    return publish_remote(reports, out, storage_options)


def publish_lock(out: str):
    """The lock one publish into ``out`` holds (re-entrant): the dataset's own for a folder, a
    local one per URL for object storage. A run holds it around its whole publish step."""
    if is_remote(out):
        return dataset_lock(cache_dir_for(out), what=out)
    return dataset_lock(out)


def publish_remote(reports: list[Report], out: str, storage_options: dict | None = None) -> PublishStats:
    """Merge into the remote dataset at ``out``: build locally, upload a new version, switch, mirror."""
    with publish_lock(out):  # runs on this machine wait for each other
        return _publish_remote_locked(reports, out, storage_options)


def _publish_remote_locked(reports: list[Report], out: str, storage_options: dict | None) -> PublishStats:
    fs, root = _fs(out, storage_options)
    cur = current_version(fs, root)
    with tempfile.TemporaryDirectory(prefix="ogi-publish-") as tmp:
        local = Path(tmp) / "dataset"
        if cur is not None:
            vdir = local / ".versions" / cur
            vdir.parent.mkdir(parents=True)
            fs.get(f"{root}/.versions/{cur}/", str(vdir), recursive=True)
            os.symlink(os.path.relpath(vdir, local), local / "current")
        stats = publish(reports, local)
        new = (local / "current").resolve()
        stamp = new.name
        files = read_manifest(new)
        _upload(fs, new, f"{root}/.versions/{stamp}", read_written_by(new),
                f"{root}/.versions/{cur}" if cur is not None else None)
        fs.pipe_file(f"{root}/{POINTER}", stamp.encode("utf-8"))  # the switch
        log.info("published version %s to %s", stamp, out)
    mirror(fs, root, stamp, files)
    prune_versions(fs, root, stamp, cur)
    stats.path = out
    return stats


def _version_files(vdir: Path) -> dict[str, Path]:
    """Every file of local version ``vdir`` by its key in the store: the manifest's own paths (the store
    holds no segment folders, :mod:`publish.segments`: S3 has no links to share them with), the index
    files and the manifest."""
    out = {rel: vdir / segments.physical(rel, meta) for rel, meta in read_manifest(vdir).items()}
    out.update({name: vdir / name for name in index_store.files(vdir)})
    out[MANIFEST] = vdir / MANIFEST
    return out


def _flat_manifest(vdir: Path, to: Path) -> None:
    """The manifest as the store holds it: files without segments (a download is a plain version,
    which the next publish puts into segments of its own)."""
    doc = json.loads((vdir / MANIFEST).read_text(encoding="utf-8"))
    doc["files"] = {rel: {k: v for k, v in meta.items() if k != "seg"} for rel, meta in doc["files"].items()}
    doc.pop("segments", None)
    to.write_text(json.dumps(doc), encoding="utf-8")


def _upload(fs, local: Path, remote: str, files: dict[str, dict] | None = None, previous: str | None = None) -> None:
    """Upload the files this version wrote; copy the ones it shares with ``previous`` inside the
    store (no bytes through this machine); then check each arrived: the pointer must never name a
    partial version."""
    paths = _version_files(local)
    stamp = local.name
    with tempfile.TemporaryDirectory(prefix="ogi-manifest-") as tmp:
        paths[MANIFEST] = Path(tmp) / MANIFEST
        _flat_manifest(local, paths[MANIFEST])
        for rel, path in sorted(paths.items()):
            meta = (files or {}).get(rel)
            if previous is not None and meta is not None and meta.get("by") != stamp:
                fs.copy(f"{previous}/{rel}", f"{remote}/{rel}")
            else:
                fs.put_file(str(path), f"{remote}/{rel}")
    fs.invalidate_cache()
    got = {p[len(remote) + 1:] for p in fs.find(remote)}
    missing = [f for f in sorted(paths) if f not in got]
    if missing:
        raise OgiError(f"upload incomplete, {len(missing)} files missing (first: {missing[0]})", file=remote)


def _mirror_name(rel: str, stamp: str) -> str:
    head, _, base = rel.rpartition("/")
    return f"{head}/v{stamp}-{base}" if head else f"v{stamp}-{base}"


def mirror(fs, root: str, stamp: str, files: dict[str, dict] | None = None) -> None:
    """Make ``<root>/<dataset>/`` show version ``stamp``: copy the files not mirrored yet, then delete
    the others. A mirrored name carries the stamp of the version that wrote the file (``files``:
    the version's manifest), so a file shared by versions is copied once, not at every publish."""
    vroot = f"{root}/.versions/{stamp}"
    fs.invalidate_cache()
    for name in DATASETS:
        src = f"{vroot}/{name}"
        dst = f"{root}/{name}"
        rels = [p[len(src) + 1:] for p in fs.find(src)]
        try:
            have = set(fs.find(dst))
        except FileNotFoundError:
            have = set()
        keep = set()
        for rel in rels:
            by = ((files or {}).get(f"{name}/{rel}") or {}).get("by", stamp)
            target = f"{dst}/{_mirror_name(rel, by)}"
            if target not in have:
                fs.copy(f"{src}/{rel}", target)
            keep.add(target)
        fs.invalidate_cache()
        stale = [p for p in fs.find(dst) if p not in keep]
        if stale:
            fs.rm(stale)


def prune_versions(fs, root: str, current: str, previous: str | None) -> None:
    """Keep the current version and the one it replaced (a reader may still be on it); drop the
    rest, including uploads a crash left unfinished. Stamps are not ordered, so we go by names."""
    fs.invalidate_cache()
    try:
        stamps = [p.rstrip("/").rsplit("/", 1)[-1] for p in fs.ls(f"{root}/.versions", detail=False)]
    except FileNotFoundError:
        return
    keep = {current, previous} if KEEP_VERSIONS > 1 else {current}
    for s in stamps:
        if s not in keep:
            fs.rm(f"{root}/.versions/{s}", recursive=True)


def read_dataset(out: str, name: str, storage_options: dict | None = None):
    """One dataset as a DataFrame, read through the version pointer (consistent during a publish)."""
    import pandas as pd

    if not is_remote(out):
        return pd.read_parquet(Path(out) / name)
    fs, root = _fs(out, storage_options)
    cur = current_version(fs, root)
    if cur is None:
        raise OgiError("no dataset published yet", file=out)
    return pd.read_parquet(f"{root}/.versions/{cur}/{name}", filesystem=fs)


def already_published(reports: list[Report], out: str, storage_options: dict | None = None) -> bool:
    """True when the dataset already holds exactly these reports (same id, content and status):
    a nightly run with nothing new then skips rewriting the dataset."""
    if not reports:
        return False
    try:
        if is_remote(out):
            fs, root = _fs(out, storage_options)
            if current_version(fs, root) is None:
                return False
        elif not (Path(out) / "current").exists():
            return False
        have = read_dataset(out, "reports", storage_options)
    except (OSError, OgiError, ValueError) as e:
        log.info("cannot read the published reports (%s): publishing", e)
        return False
    from publish.settle import base_status  # a status the publish settled (Y checks) compares as the file's own

    known = {(rid, sha, base_status(st, err)[0])
             for rid, sha, st, err in zip(have["report_id"], have["sha256"], have["status"], have["error"])}
    return all((r.report_id, r.sha256, r.status) in known for r in reports)


def dataset_counts(out: str, storage_options: dict | None = None) -> PublishStats:
    """Row counts of the published dataset (from Parquet metadata), for a run that wrote nothing."""
    import pyarrow.dataset as pads

    stats = PublishStats(path=str(out))
    if is_remote(out):
        fs, root = _fs(out, storage_options)
        cur = current_version(fs, root)
        if cur is None:
            return stats
        base, filesystem = f"{root}/.versions/{cur}", fs
    else:
        base, filesystem = str(Path(out) / "current"), None
    for name in DATASETS:
        try:
            n = pads.dataset(f"{base}/{name}", format="parquet", filesystem=filesystem).count_rows()
        except (FileNotFoundError, OSError):
            n = 0
        setattr(stats, name, n)
    return stats
