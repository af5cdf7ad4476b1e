"""agency_id: one id per publishing body across years, renames of its territory and of its name."""

from __future__ import annotations

from normalizers.identity import agency_id, region_problem, role_of, role_renames
from ogi.types import Report


def _rep(agency: str, code: str | None, county: str | None = None, province: str = "江苏省",
         city: str | None = None, township: str | None = None) -> Report:
    return Report(report_id="x", file_name="x.pdf", sha256="", format="pdf", agency=agency, region_code=code,
                  province=province, city=city, county=county, township=township)


def test_role_drops_the_leading_place_names() -> None:
    assert role_of("洪泽区人民政府", ("江苏省", "淮安市", "洪泽区")) == "人民政府"
    assert role_of("淮安市洪泽区 教育局", ("江苏省", "淮安市", "洪泽区")) == "教育局"


def test_same_body_same_id_across_years_and_renames() -> None:
    a = agency_id(_rep("洪泽区人民政府", "320813", "洪泽区", city="淮安市"))
    assert a == agency_id(_rep("洪泽区政府", "320813", "洪泽区", city="淮安市"))  # printed without 人民
    assert a != agency_id(_rep("洪泽区教育局", "320813", "洪泽区", city="淮安市"))
    assert agency_id(_rep("太谷县人民政府", "140726", "太谷县", "山西省")) == \
        agency_id(_rep("太谷区人民政府", "140703", "太谷区", "山西省"))  # county became a district
    sh = dict(province="上海市", city="上海市")
    assert agency_id(_rep("上海市科委", "310000", **sh)) == agency_id(_rep("上海市科学技术委员会", "310000", **sh))
    assert agency_id(_rep("上海市卫生和计划生育委员会", "310000", **sh)) == \
        agency_id(_rep("上海市卫生健康委员会", "310000", **sh))


def test_unresolved_region_hashes_the_name_and_is_a_problem() -> None:
    r = _rep("某某县人民政府", None)
    assert agency_id(r) is not None and region_problem(r) is not None
    assert region_problem(_rep("洪泽区人民政府", "320813")) is None


def test_renames_file_has_no_chains() -> None:
    renames = role_renames()
    assert renames["科委"] == "科学技术委员会" and not set(renames.values()) & set(renames)
