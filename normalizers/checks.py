"""Accounting identities (勾稽关系) R1–R4 within a report, Y1–Y2 across years.

A printed number is never "fixed": failed identities are recorded as checks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ogi.types import Check, Fact

REQ_COLS = ("natural_person", "commercial", "research", "nonprofit", "legal_services", "other_org", "total")
APPLICANT_COLS = REQ_COLS[:-1]
OUTCOME_PREFIXES = ("granted", "partially_granted", "denied.", "unable.", "not_processed.", "other")
APPEAL_GROUPS = ("review", "litigation_direct", "litigation_after_review")
TOL = 1e-6


def fact_map(facts: Iterable[Fact]) -> dict[str, float]:
    return {f"{f.table}.{f.row}.{f.col}": f.value for f in facts if f.value is not None}


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _check(rule: str, lhs: float, rhs: float, what: str) -> Check:
    ok = abs(lhs - rhs) <= TOL
    return Check(rule=rule, passed=ok, detail=f"{what}: {_fmt(lhs)} vs {_fmt(rhs)}")


def _request_rows(v: Mapping[str, float]) -> list[str]:
    """The row ids of the request cells present ("requests.other.x.total" → "other.x"), sorted."""
    return sorted({k[9:].rsplit(".", 1)[0] for k in v if k.startswith("requests.")})


def _outcome_rows(rows: list[str]) -> list[str]:
    out = [r for r in rows if r.startswith(OUTCOME_PREFIXES)]
    if "other" in out:  # a single （六） row stands in for the three other.* rows
        out = [r for r in out if not r.startswith("other.")]
    return out


def report_checks(facts: Iterable[Fact]) -> list[Check]:
    """R1–R4 on one report's facts; only identities whose cells are all present are checked."""
    v = fact_map(facts)
    out: list[Check] = []
    g = lambda row, col: v.get(f"requests.{row}.{col}")  # noqa: E731
    rows = _request_rows(v)
    outcomes = _outcome_rows(rows)
    for col in REQ_COLS:
        a, b, c, d = g("new_received", col), g("carried_over", col), g("handled_total", col), g("carried_forward", col)
        if None not in (a, b, c, d):
            out.append(_check(f"R1 requests.{col}", a + b, c + d, "new_received + carried_over vs handled_total + carried_forward"))
        parts = [g(r, col) for r in outcomes]
        if c is not None and outcomes and None not in parts:
            out.append(_check(f"R2 requests.{col}", sum(parts), c, "sum of outcome rows vs handled_total"))
    for row in rows:
        parts = [g(row, c) for c in APPLICANT_COLS]
        tot = g(row, "total")
        if tot is not None and None not in parts:
            out.append(_check(f"R3 requests.{row}", sum(parts), tot, "sum of applicant columns vs total"))
    for grp in APPEAL_GROUPS:
        vals = [v.get(f"appeals.{grp}.{c}") for c in ("upheld", "corrected", "other", "pending")]
        tot = v.get(f"appeals.{grp}.total")
        if tot is not None and None not in vals:
            out.append(_check(f"R4 appeals.{grp}", sum(vals), tot, "upheld + corrected + other + pending vs total"))
    return out


def cross_year_checks(prev: Mapping[str, float], cur: Mapping[str, float], template: str | None) -> list[Check]:
    """Y1/Y2 between the same agency's reports of year Y-1 (``prev``) and Y (``cur``)."""
    out: list[Check] = []
    a, b = cur.get("requests.carried_over.total"), prev.get("requests.carried_forward.total")
    if a is not None and b is not None:
        out.append(_check("Y1 requests.carried_over.total", a, b, "carried over this year vs carried forward last year"))
    if template == "2021":
        for row in ("rules", "normative_docs"):
            now, before = cur.get(f"active.{row}.in_force"), prev.get(f"active.{row}.in_force")
            iss, rep = cur.get(f"active.{row}.issued"), cur.get(f"active.{row}.repealed")
            if None not in (now, before, iss, rep):
                out.append(_check(f"Y2 active.{row}.in_force", before + iss - rep, now,
                                  "last year's in_force + issued − repealed vs in_force"))
    return out
