"""Crawl one source: listing pages → report links → article pages → attachments.

Everything fetched goes through :class:`RawStore` (conditional requests on later runs)
and one :class:`Fetcher` (robots.txt, host, delay, retries, size cap).
"""

from __future__ import annotations

import logging
import re
import time
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote, urlsplit

from extractors.encoding import declared_charset, decode_bytes
from fetchers.content import KINDS, disposition_name, header_charset, mime_and_ext, sniff_kind
from fetchers.http import Fetcher, FetchFailure, check_scheme, same_site
from fetchers.links import (
    Link,
    Page,
    attachment_links,
    is_attachment_link,
    pagination_links,
    parse_page,
    report_links,
    report_verdict,
    wanted_bad_link,
)
from fetchers.result import CrawlResult, Failure, ReportFile, Skipped
from fetchers.robots import RobotsPolicy
from fetchers.settings import DEFAULT_LINK_PATTERN, FetchSettings
from fetchers.sources import Source, resolve_source
from fetchers.store import ManifestEntry, RawStore, utc_now
from ogi.errors import is_disk_full
from ogi.names import bare_name

log = logging.getLogger(__name__)

DOCUMENT_KINDS = frozenset(KINDS) - {"html"}
NOT_A_DOCUMENT = "not-a-document"  # manifest role of an attachment URL that gave e.g. an HTML error page


@dataclass(slots=True)
class Fetched:
    """A body we have: fresh (200) or from the store after a 304/skip (``not_modified``)."""

    url: str
    body: bytes
    content_type: str | None
    etag: str | None
    last_modified: str | None
    file_name: str | None
    not_modified: bool = False


def url_file_name(url: str) -> str | None:
    """The last part of the URL's path, decoded: a name only, never ``../`` or folders."""
    try:
        return bare_name(unquote(urlsplit(url).path.rsplit("/", 1)[-1]))
    except ValueError:
        return None


def decode_html(f: Fetched) -> str:
    """Decode by the HTTP charset, else the <meta> charset (GBK often only there)."""
    return decode_bytes(f.body, header_charset(f.content_type) or declared_charset(f.body))


