"""The publish lock: a second publisher waits, says so, and merges into the version the first published."""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor

import pandas as pd

from ogi.types import Report
from publish import local as pub
from publish.dataset_lock import dataset_lock


def _report(rid: str) -> Report:
    return Report(report_id=rid, file_name=f"{rid}.txt", sha256="ab" * 32, format="txt", year=2020, status="ok")


def test_a_second_publisher_waits_and_merges_into_the_new_version(tmp_path, caplog):
    caplog.set_level(logging.WARNING, logger="publish.dataset_lock")
    pub.publish([_report("old")], tmp_path)
    with ThreadPoolExecutor(1) as pool:
        with dataset_lock(tmp_path):
            second = pool.submit(pub.publish, [_report("second")], tmp_path)
            deadline = time.monotonic() + 60
            while "waiting for it to finish" not in caplog.text and time.monotonic() < deadline:
                time.sleep(0.01)
            assert "waiting for it to finish" in caplog.text and "pid" in caplog.text
            # the first writer publishes while the second waits; readers are not blocked meanwhile
            assert pd.read_parquet(tmp_path / "reports")["report_id"].tolist() == ["old"]
            pub._publish_locked([_report("first")], tmp_path)
            assert not second.done()
        second.result(timeout=60)  # re-raises whatever the second publisher hit
    assert sorted(pd.read_parquet(tmp_path / "reports")["report_id"]) == ["first", "old", "second"]
