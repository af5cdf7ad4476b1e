"""Word files: DOCX read from its body XML, legacy DOC/WPS converted by LibreOffice first.

python-docx repeats a merged cell's text in every cell it spans, so tables are rebuilt
from the XML itself (``w:gridSpan``, ``w:vMerge``, ``w:gridBefore``) into one
:class:`Cell` per printed cell. Paragraphs and tables keep body order.
"""

from __future__ import annotations

import io
import logging
import os
import re
import shutil
import signal
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from lxml import etree

from extractors.base import Extractor, register
from ogi.errors import ExtractionError
from ogi.settings import DOCX_MAX_MB, SOFFICE_TIMEOUT_S, ExtractSettings
from ogi.types import Block, Cell, Document, Paragraph, RawTable

log = logging.getLogger(__name__)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_w = f"{{{W}}}".__add__  # _w("p") -> "{ns}p"


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


@dataclass(frozen=True)
class SofficeSettings:
    timeout_s: float = SOFFICE_TIMEOUT_S
    binaries: tuple[str, ...] = ("soffice", "libreoffice", "/usr/lib/libreoffice/program/soffice")


LIMITS = DocxLimits()
SOFFICE = SofficeSettings()


def docx_limits(extract: ExtractSettings) -> DocxLimits:
    """The zip-bomb limits a run's settings choose (the largest member stays at most the total)."""
    total = extract.docx_max_mb * 1024 * 1024
    return replace(LIMITS, max_total_bytes=total, max_member_bytes=min(LIMITS.max_member_bytes, total))

_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f（），。：；、“”‘’《》]")
_HEADING_STYLE = re.compile(r"^(heading|title|subtitle|标题|题目)", re.I)
_HEADING_FONTS = ("黑体", "楷体", "小标宋", "方正小标宋", "华文中宋", "simhei", "kaiti")


# ---------------------------------------------------------------- archive checks

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


def _read_member(zf: zipfile.ZipFile, name: str, cap: int) -> bytes:
    """Read a member but never inflate more than ``cap`` bytes (declared sizes can lie)."""
    with zf.open(name) as fh:
        out = fh.read(cap + 1)
    if len(out) > cap:
        raise ExtractionError(f"refused: {name} inflates beyond {cap / 2**20:.0f} MB")
    return out


# ---------------------------------------------------------------- text helpers

def join_lines(lines: list[str]) -> str:
    """Join wrapped lines: no space next to CJK or between digits, one space between words."""
    out = ""
    for line in (s.strip() for s in lines):
        if not line:
            continue
        if out and out[-1].isascii() and line[0].isascii() and out[-1].isalpha() and line[0].isalnum():
            out += " "
        out += line
    return out


def clean(text: str) -> str:
    """Collapse layout whitespace (NBSP, tabs, runs of spaces) to single spaces."""
    return re.sub(r"[ \t\u00a0\u2002\u2003\u3000]+", " ", text).strip()


def _skip(el: etree._Element) -> bool:
    """Parts whose text is not printed twice: markup-compatibility fallbacks, deleted runs."""
    return el.tag in (f"{{{MC}}}Fallback", _w("del"), _w("delText"), _w("instrText"))


def paragraph_lines(p: etree._Element) -> list[str]:
    """The text of one ``w:p`` split at explicit line breaks."""
    lines, buf = [], []

    def walk(el: etree._Element) -> None:
        for ch in el:
            if not isinstance(ch.tag, str) or _skip(ch):
                continue
            if ch.tag == _w("t"):
                buf.append(ch.text or "")
            elif ch.tag in (_w("tab"), _w("ptab")):
                buf.append(" ")
            elif ch.tag in (_w("br"), _w("cr")):
                if ch.get(_w("type")) != "page" or buf:
                    lines.append("".join(buf))
                    buf.clear()
            elif ch.tag == _w("noBreakHyphen"):
                buf.append("-")
            elif ch.tag in (_w("pPr"), _w("rPr")):
                continue
            else:
                walk(ch)

    walk(p)
    lines.append("".join(buf))
    return [clean(s) for s in lines]


def _children(el: etree._Element, tag: str) -> Iterator[etree._Element]:
    """Direct ``tag`` children, looking through content controls and custom XML wrappers."""
    for ch in el:
        if ch.tag == _w(tag):
            yield ch
        elif ch.tag in (_w("sdt"), _w("customXml"), _w("sdtContent")):
            yield from _children(ch, tag)


