"""File-kind sniffing: what a file really is, from its first bytes, whatever its name says.

A portal's HTML error page saved as ``.pdf`` is HTML. The extractors choose by this kind, and
the crawler names and keeps files by it.
"""

from __future__ import annotations

from pathlib import Path

SUFFIX_KIND = {
    ".pdf": "pdf", ".html": "html", ".htm": "html", ".shtml": "html", ".xhtml": "html",
    ".docx": "docx", ".doc": "doc", ".wps": "doc", ".txt": "txt", ".text": "txt",
    ".md": "md", ".markdown": "md", ".png": "image", ".jpg": "image", ".jpeg": "image",
    ".tif": "image", ".tiff": "image",
}


def sniff(data: bytes, file_name: str) -> str:
    """The file's real kind from its first bytes, falling back to its suffix."""
    head = data[:4096]
    suffix = Path(file_name).suffix.lower()
    by_suffix = SUFFIX_KIND.get(suffix, "")
    if head.startswith(b"%PDF") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx" if by_suffix in ("docx", "") or b"word/" in data[:65536] else by_suffix or "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "doc"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")):
        return "image"
    low = head.lower().lstrip()
    if low.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in low[:1024] or (
        b"<body" in low or b"<div" in low or b"<table" in low) and by_suffix not in ("md", "txt"):
        return "html"
    if by_suffix in ("txt", "md", "html"):
        return by_suffix
    if not data:
        return by_suffix or "empty"
    return by_suffix or "unknown"


def kind_mismatch(data: bytes, file_name: str) -> str | None:
    """A note when the bytes are not what the name says (an HTML error page saved as .pdf)."""
    by_suffix = SUFFIX_KIND.get(Path(file_name).suffix.lower())
    kind = sniff(data, file_name) if data else None
    if not by_suffix or not kind or kind == by_suffix or {kind, by_suffix} <= {"txt", "md", "html"}:
        return None
    what = {"html": "an HTML page (a portal error or login page saved in place of the report?)"}.get(
        kind, f"a {kind.upper()} file")
    return f"the file is named {Path(file_name).suffix.lower()} but holds {what}"
