"""Write a malformed-input corpus mixed with good reports, to prove the batch survives it.

    .venv/bin/python scripts/make_malformed.py OUT_DIR [--good FILE_OR_DIR ...] [--seed N]

Every bad file is made here from nothing or from a good report (truncated, re-labelled,
wrapped in hostile markup), so the corpus needs no downloads and is the same on every run.
``OUT_DIR/MANIFEST.json`` (skipped by ``ogi run``: .json) lists each file as good or bad and
what it is. Good reports are copied under odd names (spaces, quotes, ``#``, Chinese, very
long) and one is re-encoded in GB18030.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import logging
import random
import shutil
import struct
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
DEFAULT_GOOD = (FIXTURES / "text" / "dashuikeng_2020.txt", FIXTURES / "text" / "yishui_2021_tsv.md",
                FIXTURES / "html" / "shanghai_govoffice_2019.html", FIXTURES / "docx" / "linebreaks_merged.docx",
                FIXTURES / "pdf" / "hongze_2024_p3-4.pdf")
SEED_TEXT = FIXTURES / "text" / "dashuikeng_2020.txt"
SEED_DOCX = FIXTURES / "docx" / "linebreaks_merged.docx"
SEED_PDF = FIXTURES / "pdf" / "hongze_2024_p3-4.pdf"
USER_PASSWORD = b"secret"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@dataclass(frozen=True, slots=True)
class Case:
    """One bad file: its name in the corpus, what it is, and how to make its bytes."""

    name: str
    what: str
    make: Callable[[random.Random], bytes]


# ---------------------------------------------------------------- PDF by hand

_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def rc4(key: bytes, data: bytes) -> bytes:
    """RC4, for the PDF standard security handler (revision 2, 40-bit)."""
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out, i, j = bytearray(), 0, 0
    for b in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(b ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def pdf_bytes(objects: dict[int, bytes], trailer: bytes = b"") -> bytes:
    """A PDF with these numbered objects (1 is the catalog) and a correct xref table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for num in sorted(objects):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + objects[num] + b"\nendobj\n"
    size = max(objects) + 1
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for num in range(1, size):
        out += b"%010d 00000 n \n" % offsets[num] if num in offsets else b"0000000000 65535 f \n"
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (size, trailer, xref)
    return bytes(out)


def _page_objects(content: bytes, width: int = 612, height: int = 792) -> dict[int, bytes]:
    return {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents 4 0 R "
           b"/Resources << /Font << /F1 5 0 R >> >> >>" % (width, height),
        4: b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        5: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    }


def encrypted_pdf(user_pw: bytes = USER_PASSWORD, owner_pw: bytes = b"owner") -> bytes:
    """A one-page PDF that opens only with ``user_pw`` (RC4 40-bit, as old portals' tools wrote)."""
    file_id = hashlib.md5(b"ogi malformed corpus").digest()
    padded = (user_pw + _PAD)[:32]
    o_val = rc4(hashlib.md5((owner_pw + _PAD)[:32]).digest()[:5], padded)
    perms = -44
    key = hashlib.md5(padded + o_val + struct.pack("<i", perms) + file_id).digest()[:5]
    u_val = rc4(key, _PAD)
    objects = _page_objects(b"BT /F1 24 Tf 72 720 Td (Annual report 2023) Tj ET")
    obj_key = hashlib.md5(key + struct.pack("<i", 4)[:3] + b"\x00\x00").digest()[:10]
    body = objects[4].split(b"stream\n", 1)[1].rsplit(b"\nendstream", 1)[0]
    objects[4] = b"<< /Length %d >>\nstream\n" % len(body) + rc4(obj_key, body) + b"\nendstream"
    objects[6] = b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P %d >>" % (
        o_val.hex().encode(), u_val.hex().encode(), perms)
    ident = file_id.hex().encode()
    return pdf_bytes(objects, b"/Encrypt 6 0 R /ID [<%s> <%s>] " % (ident, ident))


def giant_page_pdf() -> bytes:
    """An empty page of the largest size PDF allows (200 x 200 inches): rendering it for OCR
    at 200 dpi would need a 40000 x 40000 pixel bitmap."""
    return pdf_bytes(_page_objects(b"", 14400, 14400))


def pdf_image_bomb(side: int = 30000) -> bytes:
    """A page holding one ``side`` x ``side`` grey image of ~1 MB Flate data that decodes to
    side**2 bytes (900 MB): only a memory limit stops a renderer that decodes it whole.
    Not in :func:`cases`, whose corpus must run within 2 GB at the default worker budget."""
    import zlib

    co = zlib.compressobj(9)
    row = b"\x00" + b"\xff" * side  # PNG predictor byte + one row of white
    raw = b"".join(co.compress(row) for _ in range(side)) + co.flush()
    objects = _page_objects(b"q 612 0 0 792 0 0 cm /Im1 Do Q")
    objects[3] = objects[3].replace(b"/Font << /F1 5 0 R >>", b"/Font << /F1 5 0 R >> /XObject << /Im1 6 0 R >>")
    objects[6] = (b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
                  b"/BitsPerComponent 8 /Filter /FlateDecode /DecodeParms << /Predictor 15 /Columns %d >> "
                  b"/Length %d >>\nstream\n" % (side, side, side, len(raw)) + raw + b"\nendstream")
    return pdf_bytes(objects)


