"""Property tests (hypothesis): random file names, random bytes and random HTTP responses thrown at
discovery, the extractors and the crawler. No exception escapes a file or a URL; every input gets
one row, or one reason. ``OGI_PROP_EXAMPLES`` (default 25) sets how many examples each draws."""

from __future__ import annotations

import os
import tempfile
import zlib
from datetime import timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fetchers import FetchSettings, RawStore, crawl
from fetchers.links import parse_page, report_links, wanted_bad_link
from fetchers.settings import DEFAULT_LINK_PATTERN
from fetchers.sources import Source
from ogi.status import OK_STATUSES, Status
from pipeline.batch import Cache, process_file, report_to_json
from pipeline.files import SKIP_SUFFIXES, discover
from pipeline.report_index import ReportIndex
from publish.local import to_tables
from tests.hardening.support import PDFS, TEXT, Loopback

STATUSES = {str(s) for s in Status}
PROPS = settings(max_examples=int(os.environ.get("OGI_PROP_EXAMPLES", "25")), deadline=timedelta(seconds=30), derandomize=True,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                        HealthCheck.function_scoped_fixture])
GOOD_BYTES = (TEXT / "dashuikeng_2020.txt").read_bytes()


def check_rows(reports, names) -> None:
    """One report per input, each either usable or with a reason; the rows go to Parquet and JSON."""
    assert len(reports) == len(names)
    for r in reports:
        assert str(r.status) in STATUSES
        assert r.status in OK_STATUSES or r.error, (r.file_name, r.status)
        r.file_name.encode("utf-8")
        report_to_json(r).encode("utf-8")
    with tempfile.TemporaryDirectory() as d:
        tables = to_tables(reports)
        pq.write_table(tables["reports"], Path(d) / "r.parquet")
        assert pq.read_table(Path(d) / "r.parquet").num_rows == len(reports)


# ---- discovery: any name the file system allows, at any depth ----------------------------------

_name = st.binary(min_size=1, max_size=80).map(lambda b: b.replace(b"/", b"_").replace(b"\0", b"_")) \
    .filter(lambda b: b not in (b".", b".."))
_content = st.sampled_from([GOOD_BYTES, b"", b"\xff\xfe garbage \x00", b"%PDF-1.4 truncated", "年报".encode("gbk")])


@PROPS
@given(st.lists(st.tuples(st.lists(_name, max_size=3), _name, _content), min_size=1, max_size=6))
def test_any_file_names_are_discovered_and_each_gets_one_row(entries):
    with tempfile.TemporaryDirectory() as d:
        root = os.fsencode(d)
        made: dict[bytes, bytes] = {}
        for folders, name, data in entries:
            where = os.path.join(root, *folders) if folders else root
            try:
                os.makedirs(where, exist_ok=True)
                path = os.path.join(where, name)
                if os.path.isdir(path):
                    continue
                with open(path, "wb") as f:
                    f.write(data)
            except (FileExistsError, NotADirectoryError, IsADirectoryError):
                continue  # a name drawn both as a folder and as a file
            made[os.path.relpath(path, root)] = data
        files = discover(d)
        hidden = {k for k in made if any(p.startswith(b".") for p in k.split(b"/"))
                  or os.path.splitext(k)[1].decode("utf-8", "replace").lower() in SKIP_SUFFIXES}
        assert sorted(os.fsencode(os.path.relpath(f.path, d)) for f in files) == sorted(set(made) - hidden)
        reports = [process_file(f) for f in files]
        check_rows(reports, files)
        index = ReportIndex(Path(d) / ".idx")
        assert set(index.shas([f.path for f in files])) == {f.path for f in files}
        assert set(index.shas([f.path for f in files])) == {f.path for f in files}  # from the index now
        index.close()


# ---- the extractors: random bytes behind each format's magic -----------------------------------

# (.doc goes through a LibreOffice conversion, seconds a file: the malformed corpus covers it)
_MAGIC = {".pdf": b"%PDF-1.7\n", ".docx": b"PK\x03\x04",
          ".html": b"<html><body><table><tr><td>", ".txt": "政府信息公开工作年度报告\n".encode(), ".md": b"| a | b |\n",
          "": b""}


