"""robots.txt rules and what an unreadable robots.txt means."""

from __future__ import annotations

from fetchers.http import FetchFailure
from fetchers.robots import RobotsPolicy, parse_robots, robots_url
from fetchers.settings import USER_AGENT


def policy(outcome) -> tuple[RobotsPolicy, list[str]]:
    asked: list[str] = []

    def load(url: str) -> bytes:
        asked.append(url)
        if isinstance(outcome, FetchFailure):
            raise outcome
        return outcome

    return RobotsPolicy(load, USER_AGENT), asked


def test_rules_are_read_once_per_host():
    p, asked = policy(b"User-agent: *\nDisallow: /private/\nCrawl-delay: 3\n")
    assert p.allows("http://h.gov.cn/xxgk/a.html")
    assert not p.allows("http://h.gov.cn/private/a.html")
    assert p.crawl_delay("http://h.gov.cn/") == 3.0
    assert p.allows("http://h.gov.cn/b.html")
    assert asked == ["http://h.gov.cn/robots.txt"]


def test_our_own_user_agent_group_applies():
    rules = parse_robots("User-agent: ogi-reports\nDisallow: /\n\nUser-agent: *\nAllow: /\n")
    assert not rules.allows("http://h/x", USER_AGENT)
    assert rules.allows("http://h/x", "SomeOtherBot/1.0")


def test_missing_robots_allows_everything():
    p, _ = policy(FetchFailure("HTTP 404", reason="http-404", url="u", http_status=404))
    assert p.allows("http://h.gov.cn/private/a.html")


def test_forbidden_or_unreadable_robots_stops_the_host():
    for status in (403, 503, None):
        p, _ = policy(FetchFailure("x", reason="gave-up", url="u", http_status=status))
        assert not p.allows("http://h.gov.cn/a.html"), status


def test_robots_url_keeps_scheme_and_port():
    assert robots_url("https://h.gov.cn:8443/a/b.html?x=1") == "https://h.gov.cn:8443/robots.txt"


def test_gbk_robots_comment_does_not_break_parsing():
    p, _ = policy("# 机器人协议\nUser-agent: *\nDisallow: /search/\n".encode("gbk"))
    assert not p.allows("http://h.gov.cn/search/q")
