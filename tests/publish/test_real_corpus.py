"""Panel-ready and citable, on the real reports of ../shared/corpus/real (issue 15's "What it must show").

One dataset is built from a part of the corpus and released, then from all of it and released again;
the tests read what a researcher reads: the Parquet folders, `ogi.loader.load`, `frictionless
validate`, `sha256sum -c`, and score.py's view of the dataset.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from ogi.loader import cell_order, load
from tests.support import ROOT, SHARED, needs_shared

REAL = SHARED / "corpus" / "real"
FIRST = ("fujian_pingtan_2019", "fujian_pingtan_2020", "jiangsu_huaian_hongze_district_2023")  # release 1's part
PAIRS = (2019, 2021, 2023, 2024)  # years with a portal page and its web-text copy

pytestmark = [pytest.mark.slow, needs_shared]


def _ogi(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "pipeline.cli", *args], capture_output=True, text=True, env=env,
                          timeout=900, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """OUT with release 1 (a part of the corpus) and release 2 (all of it), and OUT = all of it."""
    out = tmp_path_factory.mktemp("real") / "out"
    part = out.parent / "part"
    part.mkdir()
    for f in REAL.iterdir():
        if f.is_file() and f.name.startswith(FIRST):
            (part / f.name).symlink_to(f)
    _ogi("run", "--source", str(part), "--out", str(out), "--no-prefect")
    _ogi("release", str(out), "--version", "1")
    _ogi("run", "--source", str(REAL), "--out", str(out), "--no-prefect")
    _ogi("release", str(out), "--version", "2")
    return out


@pytest.fixture(scope="module")
def reports(built: Path) -> pd.DataFrame:
    return pd.read_parquet(built / "reports").set_index("file_name")


def test_pingtan_2023_page_fails_y2_and_says_so(reports: pd.DataFrame) -> None:
    r = reports.loc["fujian_pingtan_2023.html"]
    assert r["status"] == "checks_failed" and r["n_checks_failed"] >= 1
    assert "Y2 active.normative_docs.in_force" in r["error"] and "643 vs 470" in r["error"]


def test_each_pingtan_page_and_its_webtext_copy_one_names_the_other(reports: pd.DataFrame) -> None:
    for year in PAIRS:
        page, text = reports.loc[f"fujian_pingtan_{year}.html"], reports.loc[f"fujian_pingtan_{year}_webtext.txt"]
        marks = [x for x in (page["duplicate_of"], text["duplicate_of"]) if pd.notna(x)]
        assert len(marks) == 1, year
        assert pd.isna(page["duplicate_of"]) and text["duplicate_of"] == page["report_id"], year  # richer format kept
    singles = reports.drop(index=[f"fujian_pingtan_{y}_webtext.txt" for y in PAIRS])
    assert singles["duplicate_of"].isna().all()


def test_one_agency_id_across_years(reports: pd.DataFrame) -> None:
    hongze = reports.loc[["jiangsu_huaian_hongze_district_2023.pdf", "jiangsu_huaian_hongze_district_2024.pdf"]]
    assert hongze["agency_id"].nunique() == 1 and hongze["agency_id"].notna().all()
    pages = reports.loc[[f"fujian_pingtan_{y}.html" for y in range(2019, 2025)]]
    assert pages["agency_id"].nunique() == 1 and pages["agency_id"].notna().all()
    city = reports.loc["jiangsu_huaian_city_2024.pdf", "agency_id"]
    assert city not in set(hongze["agency_id"]) | set(pages["agency_id"])
    assert (reports.loc["shanghai_stc_2024_pdfextract.md", ["admin_level", "territorial_level"]].tolist()
            == ["department", "province"])


def test_the_ocr_misread_place_name_is_resolved_fuzzily(reports: pd.DataFrame) -> None:
    r = reports.loc["jiangsu_suqian_shuyang_county_2025_ocr.md"]
    assert (r["province"], r["city"], r["county"], r["region_code"]) == ("江苏省", "宿迁市", "沭阳县", "321322")
    assert r["region_match"].startswith("fuzzy: 沐阳县 → 沭阳县")
    assert (reports.drop(index=r.name)["region_match"] == "exact").all()


def test_wide_has_the_same_columns_for_any_selection_of_years(built: Path) -> None:
    full = list(load(built, wide=True).columns)
    assert full[-len(cell_order()):] == cell_order()
    for years in ([2019], [2020, 2023], [2025], [1999]):
        assert list(load(built, wide=True, years=years).columns) == full, years
    harmonized = load(built, wide=True, harmonized=True)
    h = harmonized.set_index("file_name")
    w = load(built, wide=True).set_index("file_name")
    assert h.loc["fujian_pingtan_2020.html", "requests.other.total"] == w.loc["fujian_pingtan_2020.html",
                                                                                 "requests.other.total"]
    subs = ["requests.other.no_correction.total", "requests.other.unpaid_fee.total", "requests.other.other.total"]
    assert h.loc["fujian_pingtan_2022.html", "requests.other.total"] == w.loc["fujian_pingtan_2022.html", subs].sum()
    assert list(load(built, wide=True, harmonized=True, years=[2019]).columns) == list(harmonized.columns)


def test_loader_leaves_duplicates_out_but_every_file_keeps_its_row(built: Path, reports: pd.DataFrame) -> None:
    assert len(reports) == 17  # plain pandas and score.py see every file
    kept = load(built, tables="reports")
    assert len(kept) == 17 - len(PAIRS) and kept["duplicate_of"].isna().all()
    assert len(load(built, tables="reports", duplicates=True)) == 17


def test_score_finds_every_keyed_report_with_the_duplicates_marked(built: Path) -> None:
    done = subprocess.run([sys.executable, str(SHARED / "tools" / "score.py"), "--keys", str(REAL / "keys"),
                           "--dataset", str(built)], capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    n = len(list((REAL / "keys").glob("*.json")))
    assert f"found={n}/{n}" in done.stdout


def _frictionless(folder: Path) -> dict:
    exe = Path(sys.executable).with_name("frictionless")
    done = subprocess.run([str(exe), "validate", "--json", "datapackage.json"], cwd=folder, capture_output=True,
                          text=True, timeout=900, check=False)
    return json.loads(done.stdout)


@pytest.mark.parametrize("where", ["dataset", "releases/2"])
def test_frictionless_validates_the_dataset_and_a_release(built: Path, where: str) -> None:
    folder = built if where == "dataset" else built / where
    report = _frictionless(folder)
    assert report["valid"], [e["message"] for t in report["tasks"] for e in t["errors"]][:5]
    pkg = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert {"version", "created", "licenses", "sources", "contributors"} <= set(pkg)
    assert pkg["version"] == ("2" if where != "dataset" else pkg["version"]) and pkg["licenses"][0]["name"]


def test_two_releases_check_and_the_second_changelog_names_the_files_added(built: Path) -> None:
    for v in ("1", "2"):
        check = subprocess.run(["sha256sum", "--quiet", "-c", "SHA256SUMS"], cwd=built / "releases" / v,
                               capture_output=True, text=True, check=False)
        assert check.returncode == 0, check.stdout + check.stderr
    log2 = (built / "releases" / "2" / "CHANGELOG.md").read_text(encoding="utf-8")
    added = log2.split("### Reports added", 1)[1].split("\n### ", 1)[0]
    first = {f.name for f in REAL.iterdir() if f.is_file() and f.name.startswith(FIRST)}
    later = {f.name for f in REAL.iterdir() if f.is_file() and f.name != "MANIFEST.csv"} - first
    assert set(re.findall(r"^- `([^`]+)`", added, flags=re.M)) == later
    assert "## 1 (" in log2


def test_a_release_loads_like_the_dataset_and_is_never_overwritten(built: Path) -> None:
    rel = load(built / "releases" / "2", tables="reports", duplicates=True)
    now = load(built, tables="reports", duplicates=True)
    assert sorted(rel["report_id"]) == sorted(now["report_id"])
    assert list(load(built / "releases" / "2", wide=True).columns) == list(load(built, wide=True).columns)
    first = [f for f in REAL.iterdir() if f.is_file() and f.name.startswith(FIRST)]  # 2019's page and copy too
    assert len(load(built / "releases" / "1", tables="reports", duplicates=True)) == len(first) == 4
    assert len(load(built / "releases" / "1", tables="reports")) == 3
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    again = subprocess.run([sys.executable, "-m", "pipeline.cli", "release", str(built), "--version", "1"],
                           capture_output=True, text=True, env=env, timeout=300, check=False)
    assert again.returncode == 2 and "already exists" in again.stderr
