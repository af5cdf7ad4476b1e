"""Label-based mapping: golden facts for real and generated text reports, and each stage alone."""

import json

import pytest

from extractors import extract_file
from normalizers.template import Line, detect_template, fit, map_tables, split_line
from ogi.types import Cell, Paragraph, RawTable

GOLDEN = ["dashuikeng_2020.txt", "gaotian_2024_layout.txt", "yishui_2021_tsv.md", "wangcun_2020_seedlike.txt",
          "hongze_2024_plain.txt"]  # the last: plain pypdfium2 text of a real PDF, golden = the PDF's facts


@pytest.mark.parametrize("name", GOLDEN)
def test_text_reports_match_golden_facts(fixtures, name):
    doc = extract_file(fixtures / "text" / name)
    got = map_tables(doc.blocks, None)
    golden = json.loads((fixtures / "text" / f"{name}.golden.json").read_text(encoding="utf-8"))
    assert got.template == golden["template"]
    assert {f"{f.table}.{f.row}.{f.col}": f.value for f in got.facts} == golden["facts"]
    assert got.problems == []


def test_seed_prints_penalty_1_0_99_and_every_2019_cell(fixtures):
    got = map_tables(extract_file(fixtures / "text" / "dashuikeng_2020.txt").blocks, None)
    facts = {f"{f.table}.{f.row}.{f.col}": f.value for f in got.facts}
    assert len(facts) == 198
    assert [facts[f"active.penalty.{c}"] for c in ("prev_year_items", "change", "decisions")] == [1, 0, 99]


def _table(rows):
    return RawTable.from_rows(rows)


REQ_HEAD = ["", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]


def _requests_rows(other_rows):
    z = ["0"] * 7
    labels = ["一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "（一）予以公开",
              "（二）部分公开", "1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”",
              "4.保护第三方合法权益", "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷",
              "8.属于行政查询事项", "1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作",
              "3.补正后申请内容仍不明确", "1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物",
              "4.无正当理由大量反复申请", "5.要求行政机关确认或重新出具已获取信息"]
    rows = [REQ_HEAD] + [[lb, *z] for lb in labels] + other_rows
    rows += [["（七）总计", *z], ["四、结转下年度继续办理", *z]]
    return rows


def test_single_other_row_in_2021_report_takes_2019_id():
    blocks = [Paragraph("三、收到和处理政府信息公开申请情况"),
              _table(_requests_rows([["（六）其他处理", "1", "0", "0", "0", "0", "0", "1"]]))]
    got = map_tables(blocks, 2022)
    rows = {f.row for f in got.facts}
    assert "other" in rows and not any(r.startswith("other.") for r in rows)
    assert next(f.value for f in got.facts if f.row == "other" and f.col == "total") == 1


def test_lost_labels_take_the_next_row_in_template_order():
    rows = _requests_rows([["（六）其他处理", *["0"] * 7]])
    rows[4][0] = ""  # 部分公开's label wrapped away by a text dump
    got = map_tables([Paragraph("三、收到和处理政府信息公开申请情况"), _table(rows)], 2020)
    assert {f.row for f in got.facts} >= {"partially_granted", "granted", "denied.state_secret"}
    assert got.problems == []


def test_repeated_header_rows_after_page_break_do_not_duplicate():
    rows = _requests_rows([["（六）其他处理", *["0"] * 7]])
    t1, t2 = _table(rows[:8]), _table([REQ_HEAD] + rows[8:])
    got = map_tables([Paragraph("三、收到和处理政府信息公开申请情况"), t1, t2], 2020)
    keys = [(f.row, f.col) for f in got.facts]
    assert len(keys) == len(set(keys)) == 23 * 7  # the 2019 template's 23 rows


def test_split_line_separates_label_and_trailing_values():
    cells = [Cell("三、本年度办理结果", 0, 0), Cell("（一）予以公开", 0, 1)] + [Cell(str(i), 0, 2 + i) for i in range(7)]
    ln = split_line(cells)
    assert ln.label == "三、本年度办理结果(一)予以公开"
    assert [c.text for c in ln.values] == [str(i) for i in range(7)]


def test_fit_drops_padding_then_extras():
    cells = [Cell(t, 0, i) for i, t in enumerate(["", "1", "2", "3", ""])]
    assert [c.text for c in fit(cells, 3)] == ["1", "2", "3"]
    assert fit(cells[:2], 3) is None


def test_detect_template_by_markers_then_year():
    assert detect_template(["本年制发件数", "现行有效件数"], 2019) == "2021"
    assert detect_template(["本年新制作数量"], 2023) == "2019"
    assert detect_template(["自然人"], 2020) == "2019"
    assert detect_template([], None) is None


def test_line_numbers_counts_non_blank_values():
    assert Line("x", [Cell("", 0, 0), Cell("3", 0, 1)]).numbers == 1


