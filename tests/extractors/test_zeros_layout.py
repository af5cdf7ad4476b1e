"""Zeros printed as empty cells stay empty Cells in their column (extractors stay schema-blind)."""

from pathlib import Path

from extractors.base import extract_file
from extractors.text import lines_to_blocks
from ogi.types import Paragraph, RawTable

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "zeros"


def _rows(blocks) -> list[list[str]]:
    return [[c.text for c in r] for b in blocks if isinstance(b, RawTable) for r in b.rows()]


def test_zeros_printed_as_empty_tsv_fields():
    rows = _rows(lines_to_blocks(["信息内容\t本年制发件数\t本年废止件数\t现行有效件数", "规章\t\t\t",
                                  "规范性文件\t28\t\t", "行政许可\t17384\t\t"]))
    assert rows[1] == ["规章", "", "", ""]  # every field blank: a row, not narrative
    assert rows[2] == ["规范性文件", "28", "", ""]  # trailing blank fields are kept


def test_all_tab_line_inside_a_table_is_a_row_of_empty_cells():
    rows = _rows(lines_to_blocks(["行政复议\t\t\t行政诉讼", "结果维持\t结果纠正\t其他结果\t总计", "\t\t\t", "", "五、问题"]))
    assert rows[-1] == ["", "", "", ""]


def test_numbered_row_with_blank_fields_inside_a_table_is_not_a_heading():
    blocks = lines_to_blocks(["二、主动公开政府信息情况", "一、本年新收政府信息公开申请数量\t8\t1\t\t\t\t\t9",
                              "二、上年结转政府信息公开申请数量\t\t\t\t\t\t\t\t", "三、本年度办理结果\t（一）予以公开\t1\t\t\t\t\t\t1"])
    assert isinstance(blocks[0], Paragraph) and blocks[0].heading
    assert _rows(blocks)[1] == ["二、上年结转政府信息公开申请数量"] + [""] * 8


def test_sentence_with_a_stray_trailing_tab_stays_narrative():
    blocks = lines_to_blocks(["本机关认真贯彻落实条例。\t", "规章\t0\t0\t0"])
    assert isinstance(blocks[0], Paragraph)


def test_borderless_pdf_blank_zero_columns_keep_later_cells_in_place():
    """A blank column has no number to cluster; its header still names it, so the total stays last."""
    doc = extract_file(FIX / "pdf_borderless_2021_blank.pdf")
    rows = {r[0].text: [c.text for c in r[1:]] for b in doc.tables for r in b.rows() if r}
    assert rows["（一）予以公开"] == ["11", "", "", "", "", "", "11"]
    got = next(v for k, v in rows.items() if "一、本年新收政府信息公开申请数量" in k)
    assert got == ["19", "1", "", "", "", "1", "21"]


def test_borderless_rows_printing_no_number_do_not_lend_their_labels():
    """An all-blank row has no numbers to anchor it: its label must not join a neighbour's label
    (规章 + 规范性文件 read as 规章 with 规范性文件's numbers; 2./3./4. sub-rows read as one row)."""
    doc = extract_file(FIX / "pdf_borderless_2021_blank.pdf")
    labels = [r[0].text + "".join(c.text for c in r[1:] if not c.text.replace(".", "").isdigit())
              for b in doc.tables for r in b.rows() if r]
    assert not any("规章" in t and "规范性文件" in t for t in labels)
    assert not any("2.其他法律行政法规禁止公开" in t and "3.危及" in t for t in labels)


def test_layout_text_blank_cells_keep_their_character_columns():
    """`pdftotext -layout`: a blank cell leaves spaces; the numbers after it stay under their headers."""
    def at(*parts: tuple[int, str]) -> str:  # text placed at character columns, as pdftotext -layout prints
        line = ""
        for col, text in parts:
            line = line.ljust(col) + text
        return line

    lines = ["  二、主动公开政府信息情况",
             at((7, "信息内容"), (20, "本年制发件数"), (32, "本年废止件数"), (44, "现行有效件数")),
             at((5, "行政规范性文件"), (22, "13"), (46, "18")),
             at((5, "规章"), (46, "12")),
             "  三、收到和处理政府信息公开申请情况"]
    rows = _rows(lines_to_blocks(lines))
    assert rows[1] == ["行政规范性文件", "13", "", "18"]  # the middle column prints nothing in any row
    assert rows[2] == ["规章", "", "", "12"]


