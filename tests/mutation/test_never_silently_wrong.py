"""The property of the mutation harness: a report rewritten the ways real reports differ comes
out with every cell equal to its key, or missing with the report's status not ``ok``.

Each mutator runs on the repo's fixture reports (and the dev corpus when it sits beside the
checkout) through the real extractor registry and normalizer. Mutators that still find a known
bug are xfail(strict=True) with the bug named; its minimal example is pinned in
``test_regressions.py``. When a fix lands the xfail turns into a failure: drop the mark.
"""

from __future__ import annotations

from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.mutation.corpus import Source, all_sources
from tests.mutation.harness import judge, process
from tests.mutation.mutators import MUTATORS, Mutant, mutate, mutate_chain

SOURCES = all_sources()
FAST = settings(max_examples=8, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
# mutator → (the bug it still finds, a fixture and seed where it does: always run first)
KNOWN_BUGS: dict[str, tuple[str, str, int]] = {}


@cache
def applicable(name: str) -> tuple[Source, ...]:
    """The sources this mutator can rewrite (merge_other needs 2021, split_other 2019, ...)."""
    return tuple(s for s in SOURCES if any(mutate(name, s, k) is not None for k in range(3)))


def assert_never_silently_wrong(m: Mutant) -> None:
    v = judge(process(m.source, m.data), m.values)
    assert not v.violations, f"{m.mutator} on {m.source} ({m.note}): {v.describe()}"


def _param(name: str):
    marks = [pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[name][0])] if name in KNOWN_BUGS else []
    return pytest.param(name, marks=marks, id=name)


pytestmark = pytest.mark.skipif(not SOURCES, reason="no fixture reports found")


def test_unmutated_sources_are_exact():
    """The harness and the keys agree before any mutation (else every other verdict is moot)."""
    for s in SOURCES:
        v = judge(process(s.file_name, s.data), s.values)
        assert v.ok and v.exact == v.cells and not v.wrong, f"{s.file_name}: {v.describe()}"


@pytest.mark.slow  # hypothesis draws mutants of every source (the pinned minimal cases are in test_regressions)
@pytest.mark.parametrize("name", [_param(n) for n in sorted(MUTATORS)])
def test_mutated_report_is_exact_or_flagged(name: str):
    pool = applicable(name)
    if not pool:
        pytest.skip(f"no source report {name} can rewrite")
    if name in KNOWN_BUGS:  # the known case first, so the xfail does not hang on what hypothesis draws
        _, file_name, seed = KNOWN_BUGS[name]
        src = next((s for s in pool if s.file_name == file_name), None)
        if src is not None and (m := mutate(name, src, seed)) is not None:
            assert_never_silently_wrong(m)

    @FAST
    @given(at=st.integers(0, len(pool) - 1), seed=st.integers(0, 2**20))
    def check(at: int, seed: int) -> None:
        m = mutate(name, pool[at], seed)
        if m is not None:
            assert_never_silently_wrong(m)

    check()


CLEAN = sorted(n for n in MUTATORS if n not in KNOWN_BUGS)


@pytest.mark.slow
@FAST
@given(at=st.integers(0, max(0, len(SOURCES) - 1)),
       chain=st.lists(st.sampled_from(CLEAN), min_size=2, max_size=3, unique=True), seed=st.integers(0, 2**20))
def test_chained_mutations_are_exact_or_flagged(at: int, chain: list[str], seed: int):
    """A report differs in more than one way at once (reworded, restyled numbering, blank zeros)."""
    m = mutate_chain(chain, SOURCES[at], seed)
    if m is not None:
        assert_never_silently_wrong(m)
