"""Crawler text with every cell boundary lost (real: 平潭 2023 page text)."""

import itertools
import json

from extractors import extract_file
from normalizers.flattened import _parts, parse_flattened, parse_run, segments
from normalizers.report import normalize
from normalizers.template import map_tables
from ogi.types import Document, Paragraph, Report

HEAD_2021 = ("二、主动公开政府信息情况第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章000"
             "行政规范性文件{docs}第二十条第（五）项信息内容本年处理决定数量行政许可4529"
             "第二十条第（六）项信息内容本年处理决定数量行政处罚1100行政强制65"
             "第二十条第（八）项信息内容本年收费金额（单位：万元）行政事业性收费18651.06")


def _golden_text(fixtures) -> str:
    return (fixtures / "text" / "pingtan_2023_flattened.txt").read_text(encoding="utf-8")


def test_flattened_real_page_text_matches_golden(fixtures):
    res = parse_flattened(_golden_text(fixtures), "2021")
    golden = json.loads((fixtures / "text" / "pingtan_2023_flattened.txt.golden.json").read_text(encoding="utf-8"))
    assert {f"{f.table}.{f.row}.{f.col}": f.value for f in res.facts} == golden["facts"]
    assert res.problems == golden["problems"]
    assert "'77132470' still splits 13 ways" in res.problems[0]


def test_flattened_values_agree_with_the_same_report_as_html(fixtures):
    """Values as the same report prints them in its HTML <table> and narrative (81 requests, 复议 2)."""
    facts = {f"{f.table}.{f.row}.{f.col}": f.value for f in parse_flattened(_golden_text(fixtures), "2021").facts}
    assert facts["requests.new_received.total"] == 81 and facts["requests.new_received.natural_person"] == 80
    assert facts["requests.granted.total"] == 22 and facts["requests.partially_granted.total"] == 20
    assert [facts[f"appeals.review.{c}"] for c in ("upheld", "corrected", "other", "pending", "total")] == [1, 1, 0, 0, 2]
    assert facts["active.fees.amount_10k_yuan"] == 5949.088667


def test_each_table_records_how_it_was_split(fixtures):
    t = map_tables(extract_file(fixtures / "text" / "pingtan_2023_flattened.txt").blocks, 2023)
    assert t.found == {"active", "requests", "appeals"}
    checks = {c.rule: c for c in t.checks}
    assert set(checks) == {"S:active", "S:requests", "S:appeals"}
    assert checks["S:requests"].passed and "R2" in checks["S:requests"].detail
    assert checks["S:appeals"].passed and "R4" in checks["S:appeals"].detail
    assert not checks["S:active"].passed and "active.normative_docs" in checks["S:active"].detail
    assert len(t.problems) == 1 and "flattened" in t.problems[0]


def _report(text: str, year: int = 2024, previous=None) -> Report:
    doc_blocks = [Paragraph("平潭综合实验区2024年度政府信息公开工作年度报告"), Paragraph(text)]
    rep = Report(report_id="x", file_name="x_2024.txt", sha256="0", format="txt")
    return normalize(Document(file_name="x_2024.txt", format="txt", blocks=doc_blocks), rep)


def _flat_2021(fixtures, docs: str, narrative: str = "") -> str:
    tables = _golden_text(fixtures)
    tail = tables[tables.index("三、收到和处理"):]
    return "一、总体情况" + narrative + HEAD_2021.format(docs=docs) + tail


def test_report_whose_every_split_is_forced_is_ok(fixtures):
    """Regression: every flattened report was needs_review even when the identities force each split."""
    rep = _report(_flat_2021(fixtures, "000"))
    assert rep.status == "ok", rep.error
    s = [c for c in rep.checks if c.rule.startswith("S:")]
    assert len(s) == 3 and all(c.passed for c in s)


def test_open_split_is_needs_review_with_the_candidates():
    res = parse_flattened(HEAD_2021.format(docs="6233440"), "2021")
    assert any("'6233440' still splits 9 ways: 6|2|33440 or" in p for p in res.problems)
    assert not [f for f in res.facts if f.row == "normative_docs"]


def test_narrative_numbers_choose_the_split():
    text = "本年度制发行政规范性文件62件。" + HEAD_2021.format(docs="6233440")
    facts = {f"{f.row}.{f.col}": f.value for f in parse_flattened(text, "2021").facts}
    assert facts["normative_docs.issued"] == 62 and "normative_docs.repealed" not in facts  # agreed cell only
    text = "制发规范性文件62件，废止规范性文件33件。" + HEAD_2021.format(docs="6233440")
    res = parse_flattened(text, "2021")
    vals = {f"{f.row}.{f.col}": f.raw for f in res.facts if f.row == "normative_docs"}
    assert vals == {"normative_docs.issued": "62", "normative_docs.repealed": "33", "normative_docs.in_force": "440"}
    assert not res.problems and all(c.passed for c in res.checks)
    assert "narrative" in next(c.detail for c in res.checks if c.rule == "S:active")


