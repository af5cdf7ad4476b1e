"""Issue 16, row 12 (robots.txt answering 500) and every source that gives no report: the operator
sees it. fetch_source raises SourceYieldedNothing with the reason; `ogi run --no-prefect` prints the
result, one warning line per such source and exits 3; through Prefect the fetch task is Failed with
the reason, the artifact lists the source, and the flow run is not green."""

from __future__ import annotations

import asyncio
import json

import pytest

from fetchers import FetchSettings
from fetchers.sources import source_for_url
from pipeline.cli import main
from pipeline.inputs import SourceYieldedNothing, fetch_source
from pipeline.run import SOURCES_FAILED_EXIT
from tests.hardening.support import PDFS, listing

FAST = FetchSettings(delay=0.0, backoff=0.0, max_tries=2, timeout=5.0)


def test_robots_500_is_a_source_that_gave_nothing_with_the_reason(loopback, tmp_path):
    loopback.answer("/robots.txt", status=500, body=b"oops")
    loopback.file("/f/good.pdf", PDFS[0].read_bytes())
    loopback.page("/list/", listing([("/f/good.pdf", "2023年政府信息公开工作年度报告.pdf")]))
    with pytest.raises(SourceYieldedNothing, match="HTTP 500") as err:
        fetch_source(source_for_url(loopback.url("/list/")), tmp_path / "raw", FAST)
    assert "robots.txt" in str(err.value) and err.value.stats.failed
    assert "/list/" not in loopback.hits and "/f/good.pdf" not in loopback.hits


def test_every_report_link_failing_is_a_source_that_gave_nothing(loopback, tmp_path):
    loopback.page("/list/", listing([("/f/a.pdf", "2023年度报告.pdf"), ("http://[::1/b.pdf", "2022年度报告.pdf")]))
    with pytest.raises(SourceYieldedNothing, match=r"all 2 report links failed \(1 bad-url, 1 http-404\)"):
        fetch_source(source_for_url(loopback.url("/list/")), tmp_path / "raw", FAST)


def test_listing_404_is_a_source_that_gave_nothing(loopback, tmp_path):
    with pytest.raises(SourceYieldedNothing, match="the listing failed: HTTP 404"):
        fetch_source(source_for_url(loopback.url("/list/")), tmp_path / "raw", FAST)


def test_a_listing_without_report_links_is_not_a_failure(loopback, tmp_path):
    loopback.page("/list/", listing([("/about.html", "关于我们")]))
    files, stats = fetch_source(source_for_url(loopback.url("/list/")), tmp_path / "raw", FAST)
    assert files == [] and not stats.failed


@pytest.mark.slow  # robots.txt is retried with the default backoff (2 + 4 + 8 s)
def test_cli_without_prefect_warns_and_exits_3(loopback, tmp_path, capsys):
    loopback.answer("/robots.txt", status=500)
    bad = loopback.url("/list/")
    code = main(["run", "--no-prefect", "--source", bad, "--out", str(tmp_path / "ds"), "--fetch-delay", "0",
                 "--workers", "1"])
    captured = capsys.readouterr()
    assert code == SOURCES_FAILED_EXIT
    result = json.loads(captured.out.strip().splitlines()[-1])
    assert result["sources_failed"] == 1 and result["reports"] == 0
    warnings = [ln for ln in captured.err.splitlines() if ln.startswith("ogi: warning:")]
    assert len(warnings) == 1 and bad in warnings[0] and "HTTP 500" in warnings[0]


@pytest.fixture(scope="module")
def harness():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=60):
        yield


@pytest.mark.slow
def test_prefect_fetch_task_fails_with_the_reason_and_the_artifact_says_so(harness, loopback, loopback2, tmp_path):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    from flows.build import ARTIFACT_KEY, build_dataset

    loopback.answer("/robots.txt", status=500)
    loopback2.file("/f/good.pdf", PDFS[0].read_bytes())
    loopback2.page("/list/", listing([("/f/good.pdf", "2023年政府信息公开工作年度报告.pdf")]))
    bad, good = loopback.url("/list/"), loopback2.url("/list/")
    out = tmp_path / "ds"
    state = build_dataset(source=f"{bad},{good}", out=str(out), workers=1, fetch_delay=0.0, return_state=True)
    assert state.is_failed() and "gave no report" in (state.message or "") + str(state.result(raise_on_failure=False))
    import pandas as pd

    assert pd.read_parquet(out / "reports")["source_url"].tolist() == [loopback2.url("/f/good.pdf")]

    async def runs():
        async with get_client() as c:
            tasks = await c.read_task_runs(flow_run_filter=FlowRunFilter(
                id=FlowRunFilterId(any_=[state.state_details.flow_run_id])))
            arts = await c.read_latest_artifacts()
            return tasks, arts

    tasks, arts = asyncio.run(runs())
    fetches = [t.state for t in tasks if t.name.startswith("fetch-")]  # both named after the host
    failed = [s for s in fetches if s.is_failed()]
    assert len(fetches) == 2 and len(failed) == 1
    assert "gave no report" in failed[0].message and "HTTP 500" in failed[0].message
    art = next(a for a in arts if a.key == ARTIFACT_KEY)
    assert "## Sources that gave no report" in art.data and bad in art.data
