"""The quality page from per-segment tallies (review.quality_parts): after any sequence of publishes
it equals the page computed from the whole tables, reads only the parts a publish made, and never
reuses the figures of a segment the version no longer links."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ogi.types import Check, Fact, Report
from publish import local as pub
from publish import segments
from review import quality, quality_parts
from review.data import read_rows

STATUSES = ("ok", "checks_failed", "needs_review", "tables_missing", None)


def _report(i: int, tag: str = "", status: str | None = None, province: str | None = None) -> Report:
    """Reports of many kinds: statuses (some null), errors that reduce to the same reason, empty and
    unknown provinces, unknown years, failing checks, reviewed ones."""
    st = status or STATUSES[i % 5] or "ok"
    year = None if i % 11 == 0 else 2019 + i % 4
    prov = province if province is not None else ("", "江苏省", "宁夏回族自治区", "北京市")[i % 4]
    return Report(report_id=f"{tag}q{i:05d}", file_name=f"{tag}q{i}.txt", sha256="ab" * 32, format="txt",
                  year=year, template="2019", agency=f"机关{i % 7}", province=prov, status=st,
                  error="" if st == "ok" else f"tables not found: appeals ({i % 3} cells)" if i % 2 else f"'{i}' splits",
                  reviewed=i % 6 == 0,
                  facts=[Fact("requests", "new_received", "total", float(i), str(i))],
                  checks=[Check("R1 requests.total", i % 3 != 0, "x"), Check(f"R{2 + i % 3} rows", i % 4 != 0, "y")])


def _scratch(out: Path, before) -> dict:
    """The figures from the whole tables, as the page was computed before the parts."""
    return quality.figures(*quality.figure_rows(out), before)


def _same(a: dict, b: dict) -> None:
    a, b = dict(a), dict(b)
    a.pop("generated"), b.pop("generated")
    assert a == b


def _publish(out: Path, reports: list[Report]) -> dict:
    """A run's publish step: what was there, publish, the page; checked against the whole tables."""
    whole = read_rows(out, "reports", columns=quality_parts.CHANGE_COLUMNS) if (out / "current").exists() else None
    before = quality.previous_reports(out)
    pub.publish(reports, out)
    fig = quality.write_quality(out, before)
    _same(fig, _scratch(out, whole))
    page = (out / quality.FILE_NAME).read_text(encoding="utf-8")
    again = quality.render_html({**_scratch(out, whole), "generated": fig["generated"]})
    assert page == again
    return fig


@pytest.fixture
def small_segments(monkeypatch):
    monkeypatch.setattr(segments, "SEG", 2)  # many segments from a few files


def test_page_from_parts_equals_page_from_whole_tables_after_adds_replaces_and_removals(tmp_path, small_segments):
    out = tmp_path / "out"
    fig = _publish(out, [_report(i) for i in range(60)])
    assert fig["changes"]["first"] and fig["reports"] == 60
    for k in range(4):  # nightly adds
        fig = _publish(out, [_report(100 + 10 * k + j, tag=f"n{k}") for j in range(7)])
        assert len(fig["changes"]["added"]) == 7 and not fig["changes"]["status"]
    # a rerun replaces reports scattered over years and changes their status
    fig = _publish(out, [_report(i, status="unreadable") for i in range(0, 60, 9)])
    assert len(fig["changes"]["status"]) == sum(1 for i in range(0, 60, 9) if (STATUSES[i % 5] or "ok") != "unreadable")
    assert fig["by_status"]["unreadable"] == 7
    # a file read again with other bytes: the old report leaves the dataset
    old = _report(5)
    moved = _report(5, tag="x")
    moved.source_path = old.source_path = "/src/q5.txt"
    _publish(out, [old])
    fig = _publish(out, [moved])
    assert fig["reports"] == 60 + 28 and fig["changes"]["added"] == ["xq5.txt"] and fig["changes"]["removed"] == ["q5.txt"]
    assert fig["rules"]["R1"]["failed"] > 0 and fig["reasons"] and fig["reviewed"] > 0
    assert "unknown" in fig["years"] and "unknown" in fig["by_province"]


