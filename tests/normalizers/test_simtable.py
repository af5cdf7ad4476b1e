"""The whole-table similarity matrix must give exactly the per-pair similarity (the aligner's
results may not change because it is computed in one batch)."""

from __future__ import annotations

import pytest

from normalizers.align import DEFAULT, build_slots, similarity
from normalizers.simtable import sim_table
from normalizers.spec import load_spec

SPEC = load_spec()
LABELS = ["", "一、", "（三）不予公开 1.属于国家秘密", "属于国家秘密", "2.其他法律行政法规禁止公开", "本年新收政府信息公开申请数量",
          "三、本年度办理结果", "公开", "理", "（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
          "合计", "注：本表数据", "①", "行政复议 维持", "第十二项", "规章", "制发件数", "收费金额（单位：万元）"]


@pytest.mark.parametrize("table,template,single", [("requests", "2021", False), ("requests", "2019", True),
                                                   ("active", "2021", False), ("review", "2019", False)])
def test_batch_similarity_equals_per_pair(table: str, template: str, single: bool) -> None:
    if table not in SPEC.tables:
        pytest.skip(f"no table {table}")
    slots = build_slots(SPEC, table, template, single_other=single)
    rows = sim_table(slots).sims(LABELS, DEFAULT)
    for label, row in zip(LABELS, rows):
        assert row == tuple(similarity(label, s) for s in slots), label


def test_slots_are_built_once_per_spec() -> None:
    a = build_slots(SPEC, "requests", "2021")
    assert all(x is y for x, y in zip(a, build_slots(SPEC, "requests", "2021")))
    assert a is not build_slots(SPEC, "requests", "2021")  # callers get their own list
