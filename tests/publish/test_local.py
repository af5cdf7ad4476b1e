"""Parquet out: the contract's columns read back with pandas, reruns replace, crashes leave the old data."""

import pandas as pd
import pytest

from ogi.types import Check, Fact, Report, Section
from publish import local as pub

CONTRACT = {
    "reports": ["report_id", "file_name", "sha256", "format", "title", "agency", "admin_level", "province", "city",
                "county", "township", "region_code", "year", "template", "status", "error"],
    "facts": ["report_id", "table", "row", "col", "value", "raw", "year"],
    "sections": ["report_id", "section", "title", "text"],
    "checks": ["report_id", "rule", "passed"],
}


def _report(rid: str, year: int | None = 2020, value: float = 3.0) -> Report:
    return Report(
        report_id=rid, file_name=f"{rid}.txt", sha256="ab" * 32, format="txt", year=year, template="2019",
        agency="大水坑镇人民政府", status="ok",
        facts=[Fact("requests", "new_received", "total", value, str(int(value)), page=1, bbox=(1, 2, 3, 4))],
        sections=[Section(1, "一、总体情况", "正文")],
        checks=[Check("R1 requests.total", True, "x")],
    )


def test_contract_columns_read_back_with_pandas(tmp_path):
    pub.publish([_report("a"), _report("b", year=None)], tmp_path)
    for name, cols in CONTRACT.items():
        df = pd.read_parquet(tmp_path / name)
        assert set(cols) <= set(df.columns), name
    reports = pd.read_parquet(tmp_path / "reports")
    assert sorted(reports["report_id"]) == ["a", "b"]
    facts = pd.read_parquet(tmp_path / "facts")
    assert facts.loc[facts.report_id == "a", "value"].tolist() == [3.0]
    assert (tmp_path / "facts" / "year=2020").is_dir()


def test_rerun_replaces_rows_instead_of_adding(tmp_path):
    pub.publish([_report("a"), _report("b")], tmp_path)
    pub.publish([_report("a", value=5.0)], tmp_path)
    facts = pd.read_parquet(tmp_path / "facts")
    assert len(facts) == 2
    assert facts.loc[facts.report_id == "a", "value"].tolist() == [5.0]
    assert len(pd.read_parquet(tmp_path / "reports")) == 2


def test_crash_mid_write_leaves_previous_dataset_readable(tmp_path, monkeypatch):
    pub.publish([_report("a")], tmp_path)
    calls = {"n": 0}
    real = pub._write

    def failing(table, path):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk full")
        real(table, path)

    monkeypatch.setattr(pub, "_write", failing)
    with pytest.raises(OSError):
        pub.publish([_report("b")], tmp_path)
    assert pd.read_parquet(tmp_path / "reports")["report_id"].tolist() == ["a"]
    monkeypatch.setattr(pub, "_write", real)
    pub.publish([_report("b")], tmp_path)
    assert sorted(pd.read_parquet(tmp_path / "reports")["report_id"]) == ["a", "b"]


def test_year_checks_across_consecutive_years(tmp_path):
    r1, r2 = _report("y1", 2020), _report("y2", 2021)
    r1.facts = [Fact("requests", "carried_forward", "total", 2.0, "2")]
    r2.facts = [Fact("requests", "carried_over", "total", 1.0, "1")]
    pub.publish([r1, r2], tmp_path)
    checks = pd.read_parquet(tmp_path / "checks")
    y = checks[checks.rule.str.startswith("Y1")]
    assert y["report_id"].tolist() == ["y2"] and not y["passed"].iloc[0]
