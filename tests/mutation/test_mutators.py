"""The mutators themselves: deterministic, and they change only what they say (a mutator that
silently altered numbers would make the property test blame the pipeline for its own edits)."""

from __future__ import annotations

import random
import re

import pytest

from tests.mutation.corpus import all_sources
from tests.mutation.grid import ZERO, kind, region, rows
from tests.mutation.mutate_cells import (
    merge_other,
    run_together,
    split_other,
    wrap,
    zeros,
)
from tests.mutation.mutate_docx import table_texts
from tests.mutation.mutate_labels import LABEL_MUTATORS
from tests.mutation.mutators import MUTATORS, mutate

ANY = all_sources()
SOURCES = [s for s in ANY if s.fmt != "docx"]  # the text-level checks below
DOCX = [s for s in ANY if s.fmt == "docx"][:2]  # python-docx round trips are slow: the fixture and one more
ONE_PER_LAYOUT = list({(s.fmt, kind(s.layout)): s for s in reversed(ANY)}.values())
pytestmark = pytest.mark.skipif(not SOURCES, reason="no fixture reports found")
IDS = [s.file_name for s in SOURCES]


def numbers(text: str, layout: str) -> list[str]:
    """The value cells of the tables, in reading order."""
    return [c.text.strip() for r in rows(text, layout) for c in r.values]


def digits(text: str) -> str:
    a, b = region(text)
    return "".join(re.findall(r"\d", re.sub(r"<[^>]+>", "", text[a:b])))


@pytest.mark.parametrize("src", SOURCES, ids=IDS)
def test_grid_finds_the_table_rows(src):
    rs = rows(src.text, src.layout)
    assert sum(len(r.values) for r in rs) >= 0.8 * len(src.values), f"{src.file_name}: {len(rs)} rows"


@pytest.mark.slow  # every mutator twice on every source
@pytest.mark.parametrize("name", sorted(MUTATORS))
def test_same_seed_same_mutant(name):
    for src in ONE_PER_LAYOUT:
        a, b = mutate(name, src, 7), mutate(name, src, 7)
        assert (a is None) == (b is None)
        if a is not None:
            assert a.data == b.data and a.values == b.values


@pytest.mark.parametrize("name", sorted(LABEL_MUTATORS))
@pytest.mark.parametrize("src", SOURCES, ids=IDS)
def test_label_mutators_leave_every_number_alone(name, src):
    for seed in range(2):
        out = LABEL_MUTATORS[name](src.text, src.layout, random.Random(seed))
        if out is None:
            continue
        assert out[0] != src.text
        assert digits(out[0]).replace("１", "1") == digits(src.text) or name in ("numbering", "width"), out[1]
        assert numbers(out[0], src.layout) == numbers(src.text, src.layout), out[1]


@pytest.mark.parametrize("src", SOURCES, ids=IDS)
def test_zeros_change_only_zero_cells(src):
    for seed in range(4):
        out = zeros(src.text, src.layout, dict(src.values), random.Random(seed))
        assert out is not None
        before = [n for n in numbers(src.text, src.layout) if not ZERO.match(n)]
        after = [n for n in numbers(out[0], src.layout) if not ZERO.match(n)]
        assert after == before and out[1] == src.values, out[2]


@pytest.mark.parametrize("src", SOURCES, ids=IDS)
def test_run_together_keeps_the_digits_in_order(src):
    for seed in range(4):
        out = run_together(src.text, src.layout, dict(src.values), random.Random(seed))
        assert out is not None
        assert digits(out[0]) == digits(src.text), out[2]
        assert len(numbers(out[0], src.layout)) < len(numbers(src.text, src.layout))


@pytest.mark.parametrize("src", SOURCES, ids=IDS)
def test_wrap_keeps_numbers_and_label_characters(src):
    for seed in range(4):
        out = wrap(src.text, src.layout, dict(src.values), random.Random(seed))
        if out is None:
            continue
        assert numbers(out[0], src.layout) == numbers(src.text, src.layout), out[2]
        strip = lambda t: re.sub(r"<[^>]+>|[\s|]", "", t)
        assert sorted(strip(out[0])) == sorted(strip(src.text)), out[2]


