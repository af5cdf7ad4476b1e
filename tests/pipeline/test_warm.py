"""pipeline.warm: the parent warms once before forking, so no worker loads the extractors and
the normalizers' tables again on its first file (issue 12: ~0.6 s of CPU per worker start)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from ogi.settings import default_source
from pipeline.warm import warm_sample

ROOT = Path(__file__).resolve().parents[2]

_CHILD = """
import json, sys
from pipeline.batch import process_many, InputFile, RunSettings
from pipeline.workers import Outcome
import pipeline.batch as batch
if sys.argv[1] == "cold":  # the parent does not warm: what every worker paid before
    batch.warm_for_workers = lambda *a, **k: None
real = batch._work

def probe(inp, extract=None):
    before = set(sys.modules)
    rep = real(inp, extract=extract).result
    new = sorted(m for m in set(sys.modules) - before if m.split(".")[0] in ("extractors", "normalizers"))
    rep.error = json.dumps(new)
    return Outcome(rep)

batch._work = probe
reports, _ = process_many([InputFile(path=sys.argv[2], key="a.pdf", file_name="a.pdf")], RunSettings(workers=1))
print(reports[0].error)
"""


def _modules_first_file_loads(mode: str, pdf: Path) -> list[str]:
    done = subprocess.run([sys.executable, "-c", _CHILD, mode, str(pdf)], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_worker_forked_after_the_warm_up_loads_no_extractor_on_its_first_file(fixtures):
    pdf = next(iter(sorted((fixtures / "pdf").glob("*.pdf"))))
    assert _modules_first_file_loads("cold", pdf), "without the warm-up the first file loads the extractors"
    assert _modules_first_file_loads("warm", pdf) == []


def test_the_warm_up_reads_the_smallest_bundled_text_sample():
    sample = warm_sample()
    texts = sorted(default_source().glob("*.txt"), key=lambda p: p.stat().st_size)
    assert sample is not None and sample == texts[0]


def test_the_warmed_heap_is_frozen_out_of_the_collector():
    """After the warm-up everything it built sits in the permanent generation: the collector's
    passes during the run walk only the run's objects."""
    code = "import gc\nfrom pipeline.warm import warm_for_workers\nwarm_for_workers()\nprint(gc.get_freeze_count())"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300, check=True)
    assert int(done.stdout.strip().splitlines()[-1]) > 10_000
