"""Neutral types shared by every stage.

Extractors produce a :class:`Document` (paragraphs and :class:`RawTable` s in
reading order, with provenance); normalizers turn it into a :class:`Report`.
Extractors never know the template; normalizers never open files.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from operator import attrgetter

from ogi.status import Status

# x0, top, x1, bottom in PDF points (1/72 inch) from the page's top-left corner, for every page-based
# file: born-digital PDFs, scanned PDFs and images (OCR pixels converted at the dpi they were read at)
BBox = tuple[float, float, float, float]


@dataclass(slots=True, eq=False)
class Cell:
    """One printed cell. ``row``/``col`` are grid positions of its top-left corner.

    Identity matters: a merged cell is one object that :meth:`RawTable.grid`
    places at every grid position it covers (eq=False keeps ``is``/hash by id).
    """

    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    page: int | None = None
    bbox: BBox | None = None
    confidence: float | None = None
    # where a cell without page geometry was read: "line=57" (text), completed to
    # "[line=57;]table=2;row=5;col=3" (1-based, index among the document's tables) by extract_file
    locator: str | None = None


@dataclass(slots=True)
class RawTable:
    """A table as printed: cells on a grid, no schema knowledge."""

    cells: list[Cell]
    page: int | None = None
    source: str = ""

    @property
    def n_rows(self) -> int:
        return max((c.row + c.rowspan for c in self.cells), default=0)

    @property
    def n_cols(self) -> int:
        return max((c.col + c.colspan for c in self.cells), default=0)

    def grid(self) -> list[list[Cell | None]]:
        """Expand spans: every covered position refers to the same Cell object."""
        n_cols = self.n_cols  # once, not once per row
        g: list[list[Cell | None]] = [[None] * n_cols for _ in range(self.n_rows)]
        for c in self.cells:
            for r in range(c.row, c.row + c.rowspan):
                for k in range(c.col, c.col + c.colspan):
                    if g[r][k] is None:
                        g[r][k] = c
        return g

    def rows(self) -> list[list[Cell]]:
        """Per grid row, the distinct cells left to right (a row-spanning label repeats)."""
        out: list[list[Cell]] = []
        for line in self.grid():
            seen: list[Cell] = []
            for c in line:
                if c is not None and (not seen or seen[-1] is not c):
                    seen.append(c)
            out.append(seen)
        return out

    @classmethod
    def from_rows(cls, rows: list[list[str]], *, page: int | None = None, source: str = "") -> RawTable:
        """Build from plain rows of strings (text dumps): one cell per string, no spans."""
        cells = [Cell(text=t, row=r, col=k, page=page) for r, line in enumerate(rows) for k, t in enumerate(line)]
        return cls(cells=cells, page=page, source=source)


@dataclass(slots=True)
class Paragraph:
    """A run of narrative text. ``heading`` is the extractor's layout hint only."""

    text: str
    page: int | None = None
    heading: bool = False


Block = Paragraph | RawTable


@dataclass(slots=True)
class Document:
    """What every extractor returns: blocks in reading order plus page-level hints."""

    file_name: str
    format: str  # pdf | html | docx | txt | md
    blocks: list[Block] = field(default_factory=list)
    pages: int | None = None
    warnings: list[str] = field(default_factory=list)
    extractor: str = ""  # name@version, part of the cache key
    properties: dict[str, str] = field(default_factory=dict)  # the file's own metadata (PDF info, DOCX core), lower-case keys
    title: str | None = None  # the article title found on an HTML page
    html_title: str | None = None  # an HTML page's <title>
    published: str | None = None  # ISO date the page says it was published
    table_images: int = 0  # tables printed as images: nothing to read
    ocr_engine: str | None = None  # set when the text was read by OCR
    ocr_dpi: str | None = None  # render resolution(s) of the OCR pages, e.g. "200" or "200,300"
    ocr_min_confidence: float | None = None  # lowest OCR confidence of a numeric table cell
    converted_by: str | None = None  # e.g. "libreoffice" for a .doc read through a conversion
    incomplete: str | None = None  # why the extractor stopped before the end (e.g. the OCR time budget)

    @property
    def meta(self) -> dict[str, str]:
        """All hints as one read-only dict of strings (file properties, then what the extractor found)."""
        out = dict(self.properties)
        typed = {"title": self.title, "html_title": self.html_title, "published": self.published,
                 "table_images": str(self.table_images) if self.table_images else None, "ocr": self.ocr_engine,
                 "ocr_dpi": self.ocr_dpi, "converted_by": self.converted_by,
                 "ocr_min_confidence": None if self.ocr_min_confidence is None else f"{self.ocr_min_confidence:.4f}"}
        out.update({k: v for k, v in typed.items() if v is not None})
        return out

    @property
    def tables(self) -> list[RawTable]:
        return [b for b in self.blocks if isinstance(b, RawTable)]

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]


@dataclass(slots=True)
class Fact:
    table: str
    row: str
    col: str
    value: float | None
    raw: str
    page: int | None = None
    bbox: BBox | None = None
    confidence: float | None = None
    locator: str | None = None  # the cell's Cell.locator
    origin: str = "extracted"  # extracted | corrected (a person's reading, review/corrections.py)
    extracted_value: float | None = None  # what extraction read when origin is corrected

    def __reduce__(self) -> tuple:
        """Pickled as the constructor's arguments: a report's facts cross from its worker process and
        go to the spool; this pickles in about half the time of the slots' state and reads back faster."""
        return Fact, _fact_args(self)


_fact_args = attrgetter(*(f.name for f in fields(Fact)))  # in field order = the constructor's order


@dataclass(slots=True)
class Section:
    number: int  # 1..6
    title: str
    text: str
    keywords: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Check:
    rule: str  # starts with its id: "R1 requests.total", "Y1 ..."
    passed: bool
    detail: str = ""


@dataclass(slots=True)
class Report:
    """One input file, normalized. Every input file yields exactly one Report."""

    report_id: str
    file_name: str
    sha256: str
    format: str
    status: str = Status.OK
    error: str = ""
    title: str | None = None
    agency: str | None = None
    admin_level: str | None = None
    province: str | None = None
    city: str | None = None
    county: str | None = None
    township: str | None = None
    region_code: str | None = None
    year: int | None = None
    template: str | None = None
    published: str | None = None
    source_url: str | None = None
    source_path: str | None = None  # the local file that was read (for a crawled file: its raw-store copy)
    reviewed: bool = False  # a person's correction was applied (review/corrections.py)
    agency_id: str | None = None  # stable across years (normalizers/identity.py)
    territorial_level: str | None = None  # province | city | county | township, departments included
    duplicate_of: str | None = None  # report_id of the kept copy of the same agency-year (set at publish)
    region_match: str | None = None  # exact | fuzzy: 沐阳县 → 沭阳县 (…) | None when unresolved
    extractor: str = ""
    fee_charged: bool | None = None
    fee_notices: int | None = None
    fee_amount_yuan: float | None = None
    seen_as: list[str] = field(default_factory=list)  # every name these bytes had in the run (relative paths, URLs)
    facts: list[Fact] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