class Crawler:
    """One crawl of one source; use :func:`crawl`."""

    def __init__(self, source: Source, settings: FetchSettings, store: RawStore, fetcher: Fetcher) -> None:
        self.source = source
        self.settings = settings
        self.store = store
        self.fetcher = fetcher
        self.host = (urlsplit(source.url).hostname or "").lower()
        self.started = time.monotonic()
        self.pattern = re.compile(source.link_pattern or DEFAULT_LINK_PATTERN)
        self.robots = RobotsPolicy(self._load_robots, settings.user_agent)
        self.result = CrawlResult(source=source)
        self._tried: set[str] = set()

    # -- guards and fetching -------------------------------------------------
    def on_host(self, url: str) -> bool:
        """The listing's own host and port (http and https on their default ports are one site)."""
        return same_site(url, self.source.url)

    def out_of_time(self) -> bool:
        return time.monotonic() - self.started > self.settings.crawl_deadline

    def _guard(self, url: str) -> None:
        """Called for every request and redirect hop: same host and port, robots.txt allows."""
        if not self.on_host(url):
            raise FetchFailure(f"off-host link (source is {self.host} on its own port)", reason="off-host", url=url)
        rules = self.robots.rules_for(url)
        if not rules.allows(url, self.settings.user_agent):
            raise FetchFailure(f"disallowed by {rules.note}", reason="robots-disallowed", url=url)
        delay = rules.crawl_delay(self.settings.user_agent)
        if delay:
            self.fetcher.set_min_delay(url, delay)

    def _host_only(self, url: str) -> None:
        if not self.on_host(url):
            raise FetchFailure("robots.txt redirected off-host", reason="off-host", url=url)

    def _load_robots(self, url: str) -> bytes:
        f = self._get(url, role="robots", referer=None, guard=self._host_only)
        self._keep_page(f, None)  # so the next run can ask conditionally
        return f.body

    def _conditional_headers(self, entry: ManifestEntry | None) -> dict[str, str]:
        if entry is None or entry.sha256 is None or self.store.body(entry.sha256) is None:
            return {}
        headers = {}
        if entry.etag:
            headers["If-None-Match"] = entry.etag
        if entry.last_modified:
            headers["If-Modified-Since"] = entry.last_modified
        return headers

    def _recently_gone(self, entry: ManifestEntry | None) -> bool:
        """A 404/410 or a non-document attachment seen lately: not asked again until recheck_gone_days."""
        if entry is None or (entry.http_status not in (404, 410) and entry.role != NOT_A_DOCUMENT):
            return False
        when = datetime.fromisoformat(entry.fetched_at)
        return datetime.now(UTC) - when < timedelta(days=self.settings.recheck_gone_days)

    def _get(self, url: str, *, role: str, referer: str | None, guard=None) -> Fetched:
        """Fetch (conditionally when we hold the last body) or raise FetchFailure."""
        check_scheme(url)
        entry = self.store.lookup(url)
        if role != "robots" and self._recently_gone(entry):
            assert entry is not None
            what = "not a document" if entry.role == NOT_A_DOCUMENT else f"HTTP {entry.http_status}"
            raise FetchFailure(f"{what} at {entry.fetched_at}; not asked again yet",
                               reason=NOT_A_DOCUMENT if entry.role == NOT_A_DOCUMENT else f"http-{entry.http_status}",
                               url=url, http_status=entry.http_status)
        headers = self._conditional_headers(entry)
        if role == "file" and entry is not None and headers == {} and entry.sha256 and \
                not self.settings.recheck_files and self.store.body(entry.sha256) is not None:
            guard = guard or self._guard
            guard(url)  # robots.txt may have changed since
            log.debug("%s: stored file without validators, not asked again", url)
            return Fetched(url, self.store.body(entry.sha256) or b"", entry.content_type, None, None,
                           entry.file_name, not_modified=True)
        try:
            resp = self.fetcher.get(url, headers=headers, guard=guard or self._guard)
        except FetchFailure as e:
            if e.http_status in (404, 410):
                self.store.record(ManifestEntry(url, None, None, None, utc_now(), e.http_status, None, None,
                                                referer, role))
            raise
        if resp.status == 304:
            assert entry is not None and entry.sha256 is not None
            body = self.store.body(entry.sha256) or b""
            return Fetched(url, body, entry.content_type, resp.headers.get("etag") or entry.etag,
                           resp.headers.get("last-modified") or entry.last_modified, entry.file_name, True)
        name = bare_name(disposition_name(resp.headers.get("content-disposition"))) or url_file_name(resp.url)
        return Fetched(url, resp.body, resp.headers.get("content-type"), resp.headers.get("etag"),
                       resp.headers.get("last-modified"), name)

    def _try(self, url: str, *, role: str, referer: str | None) -> Fetched | None:
        try:
            return self._get(url, role=role, referer=referer)
        except FetchFailure as e:
            self._fail(url, e.reason, e.args[0], referer, e.http_status)
            return None
        except (ValueError, UnicodeError) as e:  # a URL the fetcher's checks did not catch: this URL's reason
            self._fail(url, "bad-url", f"malformed URL ({type(e).__name__}: {e})", referer)
            return None

    def _fail(self, url: str, reason: str, detail: str, referer: str | None, status: int | None = None) -> None:
        log.info("failed %s: %s", url, detail)
        self.result.failures.append(Failure(url, reason, detail, referer, status))

    def _record(self, f: Fetched, sha: str, content_type: str, referer: str | None, role: str) -> None:
        self.store.record(ManifestEntry(f.url, sha, f.etag, f.last_modified, utc_now(), 304 if f.not_modified
                                        else 200, content_type, f.file_name, referer, role))

    # -- what to keep ---------------------------------------------------------
    def _keep_report(self, f: Fetched, kind: str, referer: str | None) -> ReportFile:
        mime, ext = mime_and_ext(kind)
        stored = self.store.put_file(f.body, mime, ext)
        self._record(f, stored.sha256, mime, referer, "report")
        rf = ReportFile(url=f.url, status="new" if stored.is_new else "unchanged", path=stored.path,
                        sha256=stored.sha256, content_type=mime, referer=referer, file_name=f.file_name)
        return self.result.add_file(rf)

    def _keep_page(self, f: Fetched, referer: str | None) -> None:
        sha = self.store.put_page(f.body)
        self._record(f, sha, mime_and_ext(sniff_kind(f.body, f.content_type))[0], referer, "page")

    def _failed_candidate(self, url: str, referer: str | None) -> None:
        last = self.result.failures[-1] if self.result.failures else None
        reason = last.reason if last is not None and last.url == url else "failed"
        self.result.reports.append(ReportFile(url=url, status="failed", referer=referer, reason=reason))

    # -- the crawl ------------------------------------------------------------
    def run(self) -> CrawlResult:
        candidates = self._walk_listings()
        for link, referer in candidates[: self.settings.max_articles]:
            if self.out_of_time():
                self._fail(link.url, "crawl-deadline", f"not fetched: the crawl of {self.source.name} passed its "
                                                       f"{self.settings.crawl_deadline:g} s deadline", referer)
                self._failed_candidate(link.url, referer)
                continue
            try:
                if is_attachment_link(link):
                    self._take_file(link.url, referer)
                else:
                    self._visit_article(link.url, referer)
            except Exception as e:  # a bug or a response nobody foresaw: it costs this link, not the source
                if is_disk_full(e):  # not this link's fault: the run stops (pipeline.run)
                    raise
                log.exception("%s: unexpected failure on %s", self.source.name, link.url)
                self._fail(link.url, "internal", f"internal error on this link: {type(e).__name__}: {e}", referer)
                self._failed_candidate(link.url, referer)
        if len(candidates) > self.settings.max_articles:
            log.warning("%s: %d report links, only the first %d visited", self.source.name, len(candidates),
                        self.settings.max_articles)
        self.result.requests = self.fetcher.requests
        return self.result

    def _walk_listings(self) -> list[tuple[Link, str]]:
        """Follow pagination from the source URL; collect report links in page order."""
        queue, seen = deque([self.source.url]), {self.source.url}
        found: dict[str, tuple[Link, str]] = {}
        while queue and len(self.result.listing_pages) < self.settings.max_listing_pages:
            url = queue.popleft()
            if self.out_of_time():
                self._fail(url, "crawl-deadline", f"listing page not fetched: the crawl passed its "
                                                  f"{self.settings.crawl_deadline:g} s deadline", None)
                queue.clear()
                break
            f = self._try(url, role="page", referer=None)
            if f is None:
                continue
            kind = sniff_kind(f.body, f.content_type)
            if kind in DOCUMENT_KINDS:  # the source URL is itself a report file
                self._keep_report(f, kind, None)
                continue
            if kind != "html":
                self.result.skipped.append(Skipped(url, f"listing is not HTML ({kind})"))
                continue
            self._keep_page(f, None)
            self.result.listing_pages.append(url)
            page = parse_page(decode_html(f), url)
            self._bad_links(page)
            for nxt in pagination_links(page):
                if nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)
            for link in report_links(page, self.pattern):
                if link.url not in found and link.url not in seen:
                    found[link.url] = (link, url)
        if queue:
            log.warning("%s: stopped after %d listing pages", self.source.name, len(self.result.listing_pages))
        return list(found.values())

    def _take_file(self, url: str, referer: str | None) -> None:
        """An attachment: keep it if it is a pdf/doc/docx/wps/txt by its bytes."""
        if url in self._tried:
            return
        self._tried.add(url)
        f = self._try(url, role="file", referer=referer)
        if f is None:
            self._failed_candidate(url, referer)
            return
        kind = sniff_kind(f.body, f.content_type)
        if kind not in DOCUMENT_KINDS:
            self.store.record(ManifestEntry(url, None, f.etag, f.last_modified, utc_now(), 200,
                                            mime_and_ext(kind)[0], f.file_name, referer, NOT_A_DOCUMENT))
            self._fail(url, NOT_A_DOCUMENT, f"attachment link gave {kind}, not a document", referer)
            self._failed_candidate(url, referer)
            return
        self._keep_report(f, kind, referer)

    def _visit_article(self, url: str, referer: str) -> None:
        """An article page: the report itself (HTML), a stub linking attachments, or neither."""
        if url in self._tried:
            return
        self._tried.add(url)
        f = self._try(url, role="page", referer=referer)
        if f is None:
            self._failed_candidate(url, referer)
            return
        kind = sniff_kind(f.body, f.content_type)
        if kind in DOCUMENT_KINDS:  # the link went straight to a file
            self._keep_report(f, kind, referer)
            return
        if kind != "html":
            self.result.skipped.append(Skipped(url, f"neither a page nor a document ({kind})", referer))
            return
        page = parse_page(decode_html(f), url)
        self._classify_article(f, page, referer)

    def _bad_links(self, page: Page) -> None:
        """Malformed links that would have been fetched: each one's own failure, the page goes on."""
        for link in page.bad_links:
            if wanted_bad_link(link, self.pattern) and link.url not in self._tried:
                self._tried.add(link.url)
                self._fail(link.url, "bad-url", "malformed link: not a URL that can be fetched", page.url)
                self._failed_candidate(link.url, page.url)

    def _classify_article(self, f: Fetched, page: Page, referer: str) -> None:
        verdict = report_verdict(page)
        attachments = attachment_links(page, self.pattern)
        if verdict != "report":
            self._bad_links(page)
        if verdict == "report":  # full report in HTML: its attachments would be copies
            self._keep_report(f, "html", referer)
            return
        if attachments:  # a stub (or tables only as images): the attachments are the report
            self._keep_page(f, referer)
            for att in attachments:
                if not self.on_host(att.url):
                    self._fail(att.url, "off-host", f"off-host attachment (source host is {self.host})", f.url)
                    self._failed_candidate(att.url, f.url)
                else:
                    self._take_file(att.url, f.url)
            return
        if verdict == "report-no-tables":
            self._keep_report(f, "html", referer)
            return
        self._keep_page(f, referer)
        why = ("names an annual report but has no report tables, section headings or attachments"
               if page.text and re.search("年度报告|年报", page.text) else "does not name an annual report")
        self.result.skipped.append(Skipped(f.url, f"not a report: {why}", referer))


def crawl(source: str | Source, settings: FetchSettings, store: RawStore, *, fetcher: Fetcher | None = None) -> CrawlResult:
    """Crawl ``source`` (a Source, a name in data/sources.yaml, or a URL) into ``store``."""
    src = resolve_source(source) if isinstance(source, str) else source
    own = fetcher is None
    fetcher = fetcher or Fetcher(settings)
    try:
        result = Crawler(src, settings, store, fetcher).run()
    finally:
        if own:
            fetcher.close()
    log.info("crawl %s: %s", src.name, result.summary())
    return result
