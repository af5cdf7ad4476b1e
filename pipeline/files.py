"""Local input files: found under a folder and read whatever their names and depth.

A folder copied from a Chinese file share may hold names that are not UTF-8 (GBK) and folders
nested past the system's path-length limit (PATH_MAX, 4096 bytes on Linux). Neither may stop
a run: discovery walks by directory file descriptor (``os.fwalk``), so a path's length never
matters; a file whose full path is too long is opened one folder at a time; and the names that
go into the dataset are readable text (:func:`ogi.names.readable`), while ``path`` stays what
the file system needs to open the file.
"""

from __future__ import annotations

import errno
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from ogi.errors import OgiError
from ogi.names import readable

log = logging.getLogger(__name__)

SKIP_SUFFIXES = frozenset({".json", ".csv", ".yaml", ".yml", ".parquet", ".py", ".db", ".sqlite", ".lock", ".log"})


@dataclass(slots=True)
class InputFile:
    path: str  # what opens the file (may hold undecodable bytes as surrogates)
    key: str  # stable identity of the input: path relative to the source, or its URL (readable text)
    file_name: str  # the file's own name, readable text
    source_url: str | None = None
    aliases: tuple[str, ...] = ()  # other URLs that gave the same bytes (a crawl)


class TooBig(OSError):
    """The file is larger than a report can be: not read."""


def discover(source: str | Path) -> list[InputFile]:
    """Report files under a folder (recursively, sorted by their path parts), or the one file given.

    Hidden files and folders are skipped, symlinked folders not followed, a folder that cannot be
    listed is logged and skipped; paths of any length and names in any encoding are found.
    """
    p = Path(source)
    if p.is_file():
        return [InputFile(path=str(p), key=readable(p.name), file_name=readable(p.name))]
    if not p.is_dir():
        raise OgiError(f"source not found: {readable(str(source))}")
    found: list[tuple[list[str], str, str]] = []  # (relative parts, path, name)

    def unlistable(e: OSError) -> None:
        log.warning("folder not read: %s", readable(str(e)))

    for folder, dirs, _names, fd in os.fwalk(p, onerror=unlistable):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        rel = os.path.relpath(folder, p)
        parts = [] if rel == "." else rel.split(os.sep)
        try:
            entries = list(os.scandir(fd))
        except OSError as e:
            unlistable(e)
            continue
        for e in entries:
            if e.name.startswith(".") or Path(e.name).suffix.lower() in SKIP_SUFFIXES:
                continue
            try:
                if not e.is_file():
                    continue
            except OSError:
                continue
            found.append((parts + [e.name], os.path.join(folder, e.name), e.name))
    found.sort(key=lambda t: t[0])
    return [InputFile(path=path, key=readable("/".join(parts)), file_name=readable(name))
            for parts, path, name in found]


def read_input(path: str, max_bytes: int) -> bytes:
    """The file's bytes; raises OSError (TooBig over ``max_bytes``). A path past PATH_MAX is
    opened folder by folder, so a report nested deep in a copied share is still read."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError as e:
        if e.errno != errno.ENAMETOOLONG:
            raise
        fd = _open_deep(path)
    with os.fdopen(fd, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        if size > max_bytes:
            raise TooBig(errno.EFBIG, f"file is {size / 2**20:.0f} MB, over the {max_bytes / 2**20:.0f} MB "
                                      "a report can be: not read")
        return f.read()


def _open_deep(path: str) -> int:
    """Open ``path`` by walking its folders with ``dir_fd``: no single call sees the whole path."""
    parts = [x for x in path.split(os.sep) if x]
    fd = os.open(os.sep if os.path.isabs(path) else ".", os.O_RDONLY | os.O_DIRECTORY)
    try:
        for part in parts[:-1]:
            nxt = os.open(part, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = nxt
        return os.open(parts[-1], os.O_RDONLY, dir_fd=fd)
    finally:
        os.close(fd)


def source_path(inp: InputFile) -> str:
    """The file's absolute path as readable text, for the ``source_path`` column."""
    return readable(os.path.abspath(inp.path))
