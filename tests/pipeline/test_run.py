"""The one composition: batches of paths through the extract step, spool ids handed to publish,
and no extract step at all when every file is unchanged and published as is (CLI and flow alike)."""

from __future__ import annotations

import os
import shutil
import sys

import pandas as pd
import pytest

from pipeline.run import RunRequest, Steps, plan, run
from pipeline.spool import drop_spools, extract_batch, held, read_spools, write_spool


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
    assert held() == [], "the spooled reports go once published"
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


_opened: list[str] | None = None  # paths opened while a test listens (audit hooks cannot be removed)


def _listen(event: str, args: tuple) -> None:
    if _opened is not None and event == "open" and isinstance(args[0], str):
        _opened.append(args[0])


sys.addaudithook(_listen)


def test_nightly_run_with_nothing_new_opens_no_report_file_nor_cached_body(tmp_path, fixtures):
    """Issue 12: the no-op run decides from stat() and the SQLite index alone; a report whose digits
    still split (pingtan) stays unread too when the run holds no previous year of its agency."""
    global _opened
    src = tmp_path / "src"
    src.mkdir()
    for name in ("dashuikeng_2020.txt", "pingtan_2023_flattened.txt", "hongze_2024_plain.txt"):
        shutil.copy(fixtures / "text" / name, src / name)
    out = tmp_path / "ds"
    planned = plan(RunRequest(source=str(src), out=str(out), workers=1))
    first = run(planned)
    assert first.result["by_status"] == {"ok": 2, "needs_review": 1} and first.published
    _opened = []
    try:
        again = run(planned)
    finally:
        opened, _opened = _opened, None
    assert not again.published and (again.result["seen"], again.result["cached"], again.result["extracted"]) == (3, 3, 0)
    assert again.result["by_status"] == {"ok": 2, "needs_review": 1}
    # folders are opened to list them (discovery by directory descriptor); files must not be
    touched = [p for p in opened if not os.path.isdir(p)
               and (p.startswith(str(src)) or (p.startswith(str(out / ".cache")) and p.endswith(".json")))]
    assert touched == [], touched


def test_a_split_report_is_loaded_again_when_its_neighbouring_year_is_there(tmp_path, fixtures):
    """nothing_new must not skip a split report its agency's year before or after could settle."""
    from pipeline.batch import RunSettings, discover
    from pipeline.report_index import Entry
    from pipeline.spool import nothing_new

    split = Entry("needs_review", None, 2023, True, "平潭", "福建省")
    assert not split.may_settle({("平潭", "福建省", 2023)}) and split.may_settle({("平潭", "福建省", 2022)})
    assert split.may_settle({("平潭", "福建省", 2024)}) and not split.may_settle({("其他", "福建省", 2022)})
    assert Entry("needs_review", None, 2023, True).may_settle(set()), "an index row without agency: may settle"
    assert not Entry("ok", None, 2023, False, "平潭", "福建省").may_settle({("平潭", "福建省", 2022)})
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(fixtures / "text" / "pingtan_2023_flattened.txt", src / "p.txt")
    out = tmp_path / "ds"
    run(plan(RunRequest(source=str(src), out=str(out), workers=1)))
    settings = RunSettings(workers=1, cache_dir=str(out / ".cache"))
    assert nothing_new(discover(src), settings, str(out)) is not None
    text = (src / "p.txt").read_text(encoding="utf-8").replace("2023", "2022")  # the same agency's year before
    (src / "p2022.txt").write_text(text, encoding="utf-8")
    run(plan(RunRequest(source=str(src), out=str(out), workers=1)))
    assert nothing_new(discover(src), settings, str(out)) is None  # 2023 may settle against 2022: load both


def test_spooled_reports_reach_publish_unserialised_and_an_unknown_id_is_loud():
    """Issue 12: a batch's reports were pickled to a spool file and read back (~2 ms/report);
    every step runs in the run's process, so they are handed on as they are, by id."""
    from ogi.errors import OgiError
    from ogi.types import Report

    reps = [Report(report_id=f"r{i}", file_name=f"{i}.txt", sha256="", format="txt") for i in range(3)]
    sid = write_spool(reps)
    try:
        got = read_spools([sid])
        assert [r.report_id for r in got] == ["r0", "r1", "r2"] and all(a is b for a, b in zip(got, reps))
        with pytest.raises(OgiError, match="not held by this process"):
            read_spools([sid, "spool:elsewhere"])  # never publish a run without one of its batches
    finally:
        drop_spools([sid])
    assert sid not in held() and write_spool([]) is None


def test_a_publish_that_fails_holds_no_spooled_report(tmp_path, fixtures, monkeypatch):
    import pipeline.run as run_mod

    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(fixtures / "text" / "dashuikeng_2020.txt", src / "a.txt")

    def broken(reports, out):
        raise OSError("the dataset's disk went away")

    monkeypatch.setattr(run_mod, "publish_to", broken)
    with pytest.raises(OSError, match="went away"):
        run(plan(RunRequest(source=str(src), out=str(tmp_path / "ds"), workers=1)))
    assert held() == []
