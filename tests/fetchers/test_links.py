"""Link rules on small HTML snippets: pagination forms, report links, attachments, verdicts."""

from __future__ import annotations

import re
from pathlib import Path

from fetchers.links import Link, attachment_links, is_attachment_link, pagination_links, parse_page, report_links, report_verdict
from fetchers.settings import DEFAULT_LINK_PATTERN

PATTERN = re.compile(DEFAULT_LINK_PATTERN)
BASE = "http://www.example.gov.cn/xxgk/ndbg/index.html"
FIX = Path(__file__).resolve().parents[1] / "fixtures" / "portal"


def page(body: str, url: str = BASE):
    return parse_page(f"<html><head><title>t</title></head><body>{body}</body></html>", url)


def test_links_are_absolute_without_fragments_or_script_links():
    p = page('<a href="a.html#x">A</a><a href="javascript:void(0)">J</a><a href="mailto:x@y">M</a>'
             '<a href="#top">T</a><a href="/b/c.pdf" title=" full  title ">C</a>')
    assert [(link.url, link.text, link.title) for link in p.links] == [
        ("http://www.example.gov.cn/xxgk/ndbg/a.html", "A", ""),
        ("http://www.example.gov.cn/b/c.pdf", "C", "full title"),
    ]


def test_base_href_is_respected():
    p = parse_page('<html><head><base href="http://www.example.gov.cn/other/"></head>'
                   '<body><a href="x.html">x</a></body></html>', BASE)
    assert p.links[0].url == "http://www.example.gov.cn/other/x.html"


def test_next_page_by_text():
    p = page('<a href="index.html">首页</a><a href="index_1.html">下一页</a><a href="/about.html">关于</a>')
    assert pagination_links(p) == ["http://www.example.gov.cn/xxgk/ndbg/index_1.html"]


def test_next_page_by_rel_in_head_and_anchor():
    p = parse_page('<html><head><link rel="next" href="list_2.shtml"></head><body>'
                   '<a rel="next" href="?page=3">更多</a></body></html>', BASE)
    assert pagination_links(p) == ["http://www.example.gov.cn/xxgk/ndbg/list_2.shtml",
                                   "http://www.example.gov.cn/xxgk/ndbg/index.html?page=3"]


def test_numbered_siblings_only_in_same_directory():
    p = page('<a href="index_2.html">2</a><a href="index_3.html">3</a>'
             '<a href="/other/index_4.html">4</a><a href="news_5.html">5</a>')
    assert pagination_links(p) == ["http://www.example.gov.cn/xxgk/ndbg/index_2.html",
                                   "http://www.example.gov.cn/xxgk/ndbg/index_3.html"]


def test_numbered_siblings_of_a_directory_url():
    p = page('<a href="index_1.html">2</a>', url="http://www.example.gov.cn/xxgk/ndbg/")
    assert pagination_links(p) == ["http://www.example.gov.cn/xxgk/ndbg/index_1.html"]


def test_trs_javascript_pager():
    p = parse_page('<html><body><div id="page"><script>createPageHTML(4, 0, "index", "shtml");</script>'
                   '</div></body></html>', BASE)
    assert pagination_links(p) == [f"http://www.example.gov.cn/xxgk/ndbg/index_{i}.shtml" for i in (1, 2, 3)]


def test_report_links_by_text_or_title():
    p = page('<a href="1.html">某县2023年政府信息公开工作年度报告</a>'
             '<a href="2.html" title="某局2022年政府信息公开工作年度报告">某局2022年政府信息...</a>'
             '<a href="3.html">2021年政务公开年报</a>'
             '<a href="4.html">关于印发政务公开工作要点的通知</a>'
             '<a href="1.html">重复</a>')
    assert [link.url.rsplit("/", 1)[1] for link in report_links(p, PATTERN)] == ["1.html", "2.html", "3.html"]


def test_source_pattern_replaces_the_default():
    p = page('<a href="1.html">2023年年报</a><a href="2.html">统计公报2023</a>')
    assert [link.url.rsplit("/", 1)[1] for link in report_links(p, re.compile("公报"))] == ["2.html"]


def test_attachment_links():
    assert is_attachment_link(Link("http://h/a/P0201.PDF", "下载"))
    assert is_attachment_link(Link("http://h/down.jsp?id=3", "年报.docx"))
    assert is_attachment_link(Link("http://h/a/b.wps", ""))
    assert not is_attachment_link(Link("http://h/a/b.xls", "表.xls"))
    assert not is_attachment_link(Link("http://h/a/b.html", "b"))


def test_report_attachments_preferred_over_sidebar_files():
    p = page('<a href="/u/P1.pdf">2023年政府信息公开工作年度报告.pdf</a>'
             '<a href="/zn/guide.pdf">政府信息公开指南.pdf</a>')
    assert [a.url for a in attachment_links(p, PATTERN)] == ["http://www.example.gov.cn/u/P1.pdf"]
    p = page('<p>附件：<a href="/u/P1.pdf">P1.pdf</a><a href="/u/P2.doc">P2.doc</a></p>')
    assert len(attachment_links(p, PATTERN)) == 2  # none named: all of them


def test_verdicts_on_fixture_pages():
    def verdict(rel: str) -> str:
        raw = (FIX / rel).read_bytes()
        return report_verdict(parse_page(raw.decode("gb18030"), BASE))

    assert verdict("xxgk/ndbg/202001/t20200127_7988260.html") == "report"
    assert verdict("xxgk/ndbg/202401/t20240110_100.html") == "none"  # stub: title only
    assert verdict("xxgk/ndbg/202312/t20231201_101.html") == "none"  # a notice listing the sections


def test_report_with_tables_as_images_has_its_headings():
    body = "<h1>某局2020年政府信息公开工作年度报告</h1>" + "".join(
        f"<p>{h}</p><p><img src='t{i}.png'></p>" for i, h in enumerate(
            ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
             "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况"]))
    assert report_verdict(page(body)) == "report-no-tables"


def test_layout_tables_do_not_make_a_report():
    body = ("<table><tr><td>导航</td><td>首页</td></tr></table>"
            "<p>关于报送政府信息公开工作年度报告的通知</p>")
    assert report_verdict(page(body)) == "none"
