"""`ogi release`: a frozen copy with checksums, changelog, citation and data package."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pandas as pd
import pytest
import yaml

from ogi.errors import OgiError
from ogi.types import Fact, Report
from publish import local as pub
from publish.release import release
from tests.support import FIXTURES, ROOT

CLI = "pipeline.cli"  # the module `ogi` runs

DAY = dt.date(2026, 1, 31)


def _report(rid: str, name: str, status: str = "ok", year: int = 2023) -> Report:
    return Report(report_id=rid, file_name=name, sha256=rid * 4, format="txt", year=year, template="2021",
                  agency="洪泽区人民政府", status=status, region_code="320813", source_path=f"/src/{name}",
                  error="" if status == "ok" else "identities fail as printed: R1 requests.total (1 vs 2)",
                  facts=[Fact("requests", "new_received", "total", 3.0, "3")])


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    pub.publish([_report("aaaa", "a.txt"), _report("bbbb", "b.txt"), _report("cccc", "c.pdf", year=2024)], out)
    return out


def _sums(folder: Path) -> dict[str, str]:
    lines = (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    return {name: digest for digest, name in (ln.split("  ", 1) for ln in lines)}


def test_first_release_is_a_frozen_copy_with_checksums(dataset: Path) -> None:
    rel = release(dataset, "2026.1", today=DAY)
    dest = dataset / "releases" / "2026.1"
    assert rel.path == dest and rel.previous is None
    assert pd.read_parquet(dest / "reports")["report_id"].sort_values().tolist() == ["aaaa", "bbbb", "cccc"]
    sums = _sums(dest)
    files = {p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file()} - {"SHA256SUMS"}
    assert set(sums) == files and {"CHANGELOG.md", "CITATION.cff", "datapackage.json", "codebook.csv"} <= files
    for name, digest in sums.items():
        assert hashlib.sha256((dest / name).read_bytes()).hexdigest() == digest
    pub.publish([_report("dddd", "d.txt")], dataset)  # the dataset moves on; the release does not
    assert len(pd.read_parquet(dest / "reports")) == 3
    assert "First release." in (dest / "CHANGELOG.md").read_text(encoding="utf-8")


def test_citation_is_valid_cff_1_2(dataset: Path) -> None:
    dest = release(dataset, "v1.0.0", today=DAY).path
    cff = yaml.safe_load((dest / "CITATION.cff").read_text(encoding="utf-8"))
    schema = json.loads((FIXTURES / "cff" / "schema-1.2.0.json").read_text(encoding="utf-8"))
    jsonschema.validate(cff, schema)
    assert (cff["cff-version"], cff["version"], cff["date-released"], cff["type"]) == \
        ("1.2.0", "v1.0.0", "2026-01-31", "dataset")
    broken = {k: v for k, v in cff.items() if k != "authors"}
    with pytest.raises(jsonschema.ValidationError):  # the schema does reject a bad file
        jsonschema.validate(broken, schema)


def test_datapackage_of_the_release_names_its_version_and_files(dataset: Path) -> None:
    dest = release(dataset, "2026.1", today=DAY).path
    pkg = json.loads((dest / "datapackage.json").read_text(encoding="utf-8"))
    assert pkg["version"] == "2026.1"
    paths = [r["path"] for r in pkg["resources"]]
    assert all((dest / p).exists() for p in paths) and "reports/year=2024" in paths


def test_changelog_says_what_changed_since_the_previous_release(dataset: Path) -> None:
    release(dataset, "1", today=DAY)
    pub.publish([_report("bbbb", "b.txt", status="checks_failed"), _report("eeee", "e.txt"),
                 _report("ffff", "c.pdf", year=2024)], dataset)  # b's status; e new; c.pdf's bytes changed
    rel = release(dataset, "2", today=DAY + dt.timedelta(days=1))
    text = (rel.path / "CHANGELOG.md").read_text(encoding="utf-8")
    assert rel.previous == "1"
    assert text.startswith("# Changelog\n\n## 2 (2026-02-01)\n\nCompared with release 1.")
    assert "### Reports added (1)\n\n- `e.txt` (2023, 洪泽区人民政府): ok" in text
    assert "### Files whose content changed (new report_id) (1)\n\n- `c.pdf`" in text
    assert "### Status changed (1)\n\n- `b.txt`: ok → checks_failed" in text
    assert "| reports | 3 | 4 | +1 |" in text and "| status checks_failed | 0 | 1 | +1 |" in text
    assert "## 1 (2026-01-31)" in text  # the history follows


def test_user_errors(dataset: Path, tmp_path: Path) -> None:
    release(dataset, "1", today=DAY)
    with pytest.raises(OgiError, match="already exists"):
        release(dataset, "1", today=DAY)
    with pytest.raises(OgiError, match="already made"):
        release(dataset, "1", to=tmp_path / "elsewhere")
    with pytest.raises(OgiError, match="bad release version"):
        release(dataset, "../x")
    with pytest.raises(OgiError, match="no published dataset"):
        release(tmp_path / "empty", "1")
    assert not list((dataset / "releases").glob(".*partial*"))


def test_release_to_another_folder_is_found_by_the_next(dataset: Path, tmp_path: Path) -> None:
    release(dataset, "1", to=tmp_path / "archive" / "r1", today=DAY)
    assert (tmp_path / "archive" / "r1" / "SHA256SUMS").is_file()
    assert release(dataset, "2", today=DAY).previous == "1"


def _ogi(*args: str) -> subprocess.CompletedProcess:
    """The real command line, run from this checkout."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", CLI, *args], capture_output=True, text=True, env=env, timeout=300,
                          check=False)


