"""Human review: provenance of every value, corrections kept apart from what was printed,
the quality page, and the local review web app (`ogi review OUT`)."""

from __future__ import annotations


def explain(dataset, report_id: str, cell: str, *, crop: bool = True) -> dict:
    """Where ``cell`` of ``report_id`` was read (see :func:`review.provenance.explain`)."""
    from review.provenance import explain as _explain

    return _explain(dataset, report_id, cell, crop=crop)
