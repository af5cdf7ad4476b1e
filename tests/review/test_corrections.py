"""Corrections are an overlay: applied at every run, kept apart from what was printed."""

from __future__ import annotations

import csv

import pytest

from pipeline.batch import InputFile, process_file
from review.corrections import COLUMNS, Correction, append_corrections, apply_corrections, missing_cells, read_corrections
from tests.review.support import facts, reports, run
from tests.support import FIXTURES

CELL = "requests.new_received.natural_person"


def write(path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS)
        w.writeheader()
        w.writerows([{k: r.get(k, "") for k in COLUMNS} for r in rows])


def test_correcting_one_cell_of_an_ok_report_rechecks_its_identities(dataset, capsys):
    src, out = dataset
    capsys.readouterr()
    rep = reports(out).loc["ok_2019_tabs.txt"]
    assert rep["status"] == "ok" and not rep["reviewed"]
    old = facts(out, "ok_2019_tabs.txt").loc[CELL, "value"]
    write(out / "corrections.csv", [{"sha256": rep["sha256"], "cell": CELL, "value": old + 5, "raw": str(int(old + 5)),
                                     "reviewer": "t", "reviewed_at": "2026-01-01T00:00:00Z", "note": "as printed"}])
    summary = run(src, out, capsys=capsys)
    assert summary["cached"] == 3 and summary["corrections_applied"] == 1
    f = facts(out, "ok_2019_tabs.txt").loc[CELL]
    assert (f["value"], f["origin"], f["extracted_value"]) == (old + 5, "corrected", old)
    others = facts(out, "ok_2019_tabs.txt").drop(index=CELL)
    assert set(others["origin"]) == {"extracted"} and others["extracted_value"].isna().all()
    rep = reports(out).loc["ok_2019_tabs.txt"]
    assert rep["reviewed"] and rep["status"] == "checks_failed"
    import pandas as pd

    chk = pd.read_parquet(out / "checks")
    chk = chk[(chk.report_id == rep["report_id"]) & ~chk.passed]
    assert {"R1 requests.natural_person", "R3 requests.new_received"} <= set(chk["rule"])
    # the cache kept what was read: without the correction the printed value comes back
    (out / "corrections.csv").unlink()
    run(src, out)
    f = facts(out, "ok_2019_tabs.txt").loc[CELL]
    assert (f["value"], f["origin"]) == (old, "extracted")
    assert reports(out).loc["ok_2019_tabs.txt", "status"] == "ok"
    assert not reports(out).loc["ok_2019_tabs.txt", "reviewed"]


def test_unknown_sha256_and_bad_cell_are_reported_not_applied(dataset, capsys):
    src, out = dataset
    capsys.readouterr()
    before = facts(out, "ok_2019_tabs.txt")
    sha = reports(out).loc["ok_2019_tabs.txt", "sha256"]
    write(out / "corrections.csv", [{"sha256": "ab" * 32, "cell": CELL, "raw": "7"},
                                    {"sha256": sha, "cell": "requests.no_such_row.total", "raw": "7"}])
    summary = run(src, out, capsys=capsys)
    assert summary["corrections_applied"] == 0
    assert summary["corrections_unknown_sha256"] == ["ab" * 32 + " " + CELL]
    assert summary["corrections_bad_cell"] == [f"{sha} requests.no_such_row.total"]
    after = facts(out, "ok_2019_tabs.txt")
    assert after["value"].equals(before["value"]) and set(after["origin"]) == {"extracted"}
    assert not reports(out)["reviewed"].any()


def test_marking_a_report_sets_its_status(dataset):
    src, out = dataset
    sha = reports(out).loc["tongwei_img_tables_gbk.html", "sha256"]
    write(out / "corrections.csv", [{"sha256": sha, "cell": "status", "raw": "not_a_report", "note": "a news page"}])
    run(src, out, "--corrections", str(out / "corrections.csv"))
    rep = reports(out).loc["tongwei_img_tables_gbk.html"]
    assert rep["status"] == "not_a_report" and rep["reviewed"] and "a news page" in rep["error"]


def _txt_report():
    p = FIXTURES / "review" / "ok_2019_tabs.txt"
    return process_file(InputFile(path=str(p), key=p.name, file_name=p.name))


def test_a_missing_cell_typed_in_completes_the_report():
    rep = _txt_report()
    assert rep.status == "ok" and not missing_cells(rep.facts, rep.template)
    gone = next(f for f in rep.facts if f"{f.table}.{f.row}.{f.col}" == CELL)
    rep.facts.remove(gone)
    rep.status, rep.error = "needs_review", "requests.new_received: 6 value cells printed, 7 expected"
    assert missing_cells(rep.facts, rep.template) == [CELL]
    fixed, stats = apply_corrections([rep], [Correction(rep.sha256, CELL, gone.value, gone.raw)])
    new = fixed[0]
    f = next(f for f in new.facts if f"{f.table}.{f.row}.{f.col}" == CELL)
    assert (f.value, f.origin, f.extracted_value) == (gone.value, "corrected", None)
    assert (new.status, new.error, new.reviewed) == ("ok", "", True)
    assert rep.status == "needs_review" and not rep.reviewed  # the given Report (the cache's) untouched
    assert stats.applied == 1 and stats.reports == 1


def test_a_still_incomplete_report_stays_flagged():
    rep = _txt_report()
    rep.facts = [f for f in rep.facts if f.table != "appeals"]
    rep.status, rep.error = "tables_missing", "tables not found: appeals"
    fixed, _ = apply_corrections([rep], [Correction(rep.sha256, CELL, 1.0, "1")])
    assert fixed[0].status == "tables_missing" and "still missing" in fixed[0].error


def test_the_later_row_wins_and_appending_keeps_history(tmp_path):
    p = tmp_path / "c.csv"
    append_corrections(p, [Correction("aa", CELL, 1.0, "1", "x", "t1")])
    append_corrections(p, [Correction("aa", CELL, 2.0, "2", "y", "t2")])
    assert len(p.read_text(encoding="utf-8").splitlines()) == 3  # header + both rows
    (c,) = read_corrections(p)
    assert (c.value, c.raw, c.reviewer) == (2.0, "2", "y")


def test_raw_without_value_is_read_as_printed(tmp_path):
    p = tmp_path / "c.csv"
    write(p, [{"sha256": "AA", "cell": CELL, "raw": "1,234"}, {"sha256": "bb", "cell": CELL, "raw": "—"},
              {"sha256": "cc", "cell": CELL, "value": "nan"}])
    got = {c.sha256: c.value for c in read_corrections(p)}
    assert got == {"aa": 1234.0, "bb": 0.0}  # a non-finite value is skipped


@pytest.mark.parametrize("bad", [Correction("aa", "requests.x.y", 1.0, "1"), Correction("aa", CELL, None, "x"),
                                 Correction("aa", "status", None, "ok")])
def test_invalid_corrections_are_not_applied(bad):
    rep = _txt_report()
    rep.sha256 = "aa"
    fixed, stats = apply_corrections([rep], [bad])
    assert fixed[0] is rep and stats.bad_cell == [f"aa {bad.cell}"]


def test_a_cell_of_the_other_template_version_is_not_applied():
    rep = _txt_report()
    assert rep.template == "2019"
    fixed, stats = apply_corrections([rep], [Correction(rep.sha256, "requests.other.unpaid_fee.total", 1.0, "1")])
    assert fixed[0] is rep and stats.applied == 0
    assert stats.bad_cell == [f"{rep.sha256} requests.other.unpaid_fee.total (not in template 2019)"]
