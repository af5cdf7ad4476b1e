"""Extract settings reach the extractors from the run settings (RunSettings.extract), the CLI and
the flow's parameters: a setting changed there changes what a file is read as, and the cache key."""

from __future__ import annotations

import io
import shutil
import zipfile

import pytest

from extractors.base import extract_file
from extractors.docx import W
from ogi.errors import UsageError
from ogi.settings import ExtractSettings, RunSettings
from pipeline.batch import discover, pipeline_version, process_many
from pipeline.cli import main
from pipeline.run import RunRequest, changed_extract, extract_settings, plan
from tests.support import FIXTURES

BORDERLESS = FIXTURES / "zeros" / "pdf_borderless_2021_blank.pdf"
SCAN = FIXTURES / "ocr" / "scan_two_pages.pdf"


def _docx_declaring(n_mb: int) -> bytes:
    """A DOCX with one paragraph and a media member of n_mb MB of zeros (tiny once packed)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>年度报告</w:t>'
                                         "</w:r></w:p></w:body></w:document>")
        zf.writestr("word/media/blob.bin", b"\0" * (n_mb << 20))
    return buf.getvalue()


def _run(src, extract: ExtractSettings, cache_dir=None):
    reports, stats = process_many(discover(src), RunSettings(workers=1, extract=extract, cache_dir=cache_dir))
    return {r.file_name: r for r in reports}, stats


def test_borderless_tables_off_in_the_run_settings_reads_no_borderless_table(tmp_path):
    on = extract_file(BORDERLESS, settings=ExtractSettings())
    off = extract_file(BORDERLESS, settings=ExtractSettings(borderless_tables=False))
    assert any(t.source == "pdfplumber-borderless" for t in on.tables)
    assert not any(t.source == "pdfplumber-borderless" for t in off.tables)
    shutil.copy(BORDERLESS, tmp_path / BORDERLESS.name)
    with_tables, _ = _run(tmp_path, ExtractSettings())
    without, _ = _run(tmp_path, ExtractSettings(borderless_tables=False))
    assert len(without[BORDERLESS.name].facts) < len(with_tables[BORDERLESS.name].facts)


def test_ocr_off_in_the_run_settings_leaves_a_scan_unread(tmp_path):
    shutil.copy(SCAN, tmp_path / SCAN.name)
    got, _ = _run(tmp_path, ExtractSettings(ocr=False))
    rep = got[SCAN.name]
    assert rep.status == "needs_ocr" and "OCR is turned off" in rep.error and not rep.facts


def test_docx_size_limit_in_the_run_settings_refuses_a_larger_archive(tmp_path):
    (tmp_path / "r.docx").write_bytes(_docx_declaring(2))
    default, _ = _run(tmp_path, ExtractSettings())
    small, _ = _run(tmp_path, ExtractSettings(docx_max_mb=1))
    assert "zip bomb" not in (default["r.docx"].error or "")
    assert small["r.docx"].status == "unreadable" and "exceeds 1 MB" in small["r.docx"].error


def test_ocr_settings_map_onto_the_ocr_tuning():
    from extractors.ocr import ImageExtractor, ocr_settings, pages_to_read

    st = ocr_settings(ExtractSettings(ocr_max_pages=5, ocr_time_budget_s=30, ocr_max_dpi=100))
    assert (st.max_pages, st.time_budget_s, st.max_dpi) == (5, 30, 100)
    assert st.min_dpi <= st.max_dpi and st.default_dpi <= st.max_dpi
    assert pages_to_read(20, st) == [0, 1, 2, 18, 19]
    assert ImageExtractor.for_run(ExtractSettings(ocr_max_pages=5)).settings.max_pages == 5


def test_other_extract_settings_are_another_cache(tmp_path):
    """A report read with other settings is read again, not taken from the cache of the defaults."""
    assert pipeline_version() != pipeline_version(ExtractSettings(borderless_tables=False))
    assert pipeline_version() == pipeline_version(ExtractSettings())
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(BORDERLESS, src / BORDERLESS.name)
    cache = str(tmp_path / "cache")
    _, first = _run(src, ExtractSettings(), cache)
    off, second = _run(src, ExtractSettings(borderless_tables=False), cache)
    again, third = _run(src, ExtractSettings(), cache)
    assert (first.extracted, second.extracted, second.cached, third.cached) == (1, 1, 0, 1)
    assert len(off[BORDERLESS.name].facts) < len(again[BORDERLESS.name].facts)


def test_cli_flags_reach_the_run_settings(tmp_path):
    src = str(FIXTURES / "text")
    req = RunRequest(source=src, out=str(tmp_path / "o"),
                     extract=extract_settings({"ocr": False, "ocr_max_pages": 8, "pdf_engine": "pdfplumber"}))
    es = plan(req).settings.extract
    assert (es.ocr, es.ocr_max_pages, es.pdf_engine) == (False, 8, "pdfplumber")
    assert changed_extract(es) == {"ocr": False, "ocr_max_pages": 8, "pdf_engine": "pdfplumber"}
    assert changed_extract(ExtractSettings()) == {}


@pytest.mark.parametrize(("args", "says"), [(["--ocr-pages", "1"], "--ocr-pages must be >= 3"),
                                             (["--ocr-budget", "0"], "--ocr-budget must be > 0"),
                                             (["--pdf-engine", "camelot"], "invalid choice")])
def test_a_bad_extract_flag_is_one_line_and_exit_2(args, says, tmp_path, capsys):
    code = main(["run", "--no-prefect", "--source", str(FIXTURES / "text"), "--out", str(tmp_path / "o"), *args])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and says in err[0]
    assert not (tmp_path / "o").exists()


def test_the_flows_extract_parameter_names_only_known_settings():
    assert extract_settings({"ocr_max_pages": 20}).ocr_max_pages == 20
    with pytest.raises(UsageError, match="unknown setting.*ocr_pages"):
        extract_settings({"ocr_pages": 20})
