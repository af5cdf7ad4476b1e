"""Content hashes and the report id derived from them: part of the dataset contract.

A report is its bytes: the same content under any name or path is one report, changed
bytes are a new one (``reports.sha256``, ``reports.report_id``).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

_CHUNK = 1 << 20


def file_sha256(path: str | Path) -> str:
    """SHA-256 (hex) of a file's bytes, read in chunks (a report may be large)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(_CHUNK), b""):
            h.update(chunk)
    return h.hexdigest()


def file_sha256_or_empty(path: str | Path) -> str:
    """:func:`file_sha256`, or "" when the file cannot be read (a failure report still needs a row)."""
    try:
        return file_sha256(path)
    except OSError:
        return ""


def report_id_for(sha256: str, key: str = "") -> str:
    """The report's id: the first 16 hex digits of its content's SHA-256, so the same bytes under any
    name or path are one report and changed bytes are a new one. Only a file that cannot be read at
    all (no content hash) falls back to a hash of its key (path relative to the source, or URL)."""
    if sha256:
        return sha256[:16]
    return hashlib.sha256(f"unread:{key}".encode("utf-8", "surrogateescape")).hexdigest()[:16]
