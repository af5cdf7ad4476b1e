"""The loader: year/province filters, wide rows, and the same files read by DuckDB and polars."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ogi.harmonize import variables as harmonized_variables
from ogi.loader import CELL, cell_dtypes, cell_order, duckdb_views, load, scan_polars
from ogi.types import Check, Fact, Report, Section
from pipeline.batch import discover, process_file
from publish.local import publish
from tests.support import ROOT


def _report(rid: str, year: int | None, province: str | None, received: float | None) -> Report:
    facts = [] if received is None else [
        Fact("requests", "new_received", "natural_person", received, str(int(received))),
        Fact("requests", "new_received", "total", received, str(int(received))),
        Fact("appeals", "review", "total", 1.0, "1"),
    ]
    return Report(report_id=rid, file_name=f"{rid}.txt", sha256=rid * 4, format="txt", year=year,
                  province=province, agency=f"{rid}人民政府", template="2021" if year and year >= 2021 else "2019",
                  status="ok" if facts else "tables_missing", facts=facts,
                  sections=[Section(1, "一、总体情况", "正文", ["政务新媒体"])],
                  checks=[Check("R3 requests.new_received", True, "")])


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ds")
    publish([_report("a", 2020, "江苏省", 5), _report("b", 2023, "江苏省", 7), _report("c", 2023, "福建省", 9),
             _report("d", None, None, None)], out)
    return out


def test_one_name_gives_one_frame_a_sequence_gives_a_dict(small: Path) -> None:
    facts = load(small, tables="facts")
    assert isinstance(facts, pd.DataFrame)
    assert sorted(facts["report_id"].unique()) == ["a", "b", "c"]
    assert set(facts[CELL]) == {"requests.new_received.natural_person", "requests.new_received.total",
                                "appeals.review.total"}
    d = load(small, tables=("reports", "sections", "checks"))
    assert list(d) == ["reports", "sections", "checks"]
    assert len(d["reports"]) == 4 and len(d["sections"]) == 4 and len(d["checks"]) == 4
    assert list(d["sections"]["keywords"].iloc[0]) == ["政务新媒体"]


def test_year_filter_is_on_the_partition_and_none_means_unknown(small: Path) -> None:
    assert sorted(load(small, years=[2023], tables="reports")["report_id"]) == ["b", "c"]
    assert sorted(load(small, years=[2020, None], tables="reports")["report_id"]) == ["a", "d"]
    rep = load(small, tables="reports").set_index("report_id")
    assert str(rep["year"].dtype) == "Int32"
    assert rep.loc["a", "year"] == 2020 and pd.isna(rep.loc["d", "year"])


def test_province_filter_reaches_every_table(small: Path) -> None:
    d = load(small, provinces=["江苏省"], tables=("reports", "facts", "checks"))
    assert sorted(d["reports"]["report_id"]) == ["a", "b"]
    assert set(d["facts"]["report_id"]) == {"a", "b"}
    assert set(d["checks"]["report_id"]) == {"a", "b"}
    both = load(small, years=[2023], provinces=["江苏省"], tables="facts")
    assert set(both["report_id"]) == {"b"}


def test_wide_one_row_per_report(small: Path) -> None:
    w = load(small, wide=True).set_index("report_id")
    assert sorted(w.index) == ["a", "b", "c", "d"]
    assert w.loc["c", "requests.new_received.total"] == 9
    assert pd.isna(w.loc["d", "requests.new_received.total"])  # no tables: row kept, cells empty
    assert w.loc["d", "status"] == "tables_missing"
    order = cell_order()
    assert [c for c in w.columns if c in set(order)] == order  # every cell id, template order
    assert w["requests.new_received.total"].dtype == "Int64"


def test_wide_has_the_same_columns_for_any_selection_of_years(small: Path) -> None:
    reports = list(load(small, tables="reports").columns)
    want = reports + cell_order()
    for years in ([2020], [2023], [None], [2020, 2023, None], [1990], None):
        assert list(load(small, wide=True, years=years).columns) == want, years
    assert list(load(small, wide=True, provinces=["福建省"]).columns) == want


def test_wide_counts_are_integers_and_amounts_decimals(small: Path) -> None:
    w = load(small, wide=True)
    types = cell_dtypes()
    assert {str(w[c].dtype) for c in cell_order()} == {"Int64", "Float64"}
    assert all(str(w[c].dtype) == types[c] for c in cell_order())
    assert types["active.procurement.amount"] == types["active.fees.amount_10k_yuan"] == "Float64"
    assert types["active.licensing.change"] == types["requests.other.total"] == "Int64"
    assert w.set_index("report_id").loc["b", "requests.new_received.total"] == 7


def _dup_report(rid: str, name: str, n_cells: int, fmt: str, status: str = "ok") -> Report:
    cols = ("total", "natural_person", "commercial")[:n_cells]
    return Report(report_id=rid, file_name=name, sha256=rid * 4, format=fmt, year=2023, province="福建省",
                  agency="平潭综合实验区管理委员会", agency_id="pingtan", template="2021", status=status,
                  facts=[Fact("requests", "new_received", c, 3.0, "3") for c in cols])


def test_duplicates_are_left_out_unless_asked(tmp_path: Path) -> None:
    publish([_dup_report("page", "p.html", 3, "html"), _dup_report("dump", "p_webtext.txt", 3, "txt")], tmp_path)
    rep = load(tmp_path, tables="reports", duplicates=True).set_index("report_id")
    assert rep.loc["dump", "duplicate_of"] == "page" and pd.isna(rep.loc["page", "duplicate_of"])
    for kw in ({}, {"years": [2023]}, {"provinces": ["福建省"]}):
        d = load(tmp_path, tables=("reports", "facts"), **kw)
        assert set(d["reports"]["report_id"]) == set(d["facts"]["report_id"]) == {"page"}, kw
        assert load(tmp_path, wide=True, **kw)["report_id"].tolist() == ["page"]
    both = load(tmp_path, tables="facts", duplicates=True)
    assert set(both["report_id"]) == {"page", "dump"}
    assert sorted(load(tmp_path, wide=True, duplicates=True)["report_id"]) == ["dump", "page"]


def _template_report(rid: str, year: int, cells: dict[str, float]) -> Report:
    facts = [Fact(*cid.rsplit(".", 1)[0].split(".", 1), cid.rsplit(".", 1)[1], v, str(v)) for cid, v in cells.items()]
    return Report(report_id=rid, file_name=f"{rid}.txt", sha256=rid * 4, format="txt", year=year,
                  template="2021" if year >= 2021 else "2019", agency=f"{rid}人民政府", status="ok", facts=facts)


def test_harmonized_view_maps_both_templates_onto_one_variable(tmp_path: Path) -> None:
    publish([
        _template_report("y2019", 2019, {"requests.other.total": 4, "active.licensing.decisions": 9,
                                         "active.rules.new_made": 2}),
        _template_report("y2021", 2021, {"requests.other.no_correction.total": 1, "requests.other.unpaid_fee.total": 0,
                                         "requests.other.other.total": 2, "active.licensing.decisions": 5,
                                         "active.rules.issued": 1}),
        _template_report("one_row", 2022, {"requests.other.total": 7}),  # a 2021 report printing （六） as one row
        _template_report("partial", 2023, {"requests.other.no_correction.total": 1}),  # never a partial sum
    ], tmp_path)
    h = load(tmp_path, wide=True, harmonized=True).set_index("report_id")
    got = h["requests.other.total"]
    assert got["y2019"] == 4 and got["y2021"] == 3 and got["one_row"] == 7 and pd.isna(got["partial"])
    assert str(got.dtype) == "Int64"
    assert h.loc["y2019", "active.licensing.decisions"] == 9 and h.loc["y2021", "active.licensing.decisions"] == 5
    cols = set(h.columns)
    assert {"active.rules.new_made", "active.rules.issued", "requests.other.no_correction.total"}.isdisjoint(cols)
    ids = [v.id for v in harmonized_variables()]
    assert list(h.reset_index().columns) == list(load(tmp_path, tables="reports").columns) + ids
    assert list(load(tmp_path, wide=True, harmonized=True, years=[2019]).columns) == list(h.reset_index().columns)


def test_cell_order_covers_both_templates() -> None:
    order = cell_order()
    assert len(order) == len(set(order))
    assert "active.procurement.amount" in order  # 2019 only
    assert "active.rules.in_force" in order  # 2021 only
    assert order.index("requests.new_received.total") < order.index("appeals.review.total")


def test_missing_dataset_says_how_to_build(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="ogi run"):
        load(tmp_path, tables="facts")
    with pytest.raises(ValueError, match="unknown dataset"):
        load(tmp_path, tables="cells")


# ---- the real samples, read by three engines ----------------------------------------------

FAST = (".txt", ".md", ".html", ".docx")


@pytest.fixture(scope="module")
def samples(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("samples_ds")
    files = [f for f in discover(ROOT / "data" / "samples") if f.file_name.endswith(FAST)]
    note = out.parent / "note.txt"  # not a report: its year is unknown, so year_unknown.parquet exists
    note.write_text("会议通知：请各单位于下周一前报送材料。\n", encoding="utf-8")
    files += discover(note)
    publish([process_file(f) for f in files], out)
    return out


def _sorted(df: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    return df.sort_values(by).reset_index(drop=True)


def test_duckdb_reads_the_same_rows(samples: Path) -> None:
    import duckdb
    con = duckdb.connect()
    assert duckdb_views(con, samples) == ["reports", "facts", "sections", "checks"]
    mine = load(samples, tables=("reports", "facts"))
    got = con.sql("SELECT report_id, file_name, year FROM reports").df()
    assert len(got) == len(mine["reports"])
    assert got["year"].isna().sum() == mine["reports"]["year"].isna().sum() == 1  # the note
    q = "SELECT report_id, \"table\", \"row\", col, value, year FROM facts"
    cols = ["report_id", "table", "row", "col"]
    a = _sorted(con.sql(q).df(), cols)
    b = _sorted(mine["facts"][cols + ["value", "year"]], cols)
    assert a[cols].equals(b[cols])
    assert a["value"].tolist() == b["value"].tolist()
    assert a["year"].astype(int).tolist() == b["year"].astype(int).tolist()


def test_polars_reads_the_same_rows(samples: Path) -> None:
    import polars as pl
    rep = scan_polars(samples, "reports").collect()
    mine = load(samples, tables=("reports", "facts"))
    assert rep.height == len(mine["reports"])
    assert rep["year"].null_count() == int(mine["reports"]["year"].isna().sum()) == 1
    facts = scan_polars(samples, "facts").select("report_id", "table", "row", "col", "value").collect()
    cols = ["report_id", "table", "row", "col"]
    a = _sorted(facts.to_pandas(), cols)
    b = _sorted(mine["facts"][cols + ["value"]], cols)
    assert a[cols].astype(str).equals(b[cols].astype(str))
    assert a["value"].tolist() == b["value"].tolist()
    totals = (scan_polars(samples, "facts").filter(pl.col("row") == "new_received", pl.col("col") == "total")
              .group_by("year").agg(pl.col("value").sum()).sort("year").collect())
    assert totals.height >= 2


def test_load_without_tables_returns_the_facts_frame_not_a_dict(small):
    """The README's example `load(path, years=..., provinces=...)` promised a DataFrame."""
    facts = load(small)
    assert isinstance(facts, pd.DataFrame) and "cell" in facts.columns
