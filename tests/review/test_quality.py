"""quality.html after every publish: self-contained, the same counts as reports/."""

from __future__ import annotations

import re

import pandas as pd

from publish.local import read_current
from review.quality import figures, reason_of, render_markdown
from tests.review.support import reports, run


def test_quality_page_counts_match_reports(built):
    _src, out = built
    page = (out / "quality.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page) and "<script" not in page
    reps = reports(out)
    t = read_current(out)
    fig = figures(t["reports"], t["checks"])
    assert fig["by_status"] == reps["status"].value_counts().to_dict()
    for year, counts in fig["by_year"].items():
        sub = reps[reps["year"].astype("string").fillna("unknown") == year]
        assert counts == sub["status"].value_counts().to_dict()
    assert sum(v for row in fig["coverage"].values() for v in row.values()) == len(reps)
    assert fig["rules"]["R1"]["failed"] >= 1
    assert f"{len(reps)} reports" in page and "R1" in page


def test_changes_since_previous_version_and_corrections_are_shown(dataset):
    src, out = dataset
    sha = reports(out).loc["tongwei_img_tables_gbk.html", "sha256"]
    (out / "corrections.csv").write_text(f"sha256,cell,value,raw,reviewer,reviewed_at,note\n{sha},status,,not_a_report,"
                                         "bo,2026-01-02,news page\n", encoding="utf-8")
    run(src, out)
    page = (out / "quality.html").read_text(encoding="utf-8")
    assert "1 changed status" in page and "tables_missing" in page and "not_a_report" in page
    assert "1 corrections applied to 1 reports" in page and "news page" in page


def test_markdown_carries_the_same_figures(built):
    _src, out = built
    t = read_current(out)
    md = render_markdown(figures(t["reports"], t["checks"]))
    counts = pd.read_parquet(out / "reports")["status"].value_counts()
    for status, _n in counts.items():
        assert status in md
    assert "| R1 |" in md and "first version" in md


def test_like_errors_count_together():
    assert reason_of("tables not found: appeals (12 cells)") == reason_of("tables not found: appeals (3 cells)")
    assert reason_of("'898989' splits 10 ways") == reason_of("'12' splits 3 ways")