@PROPS
@given(st.sampled_from(sorted(_MAGIC)), st.binary(max_size=3000), st.booleans())
def test_random_bytes_behind_any_magic_give_one_row_with_a_reason(suffix, tail, magic):
    data = (_MAGIC[suffix] if magic else b"") + tail
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / f"x{suffix}"
        p.write_bytes(data)
        files = discover(d)
        check_rows([process_file(f) for f in files], files)
        cache = Cache(Path(d) / ".cache", "v")
        rep = process_file(files[0])
        cache.put(rep)
        assert rep.sha256 == "" or cache.get(rep.sha256) is not None or rep.status in ("failed", "timeout")
        cache.index.close()


# ---- the crawler: random links and random responses --------------------------------------------

_url_chars = st.sampled_from(list("abc/.:%[]\\?#=&@ 0123456789") + ["..", "%2F", "%5C", "年", "http://", "//",
                                                                  "[::1", ":99999", "\t", "\x00"])
_href = st.lists(_url_chars, min_size=1, max_size=12).map("".join)
_header_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@st.composite
def responses(draw) -> bytes:
    """A raw HTTP/1.0 response: any status, odd headers, any body."""
    status = draw(st.sampled_from([200, 200, 200, 204, 301, 302, 303, 307, 404, 410, 429, 500, 503, 999]))
    headers = []
    if status in (301, 302, 303, 307) or draw(st.booleans()):
        headers.append(b"Location: " + draw(st.one_of(_href, _header_text)).encode("utf-8", "replace"))
    if draw(st.booleans()):
        headers.append(b"Content-Disposition: attachment; filename=\"" + draw(_header_text).encode() + b"\"")
    if draw(st.booleans()):
        headers.append(b"Content-Encoding: " + draw(st.sampled_from([b"gzip", b"br", b"deflate", b"x"])))
    body = draw(st.one_of(st.binary(max_size=500), st.just(PDFS[0].read_bytes()[:4000]),
                          st.just(b"<html><body>" + "年度报告".encode() + b"</body></html>")))
    length = draw(st.one_of(st.just(str(len(body)).encode()), st.just(b"abc"), st.just(b"99999"), st.just(b"")))
    if length:
        headers.append(b"Content-Length: " + length)
    headers.append(b"Content-Type: " + draw(st.sampled_from([b"application/pdf", b"text/html", b"text/plain",
                                                             b"application/octet-stream"])))
    return b"HTTP/1.0 %d X\r\n" % status + b"\r\n".join(headers) + b"\r\n\r\n" + body


@pytest.fixture(scope="module")
def portal():
    server = Loopback()
    yield server
    server.close()


@pytest.mark.slow  # a crawl per example (~0.3 s each)
@PROPS
@given(st.lists(_href, min_size=1, max_size=6), st.lists(responses(), min_size=1, max_size=6), st.booleans())
def test_random_links_and_responses_each_end_as_a_file_or_a_reason(portal, tmp_path_factory, hrefs, answers,
                                                                   robots_random):
    portal.routes.clear()
    if not robots_random:  # else robots.txt answers at random too (and may close the host)
        portal.answer("/robots.txt", status=404)
    portal.fallback = lambda h: h.wfile.write(answers[zlib.crc32(h.path.encode()) % len(answers)])
    items = "".join(f'<a href="{h}">{k}年政府信息公开工作年度报告.pdf</a>' for k, h in enumerate(hrefs))
    html = f"<html><body>{items}</body></html>"
    portal.page("/list/", html)
    fast = FetchSettings(delay=0.0, backoff=0.0, max_tries=2, timeout=3.0, response_deadline=3.0,
                         max_redirects=3, recheck_gone_days=0)
    with RawStore(tmp_path_factory.mktemp("raw")) as store:
        result = crawl(Source("random", portal.url("/list/")), fast, store)
    page = parse_page(html, portal.url("/list/"))
    pattern = __import__("re").compile(DEFAULT_LINK_PATTERN)
    wanted = {link.url for link in report_links(page, pattern)} | \
             {link.url for link in page.bad_links if wanted_bad_link(link, pattern)}
    wanted.discard(portal.url("/list/"))
    if not result.listing_pages:  # the listing itself failed (robots.txt): that is its one reason
        assert {f.url for f in result.failures} == {portal.url("/list/")}
        return
    seen = {r.url for r in result.reports} | {u for r in result.reports for u in r.also_urls} | \
           {s.url for s in result.skipped} | set(result.listing_pages)
    assert wanted <= seen
    failed_urls = {f.url for f in result.failures}
    for r in result.by_status("failed"):
        assert r.reason and r.url in failed_urls
    for r in result.stored:
        assert r.file_name is None or ("/" not in r.file_name and "\\" not in r.file_name)
