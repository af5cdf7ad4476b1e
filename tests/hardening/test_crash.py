"""Crash safety: `ogi run` killed with SIGKILL (whole process group) early, mid extraction and
during publish, then rerun: the dataset loads, every report once, no duplicate facts, the same
facts as an uninterrupted run; a kill during publish leaves the previous dataset readable."""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import time
from pathlib import Path

import pandas as pd
import pytest

from pipeline.batch import discover
from tests.support import FIXTURES, SHARED

SLOW = ("黔东南苗族侗族自治州", "成都市郫都区")  # the two scanned PDFs: a minute of OCR each
FIXTURE_GLOBS = ("text/*.txt", "text/*.md", "html/*.html", "docx/*.docx", "docx/*.doc", "pdf/*.pdf")
RNG = random.Random(int(os.environ.get("OGI_CRASH_SEED", "8")))
pytestmark = pytest.mark.slow  # about a minute: seven full `ogi run`s of ~40 reports


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    """About 40 reports: the dev corpus without its scans, plus the test fixtures."""
    d = tmp_path_factory.mktemp("crash_src")
    dev = SHARED / "corpus" / "dev"
    if dev.is_dir():
        for f in sorted(dev.iterdir()):
            if f.is_file() and f.suffix != ".json" and not f.name.startswith(SLOW):
                shutil.copyfile(f, d / f.name)
    for pattern in FIXTURE_GLOBS:
        for f in sorted(FIXTURES.glob(pattern)):
            shutil.copyfile(f, d / f"fx_{f.name}")
    return d


def one_name_per_content(files) -> list[str]:
    """report_id is the content: identical bytes under two names are one report, named after the first path."""
    seen: set[str] = set()
    names = []
    for f in sorted(files, key=lambda f: str(f.path)):
        sha = hashlib.sha256(Path(f.path).read_bytes()).hexdigest()
        if sha not in seen:
            seen.add(sha)
            names.append(f.file_name)
    return sorted(names)


def load(out: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The published dataset, checked: one row per report, no fact twice."""
    reports, facts = pd.read_parquet(out / "reports"), pd.read_parquet(out / "facts")
    assert reports["report_id"].is_unique
    assert not facts.duplicated(["report_id", "table", "row", "col"]).any()
    assert set(facts["report_id"]) <= set(reports["report_id"])
    return reports, facts


def fingerprint(out: Path) -> tuple[dict, set]:
    reports, facts = load(out)
    rows = dict(zip(reports["file_name"], reports["status"]))
    return rows, set(zip(facts["report_id"], facts["table"], facts["row"], facts["col"], facts["value"]))


@pytest.fixture(scope="module")
def reference(source, tmp_path_factory, cli) -> tuple[dict, set]:
    out = tmp_path_factory.mktemp("crash_ref")
    res, _ = cli.run(source, out)
    assert res.returncode == 0, res.stderr.decode()[-3000:]
    return fingerprint(out)


def cached(out: Path) -> int:
    return sum(1 for _ in (out / ".cache").rglob("*.json")) if (out / ".cache").is_dir() else 0


def partial_versions(out: Path) -> list[Path]:
    return list((out / ".versions").glob("*.partial")) if (out / ".versions").is_dir() else []


def complete(cli, source: Path, out: Path, *extra: str) -> None:
    res, _ = cli.run(source, out, *extra)
    assert res.returncode == 0, res.stderr.decode()[-3000:]


def test_source_is_big_enough(source):
    assert len(discover(source)) >= (35 if (SHARED / "corpus" / "dev").is_dir() else 10)


def test_killed_early_and_mid_extraction_then_rerun(source, reference, tmp_path, cli):
    out = tmp_path / "out"
    n = len(discover(source))
    start = time.monotonic()
    early = RNG.uniform(0.05, 0.6)
    cli.kill_when(cli.start(source, out), lambda: time.monotonic() - start > early)
    assert not (out / "current").exists() or load(out)
    k = RNG.randint(2, n // 2)
    killed = cli.kill_when(cli.start(source, out), lambda: cached(out) >= k)
    assert killed, "the run finished before the kill: nothing was tested"
    assert not (out / "current").exists()  # nothing published yet, and nothing half-published
    complete(cli, source, out)
    assert fingerprint(out) == reference
    assert sorted(load(out)[0]["file_name"]) == one_name_per_content(discover(source))


def test_kill_during_publish_keeps_the_previous_dataset(source, reference, tmp_path, cli):
    out = tmp_path / "out"
    complete(cli, source, out)
    before = fingerprint(out)
    for _ in range(8):  # the publish window is short: try until a kill lands in it
        if cli.kill_when(cli.start(source, out, "--force"), lambda: bool(partial_versions(out))):
            break
    else:
        pytest.fail("never killed inside publish")
    assert partial_versions(out)  # the kill really hit a version being written
    assert fingerprint(out) == before  # and the old version is still whole
    complete(cli, source, out)
    assert not partial_versions(out), "a rerun removes half-written versions"
    assert fingerprint(out) == reference


def test_half_written_cache_and_stale_staging_do_not_break_a_rerun(source, reference, tmp_path, cli):
    out = tmp_path / "out"
    complete(cli, source, out)
    entries = sorted((out / ".cache").rglob("*.json"))
    assert entries
    entries[0].write_text(entries[0].read_text(encoding="utf-8")[:50], encoding="utf-8")  # cut mid-write
    entries[1].write_bytes(b"")
    json.loads(entries[2].read_text(encoding="utf-8"))
    (entries[2].parent / f"{entries[2].stem}.12345.tmp").write_text("{", encoding="utf-8")
    stale = out / ".versions" / "20000101T000000-999999999-1.partial" / "facts"
    stale.mkdir(parents=True)
    (stale / "part-0.parquet").write_bytes(b"PAR1 cut")
    os.symlink(".versions/nowhere", out / ".current.999999999")
    complete(cli, source, out)
    assert not stale.parent.exists() and not (out / ".current.999999999").is_symlink()
    assert fingerprint(out) == reference
