"""Settled at publish: cross-year identities in the status, duplicates of an agency-year, ghosts of changed files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa

from ogi.schema import CHECKS, REPORTS
from ogi.types import Fact, Report
from pipeline.batch import InputFile, RunSettings, discover, process_file, process_many
from publish import local as pub
from publish.settle import Y_NOTE, base_status, duplicates, settle, superseded
from tests.support import FIXTURES


def _report(rid: str, year: int, facts: list[Fact], **kw) -> Report:
    base = {"report_id": rid, "file_name": f"{rid}.txt", "sha256": rid * 4, "format": "txt", "year": year,
            "template": "2019", "agency": "大水坑镇人民政府", "agency_id": "agency-1", "province": "宁夏回族自治区",
            "region_code": "640323", "status": "ok", "facts": facts}
    return Report(**{**base, **kw})


def _rows(out: Path) -> dict[str, dict]:
    return {r["report_id"]: r for r in pd.read_parquet(out / "reports").to_dict("records")}


def test_a_failing_y1_makes_the_report_checks_failed_and_a_fixed_neighbour_makes_it_ok_again(tmp_path):
    prev = _report("p2019", 2019, [Fact("requests", "carried_forward", "total", 2.0, "2")])
    cur = _report("c2020", 2020, [Fact("requests", "carried_over", "total", 1.0, "1")])
    pub.publish([prev, cur], tmp_path)
    row = _rows(tmp_path)["c2020"]
    assert (row["status"], row["n_checks_failed"]) == ("checks_failed", 1)
    assert row["error"].startswith(Y_NOTE) and "Y1" in row["error"]
    assert _rows(tmp_path)["p2019"]["status"] == "ok"  # Y rows belong to the later year
    prev.facts = [Fact("requests", "carried_forward", "total", 1.0, "1")]  # the 2019 file re-read
    pub.publish([prev], tmp_path)
    row = _rows(tmp_path)["c2020"]
    assert (row["status"], row["error"], row["n_checks_failed"]) == ("ok", "", 0)


def test_a_report_failing_r_and_y_keeps_both_reasons_and_loses_only_the_y_one():
    reports = pa.Table.from_pylist([{"report_id": "a", "status": "checks_failed", "n_checks_failed": 1,
                                     "error": "identities fail as printed: R1 requests.total (1 vs 2)"}],
                                   schema=REPORTS)
    checks = pa.Table.from_pylist([{"report_id": "a", "rule": "R1 requests.total", "passed": False, "detail": "1 vs 2"},
                                   {"report_id": "a", "rule": "Y1 requests.carried_over.total", "passed": False,
                                    "detail": "3 vs 4"}], schema=CHECKS)
    once = settle(reports, checks)
    assert once["n_checks_failed"].to_pylist() == [2]
    err = once["error"][0].as_py()
    assert err.startswith("identities fail as printed: R1") and f"; {Y_NOTE}Y1 requests.carried_over.total (3 vs 4)" in err
    assert settle(once, checks).to_pylist() == once.to_pylist()  # settling twice changes nothing
    again = settle(once, checks.slice(0, 1))  # the Y row passes now
    assert again["status"][0].as_py() == "checks_failed"
    assert again["error"][0].as_py() == "identities fail as printed: R1 requests.total (1 vs 2)"


def test_base_status_of_a_y_only_failure_is_ok():
    assert base_status("checks_failed", Y_NOTE + "Y1 x") == ("ok", "")
    assert base_status("needs_review", f"cells missing; {Y_NOTE}Y2 y") == ("needs_review", "cells missing")
    assert base_status("ok", "") == ("ok", "")


def test_the_fuller_copy_of_an_agency_year_is_kept_and_the_other_names_it(tmp_path):
    cells = [Fact("requests", "new_received", c, 1.0, "1") for c in ("total", "research", "commercial")]
    page = _report("page", 2020, cells, file_name="pingtan_2020.html")
    dump = _report("dump", 2020, cells[:1], file_name="pingtan_2020_webtext.txt", status="needs_review",
                   error="cells could not be placed")
    other = _report("other", 2020, cells[:1], agency_id="agency-2")
    pub.publish([dump, page, other], tmp_path)
    rows = _rows(tmp_path)
    assert rows["dump"]["duplicate_of"] == "page"
    assert pd.isna(rows["page"]["duplicate_of"]) and pd.isna(rows["other"]["duplicate_of"])
    assert duplicates(pa.Table.from_pylist([{"report_id": "x", "agency_id": None, "year": 2020},
                                            {"report_id": "y", "agency_id": None, "year": 2020}],
                                           schema=REPORTS)) == [None, None]  # unknown agency: no pairing


def test_the_richer_format_is_kept_when_both_copies_read_alike():
    """Regression: a page and its text dump with the same cells kept the smaller report_id, the dump."""
    cells = [Fact("requests", "new_received", "total", 1.0, "1")]
    rows = [_report("aaaa", 2021, cells, format="txt"), _report("bbbb", 2021, cells, format="html"),
            _report("cccc", 2021, cells, format="png")]
    t = pub.to_tables(rows)["reports"]
    assert duplicates(t) == ["bbbb", None, "bbbb"]
    worse = pub.to_tables([rows[0], _report("bbbb", 2021, cells, format="html", status="needs_review",
                                                    error="cells could not be placed")])["reports"]
    assert duplicates(worse) == [None, "aaaa"]  # a usable status still comes first


def test_superseded_only_when_the_same_place_now_holds_other_bytes():
    old = pa.Table.from_pylist([{"report_id": "old", "source_path": "/s/a.txt"},
                                {"report_id": "keep", "source_path": "/s/b.txt"},
                                {"report_id": "web", "source_url": "https://x/r.html", "source_path": "/raw/1"}],
                               schema=REPORTS)
    new = pa.Table.from_pylist([{"report_id": "new", "source_path": "/s/a.txt"},
                                {"report_id": "keep", "source_path": "/s/b.txt"},
                                {"report_id": "web2", "source_url": "https://x/r.html", "source_path": "/raw/2"}],
                               schema=REPORTS)
    assert superseded(old, new) == {"old", "web"}


def _run(src: Path, out: Path) -> pd.DataFrame:
    reports, _ = process_many(discover(src), RunSettings(workers=1))
    pub.publish(reports, out)
    return pd.read_parquet(out / "reports")


def test_report_ids_follow_the_bytes_not_the_path(tmp_path):
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    shutil.copy(FIXTURES / "text" / "dashuikeng_2020.txt", src / "a.txt")
    first = _run(src, out)
    assert first["report_id"].tolist() == [first["sha256"].iloc[0][:16]]
    shutil.copy(src / "a.txt", src / "copy of a.txt")  # same bytes under another name: one report
    again = _run(src, out)
    assert again[["report_id", "file_name"]].values.tolist() == [[first["report_id"].iloc[0], "a.txt"]]
    (src / "copy of a.txt").unlink()
    shutil.move(src / "a.txt", src / "renamed.txt")  # moved: still the same report, no second row
    moved = _run(src, out)
    assert moved["report_id"].tolist() == first["report_id"].tolist()
    with (src / "renamed.txt").open("a", encoding="utf-8") as f:  # changed bytes at one name: a new report
        f.write("\n附：本报告于2021年1月发布。\n")
    changed = _run(src, out)
    assert len(changed) == 1 and changed["report_id"].iloc[0] != first["report_id"].iloc[0]
    facts = pd.read_parquet(out / "facts")
    assert set(facts["report_id"]) == set(changed["report_id"])  # the old report left no ghost rows
    assert len(_run(src, out)) == 1 and len(pd.read_parquet(out / "facts")) == len(facts)  # idempotent


def test_a_report_whose_region_is_not_resolved_is_not_ok(tmp_path):
    text = (FIXTURES / "text" / "dashuikeng_2020.txt").read_text(encoding="utf-8")
    good = process_file(InputFile(str(FIXTURES / "text" / "dashuikeng_2020.txt"), "d.txt", "d.txt"))
    assert good.status == "ok" and good.region_code
    f = tmp_path / "x.txt"
    f.write_text(text.replace("盐池县", "沐池县").replace("大水坑", "小木坑").replace("宁夏", ""), encoding="utf-8")
    rep = process_file(InputFile(str(f), "x.txt", "x.txt"))
    assert rep.region_code is None and rep.facts
    assert rep.status == "needs_review" and "region was not resolved" in rep.error


def test_a_previous_year_published_later_settles_the_published_next_year_only(tmp_path):
    cur = _report("c2020", 2020, [Fact("requests", "carried_over", "total", 1.0, "1")])
    far = _report("f2022", 2022, [Fact("requests", "carried_over", "total", 1.0, "1")], agency="别的县人民政府",
                  agency_id="agency-9")
    pub.publish([cur, far], tmp_path)
    assert _rows(tmp_path)["c2020"]["status"] == "ok"
    far_file = next((tmp_path / "reports" / "year=2022").glob("*/*.parquet"))
    inode = far_file.stat().st_ino
    pub.publish([_report("p2019", 2019, [Fact("requests", "carried_forward", "total", 2.0, "2")])], tmp_path)
    row = _rows(tmp_path)["c2020"]
    assert (row["status"], row["n_checks_failed"]) == ("checks_failed", 1) and "p2019" in row["error"]
    assert len(_rows(tmp_path)) == 3 and len(pd.read_parquet(tmp_path / "facts")) == 3
    assert next((tmp_path / "reports" / "year=2022").glob("*/*.parquet")).stat().st_ino == inode  # untouched: shared
