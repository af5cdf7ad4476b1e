"""Incremental versions: unchanged files shared by hardlink, only touched files rewritten, and the
result always equal to merging everything at once (the old full-rewrite semantics)."""

from __future__ import annotations

import json
import os
import random

import pandas as pd
import pyarrow.parquet as pq
import pytest

from ogi.types import Check, Report
from publish import index_store, version_files, versions
from publish import local as pub
from tests.publish.support import KEYS, _as_parquet_index, _current, _files, _read, _report  # noqa: F401


def test_a_small_publish_shares_every_untouched_file_by_hardlink(tmp_path):
    pub.publish([_report(f"r{i}", year=2019 + i % 4) for i in range(40)], tmp_path)
    before = _files(_current(tmp_path))
    pub.publish([_report("new", year=2021)], tmp_path)
    after = _files(_current(tmp_path))
    shared = {rel for rel, ino in after.items() if before.get(rel) == ino}
    written = set(after) - shared
    assert shared == set(before)  # nothing old was rewritten
    assert written and all("/year=2021/" in rel for rel in written)
    assert len(_read(tmp_path)["reports"]) == 41


def test_a_report_whose_year_changed_leaves_its_old_partition(tmp_path):
    pub.publish([_report("a", 2020), _report("b", 2020), _report("c", 2022)], tmp_path)
    before = _files(_current(tmp_path))
    pub.publish([_report("a", 2021, value=7.0)], tmp_path)
    facts = _read(tmp_path)["facts"]
    assert facts[facts.report_id == "a"][["year", "value"]].values.tolist() == [[2021, 7.0]]
    assert len(facts) == 3 and len(_read(tmp_path)["reports"]) == 3
    after = _files(_current(tmp_path))
    assert all(before[r] == i for r, i in after.items() if "year=2022" in r)  # untouched partition shared
    assert not any(before.get(r) == i for r, i in after.items() if "year=2020" in r)  # rewritten without a


def test_year_checks_follow_a_neighbour_published_later_and_replaced(tmp_path):
    pub.publish([_report("y2021", 2021, carried=(5, None))], tmp_path)
    assert not _read(tmp_path)["checks"]["rule"].str.startswith("Y").any()
    pub.publish([_report("y2020", 2020, carried=(None, 5))], tmp_path)  # the neighbour arrives
    y = _read(tmp_path)["checks"].query("rule.str.startswith('Y1')")
    assert y[["report_id", "passed", "year"]].values.tolist() == [["y2021", True, 2021]]
    pub.publish([_report("y2020", 2020, carried=(None, 6))], tmp_path)  # and is corrected
    y = _read(tmp_path)["checks"].query("rule.str.startswith('Y1')")
    assert y[["report_id", "passed"]].values.tolist() == [["y2021", False]]
    pub.publish([_report("y2020", 2018, carried=(None, 6))], tmp_path)  # it was another year after all
    assert not _read(tmp_path)["checks"]["rule"].str.startswith("Y").any()


def test_year_checks_of_other_agencies_are_kept(tmp_path):
    pub.publish([_report("p", 2020, "甲", carried=(None, 5)), _report("q", 2021, "甲", carried=(5, None))], tmp_path)
    pub.publish([_report("x", 2021, "乙")], tmp_path)
    y = _read(tmp_path)["checks"].query("rule.str.startswith('Y1')")
    assert y["report_id"].tolist() == ["q"]


@pytest.mark.parametrize("seed", [1, pytest.param(2, marks=pytest.mark.slow), pytest.param(3, marks=pytest.mark.slow)])
def test_any_sequence_of_publishes_equals_publishing_the_end_state_at_once(tmp_path, monkeypatch, seed):
    monkeypatch.setattr(versions, "CHUNK", 8)  # small files, so rewrites, splits and merges all happen
    monkeypatch.setattr(versions, "SMALL", 4)
    monkeypatch.setattr(versions, "MAX_SMALL", 3)
    rng = random.Random(seed)
    state: dict[str, Report] = {}
    inc = tmp_path / "inc"
    for step in range(12):
        batch = []
        for _ in range(rng.randint(1, 12)):
            rid = f"r{rng.randint(0, 40)}"
            year = rng.choice([2019, 2020, 2021, 2022, None])
            carried = (rng.choice([None, 1, 2]), rng.choice([None, 1, 2]))
            batch.append(_report(rid, year, rng.choice("甲乙丙"), float(step), carried))
        pub.publish(batch, inc)
        state.update({r.report_id: r for r in batch})
    whole = tmp_path / "whole"
    pub.publish(list(state.values()), whole)
    a, b = _read(inc), _read(whole)
    for name in KEYS:
        pd.testing.assert_frame_equal(a[name], b[name], check_like=True, obj=name)
    manifest = json.loads((_current(inc) / versions.MANIFEST).read_text())["files"]
    assert set(manifest) == set(_files(_current(inc)))
    assert all(pq.read_metadata(versions.file_path(_current(inc), r)).num_rows == m["rows"] for r, m in manifest.items())