def test_layout_recut_leaves_a_row_alone_when_its_numbers_fit_no_column():
    from extractors.text_columns import number_tokens, place, recut
    assert place(number_tokens("  行政许可      74"), [20.0, 40.0], 1.5) is None  # 74 sits under no header
    rows, cols = recut([["信息内容", "本年处理决定数量"], ["行政许可", "74"]],
                       ["  信息内容       本年处理决定数量", "  行政许可      74"])
    assert rows[1] == ["行政许可", "74"] and cols


def test_section_heading_with_a_few_trailing_tabs_after_a_table_stays_a_heading():
    blocks = lines_to_blocks(["四、结转下年度继续办理\t\t1\t0\t0\t0\t0\t0\t1", "四、政府信息公开行政复议、行政诉讼情况\t\t",
                              "行政复议\t\t\t行政诉讼"])
    assert isinstance(blocks[1], Paragraph) and blocks[1].heading


def test_title_with_a_trailing_tab_before_any_table_stays_narrative():
    blocks = lines_to_blocks(["某某区人民政府2024年政府信息公开工作年度报告\t", "一、总体情况", "规章\t0\t0\t0"])
    assert isinstance(blocks[0], Paragraph) and blocks[0].text.endswith("年度报告")


def test_tsv_row_with_fewer_fields_than_its_header_ends_in_empty_cells():
    rows = _rows(lines_to_blocks(["信息内容\t本年制发件数\t本年废止件数\t现行有效件数", "规范性文件\t28",
                                  "信息内容\t本年处理决定数量", "行政许可\t17384"]))
    assert rows[1] == ["规范性文件", "28", "", ""]
    assert rows[3] == ["行政许可", "17384"]  # under its own two-column header: nothing added


def test_layout_rows_misaligned_by_label_width_are_not_recut_into_blank_cells():
    """Mutation harness: '行政规范性文件' printed '规范性文件' in a layout dump shifted that row's numbers;
    the re-cut then read '5 0 67' as 5, '', 0 — in_force 0 instead of 67, in a report marked ok."""
    from extractors.text_columns import recut

    lines = ["        规章           0         0        0", "      规范性文件        5         0       67"]
    rows = [["规章", "0", "0", "0"], ["规范性文件", "5", "0", "67"]]
    out, _ = recut(rows, lines)
    assert out == rows


def _page(*lines: tuple[float, list[tuple[float, str]]]):
    """A page of 12 pt glyphs: each (top, [(x, text), ...]) line, texts placed at their x."""
    from extractors.pdf_layout import Glyph
    from extractors.pdf_page import PageGeom

    glyphs = [Glyph(ch, x + 12 * k, top, x + 12 * (k + 1), top + 12, 12.0)
              for top, parts in lines for x, text in parts for k, ch in enumerate(text)]
    return PageGeom(1, 595, 842, tuple(glyphs), ())


def _grid(found) -> list[list[str]]:
    return [[c.text for c in r] for f in found for r in f.table.rows()]


def test_borderless_label_only_line_between_numeric_rows_is_a_row_of_empty_cells():
    """Regression (issue 11, zeros printed blank): a row printing nothing but its label had no number to
    anchor it, so its label was dropped and the normalizer never saw the row."""
    from extractors.pdf_borderless import borderless_tables

    header = (80.0, [(90.0, "信息内容"), (300.0, "本年制发"), (400.0, "本年废止")])
    first = (100.0, [(90.0, "规章"), (312.0, "1"), (412.0, "2")])
    blank = (120.0, [(90.0, "行政规范性文件")])
    last = (140.0, [(90.0, "行政许可"), (312.0, "3"), (412.0, "4")])
    rows = _grid(borderless_tables(_page(header, first, blank, last), []))
    assert rows[1:] == [["规章", "1", "2"], ["行政规范性文件", "", ""], ["行政许可", "3", "4"]]


