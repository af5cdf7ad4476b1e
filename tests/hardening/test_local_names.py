"""Issue 16, rows 3-4: a name that is not UTF-8 (GBK, from a Chinese file share) and folders
nested past PATH_MAX never stop a run: each such file gets its own row, the good reports stay exact."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from ogi.names import bare_name, readable
from pipeline.batch import RunSettings, discover, process_many
from tests.hardening.support import GOOD, TEXT, ogi_run, read

PATH_MAX = os.pathconf("/", "PC_PATH_MAX")


def _gbk(folder: Path, name: str, data: bytes) -> None:
    """Write a file whose name is GBK bytes (not valid UTF-8), as a Chinese file share holds it."""
    fd = os.open(os.path.join(os.fsencode(folder), name.encode("gbk")), os.O_CREAT | os.O_WRONLY, 0o644)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def _deep(root: Path, levels: int, name: str, data: bytes) -> str:
    """``root/ddd…/ddd…/…/name`` past PATH_MAX, made folder by folder (no call sees the whole path)."""
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    parts = []
    try:
        for k in range(levels):
            part = f"{k:03d}" + "层" * 80  # 243 bytes a folder name
            os.mkdir(part, dir_fd=fd)
            nxt = os.open(part, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = nxt
            parts.append(part)
        out = os.open(name, os.O_CREAT | os.O_WRONLY, 0o644, dir_fd=fd)
        with os.fdopen(out, "wb") as f:
            f.write(data)
    finally:
        os.close(fd)
    return os.path.join(root, *parts, name)


def test_readable_names():
    gbk = os.fsdecode("附件.txt".encode("gbk"))
    assert gbk != "附件.txt" and readable(gbk) == "附件.txt"
    assert readable(os.fsdecode(b"caf\xe9.txt")) == "caf\\xe9.txt"  # neither UTF-8 nor GBK: escaped, still text
    assert readable("年报.pdf") == "年报.pdf"
    for bad in ("../../../../tmp/x.pdf", "..\\..\\x.pdf", "a/b/x.pdf", "/etc/x.pdf"):
        assert "/" not in bare_name(bad) and "\\" not in bare_name(bad) and bare_name(bad).endswith("x.pdf")
    assert bare_name("..") is None and bare_name("a/") is None and bare_name("x\n\x00.pdf") == "x.pdf"


@pytest.mark.slow
def test_gbk_named_file_among_good_reports_has_its_own_row_and_the_good_ones_are_exact(tmp_path):
    """Must show: the good reports are exact and the GBK-named file has its own row."""
    src, alone = tmp_path / "src", tmp_path / "alone"
    src.mkdir()
    alone.mkdir()
    for seed in GOOD[:2]:
        shutil.copy(TEXT / seed, src / seed)
        shutil.copy(TEXT / seed, alone / seed)
    _gbk(src, "王村乡2020年政府信息公开工作年度报告.txt", (TEXT / GOOD[2]).read_bytes())
    _gbk(src, "附件.txt", b"not a report at all")
    result = ogi_run(src, tmp_path / "out")
    ogi_run(alone, tmp_path / "out_alone")
    reports = read(tmp_path / "out").set_index("file_name")
    assert result["seen"] == 4 and len(reports) == 4
    assert reports.loc["王村乡2020年政府信息公开工作年度报告.txt", "status"] == "ok"
    assert reports.loc["附件.txt", "status"] != "ok" and reports.loc["附件.txt", "error"]
    assert all("\\x" not in p for p in reports["source_path"])  # readable text, GBK decoded
    facts = read(tmp_path / "out", "facts")
    want = read(tmp_path / "out_alone", "facts")
    cols = ["report_id", "table", "row", "col", "value", "raw"]
    got = facts[facts["report_id"].isin(want["report_id"])][cols].sort_values(cols[:4]).reset_index(drop=True)
    assert got.equals(want[cols].sort_values(cols[:4]).reset_index(drop=True))
    again = ogi_run(src, tmp_path / "out")  # the index keys the GBK path by its bytes: nothing new
    assert again["cached"] == 4 and again["extracted"] == 0


def test_folders_past_path_max_are_discovered_and_read(tmp_path):
    data = (TEXT / "dashuikeng_2020.txt").read_bytes()
    deep = _deep(tmp_path, 20, "大水坑镇.txt", data)
    assert len(os.fsencode(deep)) > PATH_MAX
    shutil.copy(TEXT / "hongze_2024_plain.txt", tmp_path / "hongze.txt")
    files = discover(tmp_path)
    assert sorted(f.file_name for f in files) == ["hongze.txt", "大水坑镇.txt"]
    reports, stats = process_many(files, RunSettings(workers=1))
    assert {r.file_name: r.status for r in reports} == {"hongze.txt": "ok", "大水坑镇.txt": "ok"}
    assert stats.seen == 2


def test_unlistable_folder_is_skipped_not_fatal(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root lists every folder")
    (tmp_path / "locked").mkdir()
    shutil.copy(TEXT / "dashuikeng_2020.txt", tmp_path / "ok.txt")
    os.chmod(tmp_path / "locked", 0)
    try:
        assert [f.file_name for f in discover(tmp_path)] == ["ok.txt"]
    finally:
        os.chmod(tmp_path / "locked", 0o755)


def test_unreadable_file_is_its_own_row(tmp_path, monkeypatch):
    """A file that vanishes between discovery and reading: one row with the reason, the rest read."""
    shutil.copy(TEXT / "dashuikeng_2020.txt", tmp_path / "ok.txt")
    (tmp_path / "gone.txt").write_bytes(b"x")
    files = discover(tmp_path)
    (tmp_path / "gone.txt").unlink()
    reports, _ = process_many(files, RunSettings(workers=1))
    by = {r.file_name: r for r in reports}
    assert by["ok.txt"].status == "ok"
    assert by["gone.txt"].status == "unreadable" and "No such file" in by["gone.txt"].error
