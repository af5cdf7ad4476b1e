"""The one vocabulary of ``reports.status``: every module and test names a status through here.

A ``str`` enum, so a status compares equal to its text and lands in Parquet as that text.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    OK = "ok"  # every cell read and every identity holds
    CHECKS_FAILED = "checks_failed"  # read as printed, but a printed identity (R1–R4) does not hold
    NEEDS_REVIEW = "needs_review"  # read, but some cells could not be placed or read
    TABLES_MISSING = "tables_missing"  # a report, but its tables were not found
    NOT_A_REPORT = "not_a_report"
    NEEDS_OCR = "needs_ocr"
    UNREADABLE = "unreadable"
    UNSUPPORTED_FORMAT = "unsupported_format"
    FETCH_FAILED = "fetch_failed"
    TIMEOUT = "timeout"
    FAILED = "failed"  # internal error, out of memory, or a worker that died


#: the report's numbers are as printed and usable
OK_STATUSES = frozenset({Status.OK, Status.CHECKS_FAILED})
#: the file was read and normalized far enough to trust its metadata
READ_STATUSES = frozenset({Status.OK, Status.CHECKS_FAILED, Status.NEEDS_REVIEW, Status.TABLES_MISSING})
#: worth trying again with more time or memory: never cached
RETRY_STATUSES = frozenset({Status.FAILED, Status.TIMEOUT})
