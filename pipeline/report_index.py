"""One SQLite index beside the report cache: which content a file has, and how its report ended.

A nightly run over 10 000 unchanged files must decide "nothing new" without hashing every
file and opening one cached JSON per report. The index answers both from one file:

* ``files``: path, size, mtime_ns → sha256 (a file whose size and mtime are unchanged is
  not hashed again; like git's index, an edit that keeps both is not noticed — ``--force``
  rehashes). Why that is safe enough: every writer we know of (the crawler's RawStore, cp,
  editors, rsync without ``-t`` on a changed file) sets a new mtime in nanoseconds; what
  defeats it is a same-size rewrite within one timestamp tick of the indexing (git's "racily
  clean" case, on file systems with coarse timestamps) or a tool that restores the old mtime
  on purpose (``rsync -t``/``touch -r`` over changed bytes of the same size). Those are rare
  for report files, and a wrong hit would only keep the previous reading of that file;
  ``--force`` (or deleting ``index.sqlite``) rehashes everything;
* ``outcomes``: sha256 → status, error, year, agency and province of the finished report in this
  cache version, and whether digits still split (such a report may settle against the same
  agency's report of the year before, when the run holds one: then it is loaded).

It is only an accelerator: any SQLite error makes it step aside (logged) and the run falls
back to hashing and to the cached JSON bodies, which stay the source of truth.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterable, Set
from dataclasses import dataclass
from pathlib import Path

from ogi.hashing import file_sha256
from ogi.names import from_key, path_key
from ogi.types import Report

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, sha TEXT);
CREATE TABLE IF NOT EXISTS outcomes (sha TEXT PRIMARY KEY, status TEXT, error TEXT, year INTEGER, split INTEGER,
                                     agency TEXT, province TEXT);
"""
_ADDED = (("agency", "TEXT"), ("province", "TEXT"))  # columns an older index lacks (their rows read NULL)


@dataclass(frozen=True, slots=True)
class Entry:
    """How a cached report ended (enough to tell whether the dataset already has it)."""

    status: str
    error: str | None
    year: int | None
    split: bool = False  # digits still split several ways: may settle against the previous year's report
    agency: str | None = None  # None: not recorded (an older index row); "" when the report names none
    province: str | None = None

    def may_settle(self, known: Set[tuple[str, str, int]]) -> bool:
        """Whether this report's split digits may settle against a report of ``known`` (the
        (agency, province or "", year) keys of the run's and the dataset's reports): only the same
        agency's year before or after can settle them (normalizers.previous_year). An older index
        row, which lacks the agency, may always settle."""
        if not self.split:
            return False
        if self.agency is None:
            return True
        if not self.agency or self.year is None:
            return False
        return any((self.agency, self.province or "", self.year + d) in known for d in (-1, 1))

    def key(self) -> tuple[str, str, int] | None:
        """(agency, province, year) of this report, as a neighbour of a split one."""
        return (self.agency, self.province or "", self.year) if self.agency and self.year is not None else None


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
            have = {row[1] for row in db.execute("PRAGMA table_info(outcomes)")}
            for name, typ in _ADDED:
                if name not in have:
                    db.execute(f"ALTER TABLE outcomes ADD COLUMN {name} {typ}")
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
        rows = self._select("SELECT sha, status, error, year, split, agency, province FROM outcomes "
                            "WHERE sha IN ({})", sorted(set(shas)))
        return {s: Entry(st, err, y, bool(sp), ag, pr) for s, st, err, y, sp, ag, pr in rows}

    def record(self, reports: Iterable[Report]) -> None:
        """Remember how these (cached) reports ended."""
        from normalizers.previous_year import open_split

        self._write("INSERT OR REPLACE INTO outcomes (sha, status, error, year, split, agency, province) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [(r.sha256, r.status, r.error, r.year, int(open_split(r)), r.agency or "", r.province or "")
                     for r in reports if r.sha256])

    def forget(self, shas: Iterable[str]) -> None:
        """Drop outcomes whose cached body turned out unreadable (they will be extracted again)."""
        self._write("DELETE FROM outcomes WHERE sha = ?", [(s,) for s in shas])

    def _select(self, sql: str, keys: list, chunk: int = 500) -> list[tuple]:
        """Rows for ``keys`` (``sql`` has one ``IN ({})`` on the first column it selects), a bounded
        number of parameters a query; when the keys are most of the table, one scan of it."""
        if self._db is None:
            return []
        out: list[tuple] = []
        try:
            table = sql.split(" FROM ", 1)[1].split()[0]
            if len(keys) > chunk and 2 * len(keys) >= self._db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]:
                want = set(keys)  # a nightly run asks for every file it indexed: one pass, not 20 queries
                return [row for row in self._db.execute(sql.split(" WHERE ", 1)[0]) if row[0] in want]
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
