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


class DiskFull(OgiError):
    """The disk (or quota) filled up while the run wrote: the run stops in one line, what was
    already extracted stays in the cache, the published dataset stays as it was."""

    status = Status.FAILED


def is_disk_full(e: BaseException) -> bool:
    """Whether ``e`` is the file system saying there is no space (ENOSPC) or quota (EDQUOT) left."""
    import errno

    return isinstance(e, OSError) and e.errno in (errno.ENOSPC, errno.EDQUOT)


def disk_full(e: OSError, doing: str) -> DiskFull:
    """The one line a person reads when the disk filled up while ``doing``."""
    where = f" ({e.filename})" if getattr(e, "filename", None) else ""
    return DiskFull(f"disk full while {doing}{where}: free some space and run again; the published dataset "
                    "is unchanged and what was extracted so far is kept in the cache")
