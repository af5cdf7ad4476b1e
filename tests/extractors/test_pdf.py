"""PDF extractor: real pages cut from the corpus, compared exactly with golden output."""

from __future__ import annotations

import io
import json
import sys
import types
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from extractors.base import extract_file
from extractors.pdf import PdfExtractor, PdfSettings, looks_tabular, numeric_cells, numeric_lines, row_counts
from extractors.pdf_borderless import borderless_tables
from extractors.pdf_layout import Glyph, Seg, TextLine, clean_prose, join_wrapped
from extractors.pdf_page import PageGeom
from extractors.pdf_ruled import RuledSettings, open_ends
from extractors.pdf_text import TextSettings, drop_furniture
from ogi.errors import ExtractionError, NeedsOCR
from ogi.settings import ExtractSettings
from ogi.types import Document, Paragraph, RawTable

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "pdf"
HONGZE = FIX / "hongze_2024_p3-4.pdf"  # 淮安市洪泽区 2024, pages 3-4: ruled, split over the page break
XUZHOU = FIX / "xuzhou_2025_borderless_p4.pdf"  # dev corpus: landscape page, table without rules
# dev DOCX re-rendered by LibreOffice with other fonts/sizes (one page each)
FULLWIDTH_DASH = FIX / "sweep_borderless_fullwidth_dash_p2.pdf"  # borderless, some zeros printed '－' (U+FF0D)
CONTINUATION = FIX / "sweep_landscape_continuation_p4.pdf"  # landscape, ruled, requests table's second page
WRAPPED_NUMBERS = FIX / "sweep_borderless_wrapped_numbers_p3.pdf"  # 13 pt, borderless: '108' wraps to '10' / '8'
CONTINUED_LABEL = FIX / "sweep_borderless_continued_label_p4.pdf"  # borderless page starting inside a wrapped label
LAST_ROW_OPENS_PAGE = FIX / "sweep_borderless_last_row_opens_page_p3.pdf"  # '行政事业性收费 0' alone atop the page
TOTAL_IN_GROUP_COLUMN = FIX / "sweep_borderless_total_row_in_group_column_p3.pdf"  # （七）总计 centred under （六）
UNDER_REPEATED_HEADER = FIX / "sweep_borderless_first_row_under_repeated_header_p3.pdf"  # wrapped label below header
LABEL_LIKE_HEADING = FIX / "sweep_borderless_wrapped_row_label_like_heading_p3.pdf"  # 15 pt: '二、上年结转…申请数' / '量'


def dump(doc: Document) -> list[dict]:
    return [{"page": t.page, "rows": [[c.text for c in row] for row in t.rows()],
             "cells": [[c.row, c.col, c.rowspan, c.colspan, c.text]
                       for c in sorted(t.cells, key=lambda c: (c.row, c.col))]} for t in doc.tables]


@pytest.mark.parametrize("engine", ["pdfium", "pdfplumber"])
def test_ruled_tables_match_golden(engine: str) -> None:
    doc = PdfExtractor(PdfSettings(engine=engine)).extract(HONGZE.read_bytes(), HONGZE.name)
    golden = json.loads(HONGZE.with_suffix(".tables.json").read_text(encoding="utf-8"))
    assert dump(doc) == golden


def test_ruled_spans_and_boxes() -> None:
    doc = PdfExtractor().extract(HONGZE.read_bytes(), HONGZE.name)
    requests = doc.tables[1]
    by_text = {c.text: c for c in requests.cells}
    assert (by_text["三、本年度办理结果"].rowspan, by_text["（三）不予公开"].rowspan) == (11, 8)
    assert by_text["申请人情况"].colspan == 7 and by_text["法人或其他组织"].colspan == 5
    cell = by_text["（三）不予公开"]
    assert cell.page == 1 and cell.bbox is not None and cell.bbox[0] < cell.bbox[2] and cell.bbox[1] < cell.bbox[3]


