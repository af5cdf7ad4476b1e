"""OCR of scanned reports: grid from rules, words into cells, digit repair, end to end on a scan."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import cv2
import numpy as np
import pytest

from extractors.ocr_grid import find_tables, rotate, skew_angle
from extractors.ocr_text import (
    Line,
    Word,
    grid_to_table,
    is_page_number,
    lines_to_paragraphs,
    min_numeric_confidence,
    repair_numeric,
    trim_label,
)
from ogi.errors import ExtractionError
from ogi.types import RawTable

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "ocr"
DPI = 150.0


# ---------------------------------------------------------------- synthetic grid

def draw_table(tilt: float = 0.0) -> np.ndarray:
    """A 3x3-cell ruled table at 150 dpi: top-left cell spans two rows, bottom row spans two columns."""
    img = np.full((600, 900), 240, np.uint8)
    xs, ys = [100, 400, 600, 800], [100, 160, 220, 280]
    for y in ys:
        cv2.line(img, (xs[0], y), (xs[-1], y), 0, 2)
    for x in xs:
        cv2.line(img, (x, ys[0]), (x, ys[-1]), 0, 2)
    img[157:164, 103:398] = 240  # erase the rule under the top-left cell: rowspan 2
    img[222:279, 598:603] = 240  # erase the border inside the bottom row: colspan 2 on the right
    cv2.putText(img, "label", (130, 200), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 0, 2)
    if tilt:
        m = cv2.getRotationMatrix2D((450, 300), tilt, 1.0)
        img = cv2.warpAffine(img, m, (900, 600), borderValue=240)
    return img


def test_skew_angle_recovers_tilt_and_rotate_undoes_it():
    img = draw_table(tilt=0.8)
    angle = skew_angle(img, DPI)
    assert abs(abs(angle) - 0.8) < 0.15
    assert abs(skew_angle(rotate(img, angle), DPI)) < 0.15


def test_grid_spans_from_missing_rules():
    grids, rules = find_tables(draw_table(), DPI)
    assert len(grids) == 1
    spans = sorted((c.row, c.col, c.rowspan, c.colspan) for c in grids[0].cells)
    assert spans == [(0, 0, 2, 1), (0, 1, 1, 1), (0, 2, 1, 1), (1, 1, 1, 1), (1, 2, 1, 1),
                     (2, 0, 1, 1), (2, 1, 1, 2)]
    assert rules[100, 250] > 0 and rules[190, 250] == 0  # a rule is erased, the label is not


def test_glyph_strokes_are_not_borders():
    img = draw_table()
    for x in (250, 300):  # two tall strokes inside the label cell, shorter than the band
        cv2.line(img, (x, 170), (x, 205), 0, 2)
    grids, _ = find_tables(img, DPI)
    assert len(grids[0].xs) == 4


# ---------------------------------------------------------------- words into cells

def test_words_go_to_cells_by_centre_and_leftovers_stay():
    grids, _ = find_tables(draw_table(), DPI)
    words = [Word("自", 0.99, (120, 170, 140, 190), 0), Word("然", 0.98, (140, 170, 160, 190), 0),
             Word("人", 0.97, (120, 195, 140, 215), 1),  # wrapped onto a second line: joined, no space
             Word("1", 0.91, (480, 120, 490, 140), 2), Word("2", 0.99, (490, 120, 500, 140), 2),
             Word("·", 0.20, (700, 120, 702, 122), 3),  # dust
             Word("标题", 0.99, (120, 20, 200, 50), 4)]
    table, rest = grid_to_table(grids[0], words, page=3)
    by_pos = {(c.row, c.col): c for c in table.cells}
    assert by_pos[(0, 0)].text == "自然人" and by_pos[(0, 0)].rowspan == 2
    assert by_pos[(0, 1)].text == "12" and by_pos[(0, 1)].confidence == 0.91
    assert by_pos[(0, 2)].text == "" and by_pos[(0, 2)].confidence is None
    assert by_pos[(0, 1)].page == 3 and by_pos[(0, 1)].bbox is not None
    assert [w.text for w in rest] == ["标题"]


@pytest.mark.parametrize("raw, numeric_col, fixed", [
    (".415", False, "415"), ("18.86.", False, "18.86"), ("2,058", False, "2,058"), ("1ª", False, "1"),
    ("0+", False, "0"), ("l0", False, "10"), ("1O2", False, "102"), ("O", True, "0"), ("O", False, "O"),
    ("—", True, "—"), ("-5", False, "-5"), ("自然人", True, "自然人"), ("3.其他", True, "3.其他"),
])
def test_repair_numeric_only_where_a_number_belongs(raw, numeric_col, fixed):
    assert repair_numeric(raw, numeric_col) == fixed


def test_min_numeric_confidence_ignores_labels():
    t = RawTable.from_rows([["label", "3"]])
    t.cells[0].confidence, t.cells[1].confidence = 0.2, 0.9
    assert min_numeric_confidence([t]) == 0.9


@pytest.mark.parametrize("text, is_num", [("— 3 —", True), ("-1-", True), ("第2页", True), ("一", True),
                                          ("一、总体情况", False), ("2021年", False)])
def test_page_numbers(text, is_num):
    assert is_page_number(text) is is_num


def test_wrapped_lines_join_and_headings_split():
    def ln(text, x0, y, x1, h=30):
        return Line(text, 0.99, (x0, y, x1, y + h), h)

    lines = [ln("一、总体情况", 200, 100, 400), ln("本年度共主动公开政府信息一百条，较上年", 200, 150, 1000),
             ln("增长。", 150, 200, 300), ln("二、主动公开政府信息情况", 200, 250, 600), ln("— 2 —", 550, 900, 650)]
    paras = lines_to_paragraphs(lines, page=1, page_width=1240)
    assert [(p.text, p.heading) for p in paras] == [
        ("一、总体情况", True), ("本年度共主动公开政府信息一百条，较上年增长。", False), ("二、主动公开政府信息情况", True)]


# ---------------------------------------------------------------- end to end on a real scan

def _norm(label: str) -> str:
    return re.sub(r"[\s.．、（）()“”\"]", "", label)


def _leaf_label(row_label: str) -> str:
    """The printed leaf of a template row label: 1.属于国家秘密, 予以公开, 本年新收…"""
    leaf = row_label.split(" ")[-1]
    m = re.search(r"（[一二三四五六七]）([^（]+)", leaf)
    return _norm(m.group(1) if m else leaf)


def _number(text: str) -> float:
    t = text.replace(",", "")
    return 0.0 if t in ("", "—", "-", "/", "无") else float(t)


@pytest.fixture(scope="module")
def scanned():
    from extractors.ocr import extract_scanned_pdf

    return extract_scanned_pdf((FIX / "scan_two_pages.pdf").read_bytes(), "scan_two_pages.pdf")


@pytest.mark.ocr
def test_scan_requests_table_matches_key(scanned):
    key = json.loads((FIX / "scan_two_pages.key.json").read_text(encoding="utf-8"))
    fields = list(csv.DictReader(io.StringIO((FIX / "requests_rows_2019.csv").read_text(encoding="utf-8"))))
    requests = next(t for t in scanned.tables if any("本年新收" in c.text for c in t.cells))
    labels = {}
    for row in requests.rows():
        text = [c for c in row if not re.fullmatch(r"[\d,.\-—/无]*", c.text)]
        nums = [c for c in row if c not in text]
        if len(nums) == 7 and text:
            labels[_norm(text[-1].text)] = [_number(c.text) for c in nums]
    cols = ["natural_person", "commercial", "research", "nonprofit", "legal_services", "other_org", "total"]
    checked = 0
    for f in fields:
        rid, last = f["row"], _leaf_label(f["row_label"])
        match = [v for k, v in labels.items() if last in k]
        assert match, f"row {rid} ({last}) not found in OCR table"
        assert match[0] == [key[f"requests.{rid}.{c}"] for c in cols], rid
        checked += 1
    assert checked >= 20


@pytest.mark.ocr
def test_scan_structure_and_meta(scanned):
    assert scanned.pages == 2 and scanned.format == "pdf"
    assert scanned.meta["ocr"] == "rapidocr"
    assert 0.0 < float(scanned.meta["ocr_min_confidence"]) <= 1.0
    requests = next(t for t in scanned.tables if any("本年新收" in c.text for c in t.cells))
    group = [c for c in requests.cells if c.text.startswith("三、本年度")]
    assert group and group[0].rowspan > 10  # the merged outcome label is one cell
    assert all(c.bbox is not None and c.page == requests.page for c in requests.cells)
    heads = [p.text for p in scanned.paragraphs if p.heading]
    assert any(h.startswith("三、收到和处理政府信息公开申请情况") for h in heads)


@pytest.mark.ocr
def test_image_extractor_reads_a_png_crop(scanned):
    import pypdfium2 as pdfium

    from extractors.base import extract_file, sniff

    pdf = pdfium.PdfDocument((FIX / "scan_two_pages.pdf").read_bytes())
    gray = pdf[1].render(scale=DPI / 72, grayscale=True).to_numpy()
    gray = gray if gray.ndim == 2 else gray[:, :, 0]
    ok, png = cv2.imencode(".png", gray[: gray.shape[0] // 2])
    data = png.tobytes()
    assert sniff(data, "page.png") == "image"
    doc = extract_file("page.png", data=data)
    assert doc.extractor == "ocr-image@3" and doc.meta["ocr"] == "rapidocr"
    assert any("本年新收" in c.text for t in doc.tables for c in t.cells)
    # boxes are PDF points of the page the image shows (pixels × 72 / the image's dpi), as for PDFs
    import io

    from PIL import Image

    from extractors.ocr_pages import image_dpi

    im = Image.open(io.BytesIO(data))
    w, h = (v * 72 / image_dpi(im) for v in im.size)
    boxes = [c.bbox for t in doc.tables for c in t.cells if c.bbox]
    assert boxes and all(0 <= b[0] < b[2] <= w + 1 and 0 <= b[1] < b[3] <= h + 1 for b in boxes)
    assert max(b[2] for b in boxes) > w / 2  # not left in pixels of a larger frame either


def test_not_an_image_raises():
    from extractors.ocr import ImageExtractor

    with pytest.raises(ExtractionError, match="not a readable image"):
        ImageExtractor().extract(b"\x89PNG\r\n\x1a\nbroken", "x.png")


def test_tight_rows_glyph_strokes_and_brackets_are_not_borders():
    """A degraded 150-dpi scan whose single-line rows are barely taller than the type: the
    strokes of 亻 in 信息内容 over 行政许可, of 息 in two centred request labels, and the
    brackets of （一） span the row and touch the rules; none may split a cell."""
    crop = cv2.imread(str(FIX / "tight_rows_150dpi.jpg"), cv2.IMREAD_GRAYSCALE)
    grids, _ = find_tables(rotate(crop, skew_angle(crop, DPI)), DPI)
    per_row = []
    for g in grids:
        rows: dict[int, int] = {}
        for c in g.cells:
            rows[c.row] = rows.get(c.row, 0) + 1
        per_row.append([rows[r] for r in sorted(rows)])
    assert per_row == [[1, 4, 4, 4, 1, 2, 2, 1, 2, 2, 2, 1, 2, 2], [2, 3, 5, 8, 8, 9, 8]]


@pytest.mark.parametrize("raw, fixed", [("83507,90", "83507.90"), ("1234,5", "1234.5"), ("1,23", "1,23"),
                                        ("2,058", "2,058")])
def test_decimal_point_read_as_comma(raw, fixed):
    assert repair_numeric(raw, True) == fixed


@pytest.mark.parametrize("raw, fixed", [("3.其他.", "3.其他"), ("信息内容·", "信息内容"), ("0.", "0."), ("3.其他", "3.其他")])
def test_dust_after_a_label_is_dropped(raw, fixed):
    assert trim_label(raw) == fixed


def test_ocr_budget_spent_is_a_timeout_that_is_retried_not_cached_tables_missing(fixtures, tmp_path):
    """A scan cut short by the OCR time budget (a busy machine) was cached as tables_missing for good."""
    from dataclasses import replace

    from extractors.ocr import extract_scanned_pdf
    from extractors.ocr_pages import SETTINGS
    from normalizers.report import normalize
    from ogi.status import Status
    from ogi.types import Report
    from pipeline.batch import Cache

    data = (fixtures / "ocr" / "scan_two_pages.pdf").read_bytes()
    doc = extract_scanned_pdf(data, "scan_two_pages.pdf", replace(SETTINGS, time_budget_s=0.0))
    assert doc.incomplete and "read 0 of 2 pages" in doc.incomplete
    rep = normalize(doc, Report(report_id="x", file_name="scan_two_pages.pdf", sha256="ab" * 32, format="pdf"))
    assert rep.status == Status.TIMEOUT and "OCR time budget" in rep.error and "tables not found" in rep.error
    assert Cache(tmp_path, "v").put(rep) is False
