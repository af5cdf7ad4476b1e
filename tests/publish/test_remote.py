"""Remote inputs (source planning, fetch → inputs) and remote output (S3 on moto's server, 127.0.0.1)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from fetchers import FetchSettings, Source
from fetchers.result import CrawlResult, Failure
from ogi.errors import OgiError
from ogi.settings import cache_dir_for, is_remote, raw_root_for
from pipeline.batch import InputFile, process_file
from pipeline.inputs import (
    SourceUnreachable,
    check_reachable,
    fetch_source,
    plan_source,
)
from publish.local import publish
from publish.remote import POINTER, already_published, publish_remote, read_dataset

KEYS = ["report_id", "table", "row", "col"]


@pytest.fixture(autouse=True)
def _local_state(tmp_path):
    """Local state of remote datasets (publish locks, caches) goes to a temp folder, not data/
    (its own MonkeyPatch: a test's monkeypatch.undo() must not undo it)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("OGI_DATA_DIR", str(tmp_path / "data"))
        yield


def _report(fixtures: Path, name: str, kind: str = "text"):
    p = fixtures / kind / name
    return process_file(InputFile(path=str(p), key=name, file_name=name))


def _facts(df: pd.DataFrame) -> pd.DataFrame:
    cols = KEYS + ["value", "raw"]
    return df[cols].sort_values(KEYS).reset_index(drop=True)


def test_s3_publish_reads_with_pandas_and_matches_local(s3, fixtures, tmp_path):
    opts, fs = s3
    a = _report(fixtures, "dashuikeng_2020.txt")
    b = _report(fixtures, "gaotian_2024_layout.txt")
    out = "s3://ogi-test/round/ds"
    publish_remote([a], out, opts)
    publish_remote([b, a], out, opts)  # a second time: replaced, not duplicated
    local = tmp_path / "local"
    publish([a], local)
    publish([b, a], local)
    got = pd.read_parquet(f"{out}/facts", storage_options=opts)
    assert len(got) == 198 + 200 and not got.duplicated(KEYS).any()
    pd.testing.assert_frame_equal(_facts(got), _facts(pd.read_parquet(local / "facts")))
    reps = pd.read_parquet(f"{out}/reports", storage_options=opts)
    assert sorted(reps["file_name"]) == ["dashuikeng_2020.txt", "gaotian_2024_layout.txt"]
    pd.testing.assert_frame_equal(_facts(read_dataset(out, "facts", opts)), _facts(got))


def test_s3_mirror_holds_only_current_version_and_two_versions_kept(s3, fixtures):
    opts, fs = s3
    a = _report(fixtures, "dashuikeng_2020.txt")
    out = "s3://ogi-test/prune/ds"
    for _ in range(3):
        publish_remote([a], out, opts)
    fs.invalidate_cache()
    stamp = fs.cat_file(f"ogi-test/prune/ds/{POINTER}").decode()
    versions = [p.rsplit("/", 1)[-1] for p in fs.ls("ogi-test/prune/ds/.versions", detail=False)]
    assert stamp in versions and len(versions) == 2
    mirrored = fs.find("ogi-test/prune/ds/facts")
    manifest = json.loads(fs.cat_file(f"ogi-test/prune/ds/.versions/{stamp}/_manifest.json"))["files"]
    want = {f"v{m['by']}-{rel.rsplit('/', 1)[-1]}" for rel, m in manifest.items() if rel.startswith("facts/")}
    assert mirrored and {p.rsplit("/", 1)[-1] for p in mirrored} == want


def test_s3_publish_uploads_only_the_files_the_new_version_wrote(s3, fixtures, monkeypatch):
    """Issue 12: a publish into a remote dataset sends the changed files; shared ones are copied in the store."""
    opts, fs = s3
    a = _report(fixtures, "dashuikeng_2020.txt")
    b = _report(fixtures, "gaotian_2024_layout.txt")
    out = "s3://ogi-test/delta/ds"
    publish_remote([a], out, opts)
    sent: list[str] = []
    real_put = fs.put_file
    monkeypatch.setattr(fs, "put_file", lambda lpath, rpath, **kw: sent.append(rpath) or real_put(lpath, rpath, **kw))
    publish_remote([b], out, opts)
    monkeypatch.undo()
    fs.invalidate_cache()
    stamp = fs.cat_file(f"ogi-test/delta/ds/{POINTER}").decode()
    manifest = json.loads(fs.cat_file(f"ogi-test/delta/ds/.versions/{stamp}/_manifest.json"))["files"]
    wrote = {rel for rel, m in manifest.items() if m["by"] == stamp}
    shared = set(manifest) - wrote
    assert shared and all("year=2020" in rel for rel in shared)  # a's files: not sent again
    # the index base is shared like a data file: only the delta of changed rows is sent
    assert {p.split(f"/.versions/{stamp}/", 1)[1] for p in sent} == wrote | {"_manifest.json", "_index.delta.arrow"}
    got = pd.read_parquet(f"{out}/facts", storage_options=opts)
    assert len(got) == 398 and not got.duplicated(KEYS).any()


def test_s3_crash_during_upload_keeps_previous_dataset(s3, fixtures, monkeypatch):
    from publish import remote

    opts, fs = s3
    a = _report(fixtures, "dashuikeng_2020.txt")
    b = _report(fixtures, "gaotian_2024_layout.txt")
    out = "s3://ogi-test/crash/ds"
    publish_remote([a], out, opts)
    before = fs.cat_file(f"ogi-test/crash/ds/{POINTER}")
    real_put = fs.put_file  # fsspec caches the instance: publish_remote gets this same object
    calls = {"n": 0}

    def dying_put(lpath, rpath, **kw):
        calls["n"] += 1
        if calls["n"] > 2:
            raise ConnectionError("network went away")
        return real_put(lpath, rpath, **kw)

    monkeypatch.setattr(fs, "put_file", dying_put)
    with pytest.raises(ConnectionError):
        publish_remote([b], out, opts)
    monkeypatch.undo()
    fs.invalidate_cache()
    assert fs.cat_file(f"ogi-test/crash/ds/{POINTER}") == before
    facts = pd.read_parquet(f"{out}/facts", storage_options=opts)
    assert len(facts) == 198  # still the first version only
    publish_remote([b], out, opts)  # the next run cleans the half upload
    fs.invalidate_cache()
    assert len(fs.ls("ogi-test/crash/ds/.versions", detail=False)) == 2
    assert len(pd.read_parquet(f"{out}/facts", storage_options=opts)) == 398
    assert remote.current_version(fs, "ogi-test/crash/ds") != before.decode()


def test_already_published_local_and_s3(s3, fixtures, tmp_path):
    opts, _fs = s3
    a = _report(fixtures, "dashuikeng_2020.txt")
    b = _report(fixtures, "gaotian_2024_layout.txt")
    local = tmp_path / "ds"
    assert not already_published([a], str(local))
    publish([a], local)
    assert already_published([a], str(local)) and not already_published([a, b], str(local))
    out = "s3://ogi-test/nothing-new/ds"
    assert not already_published([a], out, opts)
    publish_remote([a], out, opts)
    assert already_published([a], out, opts)


def test_paths_for_local_and_remote_out(tmp_path):
    assert is_remote("s3://b/p") and not is_remote(str(tmp_path)) and not is_remote("file:///x")
    assert raw_root_for(tmp_path / "ds") == tmp_path / "raw"
    assert cache_dir_for(str(tmp_path / "ds")) == str(tmp_path / "ds" / ".cache")
    assert cache_dir_for("s3://b/p") != cache_dir_for("s3://b/q")
    assert "data/raw" in raw_root_for("s3://b/p").as_posix()


# ---- inputs -------------------------------------------------------------------------------

@pytest.fixture
def sources_file(tmp_path):
    p = tmp_path / "sources.yaml"
    p.write_text("sources:\n  one:\n    url: http://127.0.0.1:9/a/\n  two:\n    url: http://127.0.0.1:9/b/\n",
                 encoding="utf-8")
    return p


def test_plan_source_folder_url_names_all(tmp_path, sources_file):
    assert plan_source(str(tmp_path), sources_file).folder == str(tmp_path)
    plan = plan_source("http://127.0.0.1:9/list/", sources_file)
    assert plan.folder is None and [s.url for s in plan.sources] == ["http://127.0.0.1:9/list/"]
    assert [s.name for s in plan_source("two", sources_file).sources] == ["two"]
    assert [s.name for s in plan_source("all", sources_file).sources] == ["one", "two"]
    assert [s.name for s in plan_source(None, sources_file).sources] == ["one", "two"]
    assert [s.name for s in plan_source("one, http://127.0.0.1:9/x/", sources_file).sources] == ["one", "127.0.0.1"]
    with pytest.raises(OgiError, match="not a folder"):
        plan_source("nope", sources_file)
    with pytest.raises(OgiError):
        plan_source("ftp://127.0.0.1/x", sources_file)


def test_check_reachable_only_for_transient_listing_failures():
    src = Source(name="s", url="http://127.0.0.1:9/l/")
    down = CrawlResult(source=src, failures=[Failure(src.url, "gave-up", "gave up after 4 tries (timeout)")])
    with pytest.raises(SourceUnreachable):
        check_reachable(down)
    check_reachable(CrawlResult(source=src, failures=[Failure(src.url, "http-404", "HTTP 404")]))  # no retry
    check_reachable(CrawlResult(source=src, listing_pages=[src.url]))


def test_fetch_source_gives_inputs_keyed_by_url(portal, tmp_path):
    fast = FetchSettings(delay=0.0, backoff=0.0, max_tries=3, timeout=5.0)
    src = Source(name="fixture", url=portal.url("/xxgk/ndbg/index.html"))
    files, stats = fetch_source(src, tmp_path / "raw", fast)
    assert stats.new == 3 and stats.unchanged == 0 and stats.listing_pages >= 1
    assert any(r.startswith("http-404") for r in stats.failed.values())
    assert {Path(f.file_name).suffix for f in files} == {".html", ".pdf", ".txt"}
    for f in files:
        assert f.key == f.source_url and f.source_url.startswith(portal.base) and Path(f.path).is_file()
    again, stats2 = fetch_source(src, tmp_path / "raw", fast)
    assert (stats2.new, stats2.unchanged) == (0, 3)
    assert sorted(f.key for f in again) == sorted(f.key for f in files)

