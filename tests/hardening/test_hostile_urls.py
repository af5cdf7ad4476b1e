"""Issue 16, rows 6-10: one URL never costs the source. Each hostile link, redirect or response
on a loopback portal is that URL's failure with a reason; the good reports beside it are stored;
the crawl always ends; only the listing's own host and port are followed; a stored name is a
name, never a path."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from fetchers import FetchSettings, RawStore, crawl
from fetchers.result import CrawlResult
from fetchers.sources import Source
from pipeline.inputs import inputs_from_crawl
from tests.hardening.support import PDFS, listing

GUARD_S = 120  # a crawl that hangs fails the test instead of hanging it (not a timing assert)


def settings(**kw) -> FetchSettings:
    return FetchSettings(**{"delay": 0.0, "backoff": 0.0, "max_tries": 2, "timeout": 5.0, **kw})


def run_crawl(server, store_root: Path, **kw) -> CrawlResult:
    """Crawl the server's /list/ in a thread; fail if it has not ended after GUARD_S."""
    got: dict[str, object] = {}

    def go() -> None:
        try:
            with RawStore(store_root) as store:
                got["result"] = crawl(Source("hostile", server.url("/list/")), settings(**kw), store)
        except BaseException as e:  # noqa: BLE001 (handed to the test thread)
            got["error"] = e

    t = threading.Thread(target=go, daemon=True)
    t.start()
    t.join(GUARD_S)
    assert not t.is_alive(), f"the crawl did not end within {GUARD_S} s"
    if "error" in got:
        raise got["error"]  # type: ignore[misc]
    return got["result"]  # type: ignore[return-value]


def failures(result: CrawlResult) -> dict[str, str]:
    return {f.url: f.reason for f in result.failures}


def good_pdfs(server) -> list[tuple[str, str]]:
    server.file("/f/good1.pdf", PDFS[0].read_bytes())
    server.file("/f/good2.pdf", PDFS[1].read_bytes())
    return [("/f/good1.pdf", "2023年政府信息公开工作年度报告.pdf"), ("/f/good2.pdf", "2024年政府信息公开工作年度报告.pdf")]


def stored_paths(result: CrawlResult) -> set[str]:
    return {r.url.split("/", 3)[-1] for r in result.stored}


def test_malformed_link_is_that_urls_reason_the_rest_is_fetched(loopback, tmp_path):
    good = good_pdfs(loopback)
    loopback.page("/list/", listing([good[0], ("http://[::1/x.pdf", "2022年度报告.pdf"),
                                     ("http://127.0.0.1:99999/y.pdf", "2021年度报告.pdf"), good[1]]))
    result = run_crawl(loopback, tmp_path / "raw")
    assert stored_paths(result) == {"f/good1.pdf", "f/good2.pdf"}
    assert failures(result) == {"http://[::1/x.pdf": "bad-url", "http://127.0.0.1:99999/y.pdf": "bad-url"}
    assert {r.url for r in result.by_status("failed")} == set(failures(result))


def test_backslash_redirect_is_that_urls_reason(loopback, tmp_path):
    good = good_pdfs(loopback)
    loopback.redirect("/f/moved.pdf", "http:\\\\127.0.0.1\\x.pdf")
    loopback.redirect("/f/away.pdf", "http:\\\\evil.example\\x.pdf")
    loopback.page("/list/", listing([good[0], ("/f/moved.pdf", "2022年度报告.pdf"),
                                     ("/f/away.pdf", "2021年度报告.pdf"), good[1]]))
    result = run_crawl(loopback, tmp_path / "raw")
    assert stored_paths(result) == {"f/good1.pdf", "f/good2.pdf"}
    assert set(failures(result).values()) == {"bad-url"} and len(failures(result)) == 2
    assert not [h for h in loopback.hits if "\\" in h or "x.pdf" in h]


def test_trickling_server_costs_at_most_the_response_deadline(loopback, tmp_path):
    good = good_pdfs(loopback)
    loopback.trickle("/f/slow.pdf", every=10.0)
    loopback.page("/list/", listing([good[0], ("/f/slow.pdf", "2022年度报告.pdf"), good[1]]))
    result = run_crawl(loopback, tmp_path / "raw", response_deadline=1.5, timeout=30.0)
    assert stored_paths(result) == {"f/good1.pdf", "f/good2.pdf"}
    assert failures(result) == {loopback.url("/f/slow.pdf"): "too-slow"}
    assert loopback.hits.count("/f/slow.pdf") == 1  # too slow is not retried


