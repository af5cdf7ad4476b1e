"""Report metadata: titles, years, agencies and places, golden outputs compared exactly.

``fixtures/metadata/corpus_cases.json`` holds, for every dev report (and the seed, the
淮安/洪泽 PDFs, a 平潭 and a 上海 real report), the first lines as the extractors print
them (pypdfium2 text for PDFs, text_content for HTML, paragraphs for DOCX) and a body
excerpt (first lines plus lines naming a 人民政府 or 门户网站). Expected values equal the
answer keys (title, year, agency, province, city, county, township, level).
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from normalizers.metadata import Metadata, extract_metadata, extract_title, extract_year

CASES = json.loads((Path(__file__).parents[1] / "fixtures" / "metadata" / "corpus_cases.json").read_text("utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["file_name"] for c in CASES])
def test_corpus_reports(case: dict) -> None:
    got = extract_metadata(case["title_candidates"], case["body_text"], case["file_name"], case["meta"])
    want = case["expected"]
    assert asdict(got) == {**want, "region_match": "exact" if want["region_code"] else None}


def M(title, year, agency, admin, province, city, county, township, code, detail,  # noqa: N802
      match: str | None = None) -> Metadata:
    """The territorial level is the level part of ``detail`` (county_dept → county): a department's too;
    a resolved region's match is ``exact`` unless said."""
    return Metadata(title, year, agency, admin, province, city, county, township, code, detail,
                    detail.split("_")[0] if detail else None, match or ("exact" if code else None))


TITLE_ONLY_CASES = [
    (["盐池县大水坑镇 2020 年 政府信息公开工作年度报告"],
     M("盐池县大水坑镇2020年政府信息公开工作年度报告", 2020, "大水坑镇人民政府", "township",
       "宁夏回族自治区", "吴忠市", "盐池县", "大水坑镇", "640323", "township")),
    (["- 1 -", "淮安市人民政府", "2024 年政府信息公开工作年度报告", "本报告由淮安市人民政府办公室根据《条例》编制。"],
     M("淮安市人民政府2024年政府信息公开工作年度报告", 2024, "淮安市人民政府", "city",
       "江苏省", "淮安市", None, None, "320800", "city_gov")),
    (["高田镇人民政府 2024 年度政府信息公开工作", "年度报告"],
     M("高田镇人民政府2024年度政府信息公开工作年度报告", 2024, "高田镇人民政府", "township",
       None, None, None, "高田镇", None, "township")),
    (["# 打浦桥街道2021年政府信息公开工作年度报告"],
     M("打浦桥街道2021年政府信息公开工作年度报告", 2021, "打浦桥街道办事处", "township",
       "上海市", "上海市", "黄浦区", "打浦桥街道", "310101", "township")),
    (["杭州市财政局2022年政府信息公开工作年度报告"],
     M("杭州市财政局2022年政府信息公开工作年度报告", 2022, "杭州市财政局", "department",
       "浙江省", "杭州市", None, None, "330100", "city_dept")),
    (["浙江省财政厅", "2023年度政府信息公开工作年度报告"],
     M("浙江省财政厅2023年度政府信息公开工作年度报告", 2023, "浙江省财政厅", "department",
       "浙江省", None, None, None, "330000", "province_dept")),
    (["吴忠市2020年政府信息公开工作年度报告"],
     M("吴忠市2020年政府信息公开工作年度报告", 2020, "吴忠市人民政府", "city",
       "宁夏回族自治区", "吴忠市", None, None, "640300", "city_gov")),
    (["盐池县自然资源局2021年政府信息公开工作年度报告"],
     M("盐池县自然资源局2021年政府信息公开工作年度报告", 2021, "盐池县自然资源局", "department",
       "宁夏回族自治区", "吴忠市", "盐池县", None, "640323", "county_dept")),
    (["正文", "2025 年上海市人民政府办公厅政府信息公开", "工作年度报告"],
     M("2025年上海市人民政府办公厅政府信息公开工作年度报告", 2025, "上海市人民政府办公厅", "department",
       "上海市", "上海市", None, None, "310000", "province_dept")),
    (["北京市2019年政府信息公开工作年度报告"],
     M("北京市2019年政府信息公开工作年度报告", 2019, "北京市人民政府", "province",
       "北京市", "北京市", None, None, "110000", "province_gov")),
    (["关于印发《盐池县2020年政府信息公开工作年度报告》的通知"],
     M("盐池县2020年政府信息公开工作年度报告", 2020, "盐池县人民政府", "county",
       "宁夏回族自治区", "吴忠市", "盐池县", None, "640323", "county_gov")),
    (["南京市鼓楼区人民政府宁海路街道办事处2020年政府信息公开工作年度报告"],
     M("南京市鼓楼区人民政府宁海路街道办事处2020年政府信息公开工作年度报告", 2020, "宁海路街道办事处", "township",
       "江苏省", "南京市", "鼓楼区", "宁海路街道", "320106", "township")),
    (["沐阳县人民政府 2025 年 政府信息公开工作年度报告"],  # OCR typo of 沭阳县: the title kept, the place matched
     M("沐阳县人民政府2025年政府信息公开工作年度报告", 2025, "沭阳县人民政府", "county",
       "江苏省", "宿迁市", "沭阳县", None, "321322", "county_gov", "fuzzy: 沐阳县 → 沭阳县 (OCR confusion 沐/沭)")),
    (["某某县人民政府 2025 年 政府信息公开工作年度报告"],  # a place nobody knows: kept, level from the name
     M("某某县人民政府2025年政府信息公开工作年度报告", 2025, "某某县人民政府", "county",
       None, None, None, None, None, "county_gov")),
]