def _ogi_here(capsys, *args: str) -> subprocess.CompletedProcess:
    """The same command line's ``main`` in this process (no interpreter start)."""
    from pipeline.cli import main

    capsys.readouterr()
    code = main(list(args))
    got = capsys.readouterr()
    return subprocess.CompletedProcess(list(args), code, got.out, got.err)


def _check_release_cli(run, dataset: Path) -> None:
    ok = run("release", str(dataset), "--version", "1")
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["path"] == str(dataset / "releases" / "1")
    again = run("release", str(dataset), "--version", "1")
    assert again.returncode == 2 and again.stdout == ""
    assert again.stderr.count("\n") == 1 and "already exists" in again.stderr
    check = subprocess.run(["sha256sum", "--quiet", "-c", "SHA256SUMS"], cwd=dataset / "releases" / "1",
                           capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout + check.stderr


def test_cli_release_and_its_one_line_user_errors(dataset: Path, capsys) -> None:
    _check_release_cli(lambda *a: _ogi_here(capsys, *a), dataset)


@pytest.mark.slow  # the same through a fresh interpreter (what a person runs)
def test_cli_release_and_its_one_line_user_errors_in_a_process(dataset: Path) -> None:
    _check_release_cli(_ogi, dataset)


def test_two_releases_each_pass_sha256sum_and_load_like_the_dataset(dataset: Path) -> None:
    from ogi.loader import load

    release(dataset, "1", today=DAY)
    pub.publish([_report("eeee", "e.txt")], dataset)
    two = release(dataset, "2", today=DAY + dt.timedelta(days=1)).path
    for v in ("1", "2"):
        check = subprocess.run(["sha256sum", "--quiet", "-c", "SHA256SUMS"], cwd=dataset / "releases" / v,
                               capture_output=True, text=True, check=False)
        assert check.returncode == 0, check.stdout + check.stderr
    assert "### Reports added (1)\n\n- `e.txt`" in (two / "CHANGELOG.md").read_text(encoding="utf-8")
    assert sorted(load(two, tables="reports")["report_id"]) == sorted(load(dataset, tables="reports")["report_id"])
    assert list(load(two, wide=True).columns) == list(load(dataset, wide=True).columns)
    assert len(load(dataset / "releases" / "1", tables="facts")) == 3
    (two / "codebook.csv").write_text("tampered\n", encoding="utf-8")  # the check can fail
    bad = subprocess.run(["sha256sum", "--quiet", "-c", "SHA256SUMS"], cwd=two, capture_output=True, text=True,
                         check=False)
    assert bad.returncode != 0 and "codebook.csv" in bad.stdout


@pytest.mark.slow  # frictionless validate takes seconds
def test_the_release_datapackage_passes_frictionless_and_says_what_to_cite(dataset: Path) -> None:
    dest = release(dataset, "2026.1", today=DAY).path
    exe = Path(sys.executable).with_name("frictionless")
    done = subprocess.run([str(exe), "validate", "--json", "datapackage.json"], cwd=dest, capture_output=True,
                          text=True, timeout=600, check=False)
    report = json.loads(done.stdout)
    assert report["valid"], [e["message"] for t in report["tasks"] for e in t["errors"]][:5]
    pkg = json.loads((dest / "datapackage.json").read_text(encoding="utf-8"))
    assert (pkg["version"], pkg["created"]) == ("2026.1", "2026-01-31T00:00:00Z")
    assert pkg["licenses"] and pkg["sources"] and pkg["contributors"]
    cff = yaml.safe_load((dest / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["license"] == pkg["licenses"][0]["name"]  # one licence, said the same way in both
