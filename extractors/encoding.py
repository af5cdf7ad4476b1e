"""Decoding text bytes: portals and text dumps are UTF-8, GBK/GB2312 or GB18030."""

from __future__ import annotations

import re

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)

_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "gb_2312-80": "gb18030", "x-gbk": "gb18030"}


def declared_charset(data: bytes) -> str | None:
    """Charset from an HTML ``<meta>`` tag in the first 4 KB, normalised (GBK → gb18030)."""
    m = _META_CHARSET.search(data[:4096])
    if not m:
        return None
    name = m.group(1).decode("ascii", "ignore").lower()
    return _ALIASES.get(name, name)


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode by BOM, then the declared charset, then UTF-8, then GB18030, then a detector.

    GB18030 is a superset of GBK/GB2312, so it decodes pages declared as either.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    for enc in filter(None, (declared, "utf-8", "gb18030")):
        try:
            return data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is not None:
            return str(best)
    except Exception:  # detector failure is not fatal: fall through
        pass
    return data.decode("utf-8", "replace")
