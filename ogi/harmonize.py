"""Variables comparable across the 2019 and 2021 templates, computed from a wide frame.

Why: the two template versions share most cells under one id, but not all. A researcher building a
panel needs one column that means the same thing every year. The harmonized variables are

- every cell id printed in both templates with the same meaning (fields.csv gives it in both: all of
  ``requests`` but （六）, all of ``appeals``, and of ``active`` only the 处理决定数量 of 许可, 处罚 and 强制;
  the other ``active`` columns changed meaning in 2021: 新制作/对外公开总数 became 制发/废止/现行有效);
- the derived variables of ``ogi/harmonized.csv`` (data, not code): each lists alternatives
  ``a | b + c + d``; the first alternative whose cells are all present gives the value (a sum when
  it names several), e.g. ``requests.other.total`` = the （六） row as printed, else the sum of the
  three 2021 sub-rows. No alternative complete: null (never a partial sum).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from ogi.fields import TEMPLATES

HERE = Path(__file__).parent
DERIVED = HERE / "harmonized.csv"


@dataclass(frozen=True, slots=True)
class Variable:
    """One harmonized variable: its id, labels and how it is computed from cell ids."""

    id: str
    label_zh: str
    label_en: str
    alternatives: tuple[tuple[str, ...], ...]  # tried in order; the cells of one are summed
    note: str

    @property
    def formula(self) -> str:
        return " | ".join(" + ".join(alt) for alt in self.alternatives)


def _parse(sources: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(c.strip() for c in alt.split("+")) for alt in sources.split("|"))


@cache
def variables() -> tuple[Variable, ...]:
    """Every harmonized variable, in template cell order (fields.csv)."""
    from ogi.codebook import cells  # the codebook documents these variables too: imported late

    entries = cells()
    known = {c.id for c in entries}
    with DERIVED.open(encoding="utf-8") as f:
        derived = {r["variable"]: Variable(r["variable"], r["label_zh"], r["label_en"], _parse(r["sources"]),
                                           r["note"]) for r in csv.DictReader(f)}
    for v in derived.values():
        unknown = [c for alt in v.alternatives for c in alt if c not in known]
        if unknown:
            raise ValueError(f"ogi/harmonized.csv: {v.id} names unknown cell ids {unknown}")
    out = []
    for c in entries:
        if c.id in derived:
            out.append(derived.pop(c.id))
        elif set(c.templates) == set(TEMPLATES):
            out.append(Variable(c.id, c.label_zh, c.label_en, ((c.id,),), "the same cell in both templates"))
    return tuple(out) + tuple(derived.values())


def harmonized_frame(wide: pd.DataFrame, keep: list[str]) -> pd.DataFrame:
    """``wide`` (a column per cell id) reduced to the ``keep`` columns and one column per harmonized variable."""
    out = {c: wide[c] for c in keep}
    for v in variables():
        value = pd.Series(pd.NA, index=wide.index, dtype=wide[v.alternatives[0][0]].dtype)
        for alt in v.alternatives:
            block = wide[list(alt)]
            whole = block.notna().all(axis=1) & value.isna()
            value = value.mask(whole, block.sum(axis=1, min_count=len(alt)))
        out[v.id] = value
    return pd.DataFrame(out, index=wide.index)
