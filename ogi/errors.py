"""One exception tree, so the batch can catch per file and record why."""

from __future__ import annotations


class OgiError(Exception):
    """Base of every error the pipeline raises on purpose.

    ``status`` is what lands in the ``reports.status`` column; the message is the
    ``error`` column, so it should say what a person can do about it.
    """

    status = "failed"

    def __init__(self, message: str, *, file: str | None = None, page: int | None = None) -> None:
        super().__init__(message)
        self.file = file
        self.page = page

    def __str__(self) -> str:
        base = super().__str__()
        where = []
        if self.file:
            where.append(self.file)
        if self.page is not None:
            where.append(f"page {self.page}")
        return f"{base} ({', '.join(where)})" if where else base


class FetchError(OgiError):
    status = "fetch_failed"


class ExtractionError(OgiError):
    status = "unreadable"


class UnsupportedFormat(ExtractionError):
    status = "unsupported_format"


class NeedsOCR(ExtractionError):
    status = "needs_ocr"


class NormalizationError(OgiError):
    status = "needs_review"


class NotAReport(NormalizationError):
    status = "not_a_report"
