"""Named crawl sources (data/sources.yaml): what varies per portal is data, not code."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from ogi.errors import FetchError
from ogi.settings import bundled_data_dir

log = logging.getLogger(__name__)

DEFAULT_SOURCES = bundled_data_dir() / "sources.yaml"  # the configured portals shipped with the package


@dataclass(frozen=True, slots=True)
class Source:
    """A listing page to crawl. ``link_pattern`` (regex on anchor text) replaces the default."""

    name: str
    url: str
    link_pattern: str | None = None
    region: str | None = None


def is_http_url(text: str) -> bool:
    """True for an absolute http(s) URL with a host (the only kind we fetch)."""
    parts = urlsplit(text.strip())
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _check_entry(name: str, entry: object, path: Path) -> Source:
    if not isinstance(entry, dict) or "url" not in entry:
        raise FetchError(f"source '{name}' needs a mapping with a url", file=str(path))
    url = str(entry["url"]).strip()
    if not is_http_url(url):
        raise FetchError(f"source '{name}': only http/https URLs are crawled, got {url!r}", file=str(path))
    pattern = entry.get("link_pattern")
    if pattern is not None:
        try:
            re.compile(pattern)
        except re.error as e:
            raise FetchError(f"source '{name}': bad link_pattern: {e}", file=str(path)) from e
    region = entry.get("region")
    return Source(name=name, url=url, link_pattern=pattern, region=None if region is None else str(region))


def load_sources(path: str | Path = DEFAULT_SOURCES) -> dict[str, Source]:
    """Read ``sources:`` (name → {url, region, link_pattern}) from a YAML file."""
    p = Path(path)
    try:
        doc = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except OSError as e:
        raise FetchError(f"cannot read sources file: {e.strerror}", file=str(p)) from e
    except yaml.YAMLError as e:
        raise FetchError(f"sources file is not valid YAML: {e}", file=str(p)) from e
    entries = doc.get("sources") if isinstance(doc, dict) else None
    if not isinstance(entries, dict):
        raise FetchError("sources file needs a top-level 'sources:' mapping", file=str(p))
    return {str(name): _check_entry(str(name), entry, p) for name, entry in entries.items()}


def source_for_url(url: str) -> Source:
    """An ad-hoc Source for a bare URL, named after its host."""
    url = url.strip()
    if not is_http_url(url):
        raise FetchError(f"only http/https URLs are crawled, got {url!r}")
    return Source(name=urlsplit(url).hostname or url, url=url)


def resolve_source(text: str, path: str | Path = DEFAULT_SOURCES) -> Source:
    """A Source for ``text``: a name from the sources file, or else an http(s) URL."""
    text = text.strip()
    if "://" in text:
        return source_for_url(text)
    sources = load_sources(path) if Path(path).exists() else {}
    if text in sources:
        return sources[text]
    known = ", ".join(sorted(sources)) or "none"
    raise FetchError(f"unknown source {text!r}: give a URL or one of: {known}", file=str(path))
