import pytest

from extractors.base import sniff
from extractors.text import TextExtractor, lines_to_blocks, split_row
from ogi.errors import ExtractionError
from ogi.types import Paragraph, RawTable


def test_split_row_kinds():
    assert split_row("| 规章 | 0 | 1 |") == ["规章", "0", "1"]
    assert split_row("规章\t0\t1\t") == ["规章", "0", "1", ""]
    assert split_row("   行政许可        74   0 0") == ["行政许可", "74", "0", "0"]
    assert split_row("本报告根据条例制作。") is None


def test_blank_lines_inside_a_table_keep_one_table():
    blocks = lines_to_blocks(["二、主动公开", "规章\t0\t0\t0", "", "规范性文件\t1\t2\t3", "", "三、收到"])
    tables = [b for b in blocks if isinstance(b, RawTable)]
    assert len(tables) == 1 and tables[0].n_rows == 2
    assert isinstance(blocks[0], Paragraph) and blocks[0].heading


def test_gb18030_text_decodes(tmp_path):
    data = "一、总体情况\n本机关2023年公开信息。\n".encode("gb18030")
    doc = TextExtractor().extract(data, "r.txt")
    assert doc.paragraphs[1].text == "本机关2023年公开信息。"


def test_binary_and_empty_text_refused():
    with pytest.raises(ExtractionError):
        TextExtractor().extract(b"", "a.txt")
    with pytest.raises(ExtractionError):
        TextExtractor().extract(b"\x00\x01\x02abc" * 10, "a.txt")


def test_sniff_by_content_not_name():
    assert sniff(b"%PDF-1.7 ...", "x.html") == "pdf"
    assert sniff(b"<!DOCTYPE html><html>", "x.pdf") == "html"
    assert sniff("一、总体情况".encode(), "x.txt") == "txt"


def test_single_space_rows_of_plain_pdf_text():
    assert split_row("一、本年新收政府信息公开申请数量 95 0 0 0 0 0 95") == [
        "一、本年新收政府信息公开申请数量", "95", "0", "0", "0", "0", "0", "95"]
    assert split_row("行政许可 9487") == ["行政许可", "9487"]
    assert split_row("行政强制 —") == ["行政强制", "—"]
    assert split_row("9 0 0 0 0 0 9") == ["9", "0", "0", "0", "0", "0", "9"]


def test_narrative_ending_in_a_number_is_not_a_row():
    assert split_row("全年共主动公开政府信息，较上年增长 15") is None
    assert split_row("- 3 -") is None
    assert split_row("2024 年") is None
