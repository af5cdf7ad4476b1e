"""Open splits of run-together digits get the same agency's values of the year before and after."""

from normalizers.neighbours import Neighbours
from normalizers.previous_year import neighbour_values, wanted_keys
from ogi.types import Check, Fact, Report

AGENCY = "平潭综合实验区管理委员会"


def _rep(rid: str, year: int, facts: int, open_split: bool, agency: str = AGENCY) -> Report:
    r = Report(report_id=rid, file_name=f"{rid}.txt", sha256="", format="txt", agency=agency, province="福建省",
               year=year)
    r.facts = [Fact("active", "normative_docs", "in_force", 470.0 + i, str(470 + i)) for i in range(facts)]
    r.checks = [Check("S:active", not open_split, "")]
    return r


def test_only_open_splits_with_a_neighbouring_year_get_values():
    reps = [_rep("a2023", 2023, 1, False), _rep("b2023", 2023, 0, False), _rep("a2024", 2024, 1, True),
            _rep("a2025", 2025, 1, False), _rep("c2024", 2024, 1, True, agency="别的机关")]
    got = neighbour_values(reps)
    assert list(got) == [2]  # not c (no other year of 别的机关)
    assert got[2].previous == {"active.normative_docs.in_force": 470.0}  # the 2023 report with cells
    assert got[2].following == {"active.normative_docs.in_force": 470.0}


def test_the_published_dataset_fills_years_the_batch_lacks_and_the_batch_wins():
    """Regression: batches are cut per 1000 files, so last year's report is often only in the published dataset."""
    reps = [_rep("a2024", 2024, 1, True), _rep("a2025", 2025, 2, False)]
    assert wanted_keys(reps) == {(AGENCY, "福建省", 2023), (AGENCY, "福建省", 2025)}
    published = {(AGENCY, "福建省", 2023): {"active.normative_docs.in_force": 698.0},
                 (AGENCY, "福建省", 2025): {"active.normative_docs.in_force": 1.0}}
    got = neighbour_values(reps, published)[0]
    assert got == Neighbours(previous={"active.normative_docs.in_force": 698.0},
                             following={"active.normative_docs.in_force": 471.0})


def test_a_plain_mapping_is_the_year_before():
    assert Neighbours.of({"x": 1.0}) == Neighbours(previous={"x": 1.0}) and not Neighbours.of(None)
