"""Issue 16, must show: a loopback listing with a malformed link, a backslash redirect and an
attachment trickling one byte every 10 s beside two good PDFs. The run (crawl, extract, publish)
ends within two minutes, both good PDFs are in the dataset, and each bad URL is counted with its
reason."""

from __future__ import annotations

import threading

import pytest

from pipeline.run import RunRequest, plan, run
from tests.hardening.support import PDFS, listing, read

pytestmark = pytest.mark.slow  # a whole run with two PDFs to extract

GUARD_S = 120  # "the crawl ends within two minutes": a run still going then fails the test


def test_hostile_listing_beside_two_good_pdfs(loopback, tmp_path):
    loopback.file("/f/good1.pdf", PDFS[0].read_bytes())
    loopback.file("/f/good2.pdf", PDFS[1].read_bytes())
    loopback.redirect("/f/moved.pdf", "http:\\\\127.0.0.1\\x.pdf")
    loopback.trickle("/f/slow.pdf", every=10.0)
    loopback.page("/list/", listing([
        ("/f/good1.pdf", "2023年政府信息公开工作年度报告.pdf"), ("http://[::1/x.pdf", "2022年度报告.pdf"),
        ("/f/moved.pdf", "2021年度报告.pdf"), ("/f/slow.pdf", "2020年度报告.pdf"),
        ("/f/good2.pdf", "2024年政府信息公开工作年度报告.pdf")]))
    out = tmp_path / "ds"
    request = RunRequest(source=loopback.url("/list/"), out=str(out), workers=2, fetch_delay=0.0,
                         response_deadline=3.0)
    got: dict = {}

    def go() -> None:
        try:
            got["outcome"] = run(plan(request))
        except BaseException as e:  # noqa: BLE001 (handed to the test thread)
            got["error"] = e

    t = threading.Thread(target=go, daemon=True)
    t.start()
    t.join(GUARD_S)
    assert not t.is_alive(), f"the run did not end within {GUARD_S} s"
    if "error" in got:
        raise got["error"]
    outcome = got["outcome"]
    reports = read(out)
    assert sorted(reports["source_url"]) == [loopback.url("/f/good1.pdf"), loopback.url("/f/good2.pdf")]
    assert outcome.result["fetch_failed"] == 3 and outcome.result["sources_failed"] == 0
    assert outcome.fetch.failed.keys() == {"http://[::1/x.pdf", loopback.url("/f/moved.pdf"),
                                           loopback.url("/f/slow.pdf")}
    assert all(outcome.fetch.failed.values())
    assert "response took longer than the 3 s deadline" in outcome.fetch.failed[loopback.url("/f/slow.pdf")]
