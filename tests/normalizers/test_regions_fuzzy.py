"""Place names one character off the gazetteer: resolved only when exactly one candidate fits."""

from __future__ import annotations

import pytest

from normalizers.metadata import extract_metadata
from normalizers.regions import parse_place
from normalizers.regions_fuzzy import confusables, fuzzy_place, near_names


def _fuzzy(text: str, evidence: str = ""):
    return fuzzy_place(text, parse_place(text), evidence)


def test_near_names_keep_length_and_ending_and_skip_known_names() -> None:
    near = near_names("沐阳县")
    assert {"沭阳县", "泗阳县", "汝阳县"} <= set(near)
    assert all(len(n) == 3 and n.endswith("县") for n in near)
    assert near_names("沭阳县") == [] and near_names("和县") == []  # known; too short to guess


@pytest.mark.parametrize("text, name, why", [
    ("沐阳县人民政府", "沭阳县", "OCR confusion 沐/沭"),  # many 阳县 neighbours: the confusable pair decides
    ("江苏省沐阳县人民政府", "沭阳县", "OCR confusion 沐/沭"),
    ("北京市通洲区人民政府", "通州区", "the only such name under the places printed before it"),
])
def test_one_fitting_candidate_is_taken(text: str, name: str, why: str) -> None:
    m = _fuzzy(text)
    assert m is not None and (m.name, m.why) == (name, why)
    assert m.text == text.replace(m.printed, name) and m.note.startswith(f"fuzzy: {m.printed} → {name}")


def test_the_province_or_city_named_in_the_body_decides() -> None:
    assert _fuzzy("通洲区教育委员会") is None  # 通州区, 通川区, 香洲区 …: no single fit
    m = _fuzzy("通洲区教育委员会", "北京市通州区教育委员会关于……北京市人民政府")
    assert m is not None and m.name == "通州区" and m.why == "its province or city is named"


def test_several_fits_or_none_stay_unresolved() -> None:
    assert _fuzzy("泗洪县人民政府") is None  # known name: nothing to match
    assert _fuzzy("江苏省汝阳县人民政府") is None  # 汝阳县 is in 河南: under 江苏, 沭/泗/射阳县 … and no confusion
    assert all(len(pair) == 2 for pair in confusables())


def test_zones_that_end_like_a_division_are_never_matched() -> None:
    """泰州市高新区 is one character off 泰州市高港区 but is a zone, not a misread district."""
    assert near_names("高新区") == [] and near_names("开发区") == []
    assert _fuzzy("泰州市高新区管委会") is None


def test_metadata_records_the_fuzzy_match_and_resolves_the_region() -> None:
    """The OCR'd 沭阳县 report of the real corpus prints 沐阳县 and names neither 宿迁 nor 江苏."""
    body = "沐阳县人民政府\n(2026年1月23日)\n现将沐阳县人民政府2025年政府信息公开年度报告向社会公布。"
    meta = extract_metadata(["沐阳县人民政府 2025 年 政府信息公开工作年度报告"], body, "x_2025_ocr.md", {})
    assert (meta.province, meta.city, meta.county, meta.region_code) == ("江苏省", "宿迁市", "沭阳县", "321322")
    assert meta.agency == "沭阳县人民政府" and meta.admin_level == "county"
    assert meta.region_match == "fuzzy: 沐阳县 → 沭阳县 (OCR confusion 沐/沭)"
    exact = extract_metadata(["洪泽区人民政府2024年政府信息公开工作年度报告"], "", "x.pdf", {})
    assert exact.region_match == "exact" and exact.region_code == "320813"
    unknown = extract_metadata(["某某县人民政府2024年政府信息公开工作年度报告"], "", "x.pdf", {})
    assert unknown.region_code is None and unknown.region_match is None