def test_borderless_label_only_lines_outside_the_numeric_rows_stay_out_of_the_table():
    """Only lines between the first and last numeric rows are read as blank rows: a label line after the
    last one may be a row cut by the page break, or text under the table."""
    from extractors.pdf_borderless import borderless_tables

    header = (80.0, [(90.0, "信息内容"), (300.0, "本年制发"), (400.0, "本年废止")])
    first = (100.0, [(90.0, "规章"), (312.0, "1"), (412.0, "2")])
    last = (120.0, [(90.0, "行政许可"), (312.0, "3"), (412.0, "4")])
    after = (140.0, [(90.0, "行政规范性文件")])
    rows = _grid(borderless_tables(_page(header, first, last, after), []))
    assert not any(r and r[0] == "行政规范性文件" for r in rows)


def test_borderless_wrapped_tail_of_a_blank_row_stays_with_its_label():
    """'2.没有现成信息需要另行制' over '作', both printing nothing: one blank row, not two."""
    from extractors.pdf_borderless import borderless_tables

    first = (100.0, [(90.0, "1.本机关不掌握"), (312.0, "1"), (412.0, "2")])
    blank = (120.0, [(90.0, "2.没有现成信息")])
    tail = (133.0, [(90.0, "需要另行制作")])
    last = (153.0, [(90.0, "3.补正后不明确"), (312.0, "3"), (412.0, "4")])
    rows = _grid(borderless_tables(_page(first, blank, tail, last), []))
    assert ["2.没有现成信息需要另行制作", "", ""] in rows and len(rows) == 3


def test_borderless_blank_rows_in_the_blanked_fixture():
    doc = extract_file(FIX / "pdf_borderless_2021_blank.pdf")
    rows = [[c.text for c in r] for b in doc.tables for r in b.rows()]
    assert ["二、上年结转政府信息公开申请数量"] + [""] * 7 in rows
    assert ["（五）不予处理", "2.重复申请"] + [""] * 7 in [r[-9:] for r in rows]
    assert ["（四）无法提供", "2.没有现成信息需要另行制作"] + [""] * 7 in [r[-9:] for r in rows]  # one row, two lines
    # the numeric rows keep the labels they had: the blank rows around them take nothing
    assert ["（一）予以公开", "11", "", "", "", "", "", "11"] in rows
    assert ["（三）不予公开", "4.保护第三方合法权益", "1", "", "", "", "", "", "１"] in [r[-9:] for r in rows]


def _at(*parts: tuple[int, str]) -> str:
    """Text placed at character columns, as `pdftotext -layout` prints."""
    line = ""
    for col, text in parts:
        line = line.ljust(col) + text
    return line


_PROSE = "  本机关认真贯彻落实政府信息公开条例，持续推进决策、执行、管理、服务、结果公开。"


def test_layout_label_only_rows_between_numeric_rows_stay_in_the_table():
    """Regression (issue 11, zeros printed blank): a run of label-only lines that look like headings
    ('二、上年结转…', '（一）予以公开') ended the table, so the normalizer never saw those rows."""
    lines = [_PROSE, _PROSE, "  三、收到和处理政府信息公开申请情况",
             _at((40, "自然人"), (50, "商业企业"), (60, "总计")),
             _at((10, "一、本年新收政府信息公开申请数量"), (42, "1"), (62, "1")),
             _at((10, "二、上年结转政府信息公开申请数量")),
             _at((20, "（一）予以公开")),
             _at((20, "（二）部分公开"), (42, "2"), (62, "2")),
             _at((8, "四、结转下年度继续办理")),
             "  四、政府信息公开行政复议、行政诉讼情况", _PROSE]
    blocks = lines_to_blocks(lines)
    rows = _rows(blocks)
    assert ["二、上年结转政府信息公开申请数量"] in rows and ["（一）予以公开"] in rows
    assert rows[-1] == ["四、结转下年度继续办理"]  # under the table's rows, before the next section heading
    heads = [b.text for b in blocks if isinstance(b, Paragraph) and b.heading]
    assert heads == ["三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况"]


def test_layout_section_heading_at_the_narrative_indent_still_ends_the_table():
    """A label-looking line at the indent of the running text is a section heading, even when another
    table with numbers follows it."""
    lines = [_PROSE, _PROSE, _at((10, "行政处罚"), (42, "5")), _at((10, "行政强制"), (42, "6")),
             "  三、收到和处理政府信息公开申请情况", _at((10, "一、本年新收"), (42, "1"), (62, "1"))]
    blocks = lines_to_blocks(lines)
    assert any(isinstance(b, Paragraph) and b.text == "三、收到和处理政府信息公开申请情况" for b in blocks)
    assert ["三、收到和处理政府信息公开申请情况"] not in _rows(blocks)


