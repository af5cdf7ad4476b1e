"""The Prefect flow `build-dataset`: discover → extract+normalize → publish, with a run artifact.

Flows and tasks stay thin; the work is in :mod:`ogi.pipeline` and :mod:`ogi.publish`.
Retries belong to network I/O only (fetching), never to extraction.
"""

from __future__ import annotations

import time
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact

from ogi.pipeline import BatchStats, InputFile, RunSettings, discover, process_many
from ogi.publish import PublishStats, publish
from ogi.types import Report

ARTIFACT_KEY = "build-dataset-summary"


@task(name="discover")
def discover_task(source: str) -> list[InputFile]:
    return discover(source)


@task(name="extract-and-normalize")
def extract_task(files: list[InputFile], settings: RunSettings, progress: bool = False) -> tuple[list[Report], BatchStats]:
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(files), unit="file", desc="reports")
    try:
        return process_many(files, settings, progress=(lambda _r: bar.update(1)) if bar else None)
    finally:
        if bar is not None:
            bar.close()


@task(name="publish")
def publish_task(reports: list[Report], out: str) -> PublishStats:
    return publish(reports, out)


def summary_markdown(source: str, stats: BatchStats, pub: PublishStats, seconds: float) -> str:
    """What happened in a run, for people reading the Prefect UI."""
    lines = [
        f"# build-dataset: {source}",
        "",
        "| files seen | unchanged (cached) | extracted | failed | identity checks failed | rows (reports/facts) | seconds |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        f"| {stats.seen} | {stats.cached} | {stats.extracted} | {len(stats.failed)} | {stats.checks_failed} "
        f"| {pub.reports}/{pub.facts} | {seconds:.1f} |",
    ]
    if stats.failed:
        lines += ["", "## Files not ok", "", "| file | reason |", "| --- | --- |"]
        lines += [f"| {k} | {v.replace('|', '/')[:300]} |" for k, v in sorted(stats.failed.items())[:200]]
    return "\n".join(lines)


@flow(name="build-dataset", log_prints=False)
def build_dataset(source: str = "data/samples", out: str = "data/dataset", years: list[int] | None = None,
                  force: bool = False, workers: int | None = None, progress: bool = False) -> dict:
    """Turn every report file under ``source`` into the dataset at ``out``."""
    logger = get_run_logger()
    t0 = time.monotonic()
    settings = RunSettings(
        workers=workers or RunSettings().workers, force=force, years=tuple(years or ()),
        cache_dir=str(Path(out) / ".cache"),
    )
    files = discover_task(source)
    logger.info("%d report files under %s", len(files), source)
    reports, stats = extract_task(files, settings, progress)
    pub = publish_task(reports, out)
    seconds = time.monotonic() - t0
    create_markdown_artifact(key=ARTIFACT_KEY, markdown=summary_markdown(source, stats, pub, seconds),
                             description="What the last build-dataset run did")
    logger.info("published %d reports, %d facts to %s in %.1f s", pub.reports, pub.facts, out, seconds)
    return {"seen": stats.seen, "cached": stats.cached, "extracted": stats.extracted,
            "failed": len(stats.failed), "checks_failed": stats.checks_failed,
            "reports": pub.reports, "facts": pub.facts, "seconds": round(seconds, 2)}
