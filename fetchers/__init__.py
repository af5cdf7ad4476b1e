"""Fetch stage: crawl government portals politely into a content-addressed raw store.

``crawl(source, settings, store)`` is the entry point; see fetchers/crawl.py.
"""

from fetchers.crawl import crawl
from fetchers.result import CrawlResult, Failure, ReportFile, Skipped
from fetchers.settings import USER_AGENT, FetchSettings
from fetchers.sources import Source, load_sources, resolve_source
from fetchers.store import RawStore

__all__ = [
    "USER_AGENT", "CrawlResult", "Failure", "FetchSettings", "RawStore", "ReportFile", "Skipped", "Source",
    "crawl", "load_sources", "resolve_source",
]
