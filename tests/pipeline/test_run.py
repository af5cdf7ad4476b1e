"""The one composition: batches of paths through the extract step, spool files handed to publish,
and no extract step at all when every file is unchanged and published as is (CLI and flow alike)."""

from __future__ import annotations

import shutil

import pandas as pd

from pipeline.run import RunRequest, Steps, plan, run
from pipeline.spool import extract_batch


def test_batches_spool_and_a_rerun_with_nothing_new_starts_no_extract_step(tmp_path, fixtures):
    src = tmp_path / "src"
    src.mkdir()
    for name in ("dashuikeng_2020.txt", "gaotian_2024_layout.txt"):
        shutil.copy(fixtures / "text" / name, src / name)
    (src / "broken.pdf").write_bytes(b"not a pdf at all")
    out = tmp_path / "ds"
    calls: list[tuple[int, int]] = []

    def extract(files, settings, out_, first, skip):
        calls.append((first, len(files)))
        return extract_batch(files, settings, out_, skip)

    planned = plan(RunRequest(source=str(src), out=str(out), workers=1))
    first = run(planned, Steps(extract=extract, batch=2))
    assert calls == [(0, 2), (2, 1)]  # two batches of at most 2 paths
    assert (first.result["seen"], first.result["extracted"], first.result["reports"]) == (3, 3, 3)
    assert first.result["by_status"] == {"ok": 2, "unreadable": 1} and first.published
    assert not list((out / ".cache" / "spool").glob("*")), "spool files go once published"
    assert len(pd.read_parquet(out / "facts")) == 198 + 200

    calls.clear()
    again = run(planned, Steps(extract=extract, batch=2))
    assert calls == [] and not again.published  # nothing new: no extract step, dataset left as is
    assert (again.result["seen"], again.result["cached"], again.result["by_status"]) == (
        3, 3, {"ok": 2, "unreadable": 1})

    (src / "dashuikeng_2020.txt").write_text((src / "dashuikeng_2020.txt").read_text(encoding="utf-8") + "\n",
                                             encoding="utf-8")
    changed = run(planned, Steps(extract=extract, batch=2))
    assert [n for _, n in calls] == [2, 1] and changed.result["extracted"] == 1 and changed.published
    assert changed.pub.reports == 3 and changed.pub.replaced == 1  # only the changed report was spooled
