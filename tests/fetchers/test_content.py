"""Sniffing what a body is (never trusting the URL) and reading Content-Disposition names."""

from __future__ import annotations

from pathlib import Path

from fetchers.content import disposition_name, header_charset, mime_and_ext, sniff_kind

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "portal"


def test_kinds_from_bytes():
    assert sniff_kind((FIX / "upload/2024/P020240110.pdf").read_bytes(), "text/html") == "pdf"
    assert sniff_kind((FIX / "xxgk/ndbg/index.html").read_bytes(), "application/pdf") == "html"
    assert sniff_kind((FIX / "xxgk/ndbg/201901/W020200116691822173.txt").read_bytes(), None) == "txt"
    assert sniff_kind("二、主动公开政府信息情况\n".encode("gbk"), "text/plain") == "txt"
    assert sniff_kind(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100) == "doc"
    assert sniff_kind(b"\x00\x01\x02binary") == "unknown"
    assert mime_and_ext("unknown") == ("application/octet-stream", ".bin")
    assert mime_and_ext("doc") == ("application/msword", ".doc")


def test_disposition_names():
    assert disposition_name("attachment; filename*=UTF-8''%E5%B9%B4%E6%8A%A5.pdf") == "年报.pdf"
    assert disposition_name('attachment; filename="report 2023.pdf"') == "report 2023.pdf"
    raw_gbk = "年报.doc".encode("gbk").decode("latin-1")  # what servers really send
    assert disposition_name(f'attachment; filename="{raw_gbk}"') == "年报.doc"
    assert disposition_name(None) is None and disposition_name("inline") is None


def test_header_charset():
    assert header_charset("text/html; charset=GBK") == "gbk"
    assert header_charset('text/html; charset="utf-8"') == "utf-8"
    assert header_charset("text/html") is None and header_charset(None) is None