@pytest.mark.parametrize(("lines", "expected"), TITLE_ONLY_CASES, ids=[c[1].title for c in TITLE_ONLY_CASES])
def test_title_lines(lines: list[str], expected: Metadata) -> None:
    assert extract_metadata(lines, "", "report.pdf", {}) == expected


@pytest.mark.parametrize(
    ("lines", "meta", "file_name", "title"),
    [
        (["标题: 平潭综合实验区2019年度政府信息公开工作年度报告", "发布时间: 2020-01-20 15:22"], {}, "page.txt",
         "平潭综合实验区2019年度政府信息公开工作年度报告"),
        (["搜索", "首页政务公开"], {"title": "陶湾镇2023年政府信息公开工作年度报告_政府信息公开年报_栾川县人民政府门户网站"},
         "t20240128_7212375.shtml", "陶湾镇2023年政府信息公开工作年度报告"),
        ([], {"title": "利川市医疗保障局2019年政府信息公开工作年度报告-利川市人民政府"}, "a.html",
         "利川市医疗保障局2019年政府信息公开工作年度报告"),
        ([], {}, "成都市郫都区文化旅游体育局2021年政府信息公开工作年度报告.pdf",
         "成都市郫都区文化旅游体育局2021年政府信息公开工作年度报告"),
        (["**北京市通州区教育委员会 ２０１９ 年 度政府信息公开工作年度报告**"], {}, "x.txt",
         "北京市通州区教育委员会2019年度政府信息公开工作年度报告"),
        (["根据《中华人民共和国政府信息公开条例》第五十条之规定，制作本报告。"], {}, "P0202.pdf", None),
    ],
)
def test_title(lines: list[str], meta: dict[str, str], file_name: str, title: str | None) -> None:
    assert extract_title(lines, meta, file_name) == title


@pytest.mark.parametrize(
    ("title", "body", "file_name", "meta", "year"),
    [
        ("二〇二〇年政府信息公开工作年度报告", "", "a.pdf", {}, 2020),
        (None, "本报告所列数据的统计期限自2020年1月1日起至2020年12月31日止。", "a.pdf", {}, 2020),
        (None, "", "a.html", {"published": "2021-01-05"}, 2020),
        (None, "发布日期：2020-01-31", "a.html", {}, 2019),
        (None, "", "t20200127_7988260.html", {}, 2019),
        (None, "", "P020220112519814463.pdf", {}, 2021),
        (None, "", "2025zfxxgkndbg_64454.pdf", {}, 2024),
        (None, "", "report.pdf", {}, None),
    ],
)
def test_year_fallbacks(title: str | None, body: str, file_name: str, meta: dict[str, str], year: int | None) -> None:
    assert extract_year(title, body, file_name, meta) == year


def test_nothing_to_go_on() -> None:
    assert extract_metadata([], "", "scan.pdf", {}) == Metadata()


@pytest.mark.slow  # property test: 200 examples
@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=40), max_size=8), st.text(max_size=300), st.text(max_size=30))
def test_never_raises(lines: list[str], body: str, file_name: str) -> None:
    got = extract_metadata(lines, body, file_name, {})
    assert got.admin_level in {None, "province", "city", "county", "township", "department"}
