"""Concurrent runs into one dataset: four `ogi run --no-prefect` started together, 10 different
reports each, all 40 land exactly once (regression: six such runs once left 30 of 60, all exit 0)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

pytestmark = pytest.mark.slow  # four real runs at once on a shared machine: half a minute or so
RUNS, PER_RUN = 4, 10


def make_sources(root: Path, fixtures: Path) -> list[Path]:
    """RUNS folders of PER_RUN text reports, every file distinct in name (report_id) and content."""
    originals = sorted((fixtures / "text").glob("*.txt"))
    folders = []
    for k in range(RUNS):
        d = root / f"src{k}"
        d.mkdir()
        for i in range(PER_RUN):
            src = originals[(k + i) % len(originals)]
            text = src.read_text(encoding="utf-8") + f"\n\n（副本 {k}-{i}）\n"
            (d / f"run{k}_{i:02}_{src.name}").write_text(text, encoding="utf-8")
        folders.append(d)
    return folders


def test_four_concurrent_runs_into_one_dataset_keep_every_report(tmp_path, fixtures, cli):
    out = tmp_path / "out"
    procs = [cli.start(src, out) for src in make_sources(tmp_path, fixtures)]
    results = [p.communicate(timeout=cli.GUARD_S) for p in procs]
    for p, (_, err) in zip(procs, results):
        assert p.returncode == 0, err.decode()[-3000:]
    reports = pd.read_parquet(out / "reports")
    assert reports["report_id"].is_unique
    assert sorted(reports["file_name"]) == sorted(f.name for f in tmp_path.glob("src*/*.txt"))
    facts = pd.read_parquet(out / "facts")
    assert not facts.duplicated(["report_id", "table", "row", "col"]).any()
    assert set(facts["report_id"]) == set(reports["report_id"])
    for name in ("sections", "checks"):
        assert set(pd.read_parquet(out / name)["report_id"]) <= set(reports["report_id"])

