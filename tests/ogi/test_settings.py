"""Run settings (ogi.settings): the extract settings are one frozen, validating part of them."""

from __future__ import annotations

import dataclasses

import pytest

from ogi.settings import OCR_MAX_PAGES, ExtractSettings, RunSettings


def test_run_settings_carry_the_extract_settings():
    es = ExtractSettings(ocr=False, ocr_max_pages=20)
    assert RunSettings(workers=1).extract == ExtractSettings()
    assert RunSettings(workers=1, extract=es).extract.ocr_max_pages == 20
    with pytest.raises(dataclasses.FrozenInstanceError):
        es.ocr = True  # type: ignore[misc]
    with pytest.raises(ValueError, match="extract must be ExtractSettings"):
        RunSettings(workers=1, extract={"ocr": False})  # type: ignore[arg-type]


@pytest.mark.parametrize(("field", "value", "message"), [
    ("ocr_max_pages", 2, "ocr_max_pages must be >= 3"),
    ("ocr_time_budget_s", 0, "ocr_time_budget_s must be > 0"),
    ("ocr_max_dpi", 50, "ocr_max_dpi must be between"),
    ("pdf_engine", "camelot", "pdf_engine must be one of pdfium, pdfplumber"),
    ("docx_max_mb", 0, "docx_max_mb must be >= 1"),
    ("soffice_timeout_s", -1, "soffice_timeout_s must be > 0"),
])
def test_a_bad_extract_setting_fails_before_any_work(field, value, message):
    with pytest.raises(ValueError, match=message):
        ExtractSettings(**{field: value})


def test_fingerprint_is_empty_for_the_defaults_and_differs_by_value():
    assert ExtractSettings().fingerprint() == ExtractSettings(ocr_max_pages=OCR_MAX_PAGES).fingerprint() == ""
    a, b = ExtractSettings(ocr=False).fingerprint(), ExtractSettings(ocr_max_pages=20).fingerprint()
    assert a and b and a != b