def test_layout_label_line_followed_by_a_paragraph_is_narrative():
    lines = [_PROSE, _PROSE, _at((10, "行政处罚"), (42, "5")), _at((10, "说明情况")), _PROSE]
    assert ["说明情况"] not in _rows(lines_to_blocks(lines))


def test_borderless_table_continued_over_a_page_break_keeps_the_columns_of_the_page_before():
    """Zeros printed blank: the part of a table on the next page, printed without its header, showed
    only the columns its few numbers use (4 of 7 in the 2019 dev report), so those rows were unread."""
    from extractors.pdf_borderless import borderless_tables

    header = (80.0, [(90.0, "信息内容"), (300.0, "自然人"), (400.0, "商业企业"), (500.0, "总计")])
    first = (100.0, [(90.0, "一、本年新收"), (312.0, "1"), (412.0, "2"), (512.0, "3")])
    last = (120.0, [(90.0, "二、上年结转"), (312.0, "4"), (512.0, "4")])
    page1 = borderless_tables(_page(header, first, last), [])
    assert page1[-1].cols and len(page1[-1].cols) == 3
    cont = (60.0, [(90.0, "（七）总计"), (312.0, "5"), (512.0, "5")]), (80.0, [(90.0, "四、结转"), (512.0, "6")])
    assert _grid(borderless_tables(_page(*cont), [], inherit=page1[-1].cols)) == [
        ["（七）总计", "5", "", "5"], ["四、结转", "", "", "6"]]
    assert _grid(borderless_tables(_page(*cont), [])) == [["（七）总计", "5", "5"], ["四、结转", "", "6"]]
    # the columns of the page before are taken only when every number sits on one of them
    off = (60.0, [(90.0, "（七）总计"), (360.0, "5"), (512.0, "5")]), (80.0, [(90.0, "四、结转"), (412.0, "6")])
    assert _grid(borderless_tables(_page(*off), [], inherit=page1[-1].cols)) == _grid(borderless_tables(_page(*off), []))


def test_borderless_header_left_of_the_first_number_still_names_a_column():
    """The first column printing no number in any row (all its zeros blank) started the table's columns at
    the second one: the row then had one value cell too few."""
    from extractors.pdf_borderless import borderless_tables

    header = (80.0, [(90.0, "信息内容"), (300.0, "自然人"), (400.0, "商业企业"), (500.0, "总计")])
    first = (100.0, [(90.0, "一、本年新收"), (412.0, "2"), (512.0, "2")])
    last = (120.0, [(90.0, "二、上年结转"), (512.0, "4")])
    rows = _grid(borderless_tables(_page(header, first, last), []))
    assert rows[-2:] == [["一、本年新收", "", "2", "2"], ["二、上年结转", "", "", "4"]]


def test_borderless_row_of_numbers_only_takes_every_header_text_as_a_column():
    """Appeals print their numbers without a row label: with the first columns blank, their headers lay
    left of the first number and were read as row labels (10 value cells of 15)."""
    from extractors.pdf_borderless import borderless_tables

    head = (80.0, [(90.0, "维持"), (150.0, "纠正"), (210.0, "总计"), (300.0, "维持"), (360.0, "纠正"), (420.0, "总计")])
    nums = (100.0, [(306.0, "1"), (426.0, "1")])
    assert _grid(borderless_tables(_page(head, nums), []))[-1] == ["", "", "", "1", "", "1"]


def test_borderless_blank_row_under_the_header_and_a_blank_sub_table_after_the_last_number_are_rows():
    """'规章' printing nothing between the header and the first numbers, and a sub-table under its own header
    (第二十条第（六）项: 行政处罚, 行政强制) printing no number at all, were left out of the table."""
    from extractors.pdf_borderless import borderless_tables

    header = (80.0, [(90.0, "信息内容"), (300.0, "本年制发"), (400.0, "本年废止")])
    blank = (100.0, [(120.0, "规章")])  # labels centred in their cells, as borderless layouts print them
    first = (120.0, [(90.0, "行政规范性文件"), (312.0, "1"), (412.0, "2")])
    sub = (140.0, [(108.0, "信息内容"), (350.0, "本年处理决定数量")])
    penalty, coercion = (160.0, [(108.0, "行政处罚")]), (173.0, [(108.0, "行政强制")])
    rows = _grid(borderless_tables(_page(header, blank, first, sub, penalty, coercion), []))
    assert ["规章", "", ""] in rows and ["行政规范性文件", "1", "2"] in rows
    assert [r[:1] for r in rows[-2:]] == [["行政处罚"], ["行政强制"]]  # two rows, not one label 行政处罚行政强制
    assert all(set(r[1:]) == {""} for r in rows[-2:])


