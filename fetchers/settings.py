"""Fetch settings: every politeness knob in one frozen value, so a run is reproducible."""

from __future__ import annotations

from dataclasses import dataclass

from ogi.settings import CRAWL_DEADLINE_S, RESPONSE_DEADLINE_S

USER_AGENT = "ogi-reports/0.1 (+research; open government information annual reports)"

#: Anchor text (or title attribute) that names an annual report; a source may give its own.
DEFAULT_LINK_PATTERN = r"(政府信息公开|政务公开|信息公开).{0,16}(年度报告|年报)|年度报告|年报"


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """How hard and how politely to fetch.

    ``delay`` is the pause between two requests to the same host (robots.txt
    ``Crawl-delay`` raises it, never lowers it). ``max_tries`` counts the first try.
    """

    delay: float = 1.0
    timeout: float = 30.0  # seconds one read (or connect) may take
    response_deadline: float = RESPONSE_DEADLINE_S  # one whole response: a trickling server costs at most this
    crawl_deadline: float = CRAWL_DEADLINE_S  # one source's crawl; the links not reached by then fail
    max_tries: int = 4
    backoff: float = 2.0  # first retry waits this long, then doubles
    max_backoff: float = 120.0  # cap for backoff and Retry-After
    max_bytes: int = 50 * 1024 * 1024
    max_redirects: int = 5
    max_listing_pages: int = 50
    max_articles: int = 1000
    recheck_gone_days: float = 7.0  # a 404/410 is not asked again for this long
    recheck_files: bool = False  # re-ask for a stored attachment that has no ETag/Last-Modified
    user_agent: str = USER_AGENT

    def __post_init__(self) -> None:
        for name in ("timeout", "response_deadline", "crawl_deadline"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be > 0")
