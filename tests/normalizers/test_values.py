import pytest

from normalizers.values import clean_label, parse_value


@pytest.mark.parametrize("text,value", [
    ("0", 0), ("12", 12), ("１２", 12), ("12,345", 12345), ("-3", -3), ("—", 0), ("-", 0), ("/", 0),
    ("无", 0), ("", 0), ("  ", 0), ("10278.31", 10278.31), ("251000元", 251000), ("1 2", 12),
    ("16（其中修订16件）", 16), ("－", 0), ("24252.311082", 24252.311082),
])
def test_parse_value_reads_printed_numbers(text, value):
    assert parse_value(text) == value


@pytest.mark.parametrize("text", ["自然人", "1.属于国家秘密", "总计", "（七）", "3.危及“三安全一稳定”", "1,2,3,4"])
def test_parse_value_rejects_labels(text):
    assert parse_value(text) is None


def test_clean_label_folds_variants():
    assert clean_label("（三）不予公开 1．属于国家秘密") == "(三)不予公开1.属于国家秘密"
    assert clean_label("自 然 人") == "自然人"
    assert clean_label('3.危及"三安全一稳定"') == clean_label("3、危及“三安全一稳定”")


def _cells(*texts: str):
    from ogi.types import Cell
    return [Cell(t, 0, i) for i, t in enumerate(texts)]


@pytest.mark.parametrize("raw,why", [("006", "digits after a leading zero"), ("０１２１", "digits after a leading zero"),
                                     ("0", None), ("0.50", None), ("106", None), ("10,006", None)])
def test_impossible_value_reads_a_leading_zero_as_digits_run_together(raw, why):
    from normalizers.values import impossible_value
    assert impossible_value("amount", parse_value(raw), raw) == why


def test_explicit_zeros_are_marks_not_empties_nor_an_amounts_decimals():
    from normalizers.values import explicit_zeros
    assert explicit_zeros(_cells("12", "0", ""))
    assert explicit_zeros(_cells("—", ""))
    assert not explicit_zeros(_cells("12", "", "0.00"))
    assert not explicit_zeros(_cells("12", ""))


@pytest.mark.parametrize("texts,why", [
    (("5067", "", ""), "empty cells beside '5067'"),
    (("", "", ""), "no number printed"),
    (("", "", "5067"), "empty cells beside '5067'"),  # right-aligned in layout text
    (("5", "", ""), None),  # one digit cannot be two cells run together
    (("5", "0", "67"), None),
    (("10", "", "113"), None),  # an empty cell between two numbers is no merged run's leftover
])
def test_unread_blanks_names_empties_that_may_be_digits_run_together(texts, why):
    from normalizers.values import unread_blanks
    assert unread_blanks(_cells(*texts)) == why


@pytest.mark.parametrize("label,tail", [("规范性文件007", "007"), ("其他对外管理服务事项\n12-11760", "12-11760"),
                                        ("3.其他", None), ("（三）不予公开 1．属于国家秘密", None), ("（1）", None)])
def test_digits_in_label_finds_numbers_run_into_a_label(label, tail):
    from normalizers.values import digits_in_label
    assert digits_in_label(label) == tail


# ---- memoised readings: the same answer either way, and only short texts kept -----------------

def test_long_texts_read_the_same_and_are_not_kept() -> None:
    """Labels and cell texts are memoised (they recur across reports); a paragraph or a report's
    labels run together are one-offs: read the same, never kept (the caches stay small)."""
    from normalizers.values import MEMO_LEN, _clean_label
    from ogi.numbers import MEMO_LEN as NUM_LEN
    from ogi.numbers import _parse_value

    long_label = "（三）不予公开 1．属于国家秘密 “依申请” " * 20
    assert len(long_label) > MEMO_LEN
    _clean_label.cache_clear()
    assert clean_label(long_label) == "(三)不予公开1.属于国家秘密依申请" * 20
    assert _clean_label.cache_info().currsize == 0
    assert clean_label("1、 “政府信息” ") == "1.政府信息"
    assert _clean_label.cache_info().currsize == 1

    long_cell = "１２３" + " " * (NUM_LEN + 5)
    _parse_value.cache_clear()
    assert parse_value(long_cell) == 123.0
    assert _parse_value.cache_info().currsize == 0
    assert parse_value("１２３ ") == 123.0 and parse_value("１２３ ") == 123.0
    assert _parse_value.cache_info().hits == 1
