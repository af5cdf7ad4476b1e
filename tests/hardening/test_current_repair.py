"""Issue 16, row 11: `current` pointing at a deleted version. The next run repairs it from the
newest complete version (with a warning) and merges into that, never silently restarting from an
empty dataset; with no complete version left it stops with one clear line and publishes nothing."""

from __future__ import annotations

import logging
import os
import shutil

import pytest

from publish.local import DatasetBroken
from tests.hardening.support import GOOD, TEXT, ogi_run, read

pytestmark = pytest.mark.slow  # three in-process runs


def _sources(tmp_path):
    """Two folders: `first` with four reports, `more` with those and three more (other bytes)."""
    first, more = tmp_path / "first", tmp_path / "more"
    first.mkdir()
    more.mkdir()
    for k in range(4):
        seed = GOOD[k % 3]
        data = (TEXT / seed).read_bytes() + b"\n" * k
        (first / f"{k}_{seed}").write_bytes(data)
        (more / f"{k}_{seed}").write_bytes(data)
    for k in range(4, 7):
        seed = GOOD[k % 3]
        (more / f"{k}_{seed}").write_bytes((TEXT / seed).read_bytes() + b"\n" * k)
    return first, more


def test_current_pointing_at_a_deleted_version_is_repaired_not_restarted(tmp_path, caplog):
    first, more = _sources(tmp_path)
    out = tmp_path / "ds"
    ogi_run(first, out)
    ogi_run(more, out)
    assert len(read(out)) == 7
    shutil.rmtree((out / "current").resolve())  # someone deleted the version `current` points at
    assert not (out / "current").exists()
    small = tmp_path / "small"
    small.mkdir()
    for p in sorted(more.iterdir())[4:]:  # three reports the surviving version does not hold
        shutil.copy(p, small / p.name)
    with caplog.at_level(logging.WARNING, logger="publish.local"):
        result = ogi_run(small, out)
    assert any("repaired to the newest complete version" in r.getMessage() for r in caplog.records)
    reports = read(out)
    assert result["reports"] == len(reports) == 7  # the four of the surviving version + these three
    assert (out / "current").exists()


def test_current_pointing_nowhere_with_no_version_left_stops_in_one_line(tmp_path):
    first, _more = _sources(tmp_path)
    out = tmp_path / "ds"
    ogi_run(first, out)
    gone = (out / "current").resolve()
    shutil.rmtree(out / ".versions")
    with pytest.raises(DatasetBroken, match="no complete version is left") as err:
        ogi_run(first, out)
    assert "\n" not in str(err.value)
    assert os.readlink(out / "current").endswith(gone.name)  # left as it was for a person to look at
    assert not (out / ".versions").exists() or not any((out / ".versions").iterdir())
