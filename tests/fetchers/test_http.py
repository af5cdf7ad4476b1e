"""The polite GET alone, against loopback: retries, Retry-After, size cap, redirects, pacing."""

from __future__ import annotations

import socket
from dataclasses import replace
from datetime import UTC

import pytest
from werkzeug import Response

from fetchers.http import Fetcher, FetchFailure, backoff_seconds, retry_after_seconds
from fetchers.settings import FetchSettings


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def fetcher(settings: FetchSettings, sleeps: Sleeps | None = None) -> Fetcher:
    return Fetcher(settings, sleep=sleeps if sleeps is not None else Sleeps(), clock=lambda: 0.0)


def test_retry_after_is_honoured_then_success(httpserver, fast):
    httpserver.expect_oneshot_request("/r").respond_with_data("slow down", status=429, headers={"Retry-After": "7"})
    httpserver.expect_request("/r").respond_with_data("ok")
    sleeps = Sleeps()
    with fetcher(fast, sleeps) as f:
        resp = f.get(httpserver.url_for("/r"))
    assert (resp.status, resp.body, resp.tries) == (200, b"ok", 2)
    assert sleeps == [7.0]


def test_gives_up_after_max_tries_with_backoff(httpserver, fast):
    httpserver.expect_request("/down").respond_with_data("down", status=503)
    sleeps = Sleeps()
    settings = replace(fast, backoff=1.0, max_tries=4)
    with fetcher(settings, sleeps) as f, pytest.raises(FetchFailure) as e:
        f.get(httpserver.url_for("/down"))
    assert e.value.reason == "gave-up" and e.value.http_status == 503
    assert len(httpserver.log) == 4 and sleeps == [1.0, 2.0, 4.0]


def test_network_error_is_retried_then_gives_up(fast):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now: connection refused
    with fetcher(fast) as f, pytest.raises(FetchFailure) as e:
        f.get(f"http://127.0.0.1:{port}/x")
    assert e.value.reason == "gave-up" and "network error" in str(e.value)
    assert f.requests == fast.max_tries


def test_404_is_not_retried(httpserver, fast):
    httpserver.expect_request("/gone").respond_with_data("no", status=404)
    with fetcher(fast) as f, pytest.raises(FetchFailure) as e:
        f.get(httpserver.url_for("/gone"))
    assert (e.value.reason, e.value.http_status, len(httpserver.log)) == ("http-404", 404, 1)


def test_too_large_by_content_length(httpserver, fast):
    httpserver.expect_request("/big").respond_with_data(b"x" * 5000)
    with fetcher(replace(fast, max_bytes=1000)) as f, pytest.raises(FetchFailure) as e:
        f.get(httpserver.url_for("/big"))
    assert e.value.reason == "too-large"


def test_too_large_while_streaming(httpserver, fast):
    def chunks(_request):
        return Response((b"y" * 1024 for _ in range(64)), content_type="application/pdf")  # no Content-Length

    httpserver.expect_request("/stream").respond_with_handler(chunks)
    with fetcher(replace(fast, max_bytes=4096)) as f, pytest.raises(FetchFailure) as e:
        f.get(httpserver.url_for("/stream"))
    assert e.value.reason == "too-large" and "stopped reading" in str(e.value)


def test_redirect_hops_pass_the_guard(httpserver, fast):
    httpserver.expect_request("/a").respond_with_data("", status=302, headers={"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data("landed")
    httpserver.expect_request("/c").respond_with_data(
        "", status=301, headers={"Location": f"http://localhost:{httpserver.port}/b"})
    u = f"http://127.0.0.1:{httpserver.port}".__add__  # url_for() names the host localhost
    guarded: list[str] = []

    def guard(url: str) -> None:
        guarded.append(url)
        if "localhost" in url:
            raise FetchFailure("off-host", reason="off-host", url=url)

    with fetcher(fast) as f:
        resp = f.get(u("/a"), guard=guard)
        assert (resp.body, resp.url) == (b"landed", u("/b"))
        with pytest.raises(FetchFailure) as e:
            f.get(u("/c"), guard=guard)
    assert e.value.reason == "off-host"
    assert guarded == [u("/a"), u("/b"), u("/c"),
                       f"http://localhost:{httpserver.port}/b"]
    assert [r.path for r, _ in httpserver.log] == ["/a", "/b", "/c"]


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/x.pdf", "file:///etc/passwd", "javascript:alert(1)"])
def test_only_http_and_https(fast, url):
    with fetcher(fast) as f, pytest.raises(FetchFailure) as e:
        f.get(url)
    assert e.value.reason == "bad-scheme" and f.requests == 0


def test_delay_between_requests_to_one_host(httpserver, fast):
    httpserver.expect_request("/p").respond_with_data("ok")
    sleeps = Sleeps()
    with fetcher(replace(fast, delay=1.5), sleeps) as f:
        f.get(httpserver.url_for("/p"))
        f.get(httpserver.url_for("/p"))
        f.set_min_delay(httpserver.url_for("/"), 4.0)  # robots.txt Crawl-delay
        f.get(httpserver.url_for("/p"))
    assert sleeps == [1.5, 4.0]  # the clock stands still, so the whole delay is slept


def test_retry_after_forms():
    assert retry_after_seconds("120") == 120.0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None
    from datetime import datetime

    now = datetime(2024, 1, 10, 8, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("Wed, 10 Jan 2024 08:00:30 GMT", now=now) == 30.0


def test_backoff_is_capped():
    s = FetchSettings(backoff=2.0, max_backoff=10.0)
    assert [backoff_seconds(s, n, None) for n in (1, 2, 3, 4)] == [2.0, 4.0, 8.0, 10.0]
    assert backoff_seconds(s, 1, 3600.0) == 10.0
