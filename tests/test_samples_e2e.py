"""The bundled samples end to end (what `ogi run` with no arguments builds): the acceptance facts
the issues name, checked on the published Parquet read back with pandas."""

import pandas as pd
import pytest

from tests.support import SAMPLES


@pytest.fixture(scope="module")
def dataset(samples_workdir):
    """The dataset `ogi run` built from the samples (conftest), read back with pandas."""
    out = samples_workdir / "data" / "dataset"
    return {n: pd.read_parquet(out / n) for n in ("reports", "facts", "sections", "checks")}


def _report(ds, name):
    r = ds["reports"]
    return r[r.file_name == name].iloc[0]


def test_every_sample_file_one_report_no_duplicate_facts(dataset):
    files = sorted(p.name for p in SAMPLES.iterdir())
    assert sorted(dataset["reports"].file_name) == files
    assert not dataset["facts"].duplicated(["report_id", "table", "row", "col"]).any()


def test_seed_township(dataset):
    r = _report(dataset, "dashuikeng_2020.txt")
    assert (r.year, r.template, r.township, r.county, r.region_code, r.admin_level, r.status) == (
        2020, "2019", "大水坑镇", "盐池县", "640323", "township", "ok")
    secs = dataset["sections"][dataset["sections"].report_id == r.report_id]
    assert sorted(secs.section) == [1, 2, 3, 4, 5, 6]
    assert (dataset["facts"].report_id == r.report_id).sum() == 198


def test_huaian_regions_and_levels(dataset):
    city = _report(dataset, "jiangsu_huaian_city_2024.pdf")
    assert (city.region_code, city.admin_level, city.status) == ("320800", "city", "ok")
    for y in (2023, 2024):
        r = _report(dataset, f"jiangsu_huaian_hongze_district_{y}.pdf")
        assert (r.region_code, r.admin_level, r.year) == ("320813", "county", y)


def test_hongze_2023_prints_appeals_that_do_not_add_up(dataset):
    r = _report(dataset, "jiangsu_huaian_hongze_district_2023.pdf")
    assert r.status == "checks_failed"
    c = dataset["checks"]
    failed = set(c[(c.report_id == r.report_id) & ~c.passed].rule)
    assert any(rule.startswith("R4") for rule in failed)


def test_cross_year_checks_pass_for_hongze_2024(dataset):
    r = _report(dataset, "jiangsu_huaian_hongze_district_2024.pdf")
    c = dataset["checks"]
    y = c[(c.report_id == r.report_id) & c.rule.str.startswith("Y")]
    assert {rule.split()[0] for rule in y.rule} == {"Y1", "Y2"}
    assert y.passed.all()


def test_huaian_city_requests_totals_as_printed(dataset):
    r = _report(dataset, "jiangsu_huaian_city_2024.pdf")
    f = dataset["facts"]
    tot = f[(f.report_id == r.report_id) & (f.table == "requests") & (f.col == "total")].set_index("row").value
    assert (tot["new_received"], tot["carried_over"], tot["carried_forward"]) == (3119, 34, 103)
    assert r.fee_charged