def test_layout_text_aligned_by_display_width_keeps_blank_cells_in_place():
    """Text aligned for a monospace screen gives a CJK character two columns: numbers after labels of
    different lengths line up by display width, not by character index (as pdftotext's do)."""
    from extractors.text_columns import display_width, uses_display_columns

    def at(*parts: tuple[int, str]) -> str:  # texts placed at display columns
        line = ""
        for col, text in parts:
            line += " " * (col - display_width(line)) + text
        return line

    lines = ["  二、主动公开政府信息情况",
             at((2, "信息内容"), (20, "本年制发件数"), (34, "本年废止件数"), (48, "现行有效件数")),
             at((2, "行政规范性文件"), (25, "13"), (53, "18")),
             at((2, "规章"), (53, "12")),
             "  三、收到和处理政府信息公开申请情况"]
    assert uses_display_columns(lines[2:4]) and not uses_display_columns(["规章      1   2", "行政许可    1   2"])
    rows = _rows(lines_to_blocks(lines))
    assert rows[1:] == [["行政规范性文件", "13", "", "18"], ["规章", "", "", "12"]]


def test_layout_number_between_two_columns_leaves_the_row_as_read():
    """A number straddling two header columns is not put in either (never a guess)."""
    from extractors.text_columns import number_tokens, place

    assert place(number_tokens("  行政许可   74"), [8.5, 11.5], 1.5) is None  # 74 centres at 10: between
    assert place(number_tokens("  行政许可   74"), [10.0, 16.0], 1.5) == ["74", ""]


def test_borderless_blank_rows_on_both_sides_of_a_page_break_are_rows_once_the_table_goes_on():
    """Rows printing nothing after the last numbers of a page, and before the first numbers of the next,
    were left out (they could be text under a table); once the next page's part takes the columns of the
    part before, the table goes on over the break and those label lines are its rows."""
    from extractors.pdf_borderless import borderless_tables

    header = (80.0, [(90.0, "信息内容"), (300.0, "自然人"), (400.0, "总计")])
    first = (100.0, [(90.0, "1.信访举报"), (312.0, "1"), (412.0, "1")])
    end1, end2 = (120.0, [(90.0, "2.重复申请")]), (140.0, [(90.0, "3.要求提供")])
    page1 = borderless_tables(_page(header, first, end1, end2), [])
    assert page1[-1].open_tail and not any(r[0] == "2.重复申请" for r in _grid(page1))
    lead = (60.0, [(90.0, "4.无正当理由")])
    nums = (80.0, [(90.0, "5.要求确认"), (312.0, "2"), (412.0, "2")]), (100.0, [(90.0, "（七）总计"), (412.0, "3")])
    page2 = borderless_tables(_page(lead, *nums), [], inherit=page1[-1].cols)
    assert page2[0].continued and _grid(page2)[0] == ["4.无正当理由", "", ""]
    tail = _grid(borderless_tables(_page(header, first, end1, end2), [], tail=True))
    assert tail[-2:] == [["2.重复申请", "", ""], ["3.要求提供", "", ""]]


def test_borderless_row_label_alone_under_a_row_is_no_section_heading():
    """'二、上年结转政府信息公开申请数量' printing nothing reads like a section heading (二、 and long); right under
    '一、本年新收…' and starting where it does, it is that table's row: the table must not end there."""
    from extractors.pdf_borderless import borderless_tables

    header = (80.0, [(90.0, "信息内容"), (300.0, "自然人"), (400.0, "总计")])
    first = (100.0, [(90.0, "一、本年新收政府信息公开申请数量"), (312.0, "1"), (412.0, "1")])
    blank = (113.0, [(90.0, "二、上年结转政府信息公开申请数量")])
    last = (126.0, [(90.0, "（七）总计"), (312.0, "2"), (412.0, "2")])
    rows = _grid(borderless_tables(_page(header, first, blank, last), []))
    assert ["二、上年结转政府信息公开申请数量", "", ""] in rows and rows[-1] == ["（七）总计", "2", "2"]