@pytest.mark.parametrize("row,label", [
    ("new_received", "一、本年度新收政府信息公开申请数量"),
    ("carried_over", "二、上年度结转政府信息公开申请数量"),
    ("carried_forward", "四、结转至下一年度继续办理"),
    ("denied.security_stability", "3.危及“三 安 全 一 稳 定”"),
    ("not_processed.vexatious", "4．无正当理由大量反复申请"),
    ("handled_total", "（七）合 计"),
])
def test_label_variants_map_to_the_same_row(row, label):
    rows = _requests_rows([["（六）其他处理", *["0"] * 7]])
    target = next(r for r in rows if r[0] and _same_row(r[0], row))
    target[0] = label
    target[1] = "5"
    got = map_tables([Paragraph("三、收到和处理政府信息公开申请情况"), _table(rows)], 2020)
    assert next(f.value for f in got.facts if f.row == row and f.col == "natural_person") == 5
    assert got.problems == []


def _same_row(label: str, row: str) -> bool:
    from normalizers.spec import load_spec
    from normalizers.values import clean_label

    spec = next(r for r in load_spec().tables["requests"].rows if r.id == row)
    return spec.matches(clean_label(label))


def test_regression_stray_dash_rows_under_headers_are_not_template_rows():
    """Shuyang 2025 OCR markdown: '| - | - |' placeholder rows under 申请人情况 headers used to
    take the next template row by order, fail to fit and flag the report for review."""
    rows = [["(数据项目)", "数量"], ["-", "-"], ["商业企业", "科研机构", "社会公益", "法律服务机构", "其他"],
            ["-", "-", "-", "-", "-"]] + _requests_rows([["（六）其他处理", *["0"] * 7]])
    got = map_tables([Paragraph("三、收到和处理政府信息公开申请情况"), _table(rows)], 2020)
    assert got.problems == []
    assert len({f.row for f in got.facts}) == 23


def test_run_together_cells_spanning_two_columns_are_not_written_as_a_count_with_decimals():
    """Mutation harness bug: '112|11059.86' printed as one merged cell '11211059.86' under 项目数量 was
    written as projects=11211059.86 and the blank cell after it as amount=0, in a report marked ok."""
    from normalizers.template import drop_impossible_rows
    from ogi.types import Fact

    facts = [Fact("active", "procurement", "projects", 11211059.86, "11211059.86"),
             Fact("active", "procurement", "amount", 0.0, ""),
             Fact("active", "fees", "amount", 12.5, "12.5"),
             Fact("requests", "granted", "total", -3.0, "-3"),
             Fact("active", "licensing", "change", -2.0, "-2")]
    kept, problems = drop_impossible_rows(facts)
    assert [(f.table, f.row, f.col) for f in kept] == [("active", "fees", "amount"), ("active", "licensing", "change")]
    assert len(problems) == 2 and "a count with decimals" in problems[0] and "a negative count" in problems[1]


ACTIVE_2019 = [["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"]]


def _active_2019(normative, zero: str):
    return [Paragraph("二、主动公开政府信息情况"),
            _table(ACTIVE_2019 + [["规章", zero, zero, zero], ["规范性文件", *normative]])]


def test_run_together_digits_beside_empty_cells_are_not_read_as_zeros_where_zeros_are_marks():
    """Mutation harness bug: '规范性文件 5 0 67' printed '5067' with two empty cells after it was
    written 5067, 0, 0 in a report marked ok; the table prints its zeros as '0', so the empties are
    not zeros: the row is left unread with the reason."""
    got = map_tables(_active_2019(["5067", "", ""], "0"), 2020)
    assert not any(f.row == "normative_docs" for f in got.facts)
    assert any("normative_docs" in p and "5067" in p for p in got.problems)
    # where the table prints its zeros blank, the same row is what it prints: 5067 and two zeros
    got = map_tables(_active_2019(["5067", "", ""], ""), 2020)
    assert [f.value for f in got.facts if f.row == "normative_docs"] == [5067, 0, 0]


def test_a_count_printed_with_a_leading_zero_is_digits_run_together():
    """Mutation harness bug: '规范性文件 0 0 6' printed '006' was written new_made=6 (and the
    empties after it 0), report ok."""
    got = map_tables(_active_2019(["006", "", ""], ""), 2020)
    assert not any(f.row == "normative_docs" for f in got.facts)
    assert any("leading zero" in p for p in got.problems)


def test_a_label_ending_in_digits_has_its_numbers_run_into_it():
    """'其他对外管理服务事项 12 -1 1760' printed '其他对外管理服务事项12-11760' left three empty cells:
    never a row of zeros."""
    rows = [["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"], ["行政许可", "151", "-5", "438"],
            ["其他对外管理服务事项12-11760", "", "", ""]]
    got = map_tables([Paragraph("二、主动公开政府信息情况"), _table(rows)], 2020)
    assert not any(f.row == "other_services" for f in got.facts)
    assert any("12-11760" in p for p in got.problems)
