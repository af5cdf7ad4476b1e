"""Run settings and every default in one place: limits, and where data lives.

Paths resolve so that an installed package works from any folder: the bundled samples and
``sources.yaml`` ship inside the package (``ogi/data``, mapped from the checkout's ``data/``),
while what a run writes (dataset, raw files, cache) goes under ``$OGI_DATA_DIR`` or the
current folder's ``data/``.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

TIMEOUT_S = 180.0  # seconds one file may take
MEMORY_MB = 2048  # how far a worker's heap may grow (RLIMIT_DATA); OCR of a scan needs ~1.6 GB; 0: none
MAX_TASKS_PER_WORKER = 200  # then a fresh process: leaks in native libraries stay bounded
FETCH_DELAY_S = 1.0  # seconds between requests to one portal
RESPONSE_DEADLINE_S = 60.0  # seconds one HTTP response may take in all (a server trickling bytes)
CRAWL_DEADLINE_S = 7200.0  # seconds the crawl of one source may take
YEAR_RANGE = (1990, 2100)
OCR_MAX_PAGES = 12  # long scans: the first pages (tables) and the last two (sections 5, 6)
OCR_TIME_BUDGET_S = 120.0  # inside the per-file limit; later pages are skipped and the report says so
OCR_MAX_DPI = 200.0  # finer scans are downsampled: no accuracy gain, 2x the time
PDF_ENGINES = ("pdfium", "pdfplumber")  # page geometry: pdfium is fast, pdfplumber (pdfminer) slow
DOCX_MAX_MB = 200  # zip-bomb guard: a DOCX declaring more uncompressed bytes is refused
SOFFICE_TIMEOUT_S = 60.0  # LibreOffice converting one legacy .doc/.wps
DATA_DIR_ENV = "OGI_DATA_DIR"
SOURCES_FILE_ENV = "OGI_SOURCES_FILE"

_PACKAGE = Path(__file__).resolve().parent
PROJECT_ROOT = _PACKAGE.parent  # the checkout (or site-packages when installed)


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


def bundled_data_dir() -> Path:
    """Read-only data shipped with the code: ``ogi/data`` in a wheel, ``data/`` in a checkout."""
    packaged = _PACKAGE / "data"
    return packaged if (packaged / "samples").is_dir() else PROJECT_ROOT / "data"


def data_dir() -> Path:
    """Where runs keep their state: ``$OGI_DATA_DIR``, else ``./data`` of the current folder."""
    return Path(os.environ.get(DATA_DIR_ENV) or Path.cwd() / "data")


def default_source() -> Path:
    """The bundled sample reports (``ogi run`` with no arguments)."""
    return bundled_data_dir() / "samples"


def default_out() -> Path:
    return data_dir() / "dataset"


def sources_file() -> Path:
    """``$OGI_SOURCES_FILE``, else ``sources.yaml`` of the data dir if there is one, else the bundled one."""
    if env := os.environ.get(SOURCES_FILE_ENV):
        return Path(env)
    local = data_dir() / "sources.yaml"
    return local if local.is_file() else bundled_data_dir() / "sources.yaml"


def is_remote(out: str | Path) -> bool:
    """True for fsspec URLs other than local files (s3://, gs://, memory://, ...)."""
    s = str(out)
    return "://" in s and not s.startswith("file://")


def local_data_dir() -> Path:
    """Local state of a remote dataset (raw files, cache)."""
    return data_dir()


def raw_root_for(out: str | Path) -> Path:
    """Where fetched files are kept: beside a local dataset, else <data>/raw."""
    return local_data_dir() / "raw" if is_remote(out) else Path(out).resolve().parent / "raw"


def cache_dir_for(out: str | Path) -> str:
    """The extraction cache is always local: inside a local dataset, else under data/cache."""
    if not is_remote(out):
        return str(Path(out) / ".cache")
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", str(out))[:80]
    return str(local_data_dir() / "cache" / f"{slug}-{hashlib.sha256(str(out).encode()).hexdigest()[:8]}")


def check_limits(workers: int, timeout_s: float, memory_mb: int, max_tasks: int) -> None:
    """The one validation of worker limits (RunSettings and pipeline.workers.Limits)."""
    if workers < 1:
        raise ValueError("workers must be >= 1")
    if timeout_s <= 0:
        raise ValueError("timeout_s must be > 0")
    if max_tasks < 1:
        raise ValueError("max_tasks_per_worker must be >= 1")
    if memory_mb < 0 or 0 < memory_mb < 256:
        raise ValueError("memory_mb must be 0 (no limit) or >= 256")


@dataclass(frozen=True, slots=True)
class ExtractSettings:
    """What a person may change about reading files, carried by :class:`RunSettings` down to the
    extractors (each maps it onto its own finer tuning). Changing it changes the cache key: reports
    read with other settings are read again (:meth:`fingerprint`)."""

    ocr: bool = True  # read scans (PDFs without a text layer, images) by OCR; False: they are needs_ocr
    ocr_max_pages: int = OCR_MAX_PAGES
    ocr_time_budget_s: float = OCR_TIME_BUDGET_S  # per file
    ocr_max_dpi: float = OCR_MAX_DPI
    pdf_engine: str = PDF_ENGINES[0]
    borderless_tables: bool = True  # find tables without rules from the text's alignment
    docx_max_mb: int = DOCX_MAX_MB
    soffice_timeout_s: float = SOFFICE_TIMEOUT_S

    def __post_init__(self) -> None:
        if self.ocr_max_pages < 3:
            raise ValueError("ocr_max_pages must be >= 3 (the first pages and the last two)")
        if self.ocr_time_budget_s <= 0:
            raise ValueError("ocr_time_budget_s must be > 0")
        if not 72 <= self.ocr_max_dpi <= 600:
            raise ValueError("ocr_max_dpi must be between 72 and 600")
        if self.pdf_engine not in PDF_ENGINES:
            raise ValueError(f"pdf_engine must be one of {', '.join(PDF_ENGINES)}, not {self.pdf_engine!r}")
        if self.docx_max_mb < 1:
            raise ValueError("docx_max_mb must be >= 1")
        if self.soffice_timeout_s <= 0:
            raise ValueError("soffice_timeout_s must be > 0")

    def fingerprint(self) -> str:
        """"" for the defaults, else a short hash of the values: part of the extraction cache key."""
        if self == ExtractSettings():
            return ""
        return hashlib.sha256(repr(self).encode()).hexdigest()[:8]


@dataclass(frozen=True, slots=True)
class RunSettings:
    """How a batch runs. Validates itself so a bad UI parameter fails before any work."""

    workers: int = default_workers()
    timeout_s: float = TIMEOUT_S  # per file
    force: bool = False  # re-extract even when the cache has this file
    years: tuple[int, ...] = ()  # only these report years (empty: all)
    cache_dir: str | None = None
    chunk: int = 4
    memory_mb: int = MEMORY_MB
    max_tasks_per_worker: int = MAX_TASKS_PER_WORKER
    extract: ExtractSettings = ExtractSettings()  # how files are read (OCR, PDF tables, DOCX limits)

    def __post_init__(self) -> None:
        if not isinstance(self.extract, ExtractSettings):
            raise ValueError(f"extract must be ExtractSettings, not {type(self.extract).__name__}")
        check_limits(self.workers, self.timeout_s, self.memory_mb, self.max_tasks_per_worker)
        lo, hi = YEAR_RANGE
        if any(not (lo <= y <= hi) for y in self.years):
            raise ValueError(f"years out of range: {self.years}")
