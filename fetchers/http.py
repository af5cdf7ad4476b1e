"""A polite HTTP GET: one request at a time per host, delays, retries, size cap, deadline.

Redirects are followed by hand so every hop passes the same guard (scheme, host and port,
robots.txt) as the first URL: a portal may redirect off-site. Whatever a URL, a redirect or a
response does (a malformed link, ``Location: http:\\host\\x.pdf``, a bad Content-Encoding, one
byte every 10 s), it ends as a :class:`FetchFailure` of that URL with a reason, never another
exception, and a response never takes longer than ``FetchSettings.response_deadline``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import httpx

from fetchers.settings import FetchSettings
from ogi.errors import FetchError

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


class FetchFailure(FetchError):
    """A URL we did not get. ``reason`` is a short code: http-404, robots-disallowed,
    off-host, bad-scheme, bad-url, bad-response, too-large, too-slow, gave-up, redirect-loop, network."""

    def __init__(self, message: str, *, reason: str, url: str, http_status: int | None = None) -> None:
        super().__init__(message, file=url)
        self.reason = reason
        self.url = url
        self.http_status = http_status


@dataclass(slots=True)
class Response:
    """A finished GET: status 200 (``body`` holds the bytes) or 304 (``body`` empty)."""

    url: str  # after redirects
    status: int
    headers: httpx.Headers = field(default_factory=httpx.Headers)
    body: bytes = b""
    tries: int = 1


Guard = Callable[[str], None]  # raises FetchFailure when a URL must not be requested


def check_scheme(url: str) -> None:
    """An absolute http(s) URL with a host and a valid port, or FetchFailure (bad-scheme, bad-url)."""
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises on a port that is not a number in 0-65535
    except ValueError as e:
        raise FetchFailure(f"malformed URL ({e}): {url[:300]}", reason="bad-url", url=url) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchFailure(f"only http/https URLs are fetched: {url[:300]}", reason="bad-scheme", url=url)
    if "\\" in url or any(ord(c) < 0x20 or ord(c) == 0x7F for c in url):
        raise FetchFailure(f"malformed URL (backslash or control character): {url[:300]}",
                           reason="bad-url", url=url)


def site(url: str) -> tuple[str, int]:
    """(host, port) of a URL, the port being the scheme's default when none is written."""
    p = urlsplit(url)
    return (p.hostname or "").lower(), p.port or (443 if p.scheme == "https" else 80)


def same_site(url: str, home: str) -> bool:
    """Whether ``url`` is on ``home``'s host and port. http://h/ and https://h/ (the default ports)
    are one site: portals move to https by a redirect; any other port is another server."""
    try:
        (host, port), (h0, p0) = site(url), site(home)
    except ValueError:
        return False
    return host == h0 and (port == p0 or {port, p0} == {80, 443} and port in (80, 443))


def host_key(url: str) -> str:
    """scheme://host:port, the unit of politeness and of robots.txt."""
    p = urlsplit(url)
    host, port = site(url)
    return f"{p.scheme}://{host}:{port}"


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or HTTP-date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def backoff_seconds(settings: FetchSettings, attempt: int, retry_after: float | None) -> float:
    """Exponential backoff after the ``attempt``-th failed try, at least Retry-After, capped."""
    wait = settings.backoff * (2 ** (attempt - 1))
    if retry_after is not None:
        wait = max(wait, retry_after)
    return min(wait, settings.max_backoff)


