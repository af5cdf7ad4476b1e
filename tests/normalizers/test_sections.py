from extractors import extract_file
from normalizers.sections import clean_text, fee_facts, split_sections, strip_signature
from ogi.types import Paragraph, RawTable


def test_six_sections_of_the_seed(fixtures):
    secs = split_sections(extract_file(fixtures / "text" / "dashuikeng_2020.txt").blocks)
    assert [s.number for s in secs] == [1, 2, 3, 4, 5, 6]
    assert secs[0].text.startswith("(一) 提高思想认识") or secs[0].text.startswith("(一)提高思想认识")
    assert secs[5].text == "无"


def test_layout_text_joins_wrapped_lines_without_spaces(fixtures):
    secs = {s.number: s for s in split_sections(extract_file(fixtures / "text" / "gaotian_2024_layout.txt").blocks)}
    assert secs[6].text == ("依据《政府信息公开信息处理费管理办法》，本年度我镇未收取信息处理费。\n"
                            "2024年，我镇共承办人大代表建议38件、政协委员提案5件，已全部按时办结。")


def test_headings_found_by_words_and_tables_skipped():
    blocks = [Paragraph("一、总体情况"), Paragraph("第一段。"), RawTable.from_rows([["a", "1"]]),
              Paragraph("五、存在的主要问题及改进情况"), Paragraph("问题。"), Paragraph("六、其他需要报告的事项：无。")]
    secs = split_sections(blocks)
    assert [(s.number, s.text) for s in secs] == [(1, "第一段。"), (5, "问题。"), (6, "无。")]


def test_signature_removed():
    assert strip_signature("无\n通州区教育委员会\n2020年1月16日") == "无"


def test_clean_text():
    assert clean_text("2023 年 共 5 件") == "2023年共5件"


def test_fee_facts():
    assert fee_facts("本年度未收取信息处理费。").charged is False
    f = fee_facts("本年度共发出收费通知4件，收取信息处理费120元。")
    assert (f.charged, f.notices, f.amount_yuan) == (True, 4, 120.0)
    assert fee_facts("无").charged is None
