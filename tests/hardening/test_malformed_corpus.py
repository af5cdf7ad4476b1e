"""The malformed corpus (scripts/make_malformed.py) through `ogi run`: the run ends, memory
stays bounded, every file has one reports row, bad files say why, good ones are exact."""

from __future__ import annotations

import hashlib
from dataclasses import asdict
from pathlib import Path

import pandas as pd
import pytest

from ogi.hashing import report_id_for
from pipeline.batch import InputFile, process_file

pytestmark = pytest.mark.slow  # one `ogi run` subprocess over the whole malformed corpus

PEAK_LIMIT = 2 * 2**30

# case name → (expected status or None for "any status but ok", words the error must contain)
EXPECTED: dict[str, tuple[str | None, tuple[str, ...]]] = {
    "empty.pdf": ("unreadable", ("0 bytes",)),
    "empty report.txt": ("unreadable", ("0 bytes",)),
    "truncated.pdf": ("unreadable", ("PDF",)),
    "truncated_head.pdf": ("unreadable", ("PDF",)),
    "encrypted.pdf": (None, ("password",)),
    "giant_page.pdf": (None, ()),
    "404 page.pdf": ("not_a_report", ("HTML page",)),
    "not a zip.docx": ("unreadable", ("zip",)),
    "garbage.doc": (None, ()),
    "random.pdf": ("unreadable", ("PDF",)),
    "random.html": (None, ()),
    "random.txt": ("unreadable", ("binary",)),
    "random": ("unsupported_format", ("cannot read this kind of file",)),
    "data.xyz": ("unsupported_format", (".xyz",)),
    "通知.txt": ("not_a_report", ()),
    "bomb.docx": ("unreadable", ("zip bomb",)),
    "lying bomb.docx": ("unreadable", ("document.xml",)),
    "laughs.docx": ("unreadable", ("document.xml",)),
    "deep.docx": ("unreadable", ("document.xml",)),
    "laughs.html": (None, ()),
    "deep.html": ("unreadable", ("safety limits",)),
    "huge line.txt": ("unreadable", ("single line",)),
    "huge line.html": ("unreadable", ("safety limits",)),
}


@pytest.fixture(scope="module")
def batch(malformed, tmp_path_factory, cli):
    """One `ogi run` over the corpus: (manifest, reports frame, facts frame, peak RSS)."""
    folder, manifest = malformed
    out = tmp_path_factory.mktemp("malformed_out")
    res, peak = cli.run(folder, out, "--workers", "2")
    assert res.returncode == 0, res.stderr.decode()[-3000:]
    return manifest, pd.read_parquet(out / "reports"), pd.read_parquet(out / "facts"), peak


def test_every_case_has_an_expectation(mm):
    assert {c.name for c in mm.cases()} == set(EXPECTED)


def _first_per_content(folder: Path, names) -> list[str]:
    """The names a run keeps: identical bytes are one report, named after the first file in path order."""
    seen: dict[str, str] = {}
    for n in sorted(names):
        seen.setdefault(hashlib.sha256((folder / n).read_bytes()).hexdigest(), n)
    return sorted(seen.values())


def test_every_file_gets_exactly_one_reports_row(batch, malformed):
    manifest, reports, _, _ = batch
    kept = _first_per_content(malformed[0], manifest)
    assert "empty report.txt" in kept and "empty.pdf" not in kept  # both 0 bytes: one report, the first path
    assert len(kept) == len(manifest) - 1
    assert sorted(reports["file_name"]) == kept
    assert reports["report_id"].is_unique


def test_peak_memory_of_the_process_tree(batch):
    peak = batch[3]
    assert 0 < peak < PEAK_LIMIT, f"peak RSS {peak / 2**20:.0f} MB"


@pytest.mark.parametrize("name", sorted(EXPECTED.keys() - {"empty.pdf"}))  # same bytes as "empty report.txt"
def test_bad_file_is_recorded_with_a_reason(batch, name):
    _, reports, facts, _ = batch
    row = reports.set_index("file_name").loc[name]
    status, words = EXPECTED[name]
    assert row["status"] != "ok" and row["error"], (row["status"], row["error"])
    if status:
        assert row["status"] == status, row["error"]
    for w in words:
        assert w in row["error"], row["error"]
    assert not (facts["report_id"] == row["report_id"]).any()


def _alone(source: Path) -> tuple[str, list[dict]]:
    rep = process_file(InputFile(path=str(source), key=source.name, file_name=source.name))
    return rep.status, [asdict(f) for f in rep.facts]


def test_good_reports_equal_their_run_alone(batch, mm, malformed):
    manifest, reports, facts, _ = batch
    by_name = reports.set_index("file_name")
    alone: dict[str, tuple[str, list[dict]]] = {}
    good = {n: m for n, m in manifest.items() if m["kind"] == "good"}
    assert len(good) >= 10
    for name, m in good.items():
        src = Path(m["source"])
        status, want = alone.setdefault(m["source"], _alone(src))
        row = by_name.loc[name]
        assert row["report_id"] == report_id_for(hashlib.sha256((malformed[0] / name).read_bytes()).hexdigest())
        assert row["status"] == status, (name, row["error"])
        got = facts[facts["report_id"] == row["report_id"]]
        got = sorted(zip(got["table"], got["row"], got["col"], got["value"], got["raw"]))
        assert got == sorted((f["table"], f["row"], f["col"], f["value"], f["raw"]) for f in want), name
        assert len(got) > 100, name
