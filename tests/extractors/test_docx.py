"""DOCX/DOC extraction: merged cells rebuilt from the XML, body order, refusals."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from extractors.base import extract_file, sniff
from extractors.docx import (
    DocExtractor,
    DocxExtractor,
    W,
    build_table,
    find_soffice,
    is_heading,
    join_lines,
)
from ogi.errors import ExtractionError
from ogi.types import Paragraph, RawTable

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "docx"


def dump(tables: list[RawTable]) -> list:
    return [[[[c.text, c.rowspan, c.colspan] for c in row] for row in t.rows()] for t in tables]


def golden(name: str) -> list:
    return json.loads((FIX / name).read_text(encoding="utf-8"))


def test_docx_tables_match_golden_with_real_spans():
    doc = extract_file(FIX / "linebreaks_merged.docx")
    assert doc.format == "docx" and doc.extractor == "docx@1"
    assert dump(doc.tables) == golden("linebreaks_merged.tables.json")


def test_merged_label_is_one_cell_not_repeated():
    requests = extract_file(FIX / "linebreaks_merged.docx").tables[1]
    group = [c for c in requests.cells if c.text == "三、本年度办理结果"]
    assert len(group) == 1 and group[0].rowspan == 22 and group[0].col == 0
    assert sum(c.text == "（三）不予公开" for c in requests.cells) == 1


def test_line_breaks_inside_cells_are_joined_without_spaces():
    requests = extract_file(FIX / "linebreaks_merged.docx").tables[1]
    assert "法人或其他组织" in {c.text for c in requests.cells}
    assert not any("\n" in c.text for c in requests.cells)


def test_blocks_keep_body_order_and_headings():
    doc = extract_file(FIX / "linebreaks_merged.docx")
    kinds = [("T" if isinstance(b, RawTable) else b.text) for b in doc.blocks]
    i2 = kinds.index("二、主动公开政府信息情况")
    assert kinds[i2 + 1] == "T"
    heads = [b.text for b in doc.blocks if isinstance(b, Paragraph) and b.heading]
    assert "一、总体情况" in heads and "六、其他需要报告的事项" in heads
    body = [b for b in doc.paragraphs if b.text.startswith("本报告根据《中华人民共和国政府信息公开条例》")]
    assert body and not body[0].heading


def test_requests_row_matches_answer_key():
    key = json.loads((FIX / "linebreaks_merged.key.json").read_text(encoding="utf-8"))
    requests = extract_file(FIX / "linebreaks_merged.docx").tables[1]
    row = next(r for r in requests.rows() if r[0].text.startswith("一、本年新收"))
    cols = ["natural_person", "commercial", "research", "nonprofit", "legal_services", "other_org", "total"]
    assert [int(c.text) for c in row[1:]] == [key[f"requests.new_received.{c}"] for c in cols]


def _tbl(rows_xml: str, grid: str = "") -> etree._Element:
    return etree.fromstring(f'<w:tbl xmlns:w="{W}">{grid}{rows_xml}</w:tbl>')


def _tc(text: str, pr: str = "") -> str:
    return f"<w:tc><w:tcPr>{pr}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"


def test_build_table_gridspan_vmerge_gridbefore():
    xml = ("<w:tr>" + _tc("A", '<w:vMerge w:val="restart"/>') + _tc("B", '<w:gridSpan w:val="2"/>') + "</w:tr>"
           "<w:tr>" + _tc("", "<w:vMerge/>") + _tc("1") + _tc("2") + "</w:tr>"
           '<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>' + _tc("3") + _tc("4") + "</w:tr>")
    t = build_table(_tbl(xml))
    assert [(c.text, c.row, c.col, c.rowspan, c.colspan) for c in t.cells] == [
        ("A", 0, 0, 2, 1), ("B", 0, 1, 1, 2), ("1", 1, 1, 1, 1), ("2", 1, 2, 1, 1),
        ("3", 2, 1, 1, 1), ("4", 2, 2, 1, 1)]


def test_sliver_grid_column_from_converters_is_dropped():
    grid = '<w:tblGrid><w:gridCol w:w="500"/><w:gridCol w:w="1"/><w:gridCol w:w="500"/></w:tblGrid>'
    xml = ("<w:tr>" + _tc("L", '<w:gridSpan w:val="2"/>') + _tc("R") + "</w:tr>"
           "<w:tr>" + _tc("x") + _tc("y", '<w:gridSpan w:val="2"/>') + "</w:tr>")
    t = build_table(_tbl(xml, grid))
    assert [[c.text for c in r] for r in t.rows()] == [["L", "R"], ["x", "y"]]
    assert t.n_cols == 2 and all(c.colspan == 1 for c in t.cells)


def test_nested_table_is_flattened_into_its_cell():
    inner = "<w:tbl>" + "<w:tr>" + _tc("甲") + _tc("1") + "</w:tr></w:tbl>"
    xml = "<w:tr>" + _tc("外") + f"<w:tc>{inner}<w:p/></w:tc>" + "</w:tr>"
    t = build_table(_tbl(xml))
    assert [c.text for c in t.cells] == ["外", "甲 1"]


@pytest.mark.parametrize("lines, joined", [
    (["法人或其他", "组织"], "法人或其他组织"),
    (["12", "345"], "12345"),
    (["open", "data"], "open data"),
    (["", " 自然人 "], "自然人"),
])
def test_join_lines(lines, joined):
    assert join_lines(lines) == joined


def test_bold_lead_in_is_not_a_heading():
    p = etree.fromstring(
        f'<w:p xmlns:w="{W}"><w:r><w:rPr><w:b/></w:rPr><w:t>一是</w:t></w:r><w:r><w:t>加强培训</w:t></w:r></w:p>')
    assert not is_heading(p, "一是加强培训", {})
    bold = etree.fromstring(f'<w:p xmlns:w="{W}"><w:r><w:rPr><w:b/></w:rPr><w:t>（一）主动公开</w:t></w:r></w:p>')
    assert is_heading(bold, "（一）主动公开", {})


def test_not_a_zip_raises():
    data = b"<html><body>404 not found</body></html>"
    with pytest.raises(ExtractionError, match="not a valid DOCX \\(zip\\) file"):
        DocxExtractor().extract(b"\x00garbage" + data, "report.docx")


def _zip_with_zeros(n_bytes: int) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", f'<w:document xmlns:w="{W}"><w:body/></w:document>')
        with zf.open("word/media/blob.bin", "w", force_zip64=True) as fh:
            chunk = b"\0" * (1 << 20)
            for _ in range(n_bytes >> 20):
                fh.write(chunk)
    return buf.getvalue()


def test_zip_bomb_by_ratio_is_refused():
    bomb = _zip_with_zeros(40 << 20)  # 40 MB of zeros, ~40 KB packed
    assert sniff(bomb, "bomb.docx") == "docx"
    with pytest.raises(ExtractionError, match="zip bomb"):
        DocxExtractor().extract(bomb, "bomb.docx")


@pytest.mark.slow  # deflates 210 MB of zeros
def test_zip_bomb_by_total_size_is_refused():
    with pytest.raises(ExtractionError, match="exceeds 200 MB"):
        DocxExtractor().extract(_zip_with_zeros(210 << 20), "bomb.docx")


def test_zip_without_document_xml_is_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(ExtractionError, match="no word/document.xml"):
        DocxExtractor().extract(buf.getvalue(), "x.docx")


@pytest.mark.slow  # starts LibreOffice
@pytest.mark.skipif(find_soffice() is None, reason="LibreOffice (soffice) is not installed: "
                    "apt-get install libreoffice-writer-nogui")
def test_doc_is_converted_and_matches_golden():
    doc = extract_file(FIX / "converted.doc")
    assert doc.format == "doc" and doc.extractor == "doc@1"
    assert dump(doc.tables) == golden("converted.tables.json")
    assert any(p.text == "三、收到和处理政府信息公开申请情况" and p.heading for p in doc.paragraphs)


def test_doc_without_soffice_says_so(monkeypatch):
    monkeypatch.setattr("extractors.docx.find_soffice", lambda *a, **k: None)
    with pytest.raises(ExtractionError, match="LibreOffice"):
        DocExtractor().extract((FIX / "converted.doc").read_bytes(), "converted.doc")