def test_crawl_deadline_fails_the_links_not_reached(loopback, tmp_path):
    good = good_pdfs(loopback)
    loopback.trickle("/f/slow.pdf", every=10.0)
    loopback.page("/list/", listing([("/f/slow.pdf", "2022年度报告.pdf"), *good]))
    result = run_crawl(loopback, tmp_path / "raw", response_deadline=1.0, crawl_deadline=0.5)
    assert failures(result)[loopback.url("/f/good1.pdf")] == "crawl-deadline"
    assert {r.url for r in result.by_status("failed")} == set(failures(result))
    assert not result.stored


def test_redirect_to_the_same_host_on_another_port_is_not_followed(loopback, loopback2, tmp_path):
    good = good_pdfs(loopback)
    loopback2.file("/x.pdf", PDFS[0].read_bytes() + b"\n%other")
    loopback.redirect("/f/elsewhere.pdf", loopback2.url("/x.pdf"))
    loopback.page("/list/", listing([good[0], ("/f/elsewhere.pdf", "2022年度报告.pdf"),
                                     (loopback2.url("/y.pdf"), "2021年度报告.pdf"), good[1]]))
    result = run_crawl(loopback, tmp_path / "raw")
    assert stored_paths(result) == {"f/good1.pdf", "f/good2.pdf"}
    assert failures(result)[loopback.url("/f/elsewhere.pdf")] == "off-host"
    assert loopback2.hits == []  # neither the redirect nor the direct link reached the other port


def test_dotdot_in_url_or_content_disposition_never_makes_a_path(loopback, tmp_path):
    data = PDFS[0].read_bytes()
    loopback.file("/f/..%2F..%2F..%2F..%2Ftmp%2Fx.pdf", data)
    loopback.file("/f/cd.pdf", data + b"\n%2", headers={
        "Content-Disposition": 'attachment; filename="../../../../tmp/y.pdf"'})
    loopback.file("/f/cd2.pdf", data + b"\n%3", headers={
        "Content-Disposition": "attachment; filename*=UTF-8''..%2F..%2F..%5C..%5Ctmp%2Fz.pdf"})
    loopback.page("/list/", listing([("/f/..%2F..%2F..%2F..%2Ftmp%2Fx.pdf", "2021年度报告.pdf"),
                                     ("/f/cd.pdf", "2022年度报告.pdf"), ("/f/cd2.pdf", "2023年度报告.pdf")]))
    result = run_crawl(loopback, tmp_path / "raw")
    names = sorted(r.file_name for r in result.stored)
    assert names == ["x.pdf", "y.pdf", "z.pdf"]
    inputs = inputs_from_crawl(result)
    assert sorted(i.file_name for i in inputs) == names
    assert all(Path(r.path).resolve().is_relative_to((tmp_path / "raw").resolve()) for r in result.stored)


def test_bad_content_encoding_is_that_urls_reason(loopback, tmp_path):
    good = good_pdfs(loopback)
    loopback.answer("/f/gz.pdf", body=b"this is not gzip", headers={"Content-Encoding": "gzip",
                                                                    "Content-Type": "application/pdf"})
    loopback.page("/list/", listing([good[0], ("/f/gz.pdf", "2022年度报告.pdf"), good[1]]))
    result = run_crawl(loopback, tmp_path / "raw")
    assert stored_paths(result) == {"f/good1.pdf", "f/good2.pdf"}
    assert failures(result) == {loopback.url("/f/gz.pdf"): "bad-response"}


@pytest.mark.parametrize("href", ["http://[::1/x.pdf", "http://127.0.0.1:99999/y.pdf", "http://a b.pdf"])
def test_malformed_link_on_an_article_stub(loopback, tmp_path, href):
    good = good_pdfs(loopback)
    loopback.page("/a/1.html", '<html><body><p>2023年政府信息公开工作年度报告</p>'
                               f'<a href="{href}">附件1.pdf</a><a href="/f/good1.pdf">附件2.pdf</a></body></html>')
    loopback.page("/list/", listing([("/a/1.html", "2023年政府信息公开工作年度报告"), good[1]]))
    result = run_crawl(loopback, tmp_path / "raw")
    assert stored_paths(result) == {"f/good1.pdf", "f/good2.pdf"}
    assert len(result.by_status("failed")) == 1 and set(failures(result).values()) <= {"bad-url", "bad-scheme", "off-host"}