def test_narrative_number_no_split_agrees_with_is_ignored_not_forced():
    text = "现行有效行政规范性文件393件。" + HEAD_2021.format(docs="77132470")
    res = parse_flattened(text, "2021")
    assert any("77132470" in p for p in res.problems)
    assert "ignored" in next(c.detail for c in res.checks if c.rule == "S:active")


def test_previous_year_in_force_chooses_the_split():
    res = parse_flattened(HEAD_2021.format(docs="6233440"), "2021", previous={"active.normative_docs.in_force": 411})
    vals = [f.raw for f in res.facts if f.row == "normative_docs"]
    assert vals == ["62", "33", "440"] and not res.problems
    res = parse_flattened(HEAD_2021.format(docs="6233440"), "2021", previous={"active.normative_docs.in_force": 470})
    assert res.problems  # Y2 fails as printed for every split: still open, nothing forced


def test_minus_sign_and_kept_spaces_are_boundaries():
    run = parse_run("2648-18538")
    sols = _parts(run.text, 3, None, run.boundaries(negatives=True))
    assert ["2648", "-18", "538"] in sols and all(4 in itertools.accumulate(len(p) for p in s) for s in sols)
    run = parse_run("0 0 0 0 0 00")
    assert _parts(run.text, 7, None, run.cuts) == [["0"] * 7]
    run = parse_run("230 000023")
    ok = lambda v: sum(v[:6]) == v[6]  # noqa: E731
    assert _parts(run.text, 7, ok, run.cuts) == [["23", "0", "0", "0", "0", "0", "23"]]


def test_segments_give_row_numbers_to_labels():
    segs = list(segments("1.属于国家秘密00000002.其他法律禁止公开0000000"))
    assert segs == [("1.属于国家秘密", "0000000"), ("2.其他法律禁止公开", "0000000")]


def test_parts_respect_leading_zeros_and_identity():
    ok = lambda v: sum(v[:6]) == v[6]  # noqa: E731
    assert _parts("801000081", 7, ok) == [["80", "1", "0", "0", "0", "0", "81"]]
    assert len(_parts("220000022", 7, ok)) == 2  # 22|0… and 2|20|…: needs R2 to decide
    assert _parts("13575394432.52", 2, None)[2] == ["135", "75394432.52"]


def test_thousands_commas_and_fullwidth_digits_are_read_whole():
    """Regression (flattened dev HTML): '行政许可62,568' was read as 62; '规章2２79' lost its full-width 2."""
    run = parse_run("62,568")
    assert _parts(run.text, 1, None, run.cuts) == [["62,568"]]
    assert _parts("5621,265", 2, None) == [["5", "621,265"], ["56", "21,265"], ["562", "1,265"]]
    run = parse_run("2２79")
    assert ["2", "2", "79"] in _parts(run.text, 3, None, run.cuts)
    facts = {f.row: f.value for f in parse_flattened(HEAD_2021.format(docs="000").replace("4529", "62,568"),
                                                     "2021").facts}
    assert facts["licensing"] == 62568


def test_dashes_printed_for_zero_are_cells():
    """Regression (flattened dev DOCX): '191---121' dropped the requests table; a dash is a zero cell."""
    run = parse_run("1-－---１")
    assert _parts(run.text, 7, None, run.boundaries(negatives=False)) == [["1", "-", "-", "-", "-", "-", "1"]]
    text = HEAD_2021.format(docs="---") + "三、收到和处理政府信息公开申请情况一、本年新收政府信息公开申请数量19----120"
    facts = {f"{f.row}.{f.col}": (f.value, f.raw) for f in parse_flattened(text, "2021").facts}
    assert facts["normative_docs.issued"] == (0.0, "-")
    assert facts["new_received.natural_person"] == (19.0, "19") and facts["new_received.total"] == (20.0, "20")


def test_appeals_found_under_a_glyph_split_header():
    """Layout text splits 结果维持 into columns of single glyphs; the 15 cells follow 行政诉讼…起诉."""
    text = (HEAD_2021.format(docs="000") + "四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼未经复议直接起诉复议后起诉"
            "结结其尚果果他未总维纠结审计持正果结101020000000000五、存在的主要问题及改进情况")
    facts = {f"{f.row}.{f.col}": f.value for f in parse_flattened(text, "2021").facts if f.table == "appeals"}
    assert facts["review.upheld"] == 1 and facts["review.total"] == 2 and len(facts) == 15


