from normalizers.checks import cross_year_checks, report_checks
from ogi.types import Fact

COLS = ("natural_person", "commercial", "research", "nonprofit", "legal_services", "other_org", "total")


def _req(row, np_, total=None):
    vals = [np_, 0, 0, 0, 0, 0, np_ if total is None else total]
    return [Fact("requests", row, c, float(v), str(v)) for c, v in zip(COLS, vals)]


def _facts(handled=5, granted=5, total_granted=None):
    f = _req("new_received", 4) + _req("carried_over", 1) + _req("granted", granted, total_granted)
    f += _req("other", 0) + _req("handled_total", handled) + _req("carried_forward", 0)
    return f


def test_all_identities_hold():
    checks = report_checks(_facts())
    assert checks and all(c.passed for c in checks)
    assert {c.rule.split()[0] for c in checks} == {"R1", "R2", "R3"}


def test_printed_break_is_reported_not_fixed():
    facts = _facts(handled=6, granted=5)
    failed = {c.rule for c in report_checks(facts) if not c.passed}
    assert "R1 requests.natural_person" in failed and "R2 requests.natural_person" in failed
    assert next(f.value for f in facts if f.row == "handled_total" and f.col == "total") == 6


def test_r3_row_total():
    failed = {c.rule for c in report_checks(_facts(total_granted=7)) if not c.passed}
    assert "R3 requests.granted" in failed


def test_r4_appeals():
    f = [Fact("appeals", "review", c, v, "") for c, v in zip(("upheld", "corrected", "other", "pending", "total"), (1, 1, 0, 0, 3))]
    [chk] = report_checks(f)
    assert chk.rule == "R4 appeals.review" and not chk.passed


def test_year_checks():
    prev = {"requests.carried_forward.total": 2, "active.rules.in_force": 10}
    cur = {"requests.carried_over.total": 2, "active.rules.in_force": 12, "active.rules.issued": 3, "active.rules.repealed": 1}
    res = {c.rule: c.passed for c in cross_year_checks(prev, cur, "2021")}
    assert res == {"Y1 requests.carried_over.total": True, "Y2 active.rules.in_force": True}
    cur["active.rules.in_force"] = 11
    assert not {c.rule: c.passed for c in cross_year_checks(prev, cur, "2021")}["Y2 active.rules.in_force"]
