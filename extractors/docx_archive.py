"""The DOCX zip package: refuse decompression bombs by declared sizes, then read parts safely.

Everything that touches the zip itself lives here, so the XML walk (:mod:`extractors.docx_xml`)
only ever sees parsed elements.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, replace

from lxml import etree

from ogi.errors import ExtractionError
from ogi.settings import DOCX_MAX_MB, ExtractSettings


@dataclass(frozen=True)
class DocxLimits:
    """Zip-bomb guard: declared sizes are checked before anything is inflated."""

    max_total_bytes: int = DOCX_MAX_MB * 1024 * 1024
    max_member_bytes: int = 100 * 1024 * 1024
    max_ratio: float = 200.0  # uncompressed / compressed, over the whole archive
    ratio_floor_bytes: int = 20 * 1024 * 1024  # below this total, any ratio is fine
    max_members: int = 5000
    heading_max_chars: int = 40
    sliver_twips: float = 30.0  # grid columns narrower than this are converter artefacts


LIMITS = DocxLimits()


def docx_limits(extract: ExtractSettings) -> DocxLimits:
    """The zip-bomb limits a run's settings choose (the largest member stays at most the total)."""
    total = extract.docx_max_mb * 1024 * 1024
    return replace(LIMITS, max_total_bytes=total, max_member_bytes=min(LIMITS.max_member_bytes, total))


def check_archive(data: bytes, file_name: str, limits: DocxLimits = LIMITS) -> zipfile.ZipFile:
    """Open ``data`` as a zip, refusing non-zips and decompression bombs by declared sizes."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as e:
        raise ExtractionError(f"not a valid DOCX (zip) file: {e}", file=file_name) from e
    if len(infos) > limits.max_members:
        raise ExtractionError(f"refused: archive has {len(infos)} members (limit {limits.max_members})",
                              file=file_name)
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    biggest = max(infos, key=lambda i: i.file_size, default=None)
    if total > limits.max_total_bytes:
        raise ExtractionError(f"refused: possible zip bomb, declared uncompressed size {total / 2**20:.0f} MB "
                              f"exceeds {limits.max_total_bytes / 2**20:.0f} MB", file=file_name)
    if biggest is not None and biggest.file_size > limits.max_member_bytes:
        raise ExtractionError(f"refused: possible zip bomb, member {biggest.filename} declares "
                              f"{biggest.file_size / 2**20:.0f} MB", file=file_name)
    if total > limits.ratio_floor_bytes and total / packed > limits.max_ratio:
        raise ExtractionError(f"refused: possible zip bomb, compression ratio {total / packed:.0f}:1",
                              file=file_name)
    if "word/document.xml" not in zf.namelist():
        raise ExtractionError("not a valid DOCX: the zip has no word/document.xml", file=file_name)
    return zf


def read_member(zf: zipfile.ZipFile, name: str, cap: int) -> bytes:
    """Read a member but never inflate more than ``cap`` bytes (declared sizes can lie)."""
    with zf.open(name) as fh:
        out = fh.read(cap + 1)
    if len(out) > cap:
        raise ExtractionError(f"refused: {name} inflates beyond {cap / 2**20:.0f} MB")
    return out


def xml_parser() -> etree.XMLParser:
    """An XML parser that never resolves entities or reaches the network (untrusted files)."""
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)


def core_meta(zf: zipfile.ZipFile) -> dict[str, str]:
    """Title and dates from docProps/core.xml (hints only; authoring tools fill them loosely)."""
    if "docProps/core.xml" not in zf.namelist():
        return {}
    try:
        root = etree.fromstring(read_member(zf, "docProps/core.xml", 1 << 20), parser=xml_parser())
    except (etree.XMLSyntaxError, ExtractionError):
        return {}
    out = {}
    for el in root:
        local = etree.QName(el).localname
        if local in ("title", "created", "modified") and (el.text or "").strip():
            out[f"docx_{local}"] = el.text.strip()
    return out
