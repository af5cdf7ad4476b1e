"""The extractor interface and the registry by file type.

Like camelot's parsers, every extractor subclasses :class:`Extractor` and is
registered for the kinds it reads. The handler (:func:`extract_file`) owns file I/O:
it reads bytes once, sniffs the real kind from magic bytes (a portal's HTML error
page saved as ``.pdf`` is HTML, not a PDF) and hands bytes to the extractor.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from pathlib import Path
from typing import ClassVar

from ogi.errors import ExtractionError, UnsupportedFormat
from ogi.settings import ExtractSettings
from ogi.sniff import SUFFIX_KIND, kind_mismatch, sniff  # noqa: F401  (re-exported)
from ogi.types import Document

log = logging.getLogger(__name__)

_REGISTRY: dict[str, type[Extractor]] = {}


class Extractor(ABC):
    """Reads one kind of file into a :class:`Document`; never knows the schema."""

    name: ClassVar[str]
    version: ClassVar[str]  # bump when output changes: it is part of the cache key
    kinds: ClassVar[tuple[str, ...]]  # sniffed kinds this extractor reads

    @classmethod
    def for_run(cls, settings: ExtractSettings) -> Extractor:
        """This extractor set up by a run's :class:`~ogi.settings.ExtractSettings` (the ones with
        nothing to set there take none)."""
        return cls()

    @abstractmethod
    def extract(self, data: bytes, file_name: str) -> Document:
        """Parse ``data`` (the whole file). Raise ExtractionError subclasses on failure."""

    @property
    def key(self) -> str:
        return f"{self.name}@{self.version}"


def register(cls: type[Extractor]) -> type[Extractor]:
    """Class decorator: make ``cls`` the extractor for each of its kinds."""
    for kind in cls.kinds:
        _REGISTRY[kind] = cls
    return cls


def registered() -> dict[str, type[Extractor]]:
    _load_builtin()
    return dict(_REGISTRY)


def _load_builtin() -> None:
    """Import the bundled extractors so they register themselves."""
    import importlib

    for mod in ("extractors.text", "extractors.html", "extractors.pdf", "extractors.docx", "extractors.ocr"):
        try:
            importlib.import_module(mod)
        except ImportError as e:  # an optional extractor's dependency is missing
            if e.name and e.name.startswith("extractors."):
                continue
            log.warning("extractor %s unavailable: %s", mod, e)


def for_file(data: bytes, file_name: str, settings: ExtractSettings = ExtractSettings()) -> Extractor:
    """The extractor for these bytes, set up by ``settings``, or UnsupportedFormat."""
    _load_builtin()
    if not data:  # before sniffing: an empty .pdf is not a damaged PDF
        raise ExtractionError("empty file (0 bytes): nothing to read; the download or copy failed, "
                              "fetch the file again", file=file_name)
    kind = sniff(data, file_name)
    cls = _REGISTRY.get(kind)
    if cls is None:
        what = Path(file_name).suffix.lower() or "no file name suffix"
        raise UnsupportedFormat(f"cannot read this kind of file ({what}, content '{kind}'): reports are read from "
                                "PDF, HTML, Word (DOCX/DOC/WPS), text/Markdown and scanned images", file=file_name)
    return cls.for_run(settings)


def extract_file(path: str | Path, data: bytes | None = None,
                 settings: ExtractSettings = ExtractSettings()) -> Document:
    """Read ``path`` (or use ``data``) and extract it with the right extractor, set up by ``settings``."""
    p = Path(path)
    if data is None:
        try:
            data = p.read_bytes()
        except OSError as e:
            raise ExtractionError(f"cannot read file: {e.strerror}", file=p.name) from e
    ex = for_file(data, p.name, settings)
    doc = ex.extract(data, p.name)
    doc.extractor = ex.key
    return locate_cells(doc)


def locate_cells(doc: Document) -> Document:
    """Give every table cell a locator "table=T;row=R;col=C" (1-based; T among the document's
    tables), after any "line=N" the extractor set: where a value was read, for every format."""
    for t, table in enumerate(doc.tables, start=1):
        for c in table.cells:
            where = f"table={t};row={c.row + 1};col={c.col + 1}"
            c.locator = f"{c.locator};{where}" if c.locator else where
    return doc
