"""Content-addressed raw store plus a SQLite manifest of what each URL last gave us.

Report files live at ``<root>/ab/abcdef….<ext>`` (sha256 of the bytes; extension from
the sniffed kind) and are never overwritten, so one file reached from two URLs is
stored once. Navigation pages (listings, stub articles, robots.txt) are kept
compressed in the manifest so a 304 on a later run can still be followed.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import tempfile
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS fetches (
    url TEXT PRIMARY KEY,
    sha256 TEXT,
    etag TEXT,
    last_modified TEXT,
    fetched_at TEXT NOT NULL,
    http_status INTEGER,
    content_type TEXT,
    file_name TEXT,
    referer TEXT,
    role TEXT NOT NULL DEFAULT 'page'
);
CREATE INDEX IF NOT EXISTS fetches_sha ON fetches(sha256);
CREATE TABLE IF NOT EXISTS files (
    sha256 TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    content_type TEXT,
    size INTEGER NOT NULL,
    stored_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS pages (
    sha256 TEXT PRIMARY KEY,
    body BLOB NOT NULL
);
"""


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    """What the last fetch of one URL gave (``sha256`` is None for errors)."""

    url: str
    sha256: str | None
    etag: str | None
    last_modified: str | None
    fetched_at: str
    http_status: int | None
    content_type: str | None
    file_name: str | None
    referer: str | None
    role: str


@dataclass(frozen=True, slots=True)
class StoredFile:
    sha256: str
    path: Path
    content_type: str
    is_new: bool


class RawStore:
    """Files under ``root`` by content hash, manifest at ``root/manifest.sqlite`` unless given."""

    def __init__(self, root: str | Path, manifest: str | Path | None = None) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.manifest_path = Path(manifest) if manifest else self.root / "manifest.sqlite"
        # a Prefect task may run in another thread than the one that opened the store;
        # every statement commits at once, so sharing one connection is safe
        self._db = sqlite3.connect(self.manifest_path, check_same_thread=False)
        self._db.executescript(_SCHEMA)
        self._db.commit()

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> RawStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- files ---------------------------------------------------------------
    def path_for(self, sha: str, ext: str) -> Path:
        """``root/ab/<sha><ext>``: the address of a file's bytes."""
        return self.root / sha[:2] / f"{sha}{ext}"

    def put_file(self, data: bytes, content_type: str, ext: str) -> StoredFile:
        """Store ``data`` once; an existing file with this hash is never rewritten."""
        sha = sha256_hex(data)
        known = self.file_path(sha)
        if known is not None and known.exists():
            return StoredFile(sha, known, content_type, is_new=False)
        path = self.path_for(sha, ext)
        is_new = not path.exists()
        if is_new:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".part-")
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                os.chmod(tmp, 0o444)
                os.link(tmp, path)  # fails if someone stored it meanwhile: never overwrite
            except FileExistsError:
                is_new = False
            finally:
                os.unlink(tmp)
        self._db.execute(
            "INSERT OR IGNORE INTO files(sha256, path, content_type, size, stored_at) VALUES (?,?,?,?,?)",
            (sha, str(path.relative_to(self.root)), content_type, len(data), utc_now()),
        )
        self._db.commit()
        return StoredFile(sha, path, content_type, is_new)

    def file_path(self, sha: str) -> Path | None:
        row = self._db.execute("SELECT path FROM files WHERE sha256=?", (sha,)).fetchone()
        return self.root / row[0] if row else None

    def file_content_type(self, sha: str) -> str | None:
        row = self._db.execute("SELECT content_type FROM files WHERE sha256=?", (sha,)).fetchone()
        return row[0] if row else None

    # -- navigation pages ----------------------------------------------------
    def put_page(self, data: bytes) -> str:
        sha = sha256_hex(data)
        self._db.execute("INSERT OR IGNORE INTO pages(sha256, body) VALUES (?,?)", (sha, zlib.compress(data)))
        self._db.commit()
        return sha

    def body(self, sha: str) -> bytes | None:
        """The bytes stored under ``sha`` (file or page), or None if we no longer have them."""
        row = self._db.execute("SELECT body FROM pages WHERE sha256=?", (sha,)).fetchone()
        if row:
            return zlib.decompress(row[0])
        path = self.file_path(sha)
        if path is not None and path.exists():
            return path.read_bytes()
        return None

    # -- manifest ------------------------------------------------------------
    def lookup(self, url: str) -> ManifestEntry | None:
        row = self._db.execute(
            "SELECT url, sha256, etag, last_modified, fetched_at, http_status, content_type, file_name,"
            " referer, role FROM fetches WHERE url=?",
            (url,),
        ).fetchone()
        return ManifestEntry(*row) if row else None

    def record(self, entry: ManifestEntry) -> None:
        """Remember the latest fetch of a URL (replaces the previous row for that URL)."""
        self._db.execute(
            "INSERT OR REPLACE INTO fetches(url, sha256, etag, last_modified, fetched_at, http_status,"
            " content_type, file_name, referer, role) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (entry.url, entry.sha256, entry.etag, entry.last_modified, entry.fetched_at, entry.http_status,
             entry.content_type, entry.file_name, entry.referer, entry.role),
        )
        self._db.commit()

    def urls_for(self, sha: str) -> list[str]:
        rows = self._db.execute("SELECT url FROM fetches WHERE sha256=? ORDER BY url", (sha,)).fetchall()
        return [r[0] for r in rows]

    def files(self) -> list[Path]:
        """Every stored report file (what the extract stage reads)."""
        rows = self._db.execute("SELECT path FROM files ORDER BY path").fetchall()
        return [self.root / r[0] for r in rows]