@pytest.mark.slow  # dozens of publishes
def test_small_files_of_many_small_publishes_get_merged(tmp_path, monkeypatch):
    monkeypatch.setattr(versions, "CHUNK", 8)
    monkeypatch.setattr(versions, "SMALL", 4)
    monkeypatch.setattr(versions, "MAX_SMALL", 3)
    for i in range(30):  # a nightly run adding one report to the same year, thirty times
        pub.publish([_report(f"n{i:02}", 2024)], tmp_path)
        files = list((tmp_path / "facts" / "year=2024").glob("*/*.parquet"))
        assert len(files) <= 3 + (i + 1) // 4 + 1, i  # MAX_SMALL small ones + merged ones of ≥ SMALL
    assert sorted(_read(tmp_path)["facts"]["report_id"]) == [f"n{i:02}" for i in range(30)]


def test_a_dataset_of_the_older_layout_is_rewritten_once_and_kept(tmp_path):
    pub.publish([_report("a", 2020), _report("b", None)], tmp_path)
    vdir = _current(tmp_path)
    (vdir / versions.MANIFEST).unlink()  # what an older version of ogi left: no manifest, no index
    for name in index_store.files(vdir):
        (vdir / name).unlink()
    pub.publish([_report("c", 2021)], tmp_path)
    assert sorted(_read(tmp_path)["reports"]["report_id"]) == ["a", "b", "c"]
    assert versions.has_manifest(_current(tmp_path))


def test_empty_datasets_read_back_and_their_placeholder_goes_once_rows_come(tmp_path):
    bare = _report("a", 2020)
    bare.sections, bare.checks = [], []
    pub.publish([bare], tmp_path)
    assert pd.read_parquet(tmp_path / "sections").empty
    pub.publish([_report("b", 2021)], tmp_path)
    assert not (tmp_path / "sections" / "year_unknown.parquet").exists()
    assert _read(tmp_path)["sections"]["report_id"].tolist() == ["b"]


def test_hardlinks_survive_pruning_of_the_version_that_wrote_them(tmp_path):
    pub.publish([_report("a", 2020)], tmp_path)
    for i in range(4):  # the first version is pruned; its files live on in the later ones
        pub.publish([_report(f"n{i}", 2022)], tmp_path)
    assert len(os.listdir(tmp_path / ".versions")) == pub.KEEP_VERSIONS
    assert sorted(_read(tmp_path)["reports"]["report_id"]) == ["a", "n0", "n1", "n2", "n3"]


def _agencies(n: int, years=range(2019, 2023)) -> list[Report]:
    """n agencies with a report every year whose carried-over matches the year before (Y rows pass)."""
    return [_report(f"a{a:02}y{y}", y, f"机关{a:02}", carried=(y - 1, y)) for a in range(n) for y in years]


def test_a_publish_rewrites_only_the_y_chunks_whose_rows_change(tmp_path, monkeypatch):
    """Issue 12: Y rows of a year are chunks; a publish touching one agency rewrites its chunk only."""
    monkeypatch.setattr(versions, "CHUNK", 4)
    pub.publish(_agencies(12), tmp_path)
    before = _files(_current(tmp_path))
    ychunks = [r for r in before if "/ychecks-" in r]
    assert len([r for r in ychunks if "year=2021" in r]) == 3  # 12 reports' Y rows in chunks of 4
    pub.publish([_report("a05y2023", 2023, "机关05", carried=(2022, 2023))], tmp_path)  # a new year, one agency
    after = _files(_current(tmp_path))
    written = {r for r, ino in after.items() if before.get(r) != ino}
    assert set(before) <= set(after) and all(before[r] == after[r] for r in before)  # nothing old rewritten
    assert all("year=2023" in r for r in written)
    pub.publish([_report("a05y2020", 2020, "机关05", carried=(2019, 99))], tmp_path)  # fails Y1 of 2021 now
    again = _files(_current(tmp_path))
    rewritten = {r for r in after if r in again and again[r] != after[r]} | (set(after) - set(again))
    assert {r for r in rewritten if "/ychecks-" in r} <= {r for r in ychunks if "year=2020" in r or "year=2021" in r}
    assert len([r for r in rewritten if "/ychecks-" in r and "year=2021" in r]) == 1  # a05's chunk, not all 3
    y1 = _read(tmp_path)["checks"].query("rule.str.startswith('Y1') and not passed")
    assert y1["report_id"].tolist() == ["a05y2021"]
    whole = tmp_path / "whole"
    pub.publish(_agencies(12) + [_report("a05y2023", 2023, "机关05", carried=(2022, 2023)),
                                 _report("a05y2020", 2020, "机关05", carried=(2019, 99))], whole)
    for name in KEYS:
        pd.testing.assert_frame_equal(_read(tmp_path)[name], _read(whole)[name], check_like=True, obj=name)


