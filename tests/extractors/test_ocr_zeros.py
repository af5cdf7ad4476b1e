"""Scans of tables printing their zeros blank: the ruled grid proves each empty cell, so it stays an empty
cell in its column (the OCR grid builder, like the ruled PDF path), never a shifted neighbour.

Fixture: page 2 of a dev report (2021 template) with every zero cell blanked (``benchmarks/blank_zeros.py``),
rendered ruled by soffice and scanned by ``benchmarks/blank_scans.py`` (150 dpi, tilt, specks, JPEG).
"""

from pathlib import Path

import pytest

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "ocr"


@pytest.fixture(scope="module")
def requests_rows():
    from extractors.ocr import extract_scanned_pdf

    name = "scan_zeros_blank_150dpi.pdf"
    doc = extract_scanned_pdf((FIX / name).read_bytes(), name)
    table = next(t for t in doc.tables if any("本年新收" in c.text for c in t.cells))
    return [[c.text for c in r] for r in table.rows()]


def _row(rows: list[list[str]], label: str) -> list[str]:
    return next(r for r in rows if any(label in c for c in r))[-7:]


@pytest.mark.ocr
def test_blank_grid_cells_stay_empty_cells_in_their_columns(requests_rows):
    assert _row(requests_rows, "本年新收") == ["19", "1", "", "", "", "1", "21"]
    assert _row(requests_rows, "予以公开") == ["11", "", "", "", "", "", "11"]
    assert _row(requests_rows, "不掌握相关政府信息") == ["3", "", "", "", "", "1", "4"]
    assert _row(requests_rows, "确认或重新出具") == ["", "1", "", "", "", "", "1"]  # a blank first column


@pytest.mark.ocr
def test_a_row_printing_no_number_keeps_its_seven_empty_cells(requests_rows):
    assert _row(requests_rows, "上年结转") == [""] * 7
    assert _row(requests_rows, "属于国家秘密") == [""] * 7
    body = [r for r in requests_rows if any(c.startswith(("1.", "2.", "3.")) for c in r)]
    assert body and all(len([c for c in r[-7:] if c == "" or c.isdigit()]) == 7 for r in body)
