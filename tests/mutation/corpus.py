"""The dev-corpus documents the mutators rewrite: text formats (TXT, Markdown, HTML) and DOCX,
each with its answer key. Only documents whose statistical tables are text (not images, not
scans, not PDFs) are used: the mutation tests must stay fast and deterministic."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.mutation.harness import DEV, load_key

TEXT_FORMATS = ("txt", "md", "html")


@dataclass(frozen=True, slots=True)
class Source:
    """One report to mutate: its text (decoded), how to encode it back, and its key."""

    file_name: str
    fmt: str  # txt | md | html | docx
    layout: str  # the key's layout tag (txt_tsv, txt_layout, md_pipe, md_tsv, html_table, ...)
    template: str  # "2019" | "2021"
    text: str  # decoded text ("" for docx)
    encoding: str
    values: dict[str, float] = field(hash=False)
    data: bytes = field(default=b"", hash=False, repr=False)

    def encode(self, text: str) -> bytes:
        return text.encode(self.encoding, errors="strict")


def _decode(data: bytes) -> tuple[str, str]:
    for enc in ("utf-8", "gb18030"):
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    raise ValueError("neither UTF-8 nor GB18030")


def _usable(key: dict[str, Any]) -> bool:
    return bool(key.get("tables_available")) and not key.get("scanned") and bool(key.get("values"))


def load_sources(root: Path = DEV, formats: tuple[str, ...] = TEXT_FORMATS) -> list[Source]:
    """Every usable dev document of ``formats``, sorted by file name (stable for hypothesis)."""
    out = []
    keys = root / "keys"
    if not keys.is_dir():
        return out
    for kp in sorted(keys.glob("*.json")):
        name = kp.name[: -len(".json")]
        key = load_key(name, keys)
        if key.get("format") not in formats or not _usable(key) or not (root / name).is_file():
            continue
        data = (root / name).read_bytes()
        text, enc = ("", "") if key["format"] == "docx" else _decode(data)
        out.append(Source(file_name=name, fmt=key["format"], layout=key.get("layout", ""),
                          template=str(key["template"]), text=text, encoding=enc,
                          values={k: float(v) for k, v in key["values"].items()}, data=data))
    return out
