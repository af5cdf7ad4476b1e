"""A polite HTTP GET: one request at a time per host, delays, retries, size cap.

Redirects are followed by hand so every hop passes the same guard (scheme, host,
robots.txt) as the first URL: a portal may redirect off-site.
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
    off-host, bad-scheme, too-large, gave-up, redirect-loop, network."""

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
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchFailure(f"only http/https URLs are fetched: {url}", reason="bad-scheme", url=url)


def host_key(url: str) -> str:
    """scheme://host:port, the unit of politeness and of robots.txt."""
    p = urlsplit(url)
    port = p.port or (443 if p.scheme == "https" else 80)
    return f"{p.scheme}://{(p.hostname or '').lower()}:{port}"


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
                url = urljoin(url, resp.headers["location"])
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
        """One URL, retried on 5xx/429/timeouts with backoff; redirects are returned, not followed."""
        s = self.settings
        last_problem = ""
        for attempt in range(1, s.max_tries + 1):
            self._pace(url)
            retry_after: float | None = None
            try:
                self.requests += 1
                with self.client.stream("GET", url, headers=headers) as r:
                    if r.status_code in RETRY_STATUSES:
                        retry_after = retry_after_seconds(r.headers.get("retry-after"))
                        last_problem = f"HTTP {r.status_code}"
                        status: int | None = r.status_code
                    else:
                        body = self._read_capped(r, url) if r.status_code == 200 else b""
                        return Response(url=url, status=r.status_code, headers=r.headers, body=body, tries=attempt)
            except httpx.TimeoutException:
                last_problem, status = "timeout", None
            except httpx.TransportError as e:
                last_problem, status = f"network error: {type(e).__name__}", None
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

    def _read_capped(self, r: httpx.Response, url: str) -> bytes:
        """Stream the body, stopping as soon as it passes ``max_bytes``."""
        limit = self.settings.max_bytes
        declared = r.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise FetchFailure(f"body of {declared} bytes is over the {limit}-byte limit", reason="too-large",
                               url=url, http_status=r.status_code)
        chunks: list[bytes] = []
        size = 0
        for chunk in r.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise FetchFailure(f"body passed the {limit}-byte limit; stopped reading", reason="too-large",
                                   url=url, http_status=r.status_code)
            chunks.append(chunk)
        return b"".join(chunks)
