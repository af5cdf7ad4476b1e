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


def test_headings_run_inline_in_one_paragraph_are_found():
    """Regression: crawler web text runs the whole report into one paragraph (section similarity was 0.12)."""
    body = ("当前位置： 首页政务公开政府信息公开年报 微信 微博 QQ空间 本报告包括总体情况、主动公开政府信息情况等六个部分。"
            "一、总体情况 2023年，我区做了工作。（一）主动公开方面共公开13561条。"
            "二、主动公开政府信息情况第二十条第（一）项信息内容规章000"
            "三、收到和处理政府信息公开申请情况申请人情况一、本年新收政府信息公开申请数量801000081"
            "四、结转下年度继续办理0000000四、政府信息公开行政复议、行政诉讼情况行政复议110024001510102"
            "五、存在的主要问题及改进情况存在的问题：一是不够精确；三是不够有力；三是有待提高。"
            "六、其他需要报告的事项2023年，无收取信息处理费情况。 附件下载 【打印本页】")
    secs = {s.number: s for s in split_sections([Paragraph("标题: 某区年报"), Paragraph(body)])}
    assert sorted(secs) == [1, 2, 3, 4, 5, 6]
    assert secs[1].text == "2023年，我区做了工作。（一）主动公开方面共公开13561条。"
    assert secs[5].text == "存在的问题：一是不够精确；三是不够有力；三是有待提高。"
    assert secs[6].text == "2023年，无收取信息处理费情况。"
    assert secs[4].title.startswith("四、政府信息公开行政复议")


def test_preamble_listing_the_sections_is_not_a_heading():
    from normalizers.inline_headings import inline_headings

    text = ("本报告包括：一、总体情况；二、主动公开政府信息情况；三、收到和处理政府信息公开申请情况。"
            "一、总体情况 今年。二、主动公开政府信息情况 表。")
    assert [n for n, _, _ in inline_headings(text)] == [1, 2]
    assert inline_headings(text)[0][1] == text.index("一、总体情况 今年")


def test_trailer_keeps_words_inside_a_sentence():
    from normalizers.inline_headings import strip_trailer

    assert strip_trailer("加强政务微博") == "加强政务微博"
    assert strip_trailer("无。 附件下载 【打印】 关闭窗口") == "无。"


def test_inline_heading_worded_off_template_opens_its_section():
    body = ("本报告依据《条例》编制。" * 10 + "1、总体情况 今年做了工作。2、主动公开情况 表格规章000"
            "四、因政府信息公开申请提起行政复议、行政诉讼情况 表格"
            "五、主要问题和改进措施 一是问题。六、其他需要报告的事项 无。")
    secs = {s.number: s.text for s in split_sections([Paragraph(body)])}
    assert secs[1] == "今年做了工作。" and secs[2] == "表格规章000" and secs[5] == "一是问题。" and secs[6] == "无。"


def test_signature_run_onto_the_last_sentence_is_dropped():
    from normalizers.sections import strip_inline_signature

    assert strip_inline_signature("已全部按时办结。沂水县人民政府2022年1月28日") == "已全部按时办结。"
    assert strip_inline_signature("无通州区教育委员会2020年1月16日") == "无"
    assert strip_inline_signature("本报告于2021年1月5日") == "本报告于2021年1月5日"  # no agency, no sentence end