def test_a_publish_reads_only_the_parts_it_made(tmp_path, small_segments, monkeypatch):
    out = tmp_path / "out"
    _publish(out, [_report(i) for i in range(80)])
    vdir = (out / "current").resolve()
    every = len(quality_parts.parts(vdir, "reports")) + len(quality_parts.parts(vdir, "checks"))
    seen: list[quality_parts.Part] = []
    real = quality_parts.read_part
    monkeypatch.setattr(quality_parts, "read_part", lambda p, *a: seen.append(p) or real(p, *a))
    before = quality.previous_reports(out)
    pub.publish([_report(1000, tag="new")], out)  # one report of year 2019 + 1000 % 4
    quality.write_quality(out, before)
    assert seen and len({p.path for p in seen}) < every / 3
    assert {p.year for p in seen if p.key and "/seg/" in p.key} == {2019}  # the year it wrote into
    cache = json.loads((out / quality_parts.CACHE).read_text(encoding="utf-8"))["parts"]
    now = (out / "current").resolve()
    linked = {p.key for n in ("reports", "checks") for p in quality_parts.parts(now, n)}
    assert set(cache) == linked  # a segment no longer linked leaves the cache


def test_a_cached_tally_is_used_only_while_its_segment_is_linked(tmp_path, small_segments):
    out = tmp_path / "out"
    _publish(out, [_report(i, status="ok", province="江苏省") for i in range(1, 40)])
    path = out / quality_parts.CACHE
    doc = json.loads(path.read_text(encoding="utf-8"))
    # tamper with every cached reports tally: a reused entry shows in the figures, a stale one must not
    for key, entry in doc["parts"].items():
        if key.startswith("reports/"):
            entry["cube"] = [[y, p, "tampered", c] for y, p, _s, c in entry["cube"]]
    path.write_text(json.dumps(doc), encoding="utf-8")
    fig = quality.current_figures(out)
    assert set(fig["by_status"]) == {"tampered"}  # proves the tallies come from the cache
    before = quality.previous_reports(out)
    pub.publish([_report(i, status="needs_review", province="江苏省") for i in range(1, 40, 4)], out)  # every year
    fig = quality.write_quality(out, before)
    # the segments the replaces re-made are read again; those still linked keep their (tampered) tally
    truth = _scratch(out, None)["by_status"]
    assert fig["by_status"].get("needs_review") == truth["needs_review"] == 10
    assert fig["reports"] == truth["ok"] + truth["needs_review"] == 39


def test_a_cache_of_another_format_or_unreadable_is_ignored(tmp_path):
    out = tmp_path / "out"
    _publish(out, [_report(i) for i in range(20)])
    (out / quality_parts.CACHE).write_text("{not json", encoding="utf-8")
    _same(quality.current_figures(out), _scratch(out, None))
    (out / quality_parts.CACHE).write_text(json.dumps({"format": -1, "parts": {}}), encoding="utf-8")
    _same(quality.current_figures(out), _scratch(out, None))
    assert json.loads((out / quality_parts.CACHE).read_text(encoding="utf-8"))["format"] == quality_parts.FORMAT


def test_like_reasons_tie_in_text_order_whatever_order_the_rows_come_in():
    a = quality_parts.Tally(reasons=quality_parts.Counter({"b": 2, "a": 2, "c": 3}))
    b = quality_parts.Tally(reasons=quality_parts.Counter({"a": 2, "c": 3, "b": 2}))
    assert quality.assemble(a, None)["reasons"] == quality.assemble(b, None)["reasons"] == [("c", 3), ("a", 2), ("b", 2)]
    assert re.fullmatch(r"\d{4}-.*", quality.assemble(a, None)["generated"])
