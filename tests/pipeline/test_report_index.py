"""The cache index: unchanged files are not hashed again, outcomes answer "already published?"
without opening cached bodies, and a broken index only slows a run down."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from ogi.hashing import file_sha256, report_id_for
from ogi.types import Report
from pipeline.batch import RunSettings, discover, process_many
from pipeline.report_index import ReportIndex


def test_shas_come_from_stat_until_the_file_changes(tmp_path, monkeypatch):
    f = tmp_path / "a.txt"
    f.write_bytes(b"one")
    idx = ReportIndex(tmp_path / "idx")
    assert idx.shas([str(f)]) == {str(f): file_sha256(str(f))}
    hashed = []
    monkeypatch.setattr("pipeline.report_index.file_sha256", lambda p: hashed.append(p) or "x" * 64)
    first = idx.shas([str(f)])[str(f)]
    assert first != "x" * 64 and hashed == []  # unchanged size and mtime: not read
    f.write_bytes(b"two!")
    assert idx.shas([str(f)]) == {str(f): "x" * 64} and hashed == [str(f)]
    assert idx.shas([str(f)], force=True) and hashed == [str(f), str(f)]  # --force rehashes
    assert idx.shas([str(tmp_path / "gone.txt")]) == {}


def test_outcomes_recorded_and_forgotten(tmp_path):
    idx = ReportIndex(tmp_path)
    idx.record([Report("r", "a.pdf", "s1", "pdf", status="checks_failed", error="R1", year=2023),
                Report("q", "b.pdf", "", "pdf", status="unreadable")])  # no hash: not recorded
    got = idx.entries(["s1", "s2"])
    assert list(got) == ["s1"] and (got["s1"].status, got["s1"].error, got["s1"].year) == ("checks_failed", "R1", 2023)
    idx.forget(["s1"])
    assert idx.entries(["s1"]) == {}


def test_unusable_index_falls_back_to_hashing(tmp_path):
    (tmp_path / "idx").mkdir()
    (tmp_path / "idx" / "index.sqlite").mkdir()  # a folder where the database should be
    f = tmp_path / "a.txt"
    f.write_bytes(b"x")
    idx = ReportIndex(tmp_path / "idx")
    assert idx.shas([str(f)]) == {str(f): file_sha256(str(f))}
    idx.record([Report("r", "a", "s", "txt")])
    assert idx.entries(["s"]) == {}


def test_skip_leaves_published_reports_unloaded(tmp_path, fixtures, monkeypatch):
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(fixtures / "text" / "dashuikeng_2020.txt", src / "seed.txt")
    (src / "broken.pdf").write_bytes(b"not a pdf")
    settings = RunSettings(workers=1, cache_dir=str(tmp_path / "cache"))
    first, _ = process_many(discover(src), settings)
    have = {(r.report_id, r.sha256, r.status) for r in first}
    import pipeline.batch

    monkeypatch.setattr(pipeline.batch.Cache, "get", lambda self, sha: (_ for _ in ()).throw(AssertionError(sha)))
    reports, stats = process_many(discover(src), settings, skip=have.__contains__)
    assert reports == [] and (stats.seen, stats.cached, stats.extracted) == (2, 2, 0)
    assert list(stats.failed) == ["broken.pdf"] and stats.failed["broken.pdf"].startswith("unreadable")
    monkeypatch.undo()
    (src / "seed.txt").write_bytes((src / "seed.txt").read_bytes() + b"\n")
    os.utime(src / "seed.txt", ns=(1, 1))  # changed content, odd mtime: hashed again, so extracted again
    reports, stats = process_many(discover(src), settings, skip=have.__contains__)
    assert [r.file_name for r in reports] == ["seed.txt"] and stats.extracted == 1
    assert reports[0].report_id == report_id_for(reports[0].sha256) == reports[0].sha256[:16]


def test_lost_body_is_extracted_again(tmp_path, fixtures):
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(fixtures / "text" / "dashuikeng_2020.txt", src / "seed.txt")
    settings = RunSettings(workers=1, cache_dir=str(tmp_path / "cache"))
    process_many(discover(src), settings)
    for body in Path(settings.cache_dir).rglob("*.json"):
        body.write_text("{cut", encoding="utf-8")
    reports, stats = process_many(discover(src), settings)
    assert stats.extracted == 1 and len(reports[0].facts) == 198


def test_skipping_published_reports_still_settles_splits_with_the_previous_year(tmp_path, fixtures):
    """A report whose digits split open is never skipped, and brings the skipped previous year back."""
    fx = (fixtures / "text" / "pingtan_2023_flattened.txt").read_text(encoding="utf-8")
    tail = fx[fx.index("三、收到和处理"):]
    head = ("二、主动公开政府信息情况第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章000"
            "行政规范性文件{docs}第二十条第（五）项信息内容本年处理决定数量行政许可4529"
            "第二十条第（六）项信息内容本年处理决定数量行政处罚1100行政强制65"
            "第二十条第（八）项信息内容本年收费金额（单位：万元）行政事业性收费18651.06")
    src = tmp_path / "src"
    src.mkdir()
    for y, docs, said in ((2023, "123411", "制发规范性文件12件，废止规范性文件3件。"), (2024, "6233440", "")):
        (src / f"pingtan_{y}_flat.txt").write_text(
            f"平潭综合实验区{y}年度政府信息公开工作年度报告\n一、总体情况{y}年，{said}" + head.format(docs=docs) + tail,
            encoding="utf-8")
    settings = RunSettings(workers=1, cache_dir=str(tmp_path / "cache"))
    first, _ = process_many(discover(src), settings)
    have = {(r.report_id, r.sha256, r.status) for r in first}
    again, stats = process_many(discover(src), settings, skip=have.__contains__)
    r24 = next(r for r in again if r.year == 2024)
    assert r24.status == "ok" and [f.raw for f in r24.facts if f.row == "normative_docs"] == ["62", "33", "440"]
    assert stats.cached == 2 and stats.extracted == 0


def test_nothing_new_needs_every_file_published_as_is(tmp_path, fixtures):
    from pipeline.spool import nothing_new
    from publish.local import publish

    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(fixtures / "text" / "dashuikeng_2020.txt", src / "seed.txt")
    (src / "broken.pdf").write_bytes(b"not a pdf")
    out = tmp_path / "ds"
    settings = RunSettings(workers=1, cache_dir=str(out / ".cache"))
    assert nothing_new(discover(src), settings, str(out)) is None  # no dataset yet
    reports, _ = process_many(discover(src), settings)
    publish(reports, out)
    stats = nothing_new(discover(src), settings, str(out))
    assert stats is not None and (stats.seen, stats.cached, list(stats.failed)) == (2, 2, ["broken.pdf"])
    shutil.copy(fixtures / "text" / "dashuikeng_2020.txt", src / "copy.txt")
    assert nothing_new(discover(src), settings, str(out)) is not None  # the same bytes: the same report
    (src / "new.txt").write_bytes((src / "seed.txt").read_bytes() + b"\n")
    assert nothing_new(discover(src), settings, str(out)) is None  # one file is new
