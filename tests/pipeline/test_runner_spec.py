"""The ``--runner`` grammar, checked without Prefect (the CLI parses it before choosing a path)."""

from __future__ import annotations

import pytest

from pipeline.runner_spec import RunnerSpec, parse_runner


def test_parse_runner():
    assert parse_runner(None) == parse_runner("process") == RunnerSpec()
    assert parse_runner("dask") == RunnerSpec(kind="dask")
    assert parse_runner("dask://10.0.0.5:8786").address == "tcp://10.0.0.5:8786"
    assert parse_runner("tcp://127.0.0.1:8786").address == "tcp://127.0.0.1:8786"
    for bad in ("ray", "dask://nohost", "dask://h:port"):
        with pytest.raises(ValueError):
            parse_runner(bad)
