"""Load the published dataset as tidy pandas frames, or one wide row per report.

    from ogi.loader import load
    facts = load("data/dataset", years=[2023, 2024], tables="facts")         # one frame
    d = load("data/dataset", provinces=["江苏省"], tables=("reports", "facts"))  # dict of frames
    wide = load("data/dataset", wide=True)   # one row per report, a column per cell id
    panel = load("data/dataset", wide=True, harmonized=True)  # variables comparable across templates

Duplicates (``reports.duplicate_of`` set: a second copy of the same agency-year, e.g. a portal page
and its text dump) are left out of every frame unless ``duplicates=True``. Years are pushed down
to the ``year=`` partitions (pyarrow dataset filters), provinces are resolved through ``reports``
and applied to the other datasets by ``report_id``. Rows whose year is unknown live in ``year_unknown.parquet`` at each dataset's root; plain hive globs in
DuckDB and polars trip over that file, so :func:`duckdb_views` and :func:`scan_polars` read
the partitions and that file together.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from ogi.codebook import cells as cell_entries
from ogi.fields import cell_ids
from ogi.harmonize import harmonized_frame
from ogi.schema import DATASETS, PARTITION_COLS

if TYPE_CHECKING:  # optional engines, imported only by the helpers that use them
    import polars

log = logging.getLogger(__name__)

UNKNOWN_FILE = "year_unknown.parquet"
CELL = "cell"  # facts column added by the loader: "table.row.col", the field id of fields.csv
_PANDAS_TYPES = {pa.int8(): pd.Int8Dtype(), pa.int32(): pd.Int32Dtype(), pa.int64(): pd.Int64Dtype(),
                 pa.bool_(): pd.BooleanDtype()}


def dataset(path: str | Path, table: str) -> ds.Dataset:
    """One published dataset (``reports``, ``facts``, ``sections``, ``checks``) as a pyarrow Dataset."""
    if table not in DATASETS:
        raise ValueError(f"unknown dataset {table!r}; one of {', '.join(DATASETS)}")
    schema = DATASETS[table]
    root = Path(path) / table
    if not root.exists():
        raise FileNotFoundError(f"no {table}/ under {path}: build it with `ogi run --out {path}`")
    part = ds.partitioning(pa.schema([schema.field(c) for c in PARTITION_COLS]), flavor="hive")
    return ds.dataset(str(root), schema=schema, format="parquet", partitioning=part)


def _year_filter(years: Iterable[int | None] | None) -> ds.Expression | None:
    """``None`` in ``years`` also selects rows whose year is unknown."""
    if years is None:
        return None
    ys = list(years)
    known = [int(y) for y in ys if y is not None]
    expr = ds.field("year").isin(pa.array(known, pa.int32()))
    return expr | ds.field("year").is_null() if None in ys else expr


def read_table(path: str | Path, table: str, years: Iterable[int | None] | None = None,
               report_ids: Sequence[str] | None = None, without: Sequence[str] = ()) -> pa.Table:
    """Arrow rows of one dataset, filtered by partition year and optionally by report_id (kept or left out)."""
    expr = _year_filter(years)
    if report_ids is not None:
        by_id = ds.field("report_id").isin(pa.array(sorted(set(report_ids)), pa.string()))
        expr = by_id if expr is None else expr & by_id
    if without:
        out = ~ds.field("report_id").isin(pa.array(sorted(set(without)), pa.string()))
        expr = out if expr is None else expr & out
    return dataset(path, table).to_table(filter=expr)


def to_pandas(t: pa.Table) -> pd.DataFrame:
    """Nullable integer and boolean dtypes, so a year stays an int and an unknown one is <NA>."""
    return t.to_pandas(types_mapper=_PANDAS_TYPES.get)


def _selection(path: str | Path, years, provinces: Iterable[str] | None,
               duplicates: bool) -> tuple[list[str] | None, list[str]]:
    """(report_ids kept, None: every one; report_ids left out): a province filter, and duplicates
    (``duplicate_of`` set) unless asked for. Few reports are duplicates: they are listed to leave out."""
    if provinces is None and duplicates:
        return None, []
    rep = read_table(path, "reports", years).select(["report_id", "province", "duplicate_of"])
    dups = [] if duplicates else rep.filter(pc.is_valid(rep["duplicate_of"]))["report_id"].to_pylist()
    if provinces is None:
        return None, dups
    rep = rep.filter(pc.is_in(rep["province"], value_set=pa.array(list(provinces), pa.string())))
    skip = set(dups)
    return [r for r in rep["report_id"].to_pylist() if r not in skip], []


def _frame(path: str | Path, table: str, years, sel: tuple[list[str] | None, list[str]]) -> pd.DataFrame:
    df = to_pandas(read_table(path, table, years, *sel))
    if table == "facts":
        df.insert(df.columns.get_loc("col") + 1, CELL, df["table"] + "." + df["row"] + "." + df["col"])
    return df


def load(path: str | Path = "data/dataset", years: Iterable[int | None] | None = None,
         provinces: Iterable[str] | None = None, wide: bool = False,
         tables: str | Sequence[str] = "facts", duplicates: bool = False,
         harmonized: bool = False) -> pd.DataFrame | dict[str, pd.DataFrame]:
    """Tidy frames of the dataset (or a release of it) at ``path``.

    ``tables`` as one name gives one DataFrame, as a sequence a dict name → DataFrame.
    ``wide=True`` ignores ``tables`` and gives one row per report (see :func:`wide_frame`);
    with ``harmonized=True`` its cells are the variables comparable across templates
    (:mod:`ogi.harmonize`). ``duplicates=True`` keeps the reports whose ``duplicate_of`` is set.
    """
    names = [tables] if isinstance(tables, str) else list(tables)
    if unknown := [n for n in names if n not in DATASETS]:
        raise ValueError(f"unknown dataset {unknown[0]!r}; one of {', '.join(DATASETS)}")
    sel = _selection(path, years, provinces, duplicates)
    if wide:
        reports = _frame(path, "reports", years, sel)
        facts = _frame(path, "facts", years, sel)
        out = wide_frame(reports, facts)
        return harmonized_frame(out, list(reports.columns)) if harmonized else out
    frames = {n: _frame(path, n, years, sel) for n in names}
    return frames[tables] if isinstance(tables, str) else frames


def cell_order() -> list[str]:
    """Every field id in template order (fields.csv), 2019-only and 2021-only cells included."""
    return cell_ids()


def cell_dtypes() -> dict[str, str]:
    """pandas dtype of every cell column: counts and changes ``Int64``, amounts ``Float64`` (nullable)."""
    return {c.id: "Float64" if c.kind == "decimal amount" else "Int64" for c in cell_entries()}


def wide_frame(reports: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """One row per report: its report columns, then one column per cell id of both templates.

    The layout is fixed: every cell id of fields.csv, always in its order, whatever the selection
    (null where the report's template has no such cell or the report printed none). Every report
    keeps its row (a report without tables has empty cells and says why in ``status``/``error``).
    Counts are nullable integers, amounts nullable decimals (:func:`cell_dtypes`).
    """
    if CELL not in facts.columns:
        facts = facts.assign(**{CELL: facts["table"] + "." + facts["row"] + "." + facts["col"]})
    dup = facts.duplicated(["report_id", CELL])
    if dup.any():
        log.warning("%d duplicate cells in facts; keeping the first of each", int(dup.sum()))
        facts = facts[~dup]
    order = cell_order()
    extra = sorted(set(facts[CELL]) - set(order))
    if extra:
        log.warning("facts hold %d cell ids unknown to fields.csv, left out of the wide frame: %s",
                    len(extra), ", ".join(extra[:5]))
    cells = facts.pivot(index="report_id", columns=CELL, values="value")
    cells = cells.reindex(index=pd.Index(reports["report_id"], dtype=object), columns=order)  # every report, every id
    types = cell_dtypes()
    for c in order:
        col = cells[c]
        if types[c] == "Int64" and not (col.dropna() % 1 == 0).all():
            log.warning("%s holds non-integer counts; kept as decimals", c)
            cells[c] = col.astype("Float64")
        else:
            cells[c] = col.astype(types[c])
    cells.columns.name = None
    out = pd.concat([reports.reset_index(drop=True), cells.reset_index(drop=True)], axis=1)
    return out


# ---- the same files in other engines ---------------------------------------------------------

def parquet_sources(path: str | Path, table: str) -> tuple[str, str | None]:
    """(glob of the ``year=`` partitions' files, the unknown-year file or None) of one dataset. A year
    folder holds segment folders of files (``year=2020/<segment>/part-….parquet``, publish.segments);
    a dataset published before segments, or a copy flattened, holds its files directly."""
    root = Path(path) / table
    unknown = root / UNKNOWN_FILE
    flat = any(root.glob("year=*/*.parquet"))
    glob = root / "year=*" / ("*.parquet" if flat else "*/*.parquet")
    return str(glob), (str(unknown) if unknown.exists() else None)


def _has_partitions(path: str | Path, table: str) -> bool:
    return any((Path(path) / table).glob("year=*/*.parquet")) or any((Path(path) / table).glob("year=*/*/*.parquet"))


def duckdb_views(con: Any, path: str | Path = "data/dataset") -> list[str]:
    """Create one DuckDB view per dataset on ``con`` (a ``duckdb.DuckDBPyConnection``)."""
    made = []
    for table in DATASETS:
        if not (Path(path) / table).exists():
            continue
        glob, unknown = parquet_sources(path, table)
        parts = []
        if _has_partitions(path, table):
            parts.append(f"SELECT * FROM read_parquet({_sql_str(glob)}, hive_partitioning = true)")
        if unknown:
            parts.append(f"SELECT *, CAST(NULL AS INTEGER) AS year FROM read_parquet({_sql_str(unknown)})")
        if not parts:
            continue
        con.execute(f"CREATE OR REPLACE VIEW {table} AS " + " UNION ALL BY NAME ".join(parts))
        made.append(table)
    return made


def _sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def scan_polars(path: str | Path, table: str) -> polars.LazyFrame:
    """A polars LazyFrame over one dataset, unknown-year rows included with a null year."""
    import polars as pl

    glob, unknown = parquet_sources(path, table)
    frames = []
    if _has_partitions(path, table):
        frames.append(pl.scan_parquet(glob, hive_partitioning=True,
                                      hive_schema={"year": pl.Int32}))
    if unknown:
        frames.append(pl.scan_parquet(unknown).with_columns(pl.lit(None, dtype=pl.Int32).alias("year")))
    if not frames:
        raise FileNotFoundError(f"no Parquet files in {Path(path) / table}")
    return pl.concat(frames, how="diagonal_relaxed")
