"""The docs stand alone and their code runs: every ```python block of the README and docs/ is
executed against the dataset `ogi run` builds from the bundled samples (conftest: samples_workdir), and no doc points outside
the repository."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from tests.support import ROOT

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), ROOT / "data" / "SAMPLES.md"]
BLOCK = re.compile(r"```python\n(.*?)```", re.S)
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
NEEDS_BUCKET = "s3://"  # object-storage examples need a bucket; tests/ogi/test_remote.py covers them


def _blocks() -> list[tuple[str, int, str]]:
    out = []
    for doc in DOCS:
        for i, m in enumerate(BLOCK.finditer(doc.read_text(encoding="utf-8"))):
            out.append((doc.name, i, m.group(1)))
    return out


RUNNABLE = [(name, i, code) for name, i, code in _blocks() if NEEDS_BUCKET not in code]


def test_docs_have_python_examples_to_run():
    assert len(RUNNABLE) >= 3


@pytest.mark.parametrize(("doc", "index", "code"), RUNNABLE, ids=[f"{n}#{i}" for n, i, _ in RUNNABLE])
def test_doc_python_example_runs_and_gives_what_it_shows(doc, index, code, samples_workdir, monkeypatch):
    monkeypatch.chdir(samples_workdir)  # conftest: `ogi run` of the samples into ./data/dataset
    ns: dict[str, object] = {"__name__": f"doc_{doc}_{index}"}
    exec(compile(code, f"{doc}#{index}", "exec"), ns)
    # The names the examples use mean one thing: a frame of rows, or a dict of frames.
    for name in ("facts", "reports", "wide"):
        if name in ns:
            assert isinstance(ns[name], pd.DataFrame) and len(ns[name]) > 0, f"{doc}#{index}: {name}"
    if "d" in ns:
        assert isinstance(ns["d"], dict) and all(isinstance(v, pd.DataFrame) for v in ns["d"].values())


@pytest.mark.parametrize("doc", DOCS, ids=[d.name for d in DOCS])
def test_doc_points_only_inside_the_repository(doc):
    text = doc.read_text(encoding="utf-8")
    assert "../shared" not in text, f"{doc.name} sends readers outside the clone"
    for target in LINK.findall(text):
        if re.match(r"[a-z]+://", target):
            continue
        assert (doc.parent / target).resolve().exists(), f"{doc.name}: broken link {target}"
