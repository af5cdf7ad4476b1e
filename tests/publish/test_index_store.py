"""The version index as a shared base plus a delta (issue 12): a publish writes the rows it changed,
the index read back is always the dataset's, and a dataset of the one-Parquet-index layout is
published into and moved to the new one."""

from __future__ import annotations

import random
from pathlib import Path

import pandas as pd
import pyarrow.feather as feather
import pyarrow.parquet as pq

from ogi.types import Report
from publish import index_store, versions
from publish import local as pub
from tests.publish.support import KEYS, _as_parquet_index, _current, _read, _report


def _index_matches_files(out: Path) -> None:
    """Every report of the dataset has one index row naming the file that holds it, and no other row."""
    vdir = _current(out)
    versions._read_index.cache_clear()
    index = versions.read_index(vdir).to_pandas()
    assert not index["report_id"].duplicated().any()
    held = {}
    for rel in versions.read_manifest(vdir):
        if rel.startswith("reports/"):
            for rid in pq.read_table(versions.file_path(vdir, rel), columns=["report_id"])["report_id"].to_pylist():
                held[rid] = rel.rsplit("/", 1)[-1].removesuffix(".parquet")
    assert dict(zip(index["report_id"], index["file"])) == held


def test_a_small_publish_writes_a_delta_and_shares_the_base(tmp_path):
    pub.publish([_report(f"r{i}", 2019 + i % 3) for i in range(30)], tmp_path)
    first = _current(tmp_path)
    assert index_store.files(first) == [index_store.BASE]
    pub.publish([_report("new", 2021), _report("r4", 2020, value=9.0)], tmp_path)
    second = _current(tmp_path)
    assert (second / index_store.BASE).stat().st_ino == (first / index_store.BASE).stat().st_ino
    delta = feather.read_table(second / index_store.DELTA)
    # the new report, r4 and the 2020 reports that shared r4's file (rewritten without it): no others
    assert set(delta["report_id"].to_pylist()) == {"new"} | {f"r{i}" for i in range(1, 30, 3)}
    _index_matches_files(tmp_path)


def test_the_base_is_rewritten_once_the_delta_outgrows_it(tmp_path, monkeypatch):
    monkeypatch.setattr(index_store, "MIN_DELTA", 3)
    monkeypatch.setattr(index_store, "COMPACT", 4)
    pub.publish([_report(f"r{i}", 2020) for i in range(16)], tmp_path)
    inodes = [(_current(tmp_path) / index_store.BASE).stat().st_ino]
    for i in range(4):  # 2 new reports a publish: the delta holds 2, 4, then 6 > 16 / 4 (a new base of 22), 2
        pub.publish([_report(f"n{i}a", 2021), _report(f"n{i}b", 2021)], tmp_path)
        inodes.append((_current(tmp_path) / index_store.BASE).stat().st_ino)
        _index_matches_files(tmp_path)
    assert inodes[0] == inodes[1] == inodes[2] != inodes[3] == inodes[4]


def test_random_publishes_keep_the_index_equal_to_the_dataset(tmp_path, monkeypatch):
    """Replaced, moved (year changed), superseded (same source, other bytes) and merged reports: the
    base + delta read back names each report's file, through deltas and compactions."""
    monkeypatch.setattr(index_store, "MIN_DELTA", 5)
    monkeypatch.setattr(versions, "CHUNK", 4)
    monkeypatch.setattr(versions, "SMALL", 2)
    monkeypatch.setattr(versions, "MAX_SMALL", 2)
    rng = random.Random(7)
    state: dict[str, Report] = {}
    for step in range(14):
        batch = []
        for _ in range(rng.randint(1, 6)):
            r = _report(f"r{rng.randint(0, 25)}", rng.choice([2020, 2021, None]), rng.choice("甲乙"), float(step))
            if rng.random() < 0.2:  # the same place read again with other bytes: the old report leaves
                r.report_id, r.source_path = f"s{step}{rng.randint(0, 9)}", f"place/{r.report_id}.txt"
            batch.append(r)
        batch = list({r.report_id: r for r in batch}.values())
        for r in batch:
            if r.source_path:
                state = {k: v for k, v in state.items() if v.source_path != r.source_path}
        pub.publish(batch, tmp_path)
        state.update({r.report_id: r for r in batch})
        _index_matches_files(tmp_path)
    assert sorted(_read(tmp_path)["reports"]["report_id"]) == sorted(state)


