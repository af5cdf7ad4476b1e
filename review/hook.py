"""The two calls a run makes around publishing: overlay the corrections, then write the quality page.

Kept here so the CLI and the Prefect flow each add one line before and one after publishing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from ogi.types import Report
from review.corrections import OverlayStats, overlay
from review.quality import current_figures, previous_reports, render_markdown, write_quality
from review.quality_parts import Before

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Review:
    """What the overlay did and what the dataset held before this publish."""

    overlay: OverlayStats
    before: Before | None = None  # the version merged into, as its parts (review.quality_parts)
    figures: dict = field(default_factory=dict)

    def summary(self) -> dict:
        return self.overlay.summary()

    def markdown(self) -> str:
        return render_markdown(self.figures) if self.figures else ""


def before_publish(reports: list[Report], out: str, corrections: str | None = None) -> tuple[list[Report], Review]:
    """Apply ``<out>/corrections.csv`` (or ``corrections``) to the reports about to be published."""
    reports, stats = overlay(reports, out, corrections)
    return reports, Review(overlay=stats, before=previous_reports(out))


def after_publish(out: str, review: Review, published: bool = True) -> Review:
    """Write ``<out>/quality.html`` (local datasets) from what was just published; when nothing
    was published, only compute the figures of the dataset as it stands (for the run artifact)."""
    if "://" in str(out) or not (Path(out) / "current").exists():
        return review
    corr = {**review.overlay.summary(), "rows": review.overlay.rows}
    if published:
        review.figures = write_quality(out, review.before, corr)
    else:
        review.figures = current_figures(out, None, corr)
        review.figures["changes"]["unchanged"] = True
    return review
