"""One exception tree, so the batch can catch per file and record why."""

from __future__ import annotations

from ogi.status import Status


class OgiError(Exception):
    """Base of every error the pipeline raises on purpose.

    ``status`` is what lands in the ``reports.status`` column; the message is the
    ``error`` column, so it should say what a person can do about it.
    """

    status = Status.FAILED

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
    status = Status.FETCH_FAILED


class ExtractionError(OgiError):
    status = Status.UNREADABLE


class UnsupportedFormat(ExtractionError):
    status = Status.UNSUPPORTED_FORMAT


class NeedsOCR(ExtractionError):
    status = Status.NEEDS_OCR


class NormalizationError(OgiError):
    status = Status.NEEDS_REVIEW


class NotAReport(NormalizationError):
    status = Status.NOT_A_REPORT


class UsageError(OgiError):
    """A person's mistake in a command or flow parameter: said in one line, before any work."""

    status = Status.FAILED
