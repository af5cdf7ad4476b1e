"""Bugs the mutation harness found, each pinned by its minimal example: one edit to a fixture
report, the answer key unchanged (or changed only as the edit changes what is printed).

xfail(strict=True) until the pipeline is fixed: the fix turns them into failures, then drop the
mark. They break "a cell is exactly what was printed, or missing with status ≠ ok".
"""

from __future__ import annotations

from tests.mutation.corpus import Source, load_fixture_sources
from tests.mutation.harness import judge, process
from tests.mutation.mutate_docx import via_text

FIX = {s.file_name: s for s in load_fixture_sources()}


def verdict(src: Source, old: str, new: str):
    assert src.text.count(old) >= 1, f"fixture changed: {old!r} not in {src.file_name}"
    return judge(process(src.file_name, src.encode(src.text.replace(old, new, 1))), src.values)


def test_html_2021_bracketed_3_other_is_not_taken_for_the_2019_other_row():
    """'（3）其他' under a rowspan （六）其他处理 used to take the 2019 row requests.other (weak match on the
    group label); the whole-table aligner (normalizers/align.py) maps it to other.other."""
    v = verdict(FIX["t20240128_7212375.shtml"], "<td>3.其他</td>", "<td>（3）其他</td>")
    assert not v.violations, v.describe()


def test_html_2021_other_subrow_numbered_3_dot_stays_exact():
    """The control: the same report as printed is exact (so the bracket alone breaks it)."""
    v = verdict(FIX["t20240128_7212375.shtml"], "<td>3.其他</td>", "<td>3.其他</td>")
    assert v.ok and v.exact == v.cells and not v.violations, v.describe()


def test_docx_2021_bracketed_3_other_is_not_taken_for_the_2019_other_row():
    """The same in DOCX (group cell merged down the sub-rows): fixed by the whole-table aligner."""
    src = FIX["linebreaks_merged.docx"]
    out = via_text(src.data, lambda t: (t.replace("\n3.其他\t", "\n（3）其他\t", 1), "3.其他 → （3）其他"))
    assert out is not None
    v = judge(process(src.file_name, out[0]), src.values)
    assert not v.violations, v.describe()


def test_html_run_together_cell_over_two_columns_is_not_one_number():
    """Was: '11211059.86' over 采购项目数量|采购总金额 read as one number, the blank cell after it as 0, status ok."""
    old = '<td style="text-align:center">112</td>\n<td style="text-align:center">11059.86</td>'
    new = '<td style="text-align:center" colspan="2">11211059.86</td>'
    v = verdict(FIX["lichuan_gbk_trs.html"], old, new)
    assert not v.violations, v.describe()


def test_2019_report_with_2021_other_subrows_keeps_them_as_printed():
    """A 2019 report printing （六）其他处理 as the three 2021 sub-rows: each printed row keeps its
    numbers under its 2021 id (requests.other.*); the 2019 row requests.other, which nothing
    prints, is not derived as their sum (docs/contract.md: the printed shape names the ids, as a
    2021 report printing one row takes the 2019 id). The key was the sum until this was decided."""
    src = FIX["W020200116691822173.txt"]
    old = "\t(六)其他处理\t1\t0\t0\t0\t0\t0\t1"
    new = ("\t(六)其他处理1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请\t1\t0\t0\t0\t0\t0\t1\n"
           "\t2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请\t0\t0\t0\t0\t0\t0\t0\n"
           "\t3.其他\t0\t0\t0\t0\t0\t0\t0")
    cols = ("natural_person", "commercial", "research", "nonprofit", "legal_services", "other_org", "total")
    key = {k: v for k, v in src.values.items() if k not in {f"requests.other.{c}" for c in cols}}
    for sub, nums in (("no_correction", (1, 0, 0, 0, 0, 0, 1)), ("unpaid_fee", (0,) * 7), ("other", (0,) * 7)):
        key.update({f"requests.other.{sub}.{c}": float(n) for c, n in zip(cols, nums)})
    assert src.text.count(old) == 1
    v = judge(process(src.file_name, src.encode(src.text.replace(old, new, 1))), key)
    assert v.ok and v.exact == v.cells and not v.violations, v.describe()


def test_tsv_active_row_with_its_digits_run_together_in_a_table_of_dashes():
    """Was: '规范性文件 10 10 113' printed '1010113' in a table printing its zeros as '—': written
    new_made=1010113 and two zeros, report ok (the active table has no identity to catch it)."""
    v = verdict(FIX["W020200116691822173.txt"], "规范性文件\t10\t10\t113", "规范性文件\t1010113")
    assert not v.violations and not v.ok, v.describe()


# run_together mutants (digits of one printed row with no separator, the rest of the table in cells):
# the row's digits are split with the whole report as evidence (normalizers/glued.py)

def test_run_together_tsv_requests_row_is_split_by_the_column_identities():
    """Was: '(一)予以公开 12 2 0 0 1 0 15' printed '122001015' left the row unread (7 cells lost).
    R3 alone leaves 1|2|2|0|0|10|15 and others; R1/R2 over the columns, as printed, leave one."""
    src = FIX["W020200116691822173.txt"]
    v = verdict(src, "(一)予以公开\t12\t2\t0\t0\t1\t0\t15", "(一)予以公开\t122001015")
    assert v.ok and v.exact == v.cells and not v.violations, v.describe()


def test_run_together_tsv_row_joined_to_its_label_is_split():
    """Was: '2.其他法律行政法规禁止公开1000001' (numbers run into the label cell) was no row at all."""
    src = FIX["W020200116691822173.txt"]
    v = verdict(src, "2.其他法律行政法规禁止公开\t1\t0\t0\t0\t0\t0\t1", "2.其他法律行政法规禁止公开1000001")
    assert v.ok and v.exact == v.cells and not v.violations, v.describe()


def test_run_together_tsv_appeals_line_without_tabs_is_read_by_r4():
    """Was: 表四's values printed '200240000000000' came as a paragraph: 'tables not found: appeals'."""
    src = FIX["W020200116691822173.txt"]
    v = verdict(src, "2\t0\t0\t2\t4\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0", "200240000000000")
    assert v.ok and v.exact == v.cells and not v.violations, v.describe()


def test_run_together_tsv_row_that_printed_its_zero_blank_is_not_split():
    """'行政强制 1 _ 26' (its zero printed blank) run together is '126', which splits only 1|2|6:
    wrong. The row prints no zero mark and has no identity of its own, so it stays unread."""
    src = FIX["W020200116691822173.txt"]
    v = verdict(src, "行政强制\t1\t—\t26", "行政强制\t126")
    assert not v.violations and not v.ok, v.describe()
    assert "active.coercion.decisions" in v.missing, v.describe()
