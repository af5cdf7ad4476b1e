"""Plain-text and Markdown reports: PDF-to-text dumps, `pdftotext -layout`, pipe/TSV Markdown.

Lines are classified as table rows (pipes, tabs, or columns separated by wide gaps)
or narrative; consecutive table rows become one :class:`RawTable` of plain strings.
Nothing here knows the template: label fragments stay as they are printed.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from extractors.base import Extractor, register
from extractors.encoding import decode_bytes
from extractors.text_columns import recut
from ogi.errors import ExtractionError
from ogi.numbers import TEXT_NUMBERS_ONLY, TEXT_PAGE_NUMBER, TEXT_VALUE_TOKEN
from ogi.types import Block, Cell, Document, Paragraph, RawTable

_PIPE_SEP = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_GAP = re.compile(r"\S(?: {2,}|\u3000+)\S")
_SPLIT_GAP = re.compile(r"(?: {2,}|\u3000+)")
_NUMS_ONLY = TEXT_NUMBERS_ONLY
_PAGE_NO = TEXT_PAGE_NUMBER
_HEADING = re.compile(r"^\s*(?:#{1,6}\s+|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)")
_MD_MARK = re.compile(r"^#{1,6}\s+")

_VALUE_TOKEN = TEXT_VALUE_TOKEN
# "行政许可 9487", "一、本年新收…数量 95 0 0 0 0 0 95": a label then numbers, single spaces (plain PDF text)
_SPACED_ROW = re.compile(rf"^(?P<label>\S.*?\S|\S)\s+(?P<nums>{_VALUE_TOKEN}(?:\s+{_VALUE_TOKEN})*)$")
_SENTENCE_END = ("。", "；", "：", ":", ";")
_SENTENCE = re.compile(r"[，。；：,;:]")
_CJK_CHAR = re.compile(r"[\u3400-\u9fff]")

MAX_LINE = 200_000  # a single "line" longer than this is not a report line


@dataclass(frozen=True, slots=True)
class TextSettings:
    """How wide a gap must be to separate layout columns, and how far a table row may be indented."""

    min_indent_fragment: int = 4

    def __post_init__(self) -> None:
        if self.min_indent_fragment < 1:
            raise ValueError("min_indent_fragment must be >= 1")


def split_row(line: str) -> list[str] | None:
    """Cells of a table-looking line, or None for narrative."""
    s = line.rstrip("\r\n")
    stripped = s.strip()
    if not stripped:
        return None
    if stripped.startswith("|") and stripped.count("|") >= 2:
        inner = stripped[1:-1] if stripped.endswith("|") else stripped[1:]
        return [c.strip() for c in inner.split("|")]
    if "\t" in s:
        return [c.strip() for c in s.split("\t")]
    if _GAP.search(stripped):
        cells: list[str] = []
        for part in _SPLIT_GAP.split(stripped):
            part = part.strip()
            if _NUMS_ONLY.match(part):
                cells.extend(part.split())
            else:
                cells.append(part)
        return cells
    return _spaced_row(stripped)


def _spaced_row(s: str) -> list[str] | None:
    """A label followed by single-space separated numbers, as plain PDF-to-text prints rows.

    Narrative lines can end in a number too, so one trailing number counts only after a short
    label without sentence punctuation; two or more count after any label with CJK text.
    """
    tokens = s.split()
    if len(tokens) >= 3 and all(re.fullmatch(_VALUE_TOKEN, t) for t in tokens) and (
            len(tokens) >= 5 or sum(any(ch.isdigit() for ch in t) for t in tokens) >= 2):
        return tokens  # a row of numbers whose label wrapped onto other lines (not "- 3 -")
    m = _SPACED_ROW.match(s)
    if not m:
        return None
    label, nums = m.group("label"), m.group("nums").split()
    if not _CJK_CHAR.search(label) or _CJK_CHAR.match(label[-1:]) is None and not label.endswith(("）", ")", "”", '"')):
        return None
    if len(nums) == 1 and (len(label) > 20 or _SENTENCE.search(label)):
        return None
    return [label, *nums]


def _rstrip_keep_tabs(s: str) -> str:
    """Strip the line end but keep the tabs after a label: ``规章\t\t\t`` in a table is a row of empty
    cells (zeros printed blank), not narrative. A sentence with a stray trailing tab stays narrative."""
    stripped = s.rstrip()
    if not stripped or "\t" not in s[len(stripped):] or stripped.endswith(_SENTENCE_END):
        return stripped
    return s.rstrip(" \r\n\u3000\v")


def pad_to_header(rows: list[list[str]], tsv: list[bool]) -> list[list[str]]:
    """TSV rows with numbers but fewer fields than the header above them end in empty fields.

    Writers drop trailing empty fields; when zeros print blank, those were cells (``规范性文件\t28``
    under a four-column header is ``规范性文件, 28, '', ''``). A header here is a row without numbers
    with two or more texts; rows are never cut, only filled up to its width.
    """
    out = [list(r) for r in rows]
    width = 0
    for r, is_tsv in zip(out, tsv):
        numbers = sum(1 for c in r if re.fullmatch(_VALUE_TOKEN, c.strip()))
        if not numbers and sum(1 for c in r if c.strip()) >= 2:
            width = len(r)
        elif numbers and is_tsv and len(r) < width:
            r.extend([""] * (width - len(r)))
    return out


def _clean_para(s: str) -> str:
    s = _MD_MARK.sub("", s.strip())
    return s.replace("**", "").replace("__", "").strip()


def _is_layout(lines: list[str]) -> bool:
    """`pdftotext -layout` output: no tabs or pipes, many indented lines."""
    if any("\t" in ln or ln.lstrip().startswith("|") for ln in lines):
        return False
    indented = sum(1 for ln in lines if ln.startswith("  ") and ln.strip())
    return indented >= 0.2 * max(1, sum(1 for ln in lines if ln.strip()))


def narrative_indent(lines: list[str]) -> int:
    """The deepest indent a line of running text starts at (`pdftotext -layout`): a heading indented no
    deeper is at the narrative level (一、总体情况), not a row label inside a table."""
    def indent(ln: str) -> int:
        return len(ln) - len(ln.lstrip())

    def prose(ln: str) -> bool:  # a line of running text: a sentence, or wider than a table's label cell
        t = ln.strip()
        return split_row(ln) is None and (len(t) >= 30 or len(t) >= 15 and "。" in t)

    found = [indent(ln) for ln in lines if prose(ln)]
    for i, ln in enumerate(lines):  # a heading over a paragraph
        nxt = next((x for x in lines[i + 1: i + 4] if x.strip()), "")
        if _HEADING.match(ln.strip()) and split_row(ln) is None and prose(nxt):
            found.append(indent(ln))
    return max((k for k, n in Counter(found).items() if n >= 2), default=0)  # one odd line proves nothing


def _has_number(cells: list[str] | None) -> bool:
    return bool(cells) and any(re.fullmatch(_VALUE_TOKEN, c.strip()) for c in cells or [])


def blank_row_label(lines: list[str], i: int, rows: list[list[str]], base: int, look: int = 60) -> bool:
    """Whether layout line ``i``, a label alone, is a table row printing no number (zeros printed blank).

    Neutral evidence only: it is short text indented deeper than the narrative (``base``), and below it
    more numeric rows follow before any sentence, long line or narrative-level heading; or, in a table
    with a header row, the next thing is such a heading (the table's last rows)."""
    line = lines[i]
    text = line.strip()
    indent = len(line) - len(line.lstrip())
    if len(text) >= 40 or indent <= base or any(p in text for p in "。；;") or _PAGE_NO.match(line):
        return False
    for nxt in lines[i + 1: i + 1 + look]:
        t = nxt.replace("\f", "").strip()
        if not t or _PAGE_NO.match(nxt):
            continue
        cells = split_row(nxt.replace("\f", "").rstrip())
        if _has_number(cells):
            return True
        if cells is None and _HEADING.match(t) and len(nxt) - len(nxt.lstrip()) <= base:
            return any(not _has_number(r) and sum(1 for c in r if c) >= 2 for r in rows)  # under a header
        if len(t) >= 40 or any(p in t for p in "。；;") or cells is None and any(p in t for p in "：:"):
            return False  # a sentence ends the table; a header row's "（单位：万元）" does not
    return False


def lines_to_blocks(lines: list[str], settings: TextSettings = TextSettings()) -> list[Block]:
    """Group lines into paragraphs and tables (pure; the core of this extractor)."""
    layout = _is_layout(lines)
    base = narrative_indent(lines) if layout else 0
    blocks: list[Block] = []
    rows: list[list[str]] = []
    row_lines: list[int] = []  # 1-based line number of each row in ``rows``
    src: list[str | None] = []  # each row's source line (layout tables are re-cut on character columns)
    columns: list[float] | None = None  # the last layout band's columns, for a table continued without header
    pending_blank = False
    para: list[str] = []

    def flush_para() -> None:
        if para:
            text = "".join(para) if layout else " ".join(para)
            text = _clean_para(text)
            if text:
                blocks.append(Paragraph(text=text, heading=bool(_HEADING.match(para[0]))))
            para.clear()

    def flush_table() -> None:
        nonlocal columns
        if rows:
            cut = [list(r) for r in rows]
            if layout:
                cut, columns = recut(cut, src, columns)
            else:
                cut = pad_to_header(cut, [ln is not None and "\t" in ln for ln in src])
            table = RawTable.from_rows(cut, source="text")
            for c in table.cells:
                c.locator = f"line={row_lines[c.row]}"
            blocks.append(table)
            rows.clear()
            src.clear()
            row_lines.clear()

    for i, raw in enumerate(lines):
        line = raw.replace("\f", "")
        line = _rstrip_keep_tabs(line) if rows or "\t" in line.strip() else line.rstrip()
        if _PIPE_SEP.match(line.strip()) and line.strip():
            continue
        if rows and not raw.strip() and raw.count("\t") >= 2:
            rows.append([""] * (raw.count("\t") + 1))  # a table row of empty fields (all zeros printed blank)
            src.append(None)
            row_lines.append(i + 1)
            continue
        if not line.strip():
            pending_blank = True
            flush_para()
            continue
        if _PAGE_NO.match(line):
            continue
        cells = split_row(line)
        if cells is None and rows and layout:
            # a wrapped label fragment between table rows ("   公开"): keep it in the table
            indent = len(line) - len(line.lstrip())
            nxt = next((ln for ln in lines[i + 1 : i + 4] if ln.strip()), "")
            if indent >= settings.min_indent_fragment and split_row(nxt) is not None and not _HEADING.match(line):
                cells = [line.strip()]
        if cells is not None and (_HEADING.match(line) and len([c for c in cells if c]) <= 1) and (
                not rows or len(cells) < max(3, len(rows[-1]) - 1)):
            # "## 三、…\t" is a heading, not a one-cell row; "二、上年结转…\t\t\t…" as wide as the table's
            # rows is a row whose every field is blank
            cells = None
        if cells is not None:
            flush_para()
            rows.append(cells)
            row_lines.append(i + 1)
            src.append(line)
            pending_blank = False
            continue
        # narrative line
        if rows and layout and blank_row_label(lines, i, rows, base):
            rows.append([line.strip()])  # a row printing its label alone, inside the table
            row_lines.append(i + 1)
            src.append(line)
            pending_blank = False
            continue
        if rows:
            nxt = next((ln for ln in lines[i + 1 : i + 3] if ln.strip()), "")
            if pending_blank and split_row(nxt) is not None and not _HEADING.match(line) and len(line.strip()) < 40:
                rows.append([line.strip()])  # a lone label line inside a table
                row_lines.append(i + 1)
                src.append(line)
                continue
            flush_table()
        if layout and para and (line.startswith(" ") or _HEADING.match(line)):
            flush_para()
        elif not layout and para:
            flush_para()
        para.append(line.strip() if layout else line)
        pending_blank = False
    flush_para()
    flush_table()
    return _merge_blank_split_tables(blocks)


def _merge_blank_split_tables(blocks: list[Block]) -> list[Block]:
    """Tables separated only by blank lines are one table (blank lines inside tables)."""
    out: list[Block] = []
    for b in blocks:
        if isinstance(b, RawTable) and out and isinstance(out[-1], RawTable):
            prev = out[-1]
            shift = prev.n_rows
            moved = [Cell(text=c.text, row=c.row + shift, col=c.col, page=c.page, locator=c.locator) for c in b.cells]
            out[-1] = RawTable(cells=prev.cells + moved, page=prev.page, source=prev.source)
        else:
            out.append(b)
    return out


@register
class TextExtractor(Extractor):
    """`.txt` and `.md` reports."""

    name = "text"
    # 6: stacked column heads left of the numbers, a header's （单位：万元） keeps label-only rows;
    # 5: layout columns by display width when the numbers line up so, straddling numbers not placed; 4: label-only rows
    version = "6"
    kinds = ("txt", "md")

    def __init__(self, settings: TextSettings = TextSettings()) -> None:
        self.settings = settings

    def extract(self, data: bytes, file_name: str) -> Document:
        if not data.strip():
            raise ExtractionError("empty text file: nothing to read", file=file_name)
        if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise ExtractionError("binary content in a text file (NUL bytes): not a text report", file=file_name)
        text = decode_bytes(data)
        lines = text.splitlines()
        if any(len(ln) > MAX_LINE for ln in lines):
            raise ExtractionError(f"a single line longer than {MAX_LINE} characters: not a report text", file=file_name)
        fmt = "md" if file_name.lower().endswith((".md", ".markdown")) else "txt"
        return Document(file_name=file_name, format=fmt, blocks=lines_to_blocks(lines, self.settings))
