"""Make crawler-style web text from a report: what portal text dumps do to tables.

Every table cell is printed with no separator ("规范性文件898989"), every paragraph and
heading runs on in one line, and a breadcrumb/share-button header is prefixed. The
report's answer key stays the truth, so flattened copies of the dev corpus test the
re-split and the inline sections on reports the real web text lacks.

    python -m tests.flatten_webtext SRC_DIR KEYS_DIR OUT_DIR   # writes OUT_DIR/{files,keys}
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from extractors import extract_file
from ogi.types import Document, Paragraph, RawTable

CRUMBS = "当前位置： 首页 政务公开 政府信息公开年报 微信 微博 QQ空间 全真版 文字版 "
TRAILER = " 附件下载 【打印本页】 【关闭窗口】"
FORMATS = {".txt", ".md", ".html", ".htm", ".shtml", ".docx"}


def flatten(doc: Document, title: str = "") -> str:
    """One line of text: paragraphs joined, each table row's cells glued together."""
    parts: list[str] = []
    for b in doc.blocks:
        if isinstance(b, Paragraph):
            parts.append(b.text.strip())
        elif isinstance(b, RawTable):
            parts.append("".join("".join(c.text.strip() for c in row) for row in b.rows()))
    body = "".join(p for p in parts if p)
    return f"标题: {title}\n==================== 正文 ====================\n{CRUMBS}{body}{TRAILER}\n"


def flatten_corpus(src: Path, keys: Path, out: Path, formats: frozenset[str] | set[str] = FORMATS) -> list[str]:
    """Flattened copies of every report of ``formats`` with tables in ``src`` (not scans), keys renamed to match."""
    (out / "files").mkdir(parents=True, exist_ok=True)
    (out / "keys").mkdir(parents=True, exist_ok=True)
    made = []
    for p in sorted(src.iterdir()):
        kp = keys / f"{p.name}.json"
        if p.suffix.lower() not in formats or not kp.exists():
            continue
        key = json.loads(kp.read_text(encoding="utf-8"))
        if not key.get("values") or key.get("scanned"):
            continue
        name = f"{p.stem}_flat.txt"
        (out / "files" / name).write_text(flatten(extract_file(p), key.get("title") or p.stem), encoding="utf-8")
        key.update(file_name=name, format="txt", layout="flattened_webtext")
        (out / "keys" / f"{name}.json").write_text(json.dumps(key, ensure_ascii=False), encoding="utf-8")
        made.append(name)
    return made


if __name__ == "__main__":
    for n in flatten_corpus(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])):
        sys.stdout.write(n + "\n")