def test_layout_header_left_of_the_first_number_still_names_a_column():
    """Blanked layout text: '行政规范性文件 … 9' under a three-column header printed its one number under the
    last header; the columns started at that number, so the row had 1 value cell of 3 (left unread)."""
    lines = ["  二、主动公开政府信息情况",
             "        信息内容          本年制发件数           本年废止件数    现行有效件数",
             "         规章",
             "      行政规范性文件                                       9",
             "  三、收到和处理政府信息公开申请情况"]
    rows = _rows(lines_to_blocks(lines))
    assert ["行政规范性文件", "", "", "9"] in rows


# `pdftotext -layout` of a ruled PDF whose zeros print blank (benchmarks/blank_zeros_corpus.py), cut to the lines
# the regressions are about: the columns shift with each line's text, so only headers over the numbers place them.
_APPEALS = ['     四、政府信息公开行政复议、行政诉讼情况', '          行政复议                              行政诉讼', '                             未经复议直接起诉                  复议后起诉', ' 结    结    其     尚', '                         结    结  其 尚            结    结   其  尚', ' 果    果    他     未   总', '                         果    果  他 未        总   果    果   他  未    总', ' 维    纠    结     审   计', '                         维    纠  结 审        计   维    纠   结  审    计', ' 持    正    果     结', '                         持    正  果 结            持    正   果  结', '                         4    １             5   6    1   1   4   12', '']
_ACTIVE = ['开专栏，规范设置栏目 51 个，全年更新信息 1420 条。', '  （五）强化监督保障', '  本年度无责任追究结果。主动接受社会监督，畅通意见建议渠道，', '及时回应群众关切。组织开展政务公开业务培训 2 次，参训人员 150 人', '次。', '  二、主动公开政府信息情况', '                    第二十条第（一）项', '        信息内容          本年制发件数           本年废止件数    现行有效件数', '         规章', '      行政规范性文件                                       9', '                    第二十条第（五）项', '        信息内容                          本年处理决定数量', '        行政许可                             166', '                    第二十条第（六）项', '        信息内容                          本年处理决定数量', '        行政处罚', '        行政强制', '                    第二十条第（八）项', '        信息内容                本年收费金额（单位：万元）', '      行政事业性收费', '  三、收到和处理政府信息公开申请情况']


def test_stacked_column_heads_left_of_every_number_name_columns():
    """Regression: the appeals header of 行政复议 (结/果/维/持 stacked, printed left of every number) was not
    a header, so the row's numbers were spread over the 10 litigation columns only and the table was lost."""
    rows = _rows(lines_to_blocks(_APPEALS))
    assert rows[-1][-15:] == ["", "", "", "", "", "4", "１", "", "", "5", "6", "1", "1", "4", "12"]


def test_column_heads_are_short_texts_not_a_row_label():
    from extractors.text_columns import column_heads

    assert column_heads(" 结    结    其     尚")
    assert column_heads("维持   纠正    结果    审结   计")
    assert not column_heads("        规章")  # a row printing its label alone
    assert not column_heads("（本列数据的勾稽关系为：第一项加第二项之和，等")
    assert not column_heads("三、本 （一）予以公开")


def test_a_unit_in_a_header_row_does_not_end_rows_printing_their_label_alone():
    """Regression: 行政处罚/行政强制 printed blank before a header row reading （单位：万元） were taken for
    narrative (the colon looked like a sentence's), so active.penalty/coercion were lost."""
    rows = _rows(lines_to_blocks(_ACTIVE))
    assert ["行政处罚"] in rows and ["行政强制"] in rows and ["行政事业性收费"] in rows


def test_a_sentence_with_a_colon_still_ends_a_table():
    from extractors.text import blank_row_label

    lines = ["  二、主动公开政府信息情况", "        信息内容          本年处理决定数量", "        行政许可     166",
             "        行政处罚", "  本机关联系方式：0807-2759094", "        行政强制     3"]
    assert not blank_row_label(lines, 3, [["信息内容", "本年处理决定数量"], ["行政许可", "166"]], 2)