# ---------------------------------------------------------------- DOCX and HTML

def docx_with(document_xml: bytes, template: bytes | None = None) -> bytes:
    """The seed DOCX with ``word/document.xml`` replaced."""
    zin = zipfile.ZipFile(io.BytesIO(template or SEED_DOCX.read_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in zin.infolist():
            z.writestr(info.filename, document_xml if info.filename == "word/document.xml" else zin.read(info))
    return out.getvalue()


def laughs_dtd(root: str, levels: int = 10) -> str:
    """The "billion laughs" entity declarations: &lol{levels}; would expand to 10**levels "lol"s."""
    ents = "".join(f'<!ENTITY lol{i} "{(f"&lol{i - 1};" if i > 1 else "lol") * 10}">' for i in range(1, levels + 1))
    return f'<?xml version="1.0"?>\n<!DOCTYPE {root} [{ents}]>\n'


def docx_laughs() -> bytes:
    xml = laughs_dtd("w:document") + (f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&lol10;</w:t></w:r>'
                                       "</w:p></w:body></w:document>")
    return docx_with(xml.encode())


def docx_deep(depth: int = 100_000) -> bytes:
    inner = b"<w:sdt><w:sdtContent>" * depth + b"<w:p/>" + b"</w:sdtContent></w:sdt>" * depth
    return docx_with(f'<w:document xmlns:w="{W_NS}"><w:body>'.encode() + inner + b"</w:body></w:document>")


def docx_bomb(mb: int = 300) -> bytes:
    """A DOCX whose document.xml inflates to ``mb`` MB (about 1000:1): refused by declared size."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w", force_zip64=True) as fh:
            fh.write(f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>'.encode())
            block = b"0" * 2**20
            for _ in range(mb):
                fh.write(block)
            fh.write(b"</w:t></w:r></w:p></w:body></w:document>")
    return out.getvalue()


def docx_lying_bomb(mb: int = 150) -> bytes:
    """A bomb whose zip headers declare 1 KB: the reader must cap what it inflates anyway."""
    data = bytearray(docx_bomb(mb))
    name = b"word/document.xml"
    small = struct.pack("<I", 1024)
    for sig, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (pos := data.find(sig, start)) >= 0:
            start = pos + 4
            name_len_at = 26 if sig == b"PK\x03\x04" else 28
            name_at = 30 if sig == b"PK\x03\x04" else 46
            n = struct.unpack_from("<H", data, pos + name_len_at)[0]
            if bytes(data[pos + name_at: pos + name_at + n]) == name:
                if struct.unpack_from("<I", data, pos + size_at)[0] != 0xFFFFFFFF:
                    data[pos + size_at: pos + size_at + 4] = small
    return bytes(data)


def html_page(body: str, charset: str = "utf-8") -> bytes:
    return (f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>页面</title></head>'
            f"<body>{body}</body></html>").encode(charset)


def html_laughs() -> bytes:
    return (laughs_dtd("html") + "<html><body><p>&lol10;</p><p>政府信息公开工作年度报告</p></body></html>").encode()


def html_deep(depth: int = 100_000) -> bytes:
    return b"<html><body>" + b"<div>" * depth + "政府信息公开".encode() + b"</div>" * depth + b"</body></html>"


def html_error_page() -> bytes:
    """What a portal serves for a vanished attachment, saved by a crawler as ``.pdf``."""
    return html_page("<h1>404 Not Found</h1><p>您访问的页面不存在或已被删除！</p><p>nginx</p>", "gbk")


# ---------------------------------------------------------------- text

def not_a_report_text() -> bytes:
    return ("关于做好春节期间安全生产工作的通知\n\n各乡镇人民政府、县直各部门：\n"
            "春节将至，为切实做好节日期间安全生产工作，现将有关事项通知如下。\n"
            "一、高度重视。二、加强检查。三、做好值班值守。\n\n特此通知。\n").encode()


def gb18030_report(seed: Path = SEED_TEXT) -> bytes:
    """A real report re-encoded in GB18030 (as Windows tools save it): must read exactly."""
    return seed.read_text(encoding="utf-8").encode("gb18030")


def huge_line(mb: int = 30) -> bytes:
    return "年度报告".encode() + b"9" * (mb * 2**20) + b"\n"


def cases() -> list[Case]:
    """Every bad file, in corpus order."""
    pdf = SEED_PDF.read_bytes()
    return [
        Case("empty.pdf", "zero bytes", lambda r: b""),
        Case("empty report.txt", "zero bytes", lambda r: b""),
        Case("truncated.pdf", "a PDF cut at 40 %", lambda r: pdf[: len(pdf) * 2 // 5]),
        Case("truncated_head.pdf", "only the first 1 KB of a PDF", lambda r: pdf[:1024]),
        Case("encrypted.pdf", f"PDF needing the password {USER_PASSWORD.decode()}", lambda r: encrypted_pdf()),
        Case("giant_page.pdf", "empty 200 x 200 inch page (render/OCR memory)", lambda r: giant_page_pdf()),
        Case("404 page.pdf", "HTML error page saved as .pdf", lambda r: html_error_page()),
        Case("not a zip.docx", "plain text named .docx", lambda r: "这不是一个 Word 文件".encode()),
        Case("garbage.doc", "random bytes named .doc (LibreOffice must cope)", lambda r: r.randbytes(4096)),
        Case("random.pdf", "random bytes named .pdf", lambda r: r.randbytes(20_000)),
        Case("random.html", "random bytes named .html", lambda r: r.randbytes(20_000)),
        Case("random.txt", "random bytes named .txt", lambda r: r.randbytes(20_000)),
        Case("random", "random bytes, no suffix", lambda r: r.randbytes(20_000)),
        Case("data.xyz", "unknown type", lambda r: b"\x00\x01binary\x02" * 100),
        Case("通知.txt", "text that is not a report", lambda r: not_a_report_text()),
        Case("bomb.docx", "DOCX whose XML inflates to 300 MB", lambda r: docx_bomb()),
        Case("lying bomb.docx", "DOCX bomb whose headers declare 1 KB", lambda r: docx_lying_bomb()),
        Case("laughs.docx", "billion laughs in document.xml", lambda r: docx_laughs()),
        Case("deep.docx", "100k nested content controls", lambda r: docx_deep()),
        Case("laughs.html", "billion laughs in HTML", lambda r: html_laughs()),
        Case("deep.html", "100k nested <div>", lambda r: html_deep()),
        Case("huge line.txt", "30 MB on one line", lambda r: huge_line()),
        Case("huge line.html", "30 MB in one <p>", lambda r: html_page("<p>" + "年" * (10 * 2**20) + "</p>")),
    ]


def odd_names(stem: str, suffix: str) -> list[str]:
    """Names that break naive shell or URL handling, for copies of one good report."""
    return [f"{stem} with spaces{suffix}", f"{stem} 'quoted' \"double\"{suffix}", f"{stem} #1{suffix}",
            f"政府信息公开 {stem}{suffix}", f"{'很长的文件名' * 13}{stem[:20]}{suffix}"]


def write_corpus(out: Path, good: list[Path], seed: int = 8) -> dict[str, dict[str, str]]:
    """Write the bad cases and the good reports (the first also under odd names and in GB18030)."""
    rnd = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, dict[str, str]] = {}
    for case in cases():
        (out / case.name).write_bytes(case.make(rnd))
        manifest[case.name] = {"kind": "bad", "what": case.what}
    for i, src in enumerate(good):
        name = f"good_{i:02d}_{src.name}"
        shutil.copyfile(src, out / name)
        manifest[name] = {"kind": "good", "what": "copy", "source": str(src)}
    if good:
        first = good[0]
        for k, name in enumerate(odd_names(first.stem, first.suffix), start=1):
            data = first.read_bytes()
            if first.suffix in (".txt", ".md"):  # trailing blank lines: each copy its own report (ids follow bytes)
                data += b"\n" * k
            (out / name).write_bytes(data)
            manifest[name] = {"kind": "good", "what": "odd file name", "source": str(first)}
        if first.suffix in (".txt", ".md"):
            name = f"gb18030 {first.name}"
            (out / name).write_bytes(gb18030_report(first))
            manifest[name] = {"kind": "good", "what": "re-encoded in GB18030", "source": str(first)}
    (out / "MANIFEST.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def _good_files(args: list[str]) -> list[Path]:
    files: list[Path] = []
    for a in args:
        p = Path(a)
        files.extend(sorted(f for f in p.iterdir() if f.is_file() and f.suffix != ".json") if p.is_dir() else [p])
    return files


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", help="folder to write the corpus into")
    ap.add_argument("--good", nargs="*", help="good report files or folders (default: a few test fixtures)")
    ap.add_argument("--seed", type=int, default=8)
    args = ap.parse_args(argv)
    good = _good_files(args.good) if args.good else list(DEFAULT_GOOD)
    manifest = write_corpus(Path(args.out), good, args.seed)
    bad = sum(1 for m in manifest.values() if m["kind"] == "bad")
    log.info("wrote %d bad and %d good files to %s", bad, len(manifest) - bad, args.out)
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    sys.exit(main())