class Fetcher:
    """Sequential polite GETs over one httpx client (so at most one request per host at a time)."""

    def __init__(
        self,
        settings: FetchSettings,
        *,
        client: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self._own_client = client is None
        self.client = client or httpx.Client(
            headers={"User-Agent": settings.user_agent},
            timeout=httpx.Timeout(settings.timeout),
            follow_redirects=False,
            trust_env=False,  # never route through an environment proxy
        )
        self._sleep = sleep
        self._clock = clock
        self._last: dict[str, float] = {}
        self._min_delay: dict[str, float] = {}
        self.requests = 0

    def close(self) -> None:
        if self._own_client:
            self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def set_min_delay(self, url: str, seconds: float) -> None:
        """Raise the pause for this URL's host (robots.txt Crawl-delay)."""
        self._min_delay[host_key(url)] = seconds

    def _pace(self, url: str) -> None:
        key = host_key(url)
        delay = max(self.settings.delay, self._min_delay.get(key, 0.0))
        last = self._last.get(key)
        if last is not None and delay > 0:
            wait = delay - (self._clock() - last)
            if wait > 0:
                self._sleep(wait)

    def get(self, url: str, *, headers: dict[str, str] | None = None, guard: Guard | None = None) -> Response:
        """GET ``url`` following redirects; every hop is scheme-checked and guarded."""
        tries = 0
        for _hop in range(self.settings.max_redirects + 1):
            check_scheme(url)
            if guard is not None:
                guard(url)
            resp = self._get_once(url, headers or {})
            tries += resp.tries
            if resp.status in REDIRECT_STATUSES and resp.headers.get("location"):
                location = resp.headers["location"]
                try:
                    url = urljoin(url, location)
                except ValueError as e:
                    raise FetchFailure(f"redirect to a malformed URL ({e}): {location[:300]}", reason="bad-url",
                                       url=url, http_status=resp.status) from None
                if "\\" in location:  # browsers read http:\\host\\x as http://host/x: never follow it
                    raise FetchFailure(f"redirect to a malformed URL (backslashes): {location[:300]}",
                                       reason="bad-url", url=resp.url, http_status=resp.status)
                log.debug("redirect %s -> %s", resp.url, url)
                continue
            resp.tries = tries
            if resp.status in (200, 304):
                return resp
            if resp.status in REDIRECT_STATUSES:
                raise FetchFailure(f"redirect without Location ({resp.status})", reason=f"http-{resp.status}",
                                   url=url, http_status=resp.status)
            raise FetchFailure(f"HTTP {resp.status}", reason=f"http-{resp.status}", url=url, http_status=resp.status)
        raise FetchFailure(f"more than {self.settings.max_redirects} redirects", reason="redirect-loop", url=url)

    def _get_once(self, url: str, headers: dict[str, str]) -> Response:
        """One URL, retried on 5xx/429/timeouts with backoff; redirects are returned, not followed.
        A response past ``response_deadline`` is not retried: the server is too slow, not down."""
        s = self.settings
        last_problem = ""
        timeout = httpx.Timeout(min(s.timeout, s.response_deadline))
        for attempt in range(1, s.max_tries + 1):
            self._pace(url)
            retry_after: float | None = None
            started = self._clock()
            try:
                self.requests += 1
                with self.client.stream("GET", url, headers=headers, timeout=timeout) as r:
                    if r.status_code in RETRY_STATUSES:
                        retry_after = retry_after_seconds(r.headers.get("retry-after"))
                        last_problem = f"HTTP {r.status_code}"
                        status: int | None = r.status_code
                    else:
                        body = self._read_capped(r, url, started) if r.status_code == 200 else b""
                        return Response(url=url, status=r.status_code, headers=r.headers, body=body, tries=attempt)
            except httpx.TimeoutException:
                if self._clock() - started >= s.response_deadline:
                    raise self._too_slow(url) from None
                last_problem, status = "timeout", None
            except httpx.TransportError as e:
                last_problem, status = f"network error: {type(e).__name__}", None
            except httpx.InvalidURL as e:
                raise FetchFailure(f"malformed URL ({e}): {url[:300]}", reason="bad-url", url=url) from None
            except httpx.HTTPError as e:  # e.g. a body that does not decode as its Content-Encoding says
                raise FetchFailure(f"bad response ({type(e).__name__}: {e})", reason="bad-response", url=url) from None
            finally:
                self._last[host_key(url)] = self._clock()
            if attempt == s.max_tries:
                raise FetchFailure(f"gave up after {attempt} tries ({last_problem})", reason="gave-up",
                                   url=url, http_status=status)
            wait = backoff_seconds(s, attempt, retry_after)
            log.info("%s: %s, retry %d/%d in %.1fs", url, last_problem, attempt, s.max_tries - 1, wait)
            if wait > 0:
                self._sleep(wait)
        raise AssertionError("unreachable")  # the loop always returns or raises

    def _too_slow(self, url: str) -> FetchFailure:
        return FetchFailure(f"response took longer than the {self.settings.response_deadline:g} s deadline; "
                            "stopped reading", reason="too-slow", url=url)

    def _read_capped(self, r: httpx.Response, url: str, started: float | None = None) -> bytes:
        """Stream the body, stopping as soon as it passes ``max_bytes`` or the response deadline."""
        limit = self.settings.max_bytes
        deadline = (started if started is not None else self._clock()) + self.settings.response_deadline
        declared = r.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise FetchFailure(f"body of {declared} bytes is over the {limit}-byte limit", reason="too-large",
                               url=url, http_status=r.status_code)
        chunks: list[bytes] = []
        size = 0
        for chunk in r.iter_bytes():
            if self._clock() > deadline:
                raise self._too_slow(url)
            size += len(chunk)
            if size > limit:
                raise FetchFailure(f"body passed the {limit}-byte limit; stopped reading", reason="too-large",
                                   url=url, http_status=r.status_code)
            chunks.append(chunk)
        return b"".join(chunks)
