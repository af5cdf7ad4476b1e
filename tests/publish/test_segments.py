"""Year partitions as shared segment folders (publish.segments): a publish links the segments it does
not change, pandas reads exactly the current rows through the links, a crash at any moment leaves the
previous version readable and no segment behind, and a dataset of the hardlink layout moves over."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from publish import local as pub
from publish import segments, versions
from tests.publish.support import KEYS, _current, _files, _read, _report

ROOT = Path(__file__).resolve().parents[2]


def _links(vdir: Path, name: str, year: int) -> dict[str, str]:
    """Segment links of one dataset-year of a version: name → target."""
    ydir = vdir / name / f"year={year}"
    return {p.name: os.readlink(p) for p in ydir.iterdir() if p.is_symlink()}


def _stored(out: Path) -> set[str]:
    store = out / segments.SEGMENTS
    if not store.is_dir():
        return set()
    return set(os.listdir(store))


def _named(out: Path) -> set[str]:
    return set().union(*(segments.referenced(v) for v in (out / ".versions").iterdir()))


def _same_as_whole(out: Path, reports, tmp: Path) -> None:
    whole = tmp / "whole"
    pub.publish(list({r.report_id: r for r in reports}.values()), whole)
    a, b = _read(out), _read(whole)
    for name in KEYS:
        pd.testing.assert_frame_equal(a[name], b[name], check_like=True, obj=name)


def test_a_publish_into_one_year_links_every_other_years_segments_as_they_were(tmp_path):
    first = [_report(f"r{i}", year=2019 + i % 4) for i in range(40)]
    pub.publish(first, tmp_path)
    before = {(n, y): _links(_current(tmp_path), n, y) for n in KEYS for y in (2019, 2020, 2022)}
    stored = _stored(tmp_path)
    pub.publish([_report("new", 2021)], tmp_path)
    assert {(n, y): _links(_current(tmp_path), n, y) for n in KEYS for y in (2019, 2020, 2022)} == before
    fresh = _stored(tmp_path) - stored  # new segments only where it wrote, and their links there
    assert fresh and fresh == {p.name for n in KEYS for p in (_current(tmp_path) / n / "year=2021").iterdir()} - stored
    assert all(os.path.islink(p) for p in (_current(tmp_path) / "facts" / "year=2021").iterdir())  # no plain file
    _same_as_whole(tmp_path, first + [_report("new", 2021)], tmp_path)


def test_segments_of_a_year_stay_few_over_many_small_publishes(tmp_path, monkeypatch):
    monkeypatch.setattr(versions, "CHUNK", 2)  # one file per report or two, merged as usual
    monkeypatch.setattr(versions, "SMALL", 1)
    monkeypatch.setattr(segments, "SEG", 3)
    monkeypatch.setattr(segments, "MAX_UNDER", 2)
    done = []
    for i in range(24):  # each publish writes one file into 2024
        done.append(_report(f"n{i:02}", 2024))
        pub.publish([done[-1]], tmp_path)
        links = _links(_current(tmp_path), "reports", 2024)
        files = [f for f in versions.read_manifest(_current(tmp_path)) if f.startswith("reports/year=2024/")]
        assert len(links) <= -(-len(files) // 3) + 2 + 1, i  # full segments + MAX_UNDER small + the new one
        assert sorted(pd.read_parquet(tmp_path / "reports")["report_id"]) == [r.report_id for r in done]
    assert _stored(tmp_path) == _named(tmp_path)  # pruned versions took their own segments with them
    _same_as_whole(tmp_path, done, tmp_path)


def test_a_failed_publish_leaves_the_previous_version_and_none_of_its_segments(tmp_path, monkeypatch):
    pub.publish([_report(f"r{i}", 2019 + i % 3) for i in range(9)], tmp_path)
    before, stored = _read(tmp_path), _stored(tmp_path)

    def broken(*a, **k):
        raise OSError("disk went away")

    monkeypatch.setattr(versions.index_store, "write", broken)  # after the segments are written
    with pytest.raises(OSError):
        pub.publish([_report("x", 2020), _report("r1", 2021, value=8.0)], tmp_path)
    monkeypatch.undo()
    for name in KEYS:
        pd.testing.assert_frame_equal(_read(tmp_path)[name], before[name], obj=name)
    assert _stored(tmp_path) == stored and not list((tmp_path / ".versions").glob("*.partial"))


_KILL = """
import os, signal, sys
sys.path.insert(0, {root!r})
from publish import local, segments
from tests.publish.support import _report
real, calls = segments._place_one, []
def dying(*a, **k):
    calls.append(1)
    if len(calls) == {at}:
        os.kill(os.getpid(), signal.SIGKILL)  # a crash: nothing runs after this
    return real(*a, **k)
