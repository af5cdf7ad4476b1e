"""Single bad inputs, read in-process: the guards themselves and the words of their errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from extractors.base import extract_file, kind_mismatch
from extractors.docx import extract_docx
from extractors.html import HtmlExtractor
from ogi.errors import ExtractionError
from pipeline import batch as pipeline
from pipeline.batch import InputFile, process_file
from publish import local as publish


def _process(tmp_path: Path, name: str, data: bytes):
    p = tmp_path / name
    p.write_bytes(data)
    return process_file(InputFile(path=str(p), key=name, file_name=name))


def test_encrypted_pdf_is_really_encrypted(mm):
    data = mm.encrypted_pdf()
    with pytest.raises(pdfium.PdfiumError, match="password"):
        pdfium.PdfDocument(data)
    doc = pdfium.PdfDocument(data, password=mm.USER_PASSWORD.decode())
    assert doc[0].get_textpage().get_text_range() == "Annual report 2023"


def test_encrypted_pdf_says_a_password_is_needed(tmp_path, mm):
    rep = _process(tmp_path, "沂水县民政局2022年政府信息公开工作年度报告.pdf", mm.encrypted_pdf())
    assert rep.status != "ok" and "password" in rep.error
    assert rep.year == 2022  # what the file name tells still lands in the row


def test_gb18030_report_reads_exactly_like_utf8(tmp_path, fixtures, mm):
    seed = fixtures / "text" / "dashuikeng_2020.txt"
    utf8 = _process(tmp_path, "utf8.txt", seed.read_bytes())
    gb = _process(tmp_path, "gb.txt", mm.gb18030_report(seed))
    assert utf8.status == gb.status == "ok"
    assert [(f.table, f.row, f.col, f.value, f.raw) for f in gb.facts] == \
           [(f.table, f.row, f.col, f.value, f.raw) for f in utf8.facts]
    assert [(s.number, s.text) for s in gb.sections] == [(s.number, s.text) for s in utf8.sections]


def test_gb18030_beyond_gbk_is_decoded(tmp_path, fixtures):
    """Characters only GB18030 has (four-byte sequences, e.g. rare place-name characters)."""
    text = (fixtures / "text" / "dashuikeng_2020.txt").read_text(encoding="utf-8").replace("大水坑镇", "大水𠀾坑镇", 1)
    doc = extract_file("x.txt", text.encode("gb18030"))
    assert "𠀾" in "".join(p.text for p in doc.paragraphs) + "".join(c.text for t in doc.tables for c in t.cells)


@pytest.mark.parametrize("name", ["a.pdf", "a.docx", "a.html", "a.txt", "a"])
def test_empty_file_says_so_whatever_its_name(name):
    with pytest.raises(ExtractionError, match="0 bytes"):
        extract_file(name, b"")


def test_kind_mismatch_notes(mm):
    assert "HTML page" in kind_mismatch(mm.html_error_page(), "report.pdf")
    assert kind_mismatch(b"%PDF-1.4 ...", "report.pdf") is None
    assert kind_mismatch(b"<html><body>x</body></html>", "report.txt") is None  # a text dump of a page
    assert kind_mismatch(b"%PDF-1.4 ...", "report.docx") == "the file is named .docx but holds a PDF file"


def test_html_entities_are_never_expanded(mm):
    doc = HtmlExtractor().extract(mm.html_laughs(), "laughs.html")
    text = "".join(p.text for p in doc.paragraphs)
    assert "lollol" not in text and "政府信息公开工作年度报告" in text


@pytest.mark.parametrize("make", ["docx_laughs", "docx_deep",
                                  pytest.param("docx_lying_bomb", marks=pytest.mark.slow)])  # a real bomb is slow to make
def test_hostile_docx_refused(mm, make):
    with pytest.raises(ExtractionError, match="DOCX"):
        extract_docx(getattr(mm, make)(), f"{make}.docx")


def test_oversized_file_refused_before_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "MAX_FILE_BYTES", 1000)
    rep = _process(tmp_path, "big.txt", b"x" * 5000)
    assert rep.status == "unreadable" and "over the" in rep.error and rep.sha256


def test_native_out_of_memory_becomes_a_memory_failure(tmp_path, monkeypatch, fixtures):
    from extractors import base

    def bad_alloc(path, data=None, settings=None):
        raise ExtractionError("PDF could not be parsed: ONNXRuntimeError: Traceback (most recent call last):\n"
                              '  File "x.py", line 1\nRuntimeException: ... Status Message: std::bad_alloc\n')

    monkeypatch.setattr(base, "extract_file", bad_alloc)
    rep = _process(tmp_path, "scan.pdf", b"%PDF-1.4")
    assert (rep.status, rep.error) == ("failed", pipeline.OUT_OF_MEMORY)


def test_tracebacks_become_one_line():
    msg = "PDF could not be parsed: X: Traceback (most recent call last):\n  File \"a\", line 1\nValueError: bad\n"
    assert pipeline._tidy_error(msg) == "PDF could not be parsed: X: ValueError: bad"
    assert pipeline._tidy_error(msg + "\n (a.pdf, page 3)") == "PDF could not be parsed: X: ValueError: bad (a.pdf, page 3)"
    assert len(pipeline._tidy_error("x" * 5000)) == 600
    assert pipeline._tidy_error("two\n  lines") == "two lines"


def test_recovery_keeps_a_version_still_being_written(tmp_path):
    """A partial version of a live writer is not removed; one of a dead writer is."""
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        live = tmp_path / ".versions" / f"20250101T000000-{sleeper.pid}-1.partial"
        dead = tmp_path / ".versions" / "20250101T000000-999999999-1.partial"
        for d in (live, dead):
            d.mkdir(parents=True)
        publish._recover(tmp_path)
        assert live.exists() and not dead.exists()
    finally:
        sleeper.kill()
        sleeper.wait()
    publish._recover(tmp_path)
    assert not live.exists()


def test_odd_names_are_one_report_each(tmp_path, fixtures, mm):
    seed = fixtures / "text" / "dashuikeng_2020.txt"
    names = mm.odd_names("大水坑镇", ".txt")
    for k, n in enumerate(names, start=1):  # trailing blank lines: other bytes, so each is its own report
        (tmp_path / n).write_bytes(seed.read_bytes() + b"\n" * k)
    assert max(len(n.encode()) for n in names) > 200
    reports, _ = pipeline.process_many(pipeline.discover(tmp_path), pipeline.RunSettings(workers=2))
    assert sorted(r.file_name for r in reports) == sorted(names)
    assert {r.status for r in reports} == {"ok"} and len({r.report_id for r in reports}) == len(names)
    assert all(os.path.basename(r.file_name) == r.file_name for r in reports)


@pytest.mark.slow  # builds and half-reads a 900 MB image in two workers
def test_pdf_image_bomb_is_stopped_by_the_worker_memory_limit(tmp_path, fixtures, mm):
    """A 900 MB image in a 1 MB PDF: the reader's worker hits its limit, the batch goes on."""
    (tmp_path / "bomb.pdf").write_bytes(mm.pdf_image_bomb())
    (tmp_path / "good.txt").write_bytes((fixtures / "text" / "dashuikeng_2020.txt").read_bytes())
    reports, _ = pipeline.process_many(pipeline.discover(tmp_path), pipeline.RunSettings(workers=2, memory_mb=400))
    by = {r.file_name: r for r in reports}
    assert by["good.txt"].status == "ok"
    assert by["bomb.pdf"].status != "ok" and by["bomb.pdf"].error and not by["bomb.pdf"].facts
