"""Issue 16, rows 1-2: a report's identity is its content, never its path.

Two different reports both called 附件.txt are two reports; the same bytes under two names are
one report seen as both; a report moved into a subfolder and run again is still one report whose
facts are not doubled.
"""

from __future__ import annotations

import shutil

import pytest

from tests.hardening.support import TEXT, ogi_run, read

pytestmark = pytest.mark.slow  # each test is one or two in-process runs (~3 s each)


def test_two_attachment_txt_in_two_folders_run_one_after_the_other_are_two_reports(tmp_path):
    out = tmp_path / "out"
    for folder, seed in (("a", "dashuikeng_2020.txt"), ("b", "hongze_2024_plain.txt")):
        (tmp_path / folder).mkdir()
        shutil.copy(TEXT / seed, tmp_path / folder / "附件.txt")
    ogi_run(tmp_path / "a", out)
    ogi_run(tmp_path / "b", out)
    reports = read(out)
    assert sorted(reports["agency"]) == ["大水坑镇人民政府", "洪泽区人民政府"]
    assert list(reports["file_name"]) == ["附件.txt", "附件.txt"]
    assert reports["report_id"].is_unique and set(reports["status"]) == {"ok"}
    facts = read(out, "facts")
    assert set(facts["report_id"]) == set(reports["report_id"])


def test_two_attachment_txt_in_one_run_are_two_reports(tmp_path):
    src = tmp_path / "src"
    for folder, seed in (("a", "dashuikeng_2020.txt"), ("b", "hongze_2024_plain.txt")):
        (src / folder).mkdir(parents=True)
        shutil.copy(TEXT / seed, src / folder / "附件.txt")
    ogi_run(src, tmp_path / "out")
    reports = read(tmp_path / "out")
    assert len(reports) == 2 and [list(s) for s in reports.sort_values("agency")["seen_as"]] == \
           [["a/附件.txt"], ["b/附件.txt"]]


def test_same_bytes_under_two_names_are_one_report_seen_as_both(tmp_path):
    src = tmp_path / "src"
    for folder in ("a", "b"):
        (src / folder).mkdir(parents=True)
        shutil.copy(TEXT / "dashuikeng_2020.txt", src / folder / "附件.txt")
    shutil.copy(TEXT / "dashuikeng_2020.txt", src / "大水坑镇2020年报.txt")
    result = ogi_run(src, tmp_path / "out")
    reports = read(tmp_path / "out")
    assert result["seen"] == 3 and len(reports) == 1
    row = reports.iloc[0]
    assert row["file_name"] == "附件.txt"  # the first in discovery order (sorted paths)
    assert list(row["seen_as"]) == ["a/附件.txt", "b/附件.txt", "大水坑镇2020年报.txt"]


def test_moved_report_rerun_is_one_report_with_facts_not_doubled(tmp_path):
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    for seed in ("dashuikeng_2020.txt", "hongze_2024_plain.txt"):
        shutil.copy(TEXT / seed, src / seed)
    ogi_run(src, out)
    before_reports, before_facts = read(out), read(out, "facts")
    (src / "2020").mkdir()
    shutil.move(src / "dashuikeng_2020.txt", src / "2020" / "dashuikeng_2020.txt")
    ogi_run(src, out)
    reports, facts = read(out), read(out, "facts")
    assert len(reports) == 2 and reports["sha256"].is_unique
    assert len(facts) == len(before_facts)
    assert not facts.duplicated(["report_id", "table", "row", "col"]).any()
    assert sorted(reports["report_id"]) == sorted(before_reports["report_id"])


def test_changed_bytes_under_the_same_name_replace_the_old_report(tmp_path):
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    shutil.copy(TEXT / "dashuikeng_2020.txt", src / "附件.txt")
    ogi_run(src, out)
    first = read(out)["report_id"].tolist()
    shutil.copy(TEXT / "hongze_2024_plain.txt", src / "附件.txt")
    ogi_run(src, out)
    reports = read(out)
    assert len(reports) == 1 and reports["report_id"].tolist() != first
    assert reports["agency"].tolist() == ["洪泽区人民政府"]
