"""Runners (process pool vs Dask give the same dataset) and the flow's fetch path for URL sources."""

from __future__ import annotations

import asyncio
import json
import shutil

import pandas as pd
import pytest
from prefect.states import Completed, Failed

from flows.build import ARTIFACT_KEY, build_dataset, retry_when_unreachable
from flows.runners import RunnerSpec, chunked, parse_runner
from ogi.errors import FetchError
from pipeline.batch import RunSettings, discover, process_file, process_many
from pipeline.cli import main
from pipeline.inputs import SourceUnreachable

KEYS = ["report_id", "table", "row", "col"]


@pytest.fixture
def mixed(tmp_path, fixtures):
    """A few small real fixtures, text and HTML, plus one file that cannot be read."""
    d = tmp_path / "src"
    d.mkdir()
    for kind, name in [("text", "dashuikeng_2020.txt"), ("text", "gaotian_2024_layout.txt"),
                       ("text", "yishui_2021_tsv.md"), ("html", "lichuan_gbk_trs.html"),
                       ("html", "shanghai_govoffice_2019.html"), ("html", "tongwei_img_tables_gbk.html")]:
        shutil.copy(fixtures / kind / name, d / name)
    (d / "broken.pdf").write_bytes(b"not a pdf at all")
    return d


def test_parse_runner():
    assert parse_runner(None) == parse_runner("process") == RunnerSpec()
    assert parse_runner("dask") == RunnerSpec(kind="dask")
    assert parse_runner("dask://10.0.0.5:8786").address == "tcp://10.0.0.5:8786"
    assert parse_runner("tcp://127.0.0.1:8786").address == "tcp://127.0.0.1:8786"
    for bad in ("ray", "dask://nohost", "dask://h:port"):
        with pytest.raises(ValueError):
            parse_runner(bad)


def test_chunked_covers_everything_in_order():
    assert list(chunked(list(range(19)), 8)) == [list(range(8)), list(range(8, 16)), [16, 17, 18]]
    assert list(chunked([], 8)) == []


def test_process_many_takes_another_executor(mixed, tmp_path):
    """The Dask path plugs its executor into process_many: same cache handling, same reports."""
    files = discover(mixed)
    settings = RunSettings(workers=1, cache_dir=str(tmp_path / "cache"), years=(2019, 2020))
    process_many(files[:4], settings)  # fills the cache for some files only
    ran: list[int] = []

    def serial(todo, _settings):
        for i, inp in todo:
            ran.append(i)
            yield i, process_file(inp)

    reports, stats = process_many(files, settings, run=serial)
    expected, s2 = process_many(files, RunSettings(workers=1, years=(2019, 2020)))
    assert ran == [4, 5, 6]
    assert (stats.seen, stats.cached, stats.extracted) == (7, 4, 3)
    assert stats.failed == s2.failed and stats.checks_failed == s2.checks_failed
    assert [r.report_id for r in reports] == [r.report_id for r in expected]
    assert len(reports) < len(files) and all(r.year in (None, 2019, 2020) for r in reports)


def _facts(out) -> pd.DataFrame:
    df = pd.read_parquet(out / "facts")
    return df.drop(columns=["bbox"]).sort_values(KEYS).reset_index(drop=True)


def _reports(out) -> pd.DataFrame:
    return pd.read_parquet(out / "reports").sort_values("report_id").reset_index(drop=True)


def test_dask_runner_gives_the_same_dataset(harness, mixed, tmp_path):
    a, b = tmp_path / "process", tmp_path / "dask"
    ra = build_dataset(source=str(mixed), out=str(a), workers=2, runner="process")
    rb = build_dataset(source=str(mixed), out=str(b), runner="dask")
    assert (ra["seen"], ra["reports"]) == (rb["seen"], rb["reports"]) == (7, 7)
    assert ra["not_ok"] == rb["not_ok"] >= 1  # broken.pdf at least
    assert ra["facts"] == rb["facts"] > 500
    pd.testing.assert_frame_equal(_facts(a), _facts(b))
    pd.testing.assert_frame_equal(_reports(a), _reports(b))
    again = build_dataset(source=str(mixed), out=str(b), runner="dask")  # cache honoured on Dask too
    assert (again["cached"], again["extracted"], again["published"]) == (7, 0, False)


def test_retry_only_when_portal_unreachable():
    assert retry_when_unreachable(None, None, Failed(data=SourceUnreachable("down", file="http://x/")))
    assert not retry_when_unreachable(None, None, Failed(data=FetchError("unknown source 'x'")))
    assert not retry_when_unreachable(None, None, Failed(data=ValueError("bug")))
    assert not retry_when_unreachable(None, None, Completed(data=1))


def test_flow_fetches_url_source_then_extracts(harness, portal, tmp_path):
    from prefect.client.orchestration import get_client

    out = tmp_path / "ds"
    url = portal.url("/xxgk/ndbg/index.html")
    res = build_dataset(source=url, out=str(out), workers=1, fetch_delay=0.0)
    assert (res["fetched_new"], res["seen"], res["reports"]) == (3, 3, 3)
    assert (tmp_path / "raw" / "manifest.sqlite").is_file()  # RawStore beside the dataset
    reps = pd.read_parquet(out / "reports")
    assert all(u.startswith(portal.base) for u in reps["source_url"])

    async def artifact():
        async with get_client() as c:
            arts = await c.read_latest_artifacts()
        return next(a for a in arts if a.key == ARTIFACT_KEY).data

    md = asyncio.run(artifact())
    assert "## Fetch" in md and "http-404" in md and url in md
    again = build_dataset(source=url, out=str(out), workers=1, fetch_delay=0.0)
    assert (again["fetched_new"], again["fetched_unchanged"], again["extracted"], again["published"]) == (0, 3, 0, False)
    assert again["reports"] == 3


def test_cli_no_prefect_takes_the_fetch_path_too(portal, tmp_path, capsys):
    out = tmp_path / "ds"
    assert main(["run", "--source", portal.url("/xxgk/ndbg/index.html"), "--out", str(out), "--no-prefect",
                 "--workers", "1", "--fetch-delay", "0"]) == 0
    res = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert (res["fetched_new"], res["reports"]) == (3, 3)
    assert set(pd.read_parquet(out / "reports")["source_url"].str.slice(0, len(portal.base))) == {portal.base}


def test_flow_publishes_to_s3_and_skips_when_nothing_new(harness, s3, mixed, tmp_path, monkeypatch):
    """--out s3://... through the flow: cache kept locally, dataset readable with pandas from S3."""
    opts, _fs = s3
    monkeypatch.setenv("OGI_STORAGE_OPTIONS", json.dumps(opts))
    monkeypatch.setenv("OGI_DATA_DIR", str(tmp_path / "data"))
    out = "s3://ogi-test/flow/ds"
    res = build_dataset(source=str(mixed), out=out, workers=2)
    assert (res["reports"], res["published"]) == (7, True)
    local = tmp_path / "local"
    build_dataset(source=str(mixed), out=str(local), workers=2)
    pd.testing.assert_frame_equal(
        pd.read_parquet(f"{out}/facts", storage_options=opts).drop(columns=["bbox"]).sort_values(KEYS)
        .reset_index(drop=True), _facts(local))
    again = build_dataset(source=str(mixed), out=out, workers=2)
    assert (again["cached"], again["published"], again["reports"], again["facts"]) == (7, False, 7, res["facts"])
    assert any((tmp_path / "data" / "cache").iterdir())
