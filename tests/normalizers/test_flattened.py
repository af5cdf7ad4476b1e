"""Crawler text with every cell boundary lost (real: 平潭 2023 page text)."""

import json


from extractors import extract_file
from normalizers.flattened import _parts, parse_flattened, segments
from normalizers.template import map_tables


def test_flattened_real_page_text_matches_golden(fixtures):
    text = (fixtures / "text" / "pingtan_2023_flattened.txt").read_text(encoding="utf-8")
    facts, problems = parse_flattened(text, "2021")
    golden = json.loads((fixtures / "text" / "pingtan_2023_flattened.txt.golden.json").read_text(encoding="utf-8"))
    assert {f"{f.table}.{f.row}.{f.col}": f.value for f in facts} == golden["facts"]
    assert problems == golden["problems"] == ["active.normative_docs: '77132470' splits 21 ways"]


def test_flattened_values_agree_with_the_same_report_as_html(fixtures):
    """Values as the same report prints them in its HTML <table> and narrative (81 requests, 复议 2)."""
    text = (fixtures / "text" / "pingtan_2023_flattened.txt").read_text(encoding="utf-8")
    facts = {f"{f.table}.{f.row}.{f.col}": f.value for f in parse_flattened(text, "2021")[0]}
    assert facts["requests.new_received.total"] == 81 and facts["requests.new_received.natural_person"] == 80
    assert facts["requests.granted.total"] == 22 and facts["requests.partially_granted.total"] == 20
    assert [facts[f"appeals.review.{c}"] for c in ("upheld", "corrected", "other", "pending", "total")] == [1, 1, 0, 0, 2]
    assert facts["active.fees.amount_10k_yuan"] == 5949.088667


def test_report_read_this_way_is_marked_for_review(fixtures):
    doc = extract_file(fixtures / "text" / "pingtan_2023_flattened.txt")
    t = map_tables(doc.blocks, 2023)
    assert t.found == {"active", "requests", "appeals"}
    assert t.problems and "flattened" in t.problems[0]


def test_segments_give_row_numbers_to_labels():
    segs = list(segments("1.属于国家秘密00000002.其他法律禁止公开0000000"))
    assert segs == [("1.属于国家秘密", "0000000"), ("2.其他法律禁止公开", "0000000")]


def test_parts_respect_leading_zeros_and_identity():
    ok = lambda v: sum(v[:6]) == v[6]  # noqa: E731
    assert _parts("801000081", 7, ok) == [["80", "1", "0", "0", "0", "0", "81"]]
    assert len(_parts("220000022", 7, ok)) == 2  # 22|0… and 2|20|…: needs R2 to decide
