"""File names as data: readable text whatever bytes the file system or a server gave, never a path.

Linux file names are bytes. Python hands a name that is not valid UTF-8 (GBK from a Chinese
file share, common) over as a str with lone surrogates, which opens the file fine but cannot be
written to Parquet, SQLite, JSON or a UTF-8 terminal. :func:`readable` turns such a name into
the text a person sees (GBK decoded); :func:`bare_name` keeps a name a server announced from
carrying ``../`` or folders.
"""

from __future__ import annotations

import os
import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def readable(text: str) -> str:
    """``text`` without lone surrogates: as UTF-8 when its bytes are UTF-8, else as GB18030 (GBK),
    else with the undecodable bytes written as ``\\xNN``. Text that is already clean is returned as is."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        pass
    raw = text.encode("utf-8", "surrogateescape") if _escaped_only(text) else \
        text.encode("utf-8", "surrogatepass")
    for enc in ("utf-8", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", "backslashreplace")


def _escaped_only(text: str) -> bool:
    """Whether every surrogate is one of surrogateescape's (U+DC80..U+DCFF: one raw byte each)."""
    return all(not 0xD800 <= ord(c) <= 0xDFFF or 0xDC80 <= ord(c) <= 0xDCFF for c in text)


def bare_name(name: str | None) -> str | None:
    """The last part of a name after any ``/`` or ``\\``, without control characters; None when
    nothing is left (``..``, ``.``, empty). A stored or published name never carries a path."""
    if name is None:
        return None
    last = re.split(r"[/\\]", readable(name))[-1]
    last = _CONTROL.sub("", last).strip()
    return None if last in ("", ".", "..") else last


def path_key(path: str) -> str | bytes:
    """A lossless key for a path in SQLite: the text when it is valid UTF-8, else its bytes."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return os.fsencode(path)


def from_key(key: str | bytes) -> str:
    """The path of a :func:`path_key`."""
    return os.fsdecode(key) if isinstance(key, bytes) else key
