"""Property tests: mangled report text (deletions, insertions, tabs and line breaks changed,
random unicode) through the text extractor and the normalizer. They may reject the input with
an OgiError; anything else (another exception, a hang past the deadline) is a bug."""

from __future__ import annotations

import math
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors.text import TextExtractor
from normalizers.report import normalize
from ogi.errors import OgiError
from ogi.types import Report
from tests.support import FIXTURES

SEEDS = {p.name: p.read_text(encoding="utf-8") for p in sorted((FIXTURES / "text").iterdir())
         if p.suffix in (".txt", ".md")}
STATUSES = {"ok", "checks_failed", "tables_missing", "needs_review", "not_a_report", "unreadable",
            "unsupported_format", "needs_ocr", "failed"}
BOUNDED = settings(max_examples=200, deadline=timedelta(seconds=20), derandomize=True,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

_chars = st.characters(blacklist_categories=("Cs",))  # lone surrogates cannot be encoded at all
_snippets = st.one_of(st.text(_chars, max_size=12), st.sampled_from(
    ["\t", "\n", "\r\n", "  ", "\u3000", "|", "—", "0", "12,345", "１２", "（一）", "三、", "合计", "\f", "\x00"]))


@st.composite
def mangled(draw) -> tuple[str, str]:
    """(file name, text): a seed report with up to 12 random edits."""
    name = draw(st.sampled_from(sorted(SEEDS)))
    text = SEEDS[name]
    for _ in range(draw(st.integers(0, 12))):
        at = int(draw(st.floats(0, 1)) * len(text))
        op = draw(st.sampled_from(["delete", "insert", "tabs", "breaks", "join_lines", "duplicate"]))
        if op == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 400)):]
        elif op == "insert":
            text = text[:at] + draw(_snippets) + text[at:]
        elif op == "tabs":
            text = text.replace("\t", draw(st.sampled_from(["  ", " ", "", "\t\t", "|"])))
        elif op == "breaks":
            text = text.replace("\n", draw(st.sampled_from(["\r\n", "\r", "\n\n", "\u2028"])))
        elif op == "join_lines":
            end = text.find("\n", at)
            text = text if end < 0 else text[:end] + draw(st.sampled_from(["", " ", "\t"])) + text[end + 1:]
        else:
            end = text.find("\n", at) + 1 or len(text)
            text = text[:end] + text[at:end] + text[end:]
    return name, text


def _encode(text: str, encoding: str) -> bytes:
    return text.encode("utf-16") if encoding == "utf-16" else text.encode(encoding)


def run_text(name: str, data: bytes) -> Report | None:
    """Extract + normalize like the pipeline; None when the input was rejected with an OgiError."""
    rep = Report(report_id="p", file_name=name, sha256="", format=Path(name).suffix.lstrip("."))
    try:
        doc = TextExtractor().extract(data, name)
        normalize(doc, rep)
    except OgiError as e:
        assert str(e)
        return None
    assert rep.status in STATUSES
    keys = [(f.table, f.row, f.col) for f in rep.facts]
    assert len(keys) == len(set(keys)), "a cell reported twice"
    assert all(f.value is None or math.isfinite(f.value) for f in rep.facts)
    return rep


@pytest.fixture(scope="module", autouse=True)
def warm():
    """Load dictionaries once so the first example is not charged for it."""
    for name, text in SEEDS.items():
        run_text(name, text.encode())


@pytest.mark.slow  # property tests: hundreds of examples (make test runs them)
@BOUNDED
@given(mangled(), st.sampled_from(["utf-8", "gb18030", "utf-16"]))
def test_mangled_reports_never_crash(case, encoding):
    name, text = case
    run_text(name, _encode(text, encoding))


@pytest.mark.slow
@settings(max_examples=100, deadline=timedelta(seconds=20), derandomize=True)
@given(st.text(_chars, max_size=3000), st.sampled_from(["x.txt", "x.md"]))
def test_random_unicode_never_crashes(text, name):
    run_text(name, text.encode("utf-8"))


@pytest.mark.slow
@settings(max_examples=50, deadline=timedelta(seconds=20), derandomize=True)
@given(st.binary(max_size=4000))
def test_random_bytes_never_crash(data):
    run_text("x.txt", data)


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_unmangled_seed_reads_the_same_in_every_encoding(name):
    """The control for the properties: an intact seed gives the same facts whatever its encoding."""
    got = [run_text(name, _encode(SEEDS[name], enc)) for enc in ("utf-8", "gb18030", "utf-16")]
    assert all(r is not None and r.facts for r in got)
    facts = [[(f.table, f.row, f.col, f.value, f.raw) for f in r.facts] for r in got]
    assert facts[0] == facts[1] == facts[2]
