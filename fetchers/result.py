"""What a crawl returns: report files (once per sha256), failures and skipped pages."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from fetchers.sources import Source


@dataclass(frozen=True, slots=True)
class ReportFile:
    """One report file found (``new``/``unchanged``: stored at ``path``) or not got (``failed``)."""

    url: str
    status: str  # new | unchanged | failed
    path: Path | None = None
    sha256: str | None = None
    content_type: str | None = None
    referer: str | None = None  # the article (or listing) page that linked it
    file_name: str | None = None  # as the server named it: data only, never a path
    reason: str = ""  # why it failed (short code: http-404, robots-disallowed, off-host, ...)
    also_urls: tuple[str, ...] = ()  # other URLs that gave the same bytes


@dataclass(frozen=True, slots=True)
class Failure:
    url: str
    reason: str  # short code, see fetchers.http.FetchFailure
    detail: str = ""
    referer: str | None = None
    http_status: int | None = None


@dataclass(frozen=True, slots=True)
class Skipped:
    url: str
    reason: str
    referer: str | None = None


@dataclass(slots=True)
class CrawlResult:
    source: Source
    reports: list[ReportFile] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    listing_pages: list[str] = field(default_factory=list)
    requests: int = 0

    def by_status(self, status: str) -> list[ReportFile]:
        return [r for r in self.reports if r.status == status]

    @property
    def stored(self) -> list[ReportFile]:
        """Report files we have on disk (new or unchanged), one per sha256."""
        return [r for r in self.reports if r.status != "failed"]

    def add_file(self, rf: ReportFile) -> ReportFile:
        """Add a stored file, merging a second URL for the same bytes into the first entry."""
        for i, old in enumerate(self.reports):
            if old.sha256 is not None and old.sha256 == rf.sha256:
                if rf.url != old.url and rf.url not in old.also_urls:
                    status = "new" if "new" in (old.status, rf.status) else old.status
                    self.reports[i] = replace(old, also_urls=old.also_urls + (rf.url,), status=status)
                return self.reports[i]
        self.reports.append(rf)
        return rf

    def summary(self) -> dict[str, int]:
        return {
            "new": len(self.by_status("new")),
            "unchanged": len(self.by_status("unchanged")),
            "failed": len(self.by_status("failed")),
            "skipped": len(self.skipped),
            "failures": len(self.failures),
            "listing_pages": len(self.listing_pages),
            "requests": self.requests,
        }

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form (paths as strings) for the CLI and flow logs."""
        def clean(d: dict[str, object]) -> dict[str, object]:
            return {k: (str(v) if isinstance(v, Path) else list(v) if isinstance(v, tuple) else v)
                    for k, v in d.items()}

        return {
            "source": asdict(self.source),
            "summary": self.summary(),
            "reports": [clean(asdict(r)) for r in self.reports],
            "failures": [asdict(f) for f in self.failures],
            "skipped": [asdict(s) for s in self.skipped],
            "listing_pages": list(self.listing_pages),
        }