def _body_items(el: etree._Element) -> Iterator[etree._Element]:
    """``w:p`` and ``w:tbl`` in document order, looking through wrappers."""
    for ch in el:
        if ch.tag in (_w("p"), _w("tbl")):
            yield ch
        elif ch.tag in (_w("sdt"), _w("sdtContent"), _w("customXml")):
            yield from _body_items(ch)


def _int_attr(el: etree._Element | None, default: int) -> int:
    if el is None:
        return default
    try:
        return max(int(el.get(_w("val"), default)), 0)
    except ValueError:
        return default


# ---------------------------------------------------------------- headings

def _on(el: etree._Element | None) -> bool:
    return el is not None and el.get(_w("val"), "true").lower() not in ("0", "false", "off", "none")


def is_heading(p: etree._Element, text: str, styles: dict[str, str], limits: DocxLimits = LIMITS) -> bool:
    """Heading style / outline level, or a short line whose every run is bold or in a heading font."""
    if not text or len(text) > limits.heading_max_chars or text.endswith(("。", "；", ";")):
        return False
    ppr = p.find(_w("pPr"))
    if ppr is not None:
        sid = ppr.find(_w("pStyle"))
        name = styles.get(sid.get(_w("val"), ""), sid.get(_w("val"), "")) if sid is not None else ""
        if _HEADING_STYLE.match(name) or ppr.find(_w("outlineLvl")) is not None:
            return True
    runs = [r for r in p.iter(_w("r")) if "".join(t.text or "" for t in r.iter(_w("t"))).strip()]
    if not runs:
        return False

    def strong(r: etree._Element) -> bool:
        rpr = r.find(_w("rPr"))
        if rpr is None:
            return False
        fonts = rpr.find(_w("rFonts"))
        font = (fonts.get(_w("eastAsia")) or fonts.get(_w("ascii")) or "") if fonts is not None else ""
        return _on(rpr.find(_w("b"))) or any(f in font.lower() for f in _HEADING_FONTS)

    return all(strong(r) for r in runs)


def style_names(zf: zipfile.ZipFile, limits: DocxLimits = LIMITS) -> dict[str, str]:
    """styleId → style name, so localized ids (``1``, ``a3``) still resolve to ``heading 1``."""
    if "word/styles.xml" not in zf.namelist():
        return {}
    try:
        root = etree.fromstring(_read_member(zf, "word/styles.xml", limits.max_member_bytes),
                                parser=_parser())
    except etree.XMLSyntaxError:
        return {}
    out = {}
    for st in root.iter(_w("style")):
        name = st.find(_w("name"))
        out[st.get(_w("styleId"), "")] = name.get(_w("val"), "") if name is not None else ""
    return out


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)


# ---------------------------------------------------------------- tables

def cell_text(tc: etree._Element) -> str:
    """A cell's text, wrapped lines joined; a nested table contributes its rows as lines."""
    lines: list[str] = []
    for item in _body_items(tc):
        if item.tag == _w("p"):
            lines.extend(paragraph_lines(item))
        else:
            for row in table_rows_text(item):
                lines.append(" ".join(t for t in row if t))
    return join_lines(lines)


def table_rows_text(tbl: etree._Element) -> list[list[str]]:
    """Plain rows of a (nested) table, merged cells once."""
    return [[c.text for c in row] for row in build_table(tbl).rows()]


def build_table(tbl: etree._Element, source: str = "docx") -> RawTable:
    """Rebuild the printed grid: gridSpan → colspan, vMerge restart/continue → rowspan."""
    cells: list[Cell] = []
    owner: dict[tuple[int, int], Cell] = {}  # grid position -> the cell covering it
    for r, tr in enumerate(_children(tbl, "tr")):
        trpr = tr.find(_w("trPr"))
        col = _int_attr(trpr.find(_w("gridBefore")) if trpr is not None else None, 0)
        for tc in _children(tr, "tc"):
            tcpr = tc.find(_w("tcPr"))
            span = max(_int_attr(tcpr.find(_w("gridSpan")) if tcpr is not None else None, 1), 1)
            vm = tcpr.find(_w("vMerge")) if tcpr is not None else None
            hm = tcpr.find(_w("hMerge")) if tcpr is not None else None
            above = owner.get((r - 1, col))
            left = owner.get((r, col - 1))
            if vm is not None and vm.get(_w("val"), "continue") == "continue" and above is not None:
                above.rowspan = r - above.row + 1
                extra = cell_text(tc)
                if extra:  # text typed into a continuation cell is still printed
                    above.text = join_lines([above.text, extra])
                cell = above
            elif hm is not None and hm.get(_w("val"), "continue") == "continue" and left is not None:
                left.colspan = col + span - left.col
                cell = left
            else:
                cell = Cell(text=cell_text(tc), row=r, col=col, colspan=span)
                cells.append(cell)
            for k in range(col, col + span):
                owner[(r, k)] = cell
            col += span
    return drop_empty_grid_columns(RawTable(cells=cells, page=None, source=source), grid_slivers(tbl))


