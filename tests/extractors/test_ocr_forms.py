"""OCR output in Japanese character forms (庁 for 厅) read back as the Chinese characters printed."""

from __future__ import annotations

import csv
from pathlib import Path

from extractors.ocr_text import chinese_forms

ROOT = Path(__file__).resolve().parents[2]
FORMS = ROOT / "extractors" / "ocr_forms.csv"


def _rows() -> list[dict[str, str]]:
    with FORMS.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_agency_read_with_the_japanese_form_of_ting_is_the_chinese_agency() -> None:
    """Regression: a blanked 150 dpi scan of 安徽省应急管理厅's report gave the agency as …管理庁."""
    assert chinese_forms("安徽省应急管理庁2023年政府信息公开工作年度报告") == "安徽省应急管理厅2023年政府信息公开工作年度报告"
    assert chinese_forms("某県総合行政執法局") == "某县总合行政執法局"  # 執 is also traditional Chinese: kept


def test_chinese_text_and_numbers_pass_unchanged() -> None:
    text = "本年新收政府信息公开申请数量 12 (二)部分公开 行政复议 结果维持 其他 总计 0.5 万元"
    assert chinese_forms(text) == text


def test_every_entry_is_one_character_for_one_and_never_a_chinese_character() -> None:
    rows = _rows()
    assert rows and all(len(r["japanese"]) == 1 and len(r["chinese"]) == 1 for r in rows)
    assert len({r["japanese"] for r in rows}) == len(rows)
    chinese_data = "".join(p.read_text(encoding="utf-8") for p in [
        *(ROOT / "normalizers").glob("*.csv"), *(ROOT / "normalizers").glob("*.yaml"), ROOT / "ogi" / "fields.csv"])
    # a form the gazetteer, the labels or the template print is Chinese usage, not a misread
    assert not [r["japanese"] for r in rows if r["japanese"] in chinese_data]
    assert all(r["chinese"] != r["japanese"] for r in rows)