def test_a_dataset_with_the_parquet_index_is_published_into_and_moves_to_the_base(tmp_path):
    """Issue 12: a dataset written before the index had a base (one _index.parquet per version) keeps
    working: its next publish reads that index and writes a base; the one after writes a delta."""
    first = [_report("a", 2020, carried=(None, 5)), _report("b", 2021, carried=(5, None)), _report("c", None)]
    pub.publish(first, tmp_path)
    _as_parquet_index(_current(tmp_path))
    assert (_current(tmp_path) / versions.INDEX).is_file()
    pub.publish([_report("d", 2022, carried=(7, None))], tmp_path)
    moved = _current(tmp_path)
    assert index_store.files(moved) == [index_store.BASE] and not (moved / versions.INDEX).exists()
    pub.publish([_report("b", 2021, carried=(6, None))], tmp_path)  # Y1 of b fails now
    assert index_store.files(_current(tmp_path)) == [index_store.BASE, index_store.DELTA]
    _index_matches_files(tmp_path)
    whole = tmp_path / "whole"
    pub.publish(first[:1] + [first[2], _report("d", 2022, carried=(7, None)), _report("b", 2021, carried=(6, None))],
                whole)
    for name in KEYS:
        pd.testing.assert_frame_equal(_read(tmp_path)[name], _read(whole)[name], check_like=True, obj=name)
    assert _read(tmp_path)["checks"].query("not passed")["report_id"].tolist() == ["b"]


def test_rows_left_out_of_the_base_are_the_hit_ones_in_runs_or_not(monkeypatch):
    """Reading base + delta leaves the delta's reports out of the base by slices (few runs) or one
    filter (many): the same rows either way, for any pattern of hits."""
    import pyarrow as pa

    rng = random.Random(3)
    for _ in range(200):
        n = rng.randint(0, 40)
        base = pa.concat_tables([pa.table({"a": list(range(i, min(n, i + 7)))}) for i in range(0, n, 7)]
                                or [pa.table({"a": pa.array([], pa.int64())})])
        mask = [rng.random() < rng.choice([0.05, 0.5, 0.95]) for _ in range(n)]
        hit = pa.chunked_array([pa.array(mask, pa.bool_())], pa.bool_())
        want = [x for x, m in zip(range(n), mask) if not m]
        for most in (256, 1):
            monkeypatch.setattr(index_store, "MAX_SLICES", most)
            assert index_store._without(base, hit)["a"].to_pylist() == want


def test_reading_a_version_with_a_delta_does_not_copy_the_base(tmp_path, monkeypatch):
    """Issue 12: the base is memory-mapped; leaving the delta's reports out of it by a filter copied
    it whole (~20 MB at 100 000 reports) at every publish. It is kept by reference now."""
    import pyarrow as pa

    pub.publish([_report(f"r{i}", 2019 + i % 3) for i in range(1500)], tmp_path)
    pub.publish([_report("new", 2021), _report("r4", 2020, value=9.0)], tmp_path)
    vdir = _current(tmp_path)
    assert index_store.files(vdir) == [index_store.BASE, index_store.DELTA]
    grown = []
    for most in (index_store.MAX_SLICES, 0):  # by reference; one filtered copy (as before)
        monkeypatch.setattr(index_store, "MAX_SLICES", most)
        before = pa.total_allocated_bytes()
        index = index_store.read(vdir, versions.INDEX_SCHEMA)
        grown.append(pa.total_allocated_bytes() - before)  # the delta's rows are copied either way
        assert index.num_rows == 1501
        del index
    size = (vdir / index_store.BASE).stat().st_size
    assert grown[1] - grown[0] > size // 2, (grown, size)
    _index_matches_files(tmp_path)
