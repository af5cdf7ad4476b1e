"""The shared types: what crosses process boundaries comes back equal."""

from __future__ import annotations

import copy
import pickle

from ogi.types import Fact, Report


def test_a_fact_pickles_as_its_arguments_and_comes_back_equal() -> None:
    f = Fact("requests", "total", "total", 3.0, "3", page=2, bbox=(1.0, 2.0, 3.5, 4.0), confidence=0.97,
             locator="table=1;row=2;col=3", origin="corrected", extracted_value=8.0)
    for proto in range(2, pickle.HIGHEST_PROTOCOL + 1):
        back = pickle.loads(pickle.dumps(f, protocol=proto))
        assert back == f and back is not f
    assert copy.deepcopy(f) == f and copy.copy(f) == f


def test_a_report_with_facts_round_trips() -> None:
    rep = Report(report_id="r", file_name="a.pdf", sha256="ab", format="pdf",
                 facts=[Fact("active", "rules", "issued", None, "—"), Fact("appeals", "review", "total", 1.0, "1")])
    assert pickle.loads(pickle.dumps(rep)) == rep
