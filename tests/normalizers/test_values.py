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
