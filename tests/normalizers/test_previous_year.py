"""Open splits of run-together digits get the same agency's previous-year values."""

from normalizers.previous_year import previous_values
from ogi.types import Check, Fact, Report


def _rep(rid: str, year: int, facts: int, open_split: bool, agency: str = "平潭综合实验区管理委员会") -> Report:
    r = Report(report_id=rid, file_name=f"{rid}.txt", sha256="", format="txt", agency=agency, province="福建省",
               year=year)
    r.facts = [Fact("active", "normative_docs", "in_force", 470.0 + i, str(470 + i)) for i in range(facts)]
    r.checks = [Check("S:active", not open_split, "")]
    return r


def test_only_open_splits_with_a_previous_year_get_values():
    reps = [_rep("a2023", 2023, 1, False), _rep("b2023", 2023, 0, False), _rep("a2024", 2024, 1, True),
            _rep("a2025", 2025, 1, False), _rep("c2024", 2024, 1, True, agency="别的机关")]
    got = previous_values(reps)
    assert got == {2: {"active.normative_docs.in_force": 470.0}}  # the 2023 report with cells; not c (no 2023)
