"""One SQLite index beside the report cache: which content a file has, and how its report ended.

A nightly run over 10 000 unchanged files must decide "nothing new" without hashing every
file and opening one cached JSON per report. The index answers both from one file:

* ``files``: path, size, mtime_ns → sha256 (a file whose size and mtime are unchanged is
  not hashed again; like git's index, an edit that keeps both is not noticed — ``--force``
  rehashes);
* ``outcomes``: sha256 → status, error, year of the finished report in this cache version, and
  whether digits still split (such a report is always loaded: it may settle in the batch).

It is only an accelerator: any SQLite error makes it step aside (logged) and the run falls
back to hashing and to the cached JSON bodies, which stay the source of truth.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ogi.hashing import file_sha256
from ogi.names import from_key, path_key
from ogi.types import Report

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, sha TEXT);
CREATE TABLE IF NOT EXISTS outcomes (sha TEXT PRIMARY KEY, status TEXT, error TEXT, year INTEGER, split INTEGER);
"""


@dataclass(frozen=True, slots=True)
class Entry:
    """How a cached report ended (enough to tell whether the dataset already has it)."""

    status: str
    error: str | None
    year: int | None
    split: bool = False  # digits still split several ways: may settle against the previous year's report


class ReportIndex:
    """The index of one cache version directory (``<cache>/<pipeline version>/index.sqlite``)."""

    def __init__(self, root: str | Path) -> None:
        self.path = Path(root) / "index.sqlite"
        self._db: sqlite3.Connection | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")  # readers never wait for a writing run
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(_SCHEMA)
            self._db = db
        except (sqlite3.Error, OSError) as e:
            log.warning("report index %s unusable (%s): hashing every file instead", self.path, e)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def shas(self, paths: list[str], force: bool = False) -> dict[str, str]:
        """Content hash of every readable path; unchanged files from the index, the rest hashed
        (and recorded). A path that cannot be read is left out."""
        known: dict[str, tuple[int, int, str]] = {}
        if not force:  # a path that is not UTF-8 (a GBK name) is its bytes in the index
            known = {from_key(p): (s, m, h) for p, s, m, h in self._select(
                "SELECT path, size, mtime_ns, sha FROM files WHERE path IN ({})", [path_key(p) for p in paths])}
        out: dict[str, str] = {}
        fresh: list[tuple[str | bytes, int, int, str]] = []
        for p in paths:
            try:
                st = os.stat(p)
                got = known.get(p)
                if got is not None and got[0] == st.st_size and got[1] == st.st_mtime_ns:
                    out[p] = got[2]
                    continue
                out[p] = file_sha256(p)
            except OSError:
                continue
            fresh.append((path_key(p), st.st_size, st.st_mtime_ns, out[p]))
        self._write("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?)", fresh)
        return out

    def entries(self, shas: Iterable[str]) -> dict[str, Entry]:
        """The recorded outcome of each of ``shas`` that has one."""
        rows = self._select("SELECT sha, status, error, year, split FROM outcomes WHERE sha IN ({})", sorted(set(shas)))
        return {s: Entry(st, err, y, bool(sp)) for s, st, err, y, sp in rows}

    def record(self, reports: Iterable[Report]) -> None:
        """Remember how these (cached) reports ended."""
        from normalizers.previous_year import open_split

        self._write("INSERT OR REPLACE INTO outcomes VALUES (?, ?, ?, ?, ?)",
                    [(r.sha256, r.status, r.error, r.year, int(open_split(r))) for r in reports if r.sha256])

    def forget(self, shas: Iterable[str]) -> None:
        """Drop outcomes whose cached body turned out unreadable (they will be extracted again)."""
        self._write("DELETE FROM outcomes WHERE sha = ?", [(s,) for s in shas])

    def _select(self, sql: str, keys: list, chunk: int = 500) -> list[tuple]:
        """Rows for ``keys`` (``sql`` has one ``IN ({})``), a bounded number of parameters a query."""
        if self._db is None:
            return []
        out: list[tuple] = []
        try:
            for i in range(0, len(keys), chunk):
                part = keys[i:i + chunk]
                out += self._db.execute(sql.format(",".join("?" * len(part))), part).fetchall()
        except sqlite3.Error as e:
            log.warning("report index unreadable (%s): working without it", e)
            return []
        return out

    def _write(self, sql: str, rows: list[tuple]) -> None:
        if self._db is None or not rows:
            return
        try:
            with self._db:
                self._db.execute("BEGIN")
                self._db.executemany(sql, rows)
        except sqlite3.Error as e:
            log.warning("report index not updated (%s): the next run hashes these files again", e)
