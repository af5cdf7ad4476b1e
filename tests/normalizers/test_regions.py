"""Gazetteer and place resolution: table-driven, golden Regions compared exactly."""

from __future__ import annotations

import pytest

from normalizers.regions import Region, gazetteer, mentions, parse_place, resolve

PARSE_CASES = [
    # agency string, printed segments, township, rest
    ("济南市历下区司法局", ["济南市", "历下区"], None, "司法局"),
    ("长沙市岳麓区雨敞坪镇", ["长沙市", "岳麓区"], "雨敞坪镇", ""),
    ("四开镇人民政府", [], "四开镇", "人民政府"),
    ("打浦桥街道办事处", [], "打浦桥街道", "办事处"),
    ("内蒙古自治区农业农村厅", ["内蒙古自治区"], None, "农业农村厅"),
    ("上海市人民政府办公厅", ["上海市"], None, "人民政府办公厅"),
    ("通渭县住房和城乡建设局", ["通渭县"], None, "住房和城乡建设局"),  # 城乡 is no township
    ("沂水县乡村振兴局", ["沂水县"], None, "乡村振兴局"),
    ("黔东南州雷山县丹江镇", ["黔东南州", "雷山县"], "丹江镇", ""),
    ("平潭综合实验区", [], None, ""),
    ("沐阳县人民政府", [], None, "沐阳县人民政府"),  # OCR typo: unknown, kept as printed
    ("城区街道办事处", [], "城区街道", "办事处"),  # 城区 is a district name, here a township's head
    ("南阳市镇平县二龙乡", ["南阳市", "镇平县"], "二龙乡", ""),  # a county that starts with 镇
]


@pytest.mark.parametrize(("text", "segments", "township", "rest"), PARSE_CASES)
def test_parse_place(text: str, segments: list[str], township: str | None, rest: str) -> None:
    place = parse_place(text)
    assert [name for name, _ in place.segments] == segments
    assert (place.township, place.rest) == (township, rest)


def R(province, city, county, township, code, level, gov_name=None) -> Region:  # noqa: N802 - table shorthand
    return Region(province, city, county, township, code, level, gov_name)


RESOLVE_CASES = [
    # agency string, evidence text, year, expected
    ("盐池县大水坑镇", "", 2020, R("宁夏回族自治区", "吴忠市", "盐池县", "大水坑镇", "640323", "township")),
    ("淮安市", "", 2024, R("江苏省", "淮安市", None, None, "320800", "city")),
    ("洪泽区", "", 2023, R("江苏省", "淮安市", "洪泽区", None, "320813", "county")),
    ("淮安市洪泽区", "", 2024, R("江苏省", "淮安市", "洪泽区", None, "320813", "county")),
    ("丹水池街道", "", 2021, R("湖北省", "武汉市", "江岸区", "丹水池街道", "420102", "township")),
    ("吴泾镇", "", 2022, R("上海市", "上海市", "闵行区", "吴泾镇", "310112", "township")),
    # two 高田镇 (江西, 广西): the body names the county's portal
    ("高田镇", "持续优化阳朔县人民政府门户网站", 2024,
     R("广西壮族自治区", "桂林市", "阳朔县", "高田镇", "450321", "township")),
    # 88 城关镇 and nothing in the body: no guess
    ("城关镇", "", 2021, R(None, None, None, "城关镇", None, "township")),
    ("城关镇", "岷县人民政府门户网站", 2021, R("甘肃省", "定西市", "岷县", "城关镇", "621126", "township")),
    ("黔东南苗族侗族自治州", "", 2020, R("贵州省", "黔东南苗族侗族自治州", None, None, "522600", "city")),
    ("黔东南州", "", 2020, R("贵州省", "黔东南苗族侗族自治州", None, None, "522600", "city")),
    ("利川市", "", 2019, R("湖北省", "恩施土家族苗族自治州", "利川市", None, "422802", "county")),
    ("神农架林区", "", 2020, R("湖北省", None, "神农架林区", None, "429021", "county")),
    ("仙桃市", "", 2020, R("湖北省", None, "仙桃市", None, "429004", "county")),
    ("北京市通州区", "", 2019, R("北京市", "北京市", "通州区", None, "110112", "county")),
    ("通州区", "南通市通州区人民政府门户网站", 2019, R("江苏省", "南通市", "通州区", None, "320612", "county")),
    ("重庆市万州区", "", 2020, R("重庆市", "重庆市", "万州区", None, "500101", "county")),
    ("新疆", "", 2020, R("新疆维吾尔自治区", None, None, None, "650000", "province")),
    ("长阳县", "", 2020, R("湖北省", "宜昌市", "长阳土家族自治县", None, "420528", "county")),
    # 宝山区 is in 上海 and 双鸭山: the township list says which
    ("宝山区月浦镇", "", 2021, R("上海市", "上海市", "宝山区", "月浦镇", "310113", "township")),
    ("东莞市虎门镇", "", 2020, R("广东省", "东莞市", None, "虎门镇", "441900", "township")),
    # renames and merges keep one code per territory
    ("南通市崇川区", "", 2019, R("江苏省", "南通市", "崇川区", None, "320613", "county")),
    ("三明市梅列区", "", 2020, R("福建省", "三明市", "梅列区", None, "350404", "county")),
    ("三明市三元区", "", 2020, R("福建省", "三明市", "三元区", None, "350404", "county")),
    ("芜湖县", "", 2019, R("安徽省", "芜湖市", "芜湖县", None, "340210", "county")),
    ("湾沚区", "", 2022, R("安徽省", "芜湖市", "湾沚区", None, "340210", "county")),
    ("杭州市江干区", "", 2020, R("浙江省", "杭州市", "江干区", None, "330102", "county")),
    ("平潭综合实验区", "", 2019,
     R("福建省", None, "平潭综合实验区", None, "350128", "county", "平潭综合实验区管理委员会")),
    ("沐阳县", "", 2025, R(None, None, None, None, None, None)),
]


@pytest.mark.parametrize(("text", "evidence", "year", "expected"), RESOLVE_CASES)
def test_resolve(text: str, evidence: str, year: int, expected: Region) -> None:
    assert resolve(parse_place(text), evidence, year) == expected


def test_mentions_longest_match_and_word_guard() -> None:
    # 永宁县 is not also 宁县; 和县 / 城区 as plain words do not count; before 人民政府 they do (×3)
    counts = mentions("永宁县教育局和县城区学校，阳朔县人民政府门户网站，阳朔县")
    assert counts == {"640121": 1, "450321": 4}
    assert mentions("城区人民政府")  # a real 城区 when it governs


def test_gazetteer_is_consistent() -> None:
    g = gazetteer()
    for d in g.by_code.values():
        if d.level != "province":
            assert d.parent in g.by_code, d
    for code in {s for versions in g.townships.values() for s in versions}:
        assert code[:2] + "0000" in g.by_code
    assert set(g.by_stable) >= {"350404", "320613", "340210"}