def grid_slivers(tbl: etree._Element, limits: DocxLimits = LIMITS) -> set[int]:
    """Grid columns narrower than a hair (LibreOffice adds 1-twip columns when boundaries differ)."""
    grid = tbl.find(_w("tblGrid"))
    out = set()
    for k, gc in enumerate(grid.findall(_w("gridCol")) if grid is not None else []):
        try:
            if float(gc.get(_w("w"), "1000")) < limits.sliver_twips:
                out.add(k)
        except ValueError:
            continue
    return out


def drop_empty_grid_columns(table: RawTable, slivers: set[int] = frozenset()) -> RawTable:
    """Remove grid columns no cell starts in, and sliver columns no cell lives in alone."""
    starts = {c.col for c in table.cells}
    alone = {c.col for c in table.cells if c.colspan == 1}
    drop = (set(range(1, table.n_cols)) - starts) | (set(slivers) - alone)
    for k in sorted(drop, reverse=True):
        for c in table.cells:
            if c.col <= k < c.col + c.colspan:
                c.colspan -= 1
            elif c.col > k:
                c.col -= 1
    return table


def _is_wrapper(tbl: etree._Element) -> bool:
    """A layout table (one column) that only holds other tables: unwrap it."""
    rows = list(_children(tbl, "tr"))
    return bool(rows) and all(len(list(_children(tr, "tc"))) == 1 for tr in rows) and any(
        True for _ in tbl.iter(_w("tbl")) if _ is not tbl)


# ---------------------------------------------------------------- body walk

def body_blocks(container: etree._Element, styles: dict[str, str]) -> list[Block]:
    """Paragraph and RawTable blocks in body order."""
    blocks: list[Block] = []
    for item in _body_items(container):
        if item.tag == _w("p"):
            for line in paragraph_lines(item):
                if line:
                    blocks.append(Paragraph(text=line, heading=is_heading(item, line, styles)))
        elif _is_wrapper(item):
            for tr in _children(item, "tr"):
                for tc in _children(tr, "tc"):
                    blocks.extend(body_blocks(tc, styles))
        else:
            table = build_table(item)
            if any(c.text for c in table.cells):
                blocks.append(table)
    return blocks


def core_meta(zf: zipfile.ZipFile) -> dict[str, str]:
    """Title and dates from docProps/core.xml (hints only; authoring tools fill them loosely)."""
    if "docProps/core.xml" not in zf.namelist():
        return {}
    try:
        root = etree.fromstring(_read_member(zf, "docProps/core.xml", 1 << 20), parser=_parser())
    except (etree.XMLSyntaxError, ExtractionError):
        return {}
    out = {}
    for el in root:
        local = etree.QName(el).localname
        if local in ("title", "created", "modified") and (el.text or "").strip():
            out[f"docx_{local}"] = el.text.strip()
    return out


def extract_docx(data: bytes, file_name: str, fmt: str = "docx", limits: DocxLimits = LIMITS) -> Document:
    """Parse DOCX bytes into a Document (shared by the DOCX and DOC extractors)."""
    zf = check_archive(data, file_name, limits)
    try:
        xml = _read_member(zf, "word/document.xml", limits.max_member_bytes)
        root = etree.fromstring(xml, parser=_parser())
    except (etree.XMLSyntaxError, zipfile.BadZipFile, OSError, EOFError) as e:
        raise ExtractionError(f"not a valid DOCX: cannot read word/document.xml ({e})", file=file_name) from e
    except ExtractionError as e:
        raise ExtractionError(str(e), file=file_name) from e
    body = root.find(_w("body"))
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