segments._place_one = dying
local.publish([_report("x", 2020), _report("y", 2021), _report("r1", 2021, value=8.0)], {out!r})
"""


@pytest.mark.parametrize("at", [1, 6])
def test_a_killed_publish_leaves_the_previous_version_readable_and_the_next_sweeps_its_segments(tmp_path, at):
    first = [_report(f"r{i}", 2019 + i % 3) for i in range(9)]
    pub.publish(first, tmp_path)
    before, stored = _read(tmp_path), _stored(tmp_path)
    code = textwrap.dedent(_KILL.format(root=str(ROOT), at=at, out=str(tmp_path)))
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == -9, done.stderr
    assert list((tmp_path / ".versions").glob("*.partial"))  # killed mid-version
    for name in KEYS:  # readers see the previous version, whole
        pd.testing.assert_frame_equal(_read(tmp_path)[name], before[name], obj=name)
    assert _stored(tmp_path) >= stored
    pub.publish([_report("z", 2022)], tmp_path)
    assert _stored(tmp_path) == _named(tmp_path) and not list((tmp_path / ".versions").glob("*.partial"))
    _same_as_whole(tmp_path, first + [_report("z", 2022)], tmp_path)


def _to_hardlink_layout(out: Path) -> None:
    """Turn the dataset into what the layout before segments left: one version whose year folders hold
    the files themselves (hardlinks), a manifest without segments, no segment store."""
    vdir = _current(out)
    doc = json.loads((vdir / versions.MANIFEST).read_text())
    for rel, meta in doc["files"].items():
        phys = vdir / segments.physical(rel, meta)
        if phys != vdir / rel:
            os.link(phys, vdir / rel)
        meta.pop("seg", None)
    doc.pop("segments", None)
    for p in list(vdir.glob("*/year=*/*")):
        if p.is_symlink():
            p.unlink()
    (vdir / versions.MANIFEST).write_text(json.dumps(doc))
    for v in (out / ".versions").iterdir():
        if v != vdir:
            shutil.rmtree(v)
    shutil.rmtree(out / segments.SEGMENTS)
    versions._read_manifest.cache_clear()
    segments._referenced.cache_clear()


def test_a_dataset_of_the_hardlink_layout_moves_into_segments_at_its_next_publish(tmp_path):
    first = [_report(f"r{i}", 2019 + i % 3) for i in range(12)]
    pub.publish(first, tmp_path)
    _to_hardlink_layout(tmp_path)
    inodes = _files(_current(tmp_path))
    assert sorted(pd.read_parquet(tmp_path / "reports")["report_id"]) == sorted(r.report_id for r in first)
    later = [_report("n", 2020), _report("r4", 2021, value=5.0)]
    pub.publish(later, tmp_path)
    vdir = _current(tmp_path)
    assert all(p.is_symlink() for p in vdir.glob("*/year=*/*"))  # every year folder: segments only
    assert all("seg" in m for r, m in versions.read_manifest(vdir).items() if "/year=" in r)
    after = _files(vdir)
    kept = [r for r in inodes if "year=2019" in r]  # untouched files moved over by link, not rewritten
    assert kept and all(after[r] == inodes[r] for r in kept)
    _same_as_whole(tmp_path, first + later, tmp_path)
