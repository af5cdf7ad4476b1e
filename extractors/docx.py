"""Word files: DOCX read from its body XML, legacy DOC/WPS converted by LibreOffice first.

The zip checks live in :mod:`extractors.docx_archive`, the XML walk in :mod:`extractors.docx_xml`;
this module puts them together and registers the extractors.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

from lxml import etree

from extractors.base import Extractor, register
from extractors.docx_archive import LIMITS, DocxLimits, check_archive, core_meta, docx_limits, read_member, xml_parser
from extractors.docx_xml import W, body_blocks, style_names
from ogi.errors import ExtractionError
from ogi.settings import SOFFICE_TIMEOUT_S, ExtractSettings
from ogi.types import Document

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SofficeSettings:
    timeout_s: float = SOFFICE_TIMEOUT_S
    binaries: tuple[str, ...] = ("soffice", "libreoffice", "/usr/lib/libreoffice/program/soffice")


SOFFICE = SofficeSettings()


def extract_docx(data: bytes, file_name: str, fmt: str = "docx", limits: DocxLimits = LIMITS) -> Document:
    """Parse DOCX bytes into a Document (shared by the DOCX and DOC extractors)."""
    zf = check_archive(data, file_name, limits)
    try:
        xml = read_member(zf, "word/document.xml", limits.max_member_bytes)
        root = etree.fromstring(xml, parser=xml_parser())
    except (etree.XMLSyntaxError, zipfile.BadZipFile, OSError, EOFError) as e:
        raise ExtractionError(f"not a valid DOCX: cannot read word/document.xml ({e})", file=file_name) from e
    except ExtractionError as e:
        raise ExtractionError(str(e), file=file_name) from e
    body = root.find(f"{{{W}}}body")
    if body is None:
        raise ExtractionError("not a valid DOCX: document.xml has no body", file=file_name)
    doc = Document(file_name=file_name, format=fmt, properties=core_meta(zf))
    doc.blocks = body_blocks(body, style_names(zf, limits))
    if not doc.blocks:
        doc.warnings.append("document body has no text")
    return doc


@register
class DocxExtractor(Extractor):
    """Office Open XML word-processing files."""

    name = "docx"
    version = "1"
    kinds = ("docx",)

    def __init__(self, limits: DocxLimits = LIMITS) -> None:
        self.limits = limits

    @classmethod
    def for_run(cls, settings: ExtractSettings) -> DocxExtractor:
        return cls(docx_limits(settings))

    def extract(self, data: bytes, file_name: str) -> Document:
        return extract_docx(data, file_name, limits=self.limits)


# ---------------------------------------------------------------- legacy .doc / .wps

def find_soffice(settings: SofficeSettings = SOFFICE) -> str | None:
    for b in settings.binaries:
        found = shutil.which(b) or (b if os.path.isabs(b) and os.access(b, os.X_OK) else None)
        if found:
            return found
    return None


def convert_to_docx(data: bytes, file_name: str, settings: SofficeSettings = SOFFICE) -> bytes:
    """Convert legacy Word bytes with headless LibreOffice in a private temp dir and profile."""
    exe = find_soffice(settings)
    if exe is None:
        raise ExtractionError("cannot read legacy .doc/.wps: LibreOffice (soffice) is not installed "
                              "(Debian package libreoffice-writer-nogui)", file=file_name)
    suffix = Path(file_name).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="ogi-soffice-") as tmp:
        src = Path(tmp) / f"input{suffix if suffix in ('.doc', '.wps', '.rtf') else '.doc'}"
        src.write_bytes(data)
        outdir = Path(tmp) / "out"
        cmd = [exe, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--norestore",
               "--convert-to", "docx", "--outdir", str(outdir), str(src)]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        try:
            _, err = proc.communicate(timeout=settings.timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise ExtractionError(f"LibreOffice conversion timed out after {settings.timeout_s:.0f} s",
                                  file=file_name) from None
        out = outdir / (src.stem + ".docx")
        if proc.returncode != 0 or not out.exists():
            msg = err.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
            raise ExtractionError(f"LibreOffice could not convert the file: {msg[0]}", file=file_name)
        return out.read_bytes()


@register
class DocExtractor(Extractor):
    """Legacy Word 97–2003 / WPS files, via LibreOffice → DOCX."""

    name = "doc"
    version = "1"
    kinds = ("doc",)

    def __init__(self, limits: DocxLimits = LIMITS, soffice: SofficeSettings = SOFFICE) -> None:
        self.limits, self.soffice = limits, soffice

    @classmethod
    def for_run(cls, settings: ExtractSettings) -> DocExtractor:
        return cls(docx_limits(settings), replace(SOFFICE, timeout_s=settings.soffice_timeout_s))

    def extract(self, data: bytes, file_name: str) -> Document:
        doc = extract_docx(convert_to_docx(data, file_name, self.soffice), file_name, fmt="doc", limits=self.limits)
        doc.converted_by = "libreoffice"
        return doc
