"""End to end on the fixture portal: what is found, what is never asked for, repeat runs."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import pytest

from fetchers import RawStore, Source, crawl
from fetchers.settings import USER_AGENT

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "portal"
HTML_REPORT = FIX / "xxgk/ndbg/202001/t20200127_7988260.html"
PDF = FIX / "upload/2024/P020240110.pdf"
TXT = FIX / "xxgk/ndbg/201901/W020200116691822173.txt"


def sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


@pytest.fixture
def source(portal) -> Source:
    return Source(name="fixture", url=portal.url("/xxgk/ndbg/index.html"), region="999999")


@pytest.fixture
def first_run(portal, source, fast, tmp_path, httpserver):
    store = RawStore(tmp_path / "raw")
    result = crawl(source, fast, store)
    log = list(httpserver.log)
    yield result, log, store
    store.close()


def paths(log) -> list[str]:
    return [req.path for req, _resp in log]


def test_every_report_found_exactly_once(first_run, portal):
    result, _log, _store = first_run
    stored = result.stored
    assert sorted(r.sha256 for r in stored) == sorted([sha(HTML_REPORT), sha(PDF), sha(TXT)])
    assert {r.status for r in stored} == {"new"}
    by_sha = {r.sha256: r for r in stored}
    html = by_sha[sha(HTML_REPORT)]
    assert html.url == portal.url("/xxgk/ndbg/202001/t20200127_7988260.html")
    assert html.content_type == "text/html" and html.path.suffix == ".html"
    assert html.referer == portal.url("/xxgk/ndbg/index.html")
    pdf = by_sha[sha(PDF)]
    assert pdf.path.suffix == ".pdf" and pdf.content_type == "application/pdf"
    assert {pdf.url, *pdf.also_urls} == {portal.url("/upload/2024/P020240110.pdf"),
                                         portal.url("/xxgk/ndbg/202402/P020240110.pdf")}
    assert pdf.referer == portal.url("/xxgk/ndbg/202401/t20240110_100.html")  # the stub, not the listing
    assert pdf.file_name == "年报.pdf"
    txt = by_sha[sha(TXT)]
    assert txt.path.suffix == ".txt" and txt.content_type == "text/plain"
    for r in stored:
        assert r.path.read_bytes() == (HTML_REPORT if r is html else PDF if r is pdf else TXT).read_bytes()
        assert r.path.name == f"{r.sha256}{r.path.suffix}" and r.path.parent.name == r.sha256[:2]


def test_stub_and_non_report_pages_are_not_reports(first_run, portal):
    result, _log, _store = first_run
    urls = {r.url for r in result.stored}
    assert portal.url("/xxgk/ndbg/202401/t20240110_100.html") not in urls
    skipped = {s.url: s for s in result.skipped}
    notice = skipped[portal.url("/xxgk/ndbg/202312/t20231201_101.html")]
    assert notice.reason.startswith("not a report")
    assert portal.url("/xxgk/ndbg/202401/t20240110_100.html") not in skipped  # a stub is not skipped


def test_failures_recorded_without_stopping(first_run, portal):
    result, _log, _store = first_run
    reasons = {f.url: f.reason for f in result.failures}
    assert reasons[portal.url("/xxgk/ndbg/202201/t20220115_102.html")] == "http-404"
    assert reasons[portal.url("/private/ndbg/t20230101_103.html")] == "robots-disallowed"
    assert reasons[portal.url("/private/ndbg/t20190101_106.html")] == "robots-disallowed"  # on the last page
    assert reasons[f"http://{portal.other_host}/xxgk/ndbg/t20230102_104.html"] == "off-host"
    failed = {r.url: r.reason for r in result.by_status("failed")}
    assert failed[portal.url("/xxgk/ndbg/202201/t20220115_102.html")] == "http-404"
    soft = portal.url("/upload/2018/P020180110.pdf")  # "pdf" that is an HTML error page
    assert reasons[soft] == "not-a-document" and failed[soft] == "not-a-document"
    assert len(result.stored) == 3  # found the reports after the 404


def test_politeness_on_the_wire(first_run, portal):
    _result, log, _store = first_run
    seen = paths(log)
    assert seen[0] == "/robots.txt" and seen.count("/robots.txt") == 1
    assert not [p for p in seen if p.startswith("/private/")]
    assert {req.host for req, _ in log} == {portal.host}  # never the off-host link
    assert "/xxgk/zcwj/t20231105_200.html" not in seen  # links not naming a report are not followed
    assert all(req.headers.get("User-Agent") == USER_AGENT for req, _ in log)
    assert seen.count("/xxgk/ndbg/202001/t20200127_7988260.html") == 1  # linked twice, asked once


def test_pagination_followed(first_run, portal):
    result, log, _store = first_run
    assert result.listing_pages == [portal.url(f"/xxgk/ndbg/{n}.html") for n in ("index", "index_1", "index_2")]
    assert paths(log).count("/xxgk/ndbg/index_1.html") == 1


def test_503_retried_then_recovered(first_run, portal):
    _result, log, _store = first_run
    statuses = [resp.status_code for req, resp in log if req.path == "/xxgk/ndbg/202402/t20240201_105.html"]
    assert statuses == [503, 200]


def test_second_run_is_conditional_and_stores_nothing(first_run, source, fast, httpserver, portal):
    result1, _log, store = first_run
    files_before = sorted(p for p in store.root.rglob("*") if p.is_file() and p.name != "manifest.sqlite")
    httpserver.clear_log()
    result2 = crawl(source, fast, store)
    log2 = list(httpserver.log)
    assert log2, "the second run asked nothing at all"
    for req, resp in log2:
        assert req.headers.get("If-None-Match") or req.headers.get("If-Modified-Since"), req.path
        assert resp.status_code == 304, req.path
    assert "/xxgk/ndbg/202201/t20220115_102.html" not in paths(log2)  # a fresh 404 is not asked again
    assert "/upload/2018/P020180110.pdf" not in paths(log2)  # nor a fresh non-document
    assert {f.url: f.reason for f in result2.failures} == {f.url: f.reason for f in result1.failures}
    assert sorted((r.sha256, r.url) for r in result2.stored) == sorted((r.sha256, r.url) for r in result1.stored)
    assert {r.status for r in result2.stored} == {"unchanged"}
    files_after = sorted(p for p in store.root.rglob("*") if p.is_file() and p.name != "manifest.sqlite")
    assert files_after == files_before
    assert [s.url for s in result2.skipped] == [s.url for s in result1.skipped]


def test_manifest_rows(first_run, portal):
    _result, _log, store = first_run
    e = store.lookup(portal.url("/upload/2024/P020240110.pdf"))
    assert e is not None and e.sha256 == sha(PDF) and e.etag and e.http_status == 200
    assert e.content_type == "application/pdf" and e.file_name == "年报.pdf" and e.role == "report"
    assert store.lookup(portal.url("/xxgk/ndbg/202402/P020240110.pdf")).sha256 == sha(PDF)
    gone = store.lookup(portal.url("/xxgk/ndbg/202201/t20220115_102.html"))
    assert gone is not None and gone.http_status == 404 and gone.sha256 is None
    assert store.lookup(portal.url("/private/ndbg/t20230101_103.html")) is None


def test_file_without_validators_is_not_asked_again(httpserver, fast, tmp_path):
    """A stored attachment whose server sends no ETag/Last-Modified is kept, not re-downloaded."""
    pdf = PDF.read_bytes()
    listing = '<html><body><a href="/f/2023.pdf">2023年政府信息公开工作年度报告</a></body></html>'
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/list/").respond_with_data(listing, content_type="text/html; charset=utf-8")
    httpserver.expect_request("/f/2023.pdf").respond_with_data(pdf, content_type="application/pdf")
    src = Source("bare", f"http://127.0.0.1:{httpserver.port}/list/")
    with RawStore(tmp_path / "raw") as store:
        first = crawl(src, fast, store)
        httpserver.clear_log()
        second = crawl(src, fast, store)
        assert "/f/2023.pdf" not in paths(httpserver.log)
        httpserver.clear_log()
        third = crawl(src, replace(fast, recheck_files=True), store)
        assert paths(httpserver.log).count("/f/2023.pdf") == 1
    assert [r.status for r in first.stored] == ["new"]
    assert [r.status for r in second.stored] == ["unchanged"] == [r.status for r in third.stored]
    assert first.stored[0].sha256 == second.stored[0].sha256 == sha(PDF)