def test_full_y_chunks_of_one_row_per_report_are_not_merged_again_and_again(tmp_path, monkeypatch):
    """Issue 12: a Y chunk counted small below 1000 rows made every full chunk of 2019-template
    reports (one Y1 row each) small, so each publish touching their year rewrote them unchanged."""
    monkeypatch.setattr(versions, "CHUNK", 4)
    monkeypatch.setattr(versions, "SMALL", 2)
    monkeypatch.setattr(versions, "MAX_SMALL", 3)
    pub.publish(_agencies(20, years=(2019, 2020)), tmp_path)  # 2020: five full chunks of 4 Y1 rows
    before = {r: i for r, i in _files(_current(tmp_path)).items() if "/ychecks-" in r}
    assert len(before) == 5 and all(pq.read_metadata(versions.file_path(_current(tmp_path), r)).num_rows == 4 for r in before)
    for k in range(3):  # new agencies' 2020 reports: their Y rows go to new chunks of 2020
        pub.publish([_report(f"x{k}y2019", 2019, f"新{k}", carried=(1, 2)),
                     _report(f"x{k}y2020", 2020, f"新{k}", carried=(2, 3))], tmp_path)
        after = _files(_current(tmp_path))
        assert all(after.get(r) == i for r, i in before.items()), k  # the full chunks stay as they are
    y1 = _read(tmp_path)["checks"].query("rule.str.startswith('Y1')")
    assert len(y1) == 23 and y1["passed"].all()


def test_an_index_without_y_chunks_is_adopted_once_and_stays_exact(tmp_path, monkeypatch):
    """A version written before the index named each report's Y chunk: read whole once, then incremental."""
    monkeypatch.setattr(versions, "CHUNK", 4)
    pub.publish(_agencies(6), tmp_path)
    _as_parquet_index(_current(tmp_path), drop=("yfile", "ydigest"))
    pub.publish([_report("a02y2020", 2020, "机关02", carried=(2019, 77))], tmp_path)
    assert versions.read_index(_current(tmp_path)).column("yfile").null_count == 6  # 2019s have none
    pub.publish([_report("a03y2021", 2021, "机关03", carried=(55, 2021))], tmp_path)
    whole = tmp_path / "whole"
    pub.publish(_agencies(6) + [_report("a02y2020", 2020, "机关02", carried=(2019, 77)),
                                _report("a03y2021", 2021, "机关03", carried=(55, 2021))], whole)
    got = _read(tmp_path)["checks"]
    assert sorted(got.query("not passed")["report_id"]) == ["a02y2021", "a03y2021"]
    for name in KEYS:
        pd.testing.assert_frame_equal(_read(tmp_path)[name], _read(whole)[name], check_like=True, obj=name)


@pytest.mark.parametrize("seed", [4, 5, 6])
def test_settling_from_the_index_equals_publishing_the_end_state_at_once(tmp_path, monkeypatch, seed):
    """Neighbours are settled from the index (duplicates, Y checks, own failed checks), not from
    their files: any sequence still ends where one publish of the end state does."""
    monkeypatch.setattr(versions, "CHUNK", 6)
    rng = random.Random(seed)
    state: dict[str, Report] = {}
    inc = tmp_path / "inc"
    for step in range(10):
        batch = []
        for _ in range(rng.randint(1, 10)):
            agency = rng.choice("甲乙")
            r = _report(f"r{rng.randint(0, 30)}", rng.choice([2020, 2021, 2022]), agency, float(step),
                        (rng.choice([None, 1, 2]), rng.choice([None, 1, 2])))
            r.agency_id = rng.choice([None, f"id-{agency}"])  # the same agency-year twice: duplicate_of
            r.status = rng.choice(["ok", "ok", "needs_review"])
            r.checks.append(Check("R2 outcomes", rng.random() < 0.5, "y"))
            r.facts = r.facts[:rng.randint(1, len(r.facts))]
            batch.append(r)
        pub.publish(batch, inc)
        state.update({r.report_id: r for r in batch})
    whole = tmp_path / "whole"
    pub.publish(list(state.values()), whole)
    a, b = _read(inc), _read(whole)
    for name in KEYS:
        pd.testing.assert_frame_equal(a[name], b[name], check_like=True, obj=name)
    assert a["reports"]["duplicate_of"].notna().any() and (a["reports"]["n_checks_failed"] > 0).any()


def test_split_gives_each_file_its_reports_rows_in_order_grouped_or_not():
    """Issue 12: a rewritten partition is cut into files by slicing (rows come grouped by report);
    rows that are not grouped are sorted by file first, keeping their order within a file."""
    import pyarrow as pa

    rids = ["a", "b", "c", "d", "e"]
    grouped = pa.table({"report_id": ["a", "a", "b", "c", "d", "d", "e"], "v": [0, 1, 2, 3, 4, 5, 6]})
    mixed = pa.table({"report_id": ["e", "a", "c", "a", "x", "d", "b"], "v": [0, 1, 2, 3, 4, 5, 6]})
    for t, want in ((grouped, [[0, 1, 2], [3, 4, 5], [6]]), (mixed, [[1, 3, 6], [2, 5], [0]])):
        parts = version_files.split(t, rids, 3, chunk=2)
        assert [p["v"].to_pylist() for p in parts] == want  # "x" (no report) is in no file
