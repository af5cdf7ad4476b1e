"""The one pyarrow schema of each published dataset (the contract in spec/README.md)."""

from __future__ import annotations

import pyarrow as pa

REPORTS = pa.schema([
    ("report_id", pa.string()),
    ("file_name", pa.string()),
    ("sha256", pa.string()),
    ("format", pa.string()),
    ("title", pa.string()),
    ("agency", pa.string()),
    ("admin_level", pa.string()),
    ("province", pa.string()),
    ("city", pa.string()),
    ("county", pa.string()),
    ("township", pa.string()),
    ("region_code", pa.string()),
    ("year", pa.int32()),
    ("template", pa.string()),
    ("status", pa.string()),
    ("error", pa.string()),
    ("published", pa.string()),
    ("source_url", pa.string()),
    ("source_path", pa.string()),
    ("raw_path", pa.string()),
    ("extractor", pa.string()),
    ("fee_charged", pa.bool_()),
    ("fee_notices", pa.int32()),
    ("fee_amount_yuan", pa.float64()),
    ("n_facts", pa.int32()),
    ("n_checks_failed", pa.int32()),
    ("reviewed", pa.bool_()),
    ("agency_id", pa.string()),
    ("territorial_level", pa.string()),
    ("duplicate_of", pa.string()),
    ("region_match", pa.string()),
    ("seen_as", pa.list_(pa.string())),
])

FACTS = pa.schema([
    ("report_id", pa.string()),
    ("table", pa.string()),
    ("row", pa.string()),
    ("col", pa.string()),
    ("value", pa.float64()),
    ("raw", pa.string()),
    ("page", pa.int32()),
    ("bbox", pa.list_(pa.float32(), 4)),
    ("confidence", pa.float32()),
    ("locator", pa.string()),
    ("origin", pa.string()),
    ("extracted_value", pa.float64()),
    ("year", pa.int32()),
])

SECTIONS = pa.schema([
    ("report_id", pa.string()),
    ("section", pa.int8()),
    ("title", pa.string()),
    ("text", pa.string()),
    ("keywords", pa.list_(pa.string())),
    ("year", pa.int32()),
])

CHECKS = pa.schema([
    ("report_id", pa.string()),
    ("rule", pa.string()),
    ("passed", pa.bool_()),
    ("detail", pa.string()),
    ("year", pa.int32()),
])

DATASETS: dict[str, pa.Schema] = {"reports": REPORTS, "facts": FACTS, "sections": SECTIONS, "checks": CHECKS}
PARTITION_COLS = ("year",)
