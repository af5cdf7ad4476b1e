"""Make "zeros printed blank" copies of reports: every table cell printing a zero (0, —, －, 无 …) is left empty.

Used to build ``tests/fixtures/zeros`` from dev documents (their keys stay the answer: a blank cell is 0) and to
measure the cell rate per format. TSV/pipe/`pdftotext -layout` text, HTML and DOCX are rewritten; PDFs are made
from the blanked DOCX with ``soffice --headless --convert-to pdf`` (``--no-borders`` first for borderless).

    python benchmarks/blank_zeros.py SRC_DIR OUT_DIR [--no-borders]
"""

from __future__ import annotations

import argparse
import re
import zipfile
from pathlib import Path

ZEROS = frozenset({"0", "０", "—", "——", "-", "－", "无", "/", "／"})
_LAYOUT_ZERO = re.compile(r"(?<=  )(?:0|０|—|－)(?=  |$)")
_TD = re.compile(r"(<t[dh]\b[^>]*>)(.*?)(</t[dh]>)", re.DOTALL | re.IGNORECASE)
_TC = re.compile(r"<w:tc>.*?</w:tc>|<w:tc .*?</w:tc>", re.DOTALL)
_WT = re.compile(r"(<w:t(?: [^>]*)?>)([^<]*)(</w:t>)")
_BORDER = re.compile(r'(<w:(?:top|left|bottom|right|insideH|insideV|start|end)\b[^>]*?w:val=")[^"]*(")')


def blank_text(text: str) -> str:
    """TSV fields, pipe cells and layout columns that print a zero become empty (layout keeps its columns)."""
    out = []
    for ln in text.split("\n"):
        if "\t" in ln:
            ln = "\t".join("" if f.strip() in ZEROS else f for f in ln.split("\t"))
        elif ln.strip().startswith("|") and not re.match(r"^\|?\s*:?-{3,}", ln.strip()):
            parts = ln.split("|")
            ln = "|".join(" " * len(p) if p.strip() in ZEROS and 0 < i < len(parts) - 1 else p
                          for i, p in enumerate(parts))
        else:
            ln = _LAYOUT_ZERO.sub(lambda m: " " * len(m.group(0)), ln).rstrip()
        out.append(ln)
    return "\n".join(out)


def blank_html(text: str) -> str:
    def cell(m: re.Match) -> str:
        inner = re.sub(r"&nbsp;|\s|\u3000|\xa0", "", re.sub(r"<[^>]+>", "", m.group(2)))
        if inner not in ZEROS:
            return m.group(0)
        body = re.sub(r"(>|^)([^<]*)", lambda k: k.group(1) + ("" if k.group(2).strip() in ZEROS else k.group(2)),
                      m.group(2))
        return m.group(1) + body + m.group(3)
    return _TD.sub(cell, text)


def blank_docx_xml(xml: str, no_borders: bool = False) -> str:
    def cell(m: re.Match) -> str:
        tc = m.group(0)
        if "".join(t[1] for t in _WT.findall(tc)).strip() not in ZEROS:
            return tc
        return _WT.sub(lambda k: k.group(1) + k.group(3), tc)
    xml = _TC.sub(cell, xml)
    return _BORDER.sub(r"\1nil\2", xml) if no_borders else xml


def blank_file(src: Path, dst: Path, no_borders: bool = False) -> bool:
    suf = src.suffix.lower()
    if suf in (".txt", ".md"):
        dst.write_text(blank_text(src.read_text(encoding="utf-8")), encoding="utf-8")
    elif suf in (".html", ".htm", ".shtml"):
        raw = src.read_bytes()
        m = re.search(rb"charset=[\"']?([\w-]+)", raw[:4096], re.IGNORECASE)
        cs = m.group(1).decode().lower() if m else "utf-8"
        cs = "gb18030" if cs in ("gb2312", "gbk") else cs
        dst.write_bytes(blank_html(raw.decode(cs)).encode(cs))
    elif suf == ".docx":
        with zipfile.ZipFile(src) as zi, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zo:
            for it in zi.infolist():
                data = zi.read(it.filename)
                if it.filename == "word/document.xml":
                    data = blank_docx_xml(data.decode("utf-8"), no_borders).encode("utf-8")
                elif it.filename == "word/styles.xml" and no_borders:
                    data = _BORDER.sub(r"\1nil\2", data.decode("utf-8")).encode("utf-8")
                zo.writestr(it, data)
    else:
        return False
    return True


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("src", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--no-borders", action="store_true", help="also drop DOCX table rules (for borderless PDFs)")
    a = ap.parse_args()
    a.out.mkdir(parents=True, exist_ok=True)
    for p in sorted(a.src.iterdir()):
        if p.is_file():
            blank_file(p, a.out / p.name, a.no_borders)


if __name__ == "__main__":
    main()
