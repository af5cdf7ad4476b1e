"""robots.txt, read once per host and obeyed for every request (redirect hops too).

A missing robots.txt (404/410 and other 4xx) allows everything; 401/403 or a host
whose robots.txt cannot be read (5xx after retries, network failure) is not crawled.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from extractors.encoding import decode_bytes
from fetchers.http import FetchFailure, host_key

log = logging.getLogger(__name__)


@dataclass(slots=True)
class RobotsRules:
    """Parsed rules of one host; ``note`` says where they came from."""

    parser: RobotFileParser
    note: str

    def allows(self, url: str, user_agent: str) -> bool:
        return self.parser.can_fetch(user_agent, url)

    def crawl_delay(self, user_agent: str) -> float | None:
        d = self.parser.crawl_delay(user_agent)
        return float(d) if d is not None else None


def parse_robots(text: str, note: str = "robots.txt") -> RobotsRules:
    p = RobotFileParser()
    p.parse(text.splitlines())
    return RobotsRules(p, note)


def allow_all(note: str) -> RobotsRules:
    p = RobotFileParser()
    p.allow_all = True
    return RobotsRules(p, note)


def deny_all(note: str) -> RobotsRules:
    p = RobotFileParser()
    p.disallow_all = True
    return RobotsRules(p, note)


def robots_url(url: str) -> str:
    p = urlsplit(url)
    return f"{p.scheme}://{p.netloc}/robots.txt"


#: Fetches robots.txt bytes for a URL (raises FetchFailure); the crawl passes a
#: conditional, cached fetch so a later run can get a 304.
RobotsLoader = Callable[[str], bytes]


class RobotsPolicy:
    """Caches one :class:`RobotsRules` per host."""

    def __init__(self, load: RobotsLoader, user_agent: str) -> None:
        self._load = load
        self.user_agent = user_agent
        self._rules: dict[str, RobotsRules] = {}

    def rules_for(self, url: str) -> RobotsRules:
        key = host_key(url)
        if key not in self._rules:
            self._rules[key] = self._fetch_rules(robots_url(url))
        return self._rules[key]

    def _fetch_rules(self, url: str) -> RobotsRules:
        try:
            data = self._load(url)
        except FetchFailure as e:
            status = e.http_status
            if status in (401, 403):
                log.warning("%s answers %s: not crawling this host", url, status)
                return deny_all(f"robots.txt {status}")
            if status is not None and 400 <= status < 500:
                log.info("%s: %s, everything allowed", url, status)
                return allow_all(f"robots.txt {status}")
            log.warning("%s unreadable (%s): not crawling this host", url, e)
            return deny_all(f"robots.txt unreadable: {e.args[0]}")
        return parse_robots(decode_bytes(data), note="robots.txt")

    def allows(self, url: str) -> bool:
        return self.rules_for(url).allows(url, self.user_agent)

    def crawl_delay(self, url: str) -> float | None:
        return self.rules_for(url).crawl_delay(self.user_agent)