def test_paragraphs_keep_narrative_and_drop_tables_and_page_numbers() -> None:
    doc = PdfExtractor().extract(HONGZE.read_bytes(), HONGZE.name)
    texts = [p.text for p in doc.paragraphs]
    assert "三、收到和处理政府信息公开申请情况" in texts
    assert not any("行政处罚" in t or t.strip("- ").isdigit() for t in texts)
    heading = next(p for p in doc.paragraphs if p.text.startswith("四、"))
    assert heading.heading
    # reading order: the section heading sits between the two tables of page 1
    blocks = doc.blocks
    at = next(i for i, b in enumerate(blocks) if isinstance(b, Paragraph) and b.text.startswith("三、收到"))
    assert blocks[at - 1] is doc.tables[0] and blocks[at + 1] is doc.tables[1]


def test_rotated_page_gives_the_same_table() -> None:
    src = pdfium.PdfDocument(XUZHOU.read_bytes())
    src[0].set_rotation(90)
    buf = io.BytesIO()
    src.save(buf)
    for engine in ("pdfium", "pdfplumber"):
        ex = PdfExtractor(PdfSettings(engine=engine))
        upright = ex.extract(XUZHOU.read_bytes(), XUZHOU.name)
        turned = ex.extract(buf.getvalue(), XUZHOU.name)
        assert [r for t in turned.tables for r in dump(Document("x", "pdf", [t]))[0]["rows"]] == \
            [r for t in upright.tables for r in dump(Document("x", "pdf", [t]))[0]["rows"]]


def test_borderless_rows() -> None:
    doc = PdfExtractor().extract(XUZHOU.read_bytes(), XUZHOU.name)
    (table,) = doc.tables
    rows = [[c.text for c in row] for row in table.rows()]
    assert rows[0] == ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    assert rows[1] == ["一、本年新收政府信息公开申请数量", "339", "38", "3", "3", "8", "5", "396"]
    assert rows[5][1:] == ["（三）不予公开", "1．属于国家秘密", "2", "0", "0", "0", "0", "0", "2"]
    assert rows[21][1:] == ["（六）其他处理", "1．申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                            "3", "1", "0", "0", "0", "1", "5"]
    assert rows[-1] == ["四、结转下年度继续办理", "13", "0", "0", "0", "0", "0", "13"]
    group = next(c for c in table.cells if c.text == "三、本年度办理结果")
    assert (group.row, group.rowspan) == (3, 22)


def _image_only_pdf() -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("L", (400, 300), 255)
    ImageDraw.Draw(img).rectangle((20, 20, 380, 280), outline=0, width=3)
    buf = io.BytesIO()
    img.save(buf, "PDF", resolution=72)
    return buf.getvalue()


def test_image_only_pdf_needs_ocr_when_no_ocr_extractor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "extractors.ocr", None)  # import fails
    with pytest.raises(NeedsOCR):
        PdfExtractor().extract(_image_only_pdf(), "scan.pdf")


def test_image_only_pdf_goes_to_ocr(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    fake = types.ModuleType("extractors.ocr")

    def extract_scanned_pdf(data: bytes, file_name: str, settings: object) -> Document:
        calls.append((file_name, settings))
        return Document(file_name=file_name, format="pdf", blocks=[Paragraph("OCR")])

    fake.extract_scanned_pdf = extract_scanned_pdf  # type: ignore[attr-defined]
    fake.ocr_settings = lambda es: ("ocr tuning for", es.ocr_max_pages)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "extractors.ocr", fake)
    doc = PdfExtractor(extract=ExtractSettings(ocr_max_pages=7)).extract(_image_only_pdf(), "scan.pdf")
    assert calls == [("scan.pdf", ("ocr tuning for", 7))] and doc.paragraphs[0].text == "OCR"  # the run's settings reach OCR