def test_a_run_too_long_to_search_is_left_open_quickly():
    from normalizers.flattened import _enumerate

    sols, complete = _enumerate("1" * 90, 7, lambda v: False)
    assert sols == [] and not complete
    res = parse_flattened(HEAD_2021.format(docs="1" * 60), "2021")
    assert any("cannot be split into 3 cells" in p for p in res.problems)


def test_a_count_cell_prints_no_decimal_point():
    """Regression (flattened dev page): '461259.00' offered 461259.0|0 for 采购项目数量|采购总金额."""
    text = ("第二十条第（九）项信息内容采购项目数量采购总金额政府集中采购461259.00"
            "三、收到和处理政府信息公开申请情况")
    res = parse_flattened(text, "2019")
    got = next(p for p in res.problems if "461259.00" in p)
    assert "461259.0|0" not in got and "5 ways" in got


def test_wu_printed_for_zero_is_a_cell_but_not_in_the_labels():
    """Regression (flattened dev page): '规章无无无行政规范性文件无无8' lost rules and left '8' unsplittable."""
    text = HEAD_2021.format(docs="无无8").replace("规章000", "规章无无无").replace("4529", "无")
    facts = {f"{f.row}.{f.col}": (f.value, f.raw) for f in parse_flattened(text, "2021").facts}
    assert facts["rules.issued"] == (0.0, "无") and facts["normative_docs.in_force"] == (8.0, "8")
    assert facts["licensing.decisions"] == (0.0, "无")
    text = "（四）无法提供1.本机关不掌握相关政府信息1000001（五）不予处理4.无正当理由大量反复申请0000000"
    assert [label for label, _ in segments(text)] == ["（四）无法提供1.本机关不掌握相关政府信息", "（五）不予处理4.无正当理由大量反复申请"]


def test_slash_printed_for_zero_is_a_cell_but_not_the_slash_of_the_header():
    """Regression (flattened dev PDF): '6/////6' hid the whole requests table; 本年增/减 stays a header."""
    assert [r for _, r in segments("上一年项目数量本年增/减处理决定数量行政许可1/2")] == ["1/2"]
    text = HEAD_2021.format(docs="000") + "三、收到和处理政府信息公开申请情况一、本年新收政府信息公开申请数量6/////6"
    facts = {f"{f.row}.{f.col}": (f.value, f.raw) for f in parse_flattened(text, "2021").facts}
    assert facts["new_received.natural_person"] == (6.0, "6") and facts["new_received.commercial"] == (0.0, "/")
    assert facts["new_received.total"] == (6.0, "6")


def test_a_row_no_split_of_which_holds_its_identity_is_not_placed():
    """Regression (real 上海 2019 page, blank cells, flattened): '2581211' (258 12 _ _ 1 _ _) was read as
    2|5|8|1|2|1|1, the one split of seven digits into seven cells, though R3 fails for it."""
    text = HEAD_2021.format(docs="000") + "三、收到和处理政府信息公开申请情况三、本年度办理结果（一）予以公开2581211"
    res = parse_flattened(text, "2021")
    assert not [f for f in res.facts if f.row == "granted"]
    assert any("requests.granted: '2581211': no split satisfies R3" in p for p in res.problems)
    # every boundary kept (dashes, spaces): the row is read as printed and its R3 failure recorded later
    text = HEAD_2021.format(docs="000") + "三、收到和处理政府信息公开申请情况三、本年度办理结果（一）予以公开2-----3"
    facts = {f.col: f.raw for f in parse_flattened(text, "2021").facts if f.row == "granted"}
    assert facts["natural_person"] == "2" and facts["total"] == "3"


def test_appeals_with_many_digits_are_searched_group_by_group():
    """Regression (real 淮安 2024 PDF, flattened): 26 digits for 表四's 15 cells were too many splits to
    search, so the table was lost; R4 now prunes each group as soon as its total is reached."""
    text = (HEAD_2021.format(docs="000") + "四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼结果维持结果纠正其他结果"
            "尚未审结总计未经复议直接起诉复议后起诉结果维持结果纠正其他结果尚未审结总计72641783735113481261211620"
            "五、存在的主要问题及改进情况")
    res = parse_flattened(text, "2021")
    facts = {f"{f.row}.{f.col}": f.raw for f in res.facts if f.table == "appeals"}
    assert [facts[f"review.{c}"] for c in ("upheld", "corrected", "other", "pending", "total")] == ["72", "64", "178", "37", "351"]
    assert facts["litigation_after_review.total"] == "20" and "litigation_after_review.upheld" not in facts
    assert any("appeals: '72641783735113481261211620' still splits 3 ways" in p for p in res.problems)
