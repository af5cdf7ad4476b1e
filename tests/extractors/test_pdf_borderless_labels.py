"""Which label lines belong to a borderless row (zeros printed blank: rows printing no number)."""

from extractors.pdf_borderless_labels import blank_row_lines
from extractors.pdf_layout import TextRun


def _run(text: str, cy: float, x0: float = 100.0) -> TextRun:
    return TextRun(text, x0, cy - 5, x0 + 10 * len(text), cy + 5, 10.0)


def test_an_item_line_under_a_label_of_another_kind_is_another_row():
    """Regression (blanked 2019 borderless report): '（二）部分公开（区分处理的，只计' / '这一情形…）' (its numbers on
    the second line) and then '1.属于国家秘密' printing nothing were read as one row; the 1. line is its own."""
    segs = [_run("（二）部分公开（区分处理的，只计", 100.0), _run("这一情形，不计其他情形）", 112.0),
            _run("1.属于国家秘密", 124.0)]
    assert [s.text for s in blank_row_lines(segs, 110.0)] == ["1.属于国家秘密"]


def test_a_wrapped_label_with_no_item_start_stays_whole():
    segs = [_run("5.要求行政机关确认或重新出", 100.0), _run("具已获取信息", 112.0)]
    assert blank_row_lines(segs, 106.0) == []
