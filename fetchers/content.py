"""What a fetched body really is: kind, MIME type and file extension from its bytes.

The extension of a stored file never comes from the URL or the server's file name
(portals serve HTML error pages as ``.pdf`` and name files ``下载.do``).
"""

from __future__ import annotations

import re
from email.message import Message

from ogi.sniff import sniff

#: kind → (MIME type, extension) for the kinds we keep.
KINDS: dict[str, tuple[str, str]] = {
    "pdf": ("application/pdf", ".pdf"),
    "html": ("text/html", ".html"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    "doc": ("application/msword", ".doc"),  # also WPS: same OLE container
    "txt": ("text/plain", ".txt"),
}

#: Attachment links worth fetching (by URL path or anchor text suffix).
ATTACHMENT_SUFFIXES = (".pdf", ".doc", ".docx", ".wps", ".txt")


def header_mime(content_type: str | None) -> str:
    """The bare MIME type of a Content-Type header (lowercase), or ''."""
    return (content_type or "").split(";")[0].strip().lower()


def header_charset(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type header, if any."""
    if not content_type:
        return None
    msg = Message()
    msg["content-type"] = content_type
    cs = msg.get_param("charset")
    return str(cs).strip().lower() if isinstance(cs, str) and cs.strip() else None


def _looks_like_text(data: bytes) -> bool:
    head = data[:8192]
    if b"\x00" in head:
        return False
    for enc in ("utf-8", "gb18030"):
        try:
            head.decode(enc)
            return True
        except UnicodeDecodeError as e:
            if e.start > len(head) - 4:  # cut mid-character at the sample's end
                return True
    return False


def sniff_kind(data: bytes, content_type: str | None = None) -> str:
    """``pdf|html|docx|doc|txt`` or ``unknown``, from the bytes (the header only breaks a tie for text)."""
    kind = sniff(data, "")
    if kind in KINDS:
        return kind
    if kind in ("unknown", "") and data and _looks_like_text(data):
        return "html" if header_mime(content_type) in ("text/html", "application/xhtml+xml") else "txt"
    return kind or "unknown"


def mime_and_ext(kind: str) -> tuple[str, str]:
    """MIME type and extension for a sniffed kind (``application/octet-stream``/``.bin`` if unknown)."""
    return KINDS.get(kind, ("application/octet-stream", ".bin"))


_FILENAME_STAR = re.compile(r"filename\*\s*=\s*([^']*)'[^']*'([^;]+)", re.I)
_FILENAME = re.compile(r"""filename\s*=\s*(?:"([^"]*)"|([^;]+))""", re.I)


def disposition_name(header: str | None) -> str | None:
    """The file name a Content-Disposition header announces (data only, never a path)."""
    if not header:
        return None
    from urllib.parse import unquote

    m = _FILENAME_STAR.search(header)
    if m:
        return unquote(m.group(2).strip(), encoding=(m.group(1) or "utf-8"), errors="replace")
    m = _FILENAME.search(header)
    if m:
        raw = (m.group(1) if m.group(1) is not None else m.group(2)).strip()
        try:  # servers often send raw UTF-8/GBK bytes that http libraries decode as latin-1
            b = raw.encode("latin-1")
            for enc in ("utf-8", "gb18030"):
                try:
                    return b.decode(enc)
                except UnicodeDecodeError:
                    continue
        except UnicodeEncodeError:
            pass
        return raw
    return None
