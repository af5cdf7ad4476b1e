"""HTML portal pages: charset, article container, grid tables, image-only tables.

Goldens (``tests/fixtures/html/*.golden.json``) hold every paragraph and every table cell
of real pages cut down to the article; regenerate after a deliberate change with
``PYTHONPATH=. .venv/bin/python tests/extractors/test_html.py --regen`` and review the diff.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from extractors.base import extract_file, for_file
from extractors.html import HtmlExtractor, HtmlSettings
from extractors.html_table import build_table, cell_text, clean_text
from ogi.errors import ExtractionError
from ogi.types import Document, Paragraph, RawTable

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "html"
GOLDEN_PAGES = [
    "lichuan_gbk_trs.html",  # GBK bytes, charset only in <meta>, div.TRS_Editor
    "pingtan_2019_cut.html",  # real page: TRS template, &nbsp; padding in Word cells
    "pingtan_2021_cut.html",  # real page: Word-exported tables, colspan quirk in 表三 header
    "shanghai_govoffice_2019.html",  # real page: no container, blank cells as &nbsp;, misaligned colspans
    "tongwei_img_tables_gbk.html",  # GBK, tables only as <img>
]


def dump(doc: Document) -> dict:
    """Everything the normalizer sees, in a diff-friendly shape."""
    blocks: list[dict] = []
    for b in doc.blocks:
        if isinstance(b, RawTable):
            blocks.append({
                "table": b.source,
                "rows": [[c.text for c in row] for row in b.rows()],
                "cells": [[c.row, c.col, c.rowspan, c.colspan, c.text] for c in b.cells],
            })
        else:
            blocks.append({"paragraph": b.text, "heading": b.heading})
    return {"meta": doc.meta, "warnings": doc.warnings, "blocks": blocks}


def extract(name: str) -> Document:
    return HtmlExtractor().extract((FIX / name).read_bytes(), name)


def page(body: str, head: str = "<meta charset='utf-8'><title>t</title>") -> bytes:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>".encode()


@pytest.mark.parametrize("name", GOLDEN_PAGES)
def test_golden_pages(name: str) -> None:
    want = json.loads((FIX / f"{name}.golden.json").read_text(encoding="utf-8"))
    assert dump(extract(name)) == want


def test_gbk_declared_only_in_meta_is_decoded() -> None:
    data = (FIX / "lichuan_gbk_trs.html").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the fixture really is GBK bytes
    doc = HtmlExtractor().extract(data, "lichuan_gbk_trs.html")
    assert doc.meta["title"] == "利川市医疗保障局2019年政府信息公开工作年度报告"
    assert doc.meta["published"] == "2020-01-27"
    assert [p.text for p in doc.paragraphs if p.heading][:2] == ["一、总体情况", "二、主动公开政府信息情况"]


def test_gb2312_meta_charset_with_gbk_only_character() -> None:
    # 镕 is outside GB2312 but inside GBK: pages declared gb2312 still use it, so decode as gb18030
    html = ("<html><head><meta http-equiv='Content-Type' content='text/html; charset=gb2312'></head><body>"
            "<div class='TRS_Editor'><p>朱镕基路街道2020年政府信息公开工作年度报告。" + "本年度主动公开信息。" * 20
            + "</p></div></body></html>")
    doc = HtmlExtractor().extract(html.encode("gb18030"), "x.html")
    assert doc.paragraphs[0].text.startswith("朱镕基路街道2020年")


def test_grid_honours_rowspan_and_colspan() -> None:
    from lxml import html as lh

    table = lh.fragment_fromstring(
        "<table><tr><td rowspan=3 colspan=2>A</td><td colspan=2>B</td></tr>"
        "<tr><td rowspan=2>C</td><td>D</td></tr>"
        "<tr><td>E</td></tr>"
        "<tr><td>F</td><td colspan=3>G</td></tr></table>")
    t = build_table(table)
    assert [[c.row, c.col, c.rowspan, c.colspan, c.text] for c in t.cells] == [
        [0, 0, 3, 2, "A"], [0, 2, 1, 2, "B"],
        [1, 2, 2, 1, "C"], [1, 3, 1, 1, "D"],
        [2, 3, 1, 1, "E"],  # columns 0-2 are occupied by A and C: E shifts right
        [3, 0, 1, 1, "F"], [3, 1, 1, 3, "G"],
    ]
    assert [[c.text for c in row] for row in t.rows()] == [["A", "B"], ["A", "C", "D"], ["A", "C", "E"], ["F", "G"]]


def test_word_zero_height_helper_row_is_skipped() -> None:
    from lxml import html as lh

    t = build_table(lh.fragment_fromstring(
        "<table class=MsoNormalTable><tr><td>规章</td><td>1</td></tr><tr><td>规范性文件</td><td></td></tr>"
        "<tr height=0><td width=100></td><td width=50></td></tr></table>"))
    assert [[c.text for c in row] for row in t.rows()] == [["规章", "1"], ["规范性文件", ""]]


def test_rowspan_past_the_last_row_is_clamped() -> None:
    from lxml import html as lh

    t = build_table(lh.fragment_fromstring("<table><tr><td rowspan=20>a</td><td>1</td></tr><tr><td>2</td></tr></table>"))
    assert t.n_rows == 2 and t.cells[0].rowspan == 2


@pytest.mark.parametrize("cell, want", [
    ("<td><p><span>信</span><span>息内容</span></p></td>", "信息内容"),
    ("<td><p><span>&nbsp;</span></p></td>", ""),
    ("<td><p><span>0</span><span>&nbsp;&nbsp;&nbsp;</span></p></td>", "0"),
    ("<td><p>本年新<br/>制作数量</p></td>", "本年新制作数量"),
    ("<td><p>结</p><p>果</p></td>", "结果"),
    ("<td><p>12</p><p>34</p></td>", "12\n34"),  # digits are never glued together
    ("<td>\n  <span>行政</span>\n  <span>许可</span>\n</td>", "行政许可"),
    ("<td><p>62,568</p></td>", "62,568"),
    ("<td><p>-18</p></td>", "-18"),
])
def test_cell_text_cleaning(cell: str, want: str) -> None:
    from lxml import html as lh

    td = lh.fragment_fromstring(f"<table><tr>{cell}</tr></table>").find(".//td")
    assert cell_text(td) == want


def test_clean_text_drops_spaces_between_cjk_only() -> None:
    assert clean_text("\u3000\u3000政府 信息\u00a0公开 2023 年 OA system 1 2") == "政府信息公开2023年OA system 1 2"


def test_image_only_tables_give_no_tables_and_a_warning() -> None:
    doc = extract("tongwei_img_tables_gbk.html")
    assert doc.tables == []
    assert "tables are images" in doc.warnings
    assert doc.meta["table_images"] == "3"


def test_nested_layout_table_yields_the_inner_data_table() -> None:
    data_table = ("<table border=1><tr><td>信息内容</td><td>本年制发件数</td></tr>"
                  "<tr><td>规章</td><td>3</td></tr></table>")
    body = ("<table width=1000><tr><td class='menu'><a href='#'>首页</a><a href='#'>政务公开</a></td>"
            "<td><table><tr><td><p>某某县2022年政府信息公开工作年度报告</p>"
            + "<p>一、总体情况</p><p>" + "本机关坚持以公开为常态、不公开为例外。" * 15 + "</p>"
            "<p>二、主动公开政府信息情况</p>" + data_table + "<p>三、其他</p></td></tr></table></td></tr>"
            "<tr><td colspan=2>版权所有：某某县人民政府</td></tr></table>")
    doc = HtmlExtractor().extract(page(body), "layout.html")
    assert len(doc.tables) == 1
    assert [[c.text for c in r] for r in doc.tables[0].rows()] == [["信息内容", "本年制发件数"], ["规章", "3"]]
    texts = [p.text for p in doc.paragraphs]
    assert "首页政务公开" not in texts and "一、总体情况" in texts
    kinds = ["T" if isinstance(b, RawTable) else b.text[:2] for b in doc.blocks]
    assert kinds.index("T") == kinds.index("二、") + 1  # the table stays in reading order


def test_headings_bold_lines_but_not_bold_lead_ins() -> None:
    body = ("<div class='article-content'>"
            "<p><strong>一、总体情况</strong></p>"
            "<p><strong>（一）主动公开。</strong>" + "全年主动公开政府信息二千条，做到应公开尽公开。" * 10 + "</p>"
            "<p style='text-align:center'>表一</p>"
            "<p><span style='font-family:黑体'>二、主动公开政府信息情况</span></p>"
            "<h3>附件</h3></div>")
    doc = HtmlExtractor().extract(page(body), "h.html")
    assert [(p.text[:8], p.heading) for p in doc.paragraphs] == [
        ("一、总体情况", True), ("（一）主动公开。", False), ("表一", True), ("二、主动公开政府", True), ("附件", True)]


def test_known_container_with_little_text_loses_to_the_dense_block() -> None:
    body = ("<div class='content'><p>分享到：微信 微博</p></div>"
            "<div class='main'><div id='text'>" + "<p>本机关坚持以公开为常态、不公开为例外，持续推进政务公开。</p>" * 20
            + "</div></div>")
    doc = HtmlExtractor().extract(page(body), "d.html")
    assert len(doc.paragraphs) == 20 and "分享" not in doc.paragraphs[0].text


def test_known_container_missing_the_tables_loses_to_the_dense_block() -> None:
    table = "<table><tr><td>信息内容</td><td>本年制发件数</td></tr><tr><td>规章</td><td>3</td></tr></table>"
    body = ("<div class='main'><div class='TRS_Editor'>" + "<p>本机关坚持以公开为常态、不公开为例外，持续推进政务公开。</p>" * 20
            + "</div><div class='tables'><p>二、主动公开政府信息情况</p>" + table + "</div></div>")
    doc = HtmlExtractor().extract(page(body), "d.html")
    assert len(doc.tables) == 1 and len(doc.paragraphs) == 21


def test_a_small_table_in_the_sidebar_does_not_pull_the_sidebar_in() -> None:
    table = "<table><tr><td>信息内容</td><td>本年制发件数</td></tr><tr><td>规章</td><td>3</td></tr></table>"
    sidebar = "<div class='lbox'><table><tr><td>电话</td><td>12345</td></tr><tr><td>传真</td><td>54321</td></tr></table></div>"
    body = (sidebar + "<div class='TRS_Editor'>" + "<p>本机关坚持以公开为常态、不公开为例外，持续推进政务公开。</p>" * 20
            + table * 3 + "</div>")
    doc = HtmlExtractor().extract(page(body), "d.html")
    assert len(doc.tables) == 3 and "电话" not in [c.text for t in doc.tables for c in t.cells]


def test_container_is_found_without_known_class_names() -> None:
    data = (FIX / "pingtan_2021_cut.html").read_bytes()
    by_class = HtmlExtractor().extract(data, "p.html")
    by_density = HtmlExtractor(HtmlSettings(containers=())).extract(data, "p.html")
    assert dump(by_density)["blocks"] == dump(by_class)["blocks"]


def test_published_date_from_page_text() -> None:
    body = "<div class='info'>发布日期：2020年1月31日 来源：本站</div><div class='TRS_Editor'>" + "<p>正文内容。</p>" * 60 + "</div>"
    doc = HtmlExtractor().extract(page(body), "p.html")
    assert doc.meta["published"] == "2020-01-31"


def test_title_on_two_centered_lines_without_meta_or_h1() -> None:
    body = ("<div class='sidebar'><div class='title'>某某镇2018年政府信息公开工作年度报告</div></div>"
            "<div class='TRS_Editor'><p align='center'>平潭综合实验区2019年</p><p align='center'>政府信息公开工作年度报告</p>"
            + "<p>根据《中华人民共和国政府信息公开条例》要求，编制本报告。</p>" * 10 + "</div>")
    doc = HtmlExtractor().extract(page(body, "<meta charset='utf-8'><title>年报专栏</title>"), "t.html")
    assert doc.meta["title"] == "平潭综合实验区2019年政府信息公开工作年度报告"


def test_page_chrome_is_not_in_the_article() -> None:
    doc = extract("pingtan_2021_cut.html")
    texts = " ".join(p.text for p in doc.paragraphs)
    assert "无障碍" not in texts and "主办单位" not in texts
    assert doc.paragraphs[0].text.startswith("根据《中华人民共和国政府信息公开条例》")


def test_registered_and_used_by_extract_file() -> None:
    path = FIX / "lichuan_gbk_trs.html"
    assert isinstance(for_file(path.read_bytes(), path.name), HtmlExtractor)
    doc = extract_file(path)
    assert doc.extractor == "html@1" and doc.format == "html" and len(doc.tables) == 3


def test_empty_file_is_an_extraction_error() -> None:
    with pytest.raises(ExtractionError):
        HtmlExtractor().extract(b"  \n", "empty.html")


def test_page_without_article_text_warns() -> None:
    doc = HtmlExtractor().extract(page("<div><img src='a.png'></div>"), "blank.html")
    assert doc.blocks == [] and "no article text found" in doc.warnings


def test_paragraphs_are_plain_paragraph_blocks() -> None:
    doc = extract("shanghai_govoffice_2019.html")
    assert all(isinstance(b, (Paragraph, RawTable)) for b in doc.blocks)
    assert all(b.page is None for b in doc.blocks)


if __name__ == "__main__" and "--regen" in sys.argv:
    for name in GOLDEN_PAGES:
        out = FIX / f"{name}.golden.json"
        out.write_text(json.dumps(dump(extract(name)), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print("wrote", out)