def _other_rows(text: str, layout: str) -> list[list[float]]:
    return [[float(c.text) for c in r.values[-7:]] for r in rows(text, layout)
            if ("其他处理" in r.joined() or "逾期不补正" in r.joined() or "缴纳" in r.joined()
                or re.search(r"3\s*[.．]\s*其他", r.joined())) and len(r.values) >= 7]


@pytest.mark.parametrize("src", [s for s in SOURCES if s.template == "2021"], ids=lambda s: s.file_name)
def test_merge_other_prints_the_sums_and_moves_the_key(src):
    out = merge_other(src.text, src.layout, dict(src.values), random.Random(0))
    if out is None:
        pytest.skip("sub-rows not adjacent in this layout")
    text, values, _ = out
    merged = _other_rows(text, src.layout)
    assert len(merged) == 1
    cols = ("natural_person", "commercial", "research", "nonprofit", "legal_services", "other_org", "total")
    for col, got in zip(cols, merged[0]):
        want = sum(src.values[f"requests.{r}.{col}"] for r in ("other.no_correction", "other.unpaid_fee", "other.other"))
        assert got == want and values[f"requests.other.{col}"] == want
    assert not any(k.startswith("requests.other.other.") for k in values)


@pytest.mark.parametrize("src", [s for s in SOURCES if s.template == "2019"], ids=lambda s: s.file_name)
def test_split_other_sub_rows_add_up_to_the_printed_row(src):
    for seed in range(3):
        out = split_other(src.text, src.layout, dict(src.values), random.Random(seed))
        assert out is not None
        subs = _other_rows(out[0], src.layout)
        assert len(subs) == 3
        cols = ("natural_person", "commercial", "research", "nonprofit", "legal_services", "other_org", "total")
        assert [sum(col) for col in zip(*subs)] == [src.values[f"requests.other.{c}"] for c in cols]
        # the key holds what is printed: the three sub-rows under their 2021 ids, no 2019 row `other`
        for sub, printed in zip(("other.no_correction", "other.unpaid_fee", "other.other"), subs):
            assert [out[1][f"requests.{sub}.{c}"] for c in cols] == printed
        assert not any(f"requests.other.{c}" in out[1] for c in cols)
        assert {k: v for k, v in out[1].items() if not k.startswith("requests.other.")} == \
            {k: v for k, v in src.values.items() if not k.startswith("requests.other.")}


def test_layouts_are_all_covered():
    assert {kind(s.layout) for s in SOURCES} >= {"tsv", "layout", "html"}


def _numbers_of(rows: list[list[str]]) -> list[str]:
    return [t.strip() for row in rows for t in row if re.fullmatch(r"\s*[-+]?\d+(?:\.\d+)?\s*", t)]


@pytest.mark.slow  # rewrites and re-reads each DOCX many times
@pytest.mark.parametrize("src", DOCX, ids=lambda s: s.file_name)
def test_docx_label_and_zero_edits_keep_the_grid_and_the_other_numbers(src):
    before = table_texts(src.data)
    for name in ("reword", "drop_char", "spaces", "zeros"):
        m = mutate(name, src, 3)
        if m is None:
            continue
        after = table_texts(m.data)
        assert [len(r) for r in after] == [len(r) for r in before], name
        keep = [n for n in _numbers_of(before) if not ZERO.match(n)]
        assert [n for n in _numbers_of(after) if not ZERO.match(n)] == keep, m.note


@pytest.mark.slow
@pytest.mark.parametrize("src", DOCX, ids=lambda s: s.file_name)
def test_docx_run_together_merges_cells_and_keeps_the_digits(src):
    m = mutate("run_together", src, 0)
    assert m is not None
    before, after = table_texts(src.data), table_texts(m.data)
    assert sum(map(len, after)) < sum(map(len, before))
    assert re.sub(r"\D", "", "".join(map("".join, after))) == re.sub(r"\D", "", "".join(map("".join, before)))
