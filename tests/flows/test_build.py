"""The build-dataset flow end to end on a real Prefect (test harness), plus the CLI path."""

import json
import shutil

import pandas as pd
import pytest

from flows.build import ARTIFACT_KEY, build_dataset, summary_markdown
from pipeline.batch import BatchStats
from pipeline.cli import main
from publish.local import PublishStats


@pytest.fixture
def source(tmp_path, fixtures):
    d = tmp_path / "src"
    d.mkdir()
    for name in ("dashuikeng_2020.txt", "gaotian_2024_layout.txt"):
        shutil.copy(fixtures / "text" / name, d / name)
    (d / "broken.pdf").write_bytes(b"not a pdf at all")
    return d


def test_flow_builds_dataset_and_artifact(harness, source, tmp_path):
    from prefect.client.orchestration import get_client

    out = tmp_path / "ds"
    res = build_dataset(source=str(source), out=str(out), workers=1)
    assert (res["seen"], res["reports"], res["not_ok"]) == (3, 3, 1)
    again = build_dataset(source=str(source), out=str(out), workers=1)
    assert again["cached"] == 3 and again["extracted"] == 0 and again["reports"] == 3
    facts = pd.read_parquet(out / "facts")
    assert len(facts) == 198 + 200 and not facts.duplicated(["report_id", "table", "row", "col"]).any()

    async def latest():
        async with get_client() as c:
            return await c.read_latest_artifacts()

    import asyncio

    arts = asyncio.run(latest())
    assert any(a.key == ARTIFACT_KEY and "broken.pdf" in (a.data or "") for a in arts)
    # the quality figures ride along (review/quality.py), and the page was written by the first run
    assert any(a.key == ARTIFACT_KEY and "## Quality" in (a.data or "") and "| R1 |" in (a.data or "") for a in arts)
    assert (out / "quality.html").exists()


def test_cli_run_without_prefect_twice_same_rows(source, tmp_path, capsys):
    out = tmp_path / "ds2"
    for _ in range(2):
        assert main(["run", "--source", str(source), "--out", str(out), "--no-prefect", "--workers", "1"]) == 0
    res = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert res["reports"] == 3
    assert len(pd.read_parquet(out / "reports")) == 3


def test_summary_lists_failures():
    md = summary_markdown("src", BatchStats(seen=2, extracted=2, failed={"x.pdf": "unreadable: bad"}),
                          PublishStats(reports=2, facts=10), 1.0)
    assert "x.pdf" in md and "| 2 |" in md


def test_no_task_hashes_its_inputs_and_none_takes_a_list_of_reports():
    """Issue 12: Prefect hashes task inputs under the default cache policy; every task here has
    large inputs (batches of paths, spool paths) or side effects, so none may, and the tasks the
    flow wires hand each other paths and counts, never Reports."""
    import inspect
    import typing

    from prefect.cache_policies import NO_CACHE
    from prefect.tasks import Task

    import flows.build
    import flows.runners

    tasks = [t for m in (flows.build, flows.runners) for t in vars(m).values() if isinstance(t, Task)]
    assert {t.name for t in tasks} >= {"fetch", "discover", "extract-and-normalize", "publish", "extract-chunk"}
    assert all(t.cache_policy is NO_CACHE for t in tasks), [t.name for t in tasks if t.cache_policy is not NO_CACHE]
    for t in (flows.build.extract_task, flows.build.publish_task):
        hints = typing.get_type_hints(t.fn)
        assert "Report" not in str(hints), (t.name, hints)
        assert list(inspect.signature(t.fn).parameters)[0] in ("files", "spools")