def test_garbage_named_pdf_is_an_extraction_error(tmp_path: Path) -> None:
    bad = tmp_path / "report.pdf"
    bad.write_bytes(b"\x00\x01garbage, not a PDF at all" * 20)
    with pytest.raises(ExtractionError) as e:
        extract_file(bad)
    assert "report.pdf" in str(e.value)
    with pytest.raises(ExtractionError):
        PdfExtractor().extract(b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF", "truncated.pdf")


def test_clean_prose_drops_layout_spaces_only() -> None:
    assert clean_prose("2023 年共受理 21 件 ， 邮编 ： 223100") == "2023年共受理21件，邮编：223100"
    assert clean_prose("Windows 10 and Office 2019") == "Windows 10 and Office 2019"
    assert join_wrapped("部分公开（区分处理的，只计这一情", "形）") == "部分公开（区分处理的，只计这一情形）"
    assert join_wrapped("4472", "28") == "447228" and join_wrapped("hzzwgk@126", "com") == "hzzwgk@126 com"


def test_page_numbers_and_running_headers_dropped() -> None:
    def ln(text: str, page: int, top: float) -> TextLine:
        return TextLine(text, page, 100, top, 300, top + 12, 12)

    pages = {p: [ln("某某区人民政府文件", p, 20), ln(f"正文第{p}页内容", p, 400), ln(f"- {p} -", p, 800)] for p in (1, 2, 3)}
    out = drop_furniture(pages, {1: 842, 2: 842, 3: 842}, TextSettings())
    assert all([x.text for x in lines] == [f"正文第{p}页内容"] for p, lines in out.items())


def test_table_page_triage() -> None:
    st = PdfSettings()
    assert looks_tabular("信息内容 本年制发件数\n规章 0 0 0", st)
    assert looks_tabular("（六）其他处理 1 / / / / / 1\n（七）总计 6 / / / / / 6", st)
    assert not looks_tabular("2023 年 1 月 1 日起至 2023 年 12 月 31 日止。予以公开 3 件，总计 6 件。", st)


def test_open_table_bottom_is_closed() -> None:
    segs = [Seg("h", 0, 0, 100, 0), Seg("v", 0, 0, 0, 50), Seg("v", 50, 0, 50, 50), Seg("v", 100, 0, 100, 50)]
    (extra,) = open_ends(segs, RuledSettings())
    assert (extra.orient, extra.top, extra.x0, extra.x1) == ("h", 50, 0, 100)


def test_borderless_fullwidth_dash_is_a_cell_not_label_text() -> None:
    doc = PdfExtractor().extract(FULLWIDTH_DASH.read_bytes(), FULLWIDTH_DASH.name)
    requests = next(t for t in doc.tables if any("保护第三方" in c.text for c in t.cells))
    rows = {row[-8].text: [c.text for c in row[-7:]] for row in requests.rows() if len(row) >= 8}
    third_party = next(k for k in rows if k.endswith("4.保护第三方合法权益"))
    assert "－" not in third_party
    assert rows[third_party] == ["1", "-", "－", "-", "-", "-", "１"]
    assert rows["6.属于四类过程性信息"] == ["-", "-", "-", "－", "-", "-", "-"]


def test_continuation_page_with_one_cell_per_text_line_is_read() -> None:
    doc = PdfExtractor().extract(CONTINUATION.read_bytes(), CONTINUATION.name)
    (table,) = doc.tables
    rows = [[c.text for c in row] for row in table.rows()]
    assert rows[-2][-8:] == ["（七）总计", "18", "1", "-", "-", "-", "1", "20"]
    assert rows[-1] == ["四、结转下年度继续办理", "1", "-", "-", "-", "-", "-", "1"]


def test_triage_counts_lone_numbers_and_fullwidth_dashes() -> None:
    st = PdfSettings()
    one_per_line = "申请\n5.要求行政机关确认或 重新出具已获取信息\n" + "\n".join(["－", "1", "-", "—", "/", "-", "1"] * 2)
    assert looks_tabular(one_per_line, st)
    assert looks_tabular("规章 － － 79\n行政规范性文件 23 23 234", st)
    assert not looks_tabular("正文第一段。\n2023\n- 3 -\n共 5 件，其中 1 件。", st)


def test_row_counts_reads_rows_and_lone_cells_in_one_pass() -> None:
    text = "规章 0 0 0\n行政规范性文件 23 23\n－\n1\n正文 2023 年\n\n第 3 页"
    # rows of >= 3 numbers: "规章 0 0 0" only; numbers on mostly-number lines: 3 + 2 + 1 + 1 (not 2023 or 3: one of three)
    assert row_counts(text) == (1, 7)
    assert (numeric_lines(text), numeric_cells(text)) == row_counts(text)
    assert row_counts("") == (0, 0)


def _numbers_by_label(table: RawTable) -> dict[str, list[str]]:
    return {row[-8].text: [c.text for c in row[-7:]] for row in table.rows() if len(row) >= 8}


def test_borderless_number_wrapped_in_its_cell_is_one_number() -> None:
    doc = PdfExtractor().extract(WRAPPED_NUMBERS.read_bytes(), WRAPPED_NUMBERS.name)
    requests, appeals = doc.tables
    rows = _numbers_by_label(requests)
    assert rows["一、本年新收政府信息公开申请数量"] == ["108", "7", "0", "0", "3", "0", "118"]
    assert rows["（七）总计"] == ["103", "7", "0", "0", "3", "0", "113"]
    assert not any(c.text in ("10", "11", "8") for c in requests.cells if c.col == 3 and c.row < 2)
    # a row made only of numbers under its header is data, not pieces of a wrapped number
    assert [c.text for c in appeals.rows()[-1]][-15:] == ["3", "2", "0", "0", "5"] + ["0"] * 10


def test_borderless_continued_page_starting_in_a_wrapped_label() -> None:
    doc = PdfExtractor().extract(CONTINUED_LABEL.read_bytes(), CONTINUED_LABEL.name)
    (requests, *_) = doc.tables
    rows = _numbers_by_label(requests)
    assert rows["4.无正当理由大量反复申请"] == ["-"] * 7
    assert "申请" not in rows and requests.rows()[0][-8].text == "4.无正当理由大量反复申请"


def _geom(*lines: tuple[float, str]) -> PageGeom:
    """A page of 12 pt glyphs: each (top, text) line, '|' marking a wide gap between cells."""
    glyphs = []
    for top, text in lines:
        x = 90.0
        for word in text.split("|"):
            for ch in word:
                glyphs.append(Glyph(ch, x, top, x + 12, top + 12, 12.0))
                x += 12
            x += 60
    return PageGeom(1, 595, 842, tuple(glyphs), ())


def test_borderless_lone_row_opening_a_page_is_a_table() -> None:
    doc = PdfExtractor().extract(LAST_ROW_OPENS_PAGE.read_bytes(), LAST_ROW_OPENS_PAGE.name)
    fees, requests = doc.tables
    assert [[c.text for c in row] for row in fees.rows()] == [["行政事业性收费", "0"]]
    assert any(c.text == "一、本年新收政府信息公开申请数量" for c in requests.cells)
    # only at the top of a page, and not a running header with a number
    assert borderless_tables(_geom((100, "行政事业性收费|0")), [])
    assert not borderless_tables(_geom((100, "2023年度报告|3")), [])
    assert not borderless_tables(_geom((60, "三、收到和处理政府信息公开申请情况"), (100, "行政事业性收费|0")), [])


def test_borderless_total_row_centred_in_the_group_column_keeps_its_label() -> None:
    doc = PdfExtractor().extract(TOTAL_IN_GROUP_COLUMN.read_bytes(), TOTAL_IN_GROUP_COLUMN.name)
    requests = doc.tables[0]
    total = next(row for row in requests.rows() if row[-1].text == "1")
    assert [c.text for c in total] == ["（七）总计", "0", "1", "0", "0", "0", "0", "1"]
    assert total[0].col == 0 and total[0].colspan == 2
    group = next(c for c in requests.cells if c.text == "（六）其他处理")
    assert group.row + group.rowspan - 1 < total[0].row


def test_borderless_wrapped_label_just_under_a_repeated_header_stays_with_its_row() -> None:
    doc = PdfExtractor().extract(UNDER_REPEATED_HEADER.read_bytes(), UNDER_REPEATED_HEADER.name)
    requests = doc.tables[0]
    rows = _numbers_by_label(requests)
    assert rows["1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"] == ["0"] * 7
    assert not any("申请人无正当理由" in c.text for c in requests.cells if c.row < 3)


def test_borderless_wrapped_row_label_that_looks_like_a_section_heading_stays_in_the_table() -> None:
    doc = PdfExtractor().extract(LABEL_LIKE_HEADING.read_bytes(), LABEL_LIKE_HEADING.name)
    requests = next(t for t in doc.tables if any(c.text == "（一）予以公开" for c in t.cells))
    rows = _numbers_by_label(requests)
    assert rows["二、上年结转政府信息公开申请数量"] == ["3", "0", "0", "0", "0", "0", "3"]
    assert not any(p.text.startswith("二、上年结转") for p in doc.paragraphs)
