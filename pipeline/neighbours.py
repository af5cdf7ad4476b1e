"""The published dataset's values for the neighbouring years of reports whose digits still split open.

Batches are cut per 1000 files, so the same agency's report of the year before (or after)
is often already published rather than in this batch. Only the few reports asked for are
read (their facts by ``report_id``); a dataset that is missing or unreadable gives nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from normalizers.previous_year import Key
from ogi.errors import OgiError
from ogi.settings import is_remote
from publish.remote import read_dataset

log = logging.getLogger(__name__)
REPORT_COLS = ["report_id", "agency", "province", "year", "n_facts", "duplicate_of"]


def published_values(out: str, keys: Iterable[Key]) -> dict[Key, dict[str, float]]:
    """(agency, province, year) → "table.row.col" → value, for those of ``keys`` the dataset holds."""
    keys = set(keys)
    if not keys or (not is_remote(out) and not (Path(out) / "current").exists()):
        return {}
    try:
        reps = _reports(out, sorted({k[0] for k in keys}))
        reps = reps[reps["n_facts"].fillna(0).gt(0)]
        if "duplicate_of" in reps:
            reps = reps[reps["duplicate_of"].isna()]
        best: dict[Key, tuple[int, str]] = {}
        for rid, agency, province, year, n in zip(reps["report_id"], reps["agency"], reps["province"],
                                                  reps["year"], reps["n_facts"]):
            k = (agency, None if province is None or province != province else province, int(year))
            if k in keys and (k not in best or int(n) > best[k][0]):
                best[k] = (int(n), rid)
        if not best:
            return {}
        facts = _facts(out, [rid for _, rid in best.values()])
    except (OSError, OgiError, ValueError, KeyError) as e:
        log.info("cannot read the published dataset for neighbouring years (%s)", e)
        return {}
    by_id: dict[str, dict[str, float]] = {}
    for rid, t, r, c, v in zip(facts["report_id"], facts["table"], facts["row"], facts["col"], facts["value"]):
        if v == v:  # not NaN
            by_id.setdefault(rid, {})[f"{t}.{r}.{c}"] = float(v)
    return {k: by_id[rid] for k, (_, rid) in best.items() if rid in by_id}


def _reports(out: str, agencies: list[str]):
    """The few columns needed, of the reports of ``agencies`` only (the dataset may be large)."""
    import pandas as pd

    if not is_remote(out):
        return pd.read_parquet(Path(out) / "reports", columns=REPORT_COLS, filters=[("agency", "in", agencies)])
    reps = read_dataset(out, "reports")
    return reps[reps["agency"].isin(agencies)]


def _facts(out: str, ids: list[str]):
    import pandas as pd

    if not is_remote(out):
        return pd.read_parquet(Path(out) / "facts", columns=["report_id", "table", "row", "col", "value"],
                               filters=[("report_id", "in", ids)])
    facts = read_dataset(out, "facts")
    return facts[facts["report_id"].isin(ids)]
