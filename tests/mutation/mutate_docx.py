"""The mutators on DOCX reports, through python-docx: the tables' cells are laid out as a TSV
text (one line per row, each merged cell once), the text mutators run on it, and every cell
whose text changed is written back. Digits run together merge the value cells of a row
(python-docx ``merge``); a wrapped label gets a line break.
"""

from __future__ import annotations

import io
import random
import re
import zipfile

import docx

from tests.mutation.grid import NUMBER

_BREAK = "¶"  # a line break inside a cell, kept out of the TSV's line structure
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _cells(document) -> list[list[list]]:
    """Per table, per row, the row's cells with every merged cell taken once."""
    out = []
    for table in document.tables:
        seen: set[int] = set()
        rows = []
        for row in table.rows:
            cells = []
            for c in row.cells:
                if id(c._tc) not in seen:
                    seen.add(id(c._tc))
                    cells.append(c)
            rows.append(cells)
        out.append(rows)
    return out


def _save(document) -> bytes:
    """The document's bytes, the same for the same edits (zip entries get a fixed time)."""
    buf = io.BytesIO()
    document.save(buf)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0)), src.read(info.filename),
                         compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def table_texts(data: bytes) -> list[list[str]]:
    """Every row's cell texts (each merged cell once): what the mutators may have changed."""
    return [[c.text for c in row] for rows in _cells(docx.Document(io.BytesIO(data))) for row in rows]


def _tsv(grid) -> str:
    return "\n\n".join("\n".join("\t".join(c.text.replace("\t", " ").replace("\n", _BREAK) for c in row)
                                 for row in rows) for rows in grid)


def via_text(data: bytes, fn) -> tuple[bytes, str] | None:
    """Run ``fn(tsv_text) -> (new_text, note) | None`` on the tables; write changed cells back."""
    document = docx.Document(io.BytesIO(data))
    grid = _cells(document)
    before = _tsv(grid)
    out = fn(before)
    if out is None or out[0] == before:
        return None
    new_tables = out[0].split("\n\n")
    if len(new_tables) != len(grid):
        return None
    for rows, block in zip(grid, new_tables):
        lines = block.split("\n")
        if len(lines) != len(rows) or any(len(ln.split("\t")) != len(r) for ln, r in zip(lines, rows)):
            return None  # the mutation changed the grid's shape: not a cell edit
        for cells, line in zip(rows, lines):
            for c, new in zip(cells, line.split("\t")):
                new = new.replace(_BREAK, "\n")
                if new != c.text:
                    c.text = new
    return _save(document), out[1]


def _value_rows(grid) -> list[list]:
    return [row for rows in grid for row in rows if sum(bool(NUMBER.match(c.text)) for c in row) >= 2]


def run_together(data: bytes, rng: random.Random) -> tuple[bytes, str] | None:
    """A row's value cells merged into one cell holding their digits run together."""
    document = docx.Document(io.BytesIO(data))
    rows = _value_rows(_cells(document))
    if not rows:
        return None
    scope = rng.choice(["row", "row", "all"])
    chosen = rows if scope == "all" else [rng.choice(rows)]
    for row in chosen:
        idx = [i for i, c in enumerate(row) if NUMBER.match(c.text)]
        first, last = row[idx[0]], row[idx[-1]]
        joined = "".join(row[i].text.strip() for i in range(idx[0], idx[-1] + 1))
        merged = first.merge(last)
        merged.text = joined
    return _save(document), f"docx digits run together ({scope}, {len(chosen)} rows)"


def wrap(data: bytes, rng: random.Random) -> tuple[bytes, str] | None:
    """A line break inside a long row label, between two CJK characters."""
    document = docx.Document(io.BytesIO(data))
    labels = [max((c for c in row if not NUMBER.match(c.text)), key=lambda c: len(c.text))
              for row in _value_rows(_cells(document)) if any(not NUMBER.match(c.text) for c in row)]
    labels = [c for c in labels if len(c.text) >= 6 and "\n" not in c.text]
    if not labels:
        return None
    cell = rng.choice(labels)
    text = cell.text
    cuts = [i for i in range(2, len(text) - 1) if _CJK.match(text[i - 1]) and _CJK.match(text[i])]
    if not cuts:
        return None
    cut = rng.choice(cuts)
    cell.text = text[:cut] + "\n" + text[cut:]
    return _save(document), f"docx line break in {text!r} after {text[:cut]!r}"
