"""The one reader of ``fields.csv``: every cell id of the template, in template order.

A cell id is ``table.row.col``; a row of the file also says which template year it belongs to
and the printed row and column labels. Normalizers, the loader and the codebook all read the
file through here.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

FIELDS_CSV = Path(__file__).resolve().parent / "fields.csv"
TEMPLATES = ("2019", "2021")


@dataclass(frozen=True, slots=True)
class Field:
    """One row of fields.csv: a cell of one template."""

    template: str
    table: str
    row: str
    col: str
    row_label: str
    col_label: str

    @property
    def cell_id(self) -> str:
        return f"{self.table}.{self.row}.{self.col}"


@cache
def read_fields(path: str | None = None) -> tuple[Field, ...]:
    """Rows of the shipped (or given) fields.csv, in file order, read once per process."""
    with Path(path or FIELDS_CSV).open(encoding="utf-8") as f:
        return tuple(Field(r["template"], r["table"], r["row"], r["col"], r["row_label"], r["col_label"])
                     for r in csv.DictReader(f))


def cell_ids(path: str | None = None) -> list[str]:
    """Every cell id once, in template order (2019-only and 2021-only cells included)."""
    return list(dict.fromkeys(f.cell_id for f in read_fields(path)))


def template_for_year(year: int | None) -> str | None:
    """The template a report year is printed in: the 2021 revision from report year 2021 on."""
    if year is None:
        return None
    return "2021" if year >= 2021 else "2019"
