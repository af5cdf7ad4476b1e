"""The dev-corpus documents the mutators rewrite: text formats (TXT, Markdown, HTML) and DOCX,
each with its answer key. Only documents whose statistical tables are text (not images, not
scans, not PDFs) are used: the mutation tests must stay fast and deterministic."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.mutation.harness import DEV, ROOT, load_key

FIXTURES = ROOT / "tests" / "fixtures"
OWN_FIXTURES = Path(__file__).resolve().parent / "fixtures"

TEXT_FORMATS = ("txt", "md", "html")
ALL_FORMATS = (*TEXT_FORMATS, "docx")


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


def _guess_layout(file_name: str, text: str) -> str:
    if file_name.endswith((".html", ".htm", ".shtml")):
        return "html_table"
    md = file_name.endswith(".md")
    if "\t" in text:
        return "md_tsv" if md else "txt_tsv"
    if any(line.lstrip().startswith("|") for line in text.splitlines()):
        return "md_pipe"
    return "txt_layout"


def load_fixture_sources() -> list[Source]:
    """Reports checked into the repo with a reviewed key, so the harness runs without ../shared:
    the text fixtures with a template and facts in their ``.golden.json``, and the HTML reports
    of ``tests/mutation/fixtures`` with ``.key.json`` (their answer keys)."""
    pairs: list[tuple[Path, str, dict]] = []
    for g in sorted((FIXTURES / "text").glob("*.golden.json")):
        gold = json.loads(g.read_text(encoding="utf-8"))
        if gold.get("template") and gold.get("facts"):
            pairs.append((g.with_name(g.name[: -len(".golden.json")]), str(gold["template"]), gold["facts"]))
    for k in sorted([*OWN_FIXTURES.glob("*.key.json"), *(FIXTURES / "docx").glob("*.key.json")]):
        key = json.loads(k.read_text(encoding="utf-8"))
        f = k.with_name(k.name[: -len(".key.json")])
        if "values" not in key:  # tests/fixtures/docx keys are the bare values of a 2021 report
            key = {"template": "2021", "values": key}
        f = f if f.is_file() else f.with_suffix(".docx") if (f.with_suffix(".docx")).is_file() else FIXTURES / "html" / f.name
        pairs.append((f, str(key["template"]), key["values"]))
    out = []
    for path, template, values in pairs:
        data = path.read_bytes()
        text, enc = ("", "") if path.suffix == ".docx" else _decode(data)
        out.append(Source(file_name=path.name, fmt=path.suffix.lstrip("."),
                          layout="docx" if path.suffix == ".docx" else _guess_layout(path.name, text),
                          template=template, text=text, encoding=enc,
                          values={c: float(v) for c, v in values.items()}, data=data))
    return out


def all_sources(formats: tuple[str, ...] = ALL_FORMATS) -> list[Source]:
    """Fixtures first, then the dev corpus when it sits beside the checkout; each file once."""
    seen: set[str] = set()
    out = []
    for s in [f for f in load_fixture_sources() if f.fmt in formats or f.fmt == "htm"] + load_sources(formats=formats):
        h = hashlib.sha256(s.data).hexdigest()
        if h not in seen:
            seen.add(h)
            out.append(s)
    return out
