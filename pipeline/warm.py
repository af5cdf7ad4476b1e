"""Warm the parent once before it forks extraction workers, so no worker pays the warm-up.

A fresh worker's first file used to cost ~0.6 s of CPU on top of its work: importing the
extractors (PDFium, OpenCV, lxml ...), building the gazetteer, the template spec, the keyword
dictionary. Every worker paid it, again after each ``max_tasks_per_worker`` files. Done once in
the parent, the forked workers inherit it all (and share its pages instead of each holding a copy).

The warm-up reads a small bundled sample report: it goes through the same extract + normalize
code as a real file, so whatever those build lazily is built, whatever the normalizers change.
It runs in the parent, so the sample is one shipped with the code, never an input of the run;
a warm-up that fails is logged and the workers warm themselves as before.
"""

from __future__ import annotations

import gc
import logging
from pathlib import Path

log = logging.getLogger(__name__)

_done: set[str] = set()


def warm_sample() -> Path | None:
    """The smallest bundled plain-text sample report (None when the samples are not installed)."""
    from ogi.settings import default_source

    try:
        found = [p for p in default_source().glob("*.txt") if p.is_file()]
    except OSError:
        return None
    return min(found, key=lambda p: (p.stat().st_size, p.name), default=None)


def warm_for_workers(extract=None) -> None:
    """Load in this process what every extraction worker would otherwise load on its first file:
    the keyword dictionary, every extractor module, the normalizers' tables. Once per process."""
    from extractors.base import registered
    from normalizers.keywords import warm
    from ogi.settings import ExtractSettings
    from pipeline.files import InputFile

    settings = extract or ExtractSettings()
    key = repr(settings)
    if key in _done:
        return
    _done.add(key)
    warm()  # jieba's dictionary
    registered()  # imports every extractor (and their native libraries)
    sample = warm_sample()
    if sample is None:
        freeze_heap()
        return
    from pipeline.batch import process_file

    try:
        process_file(InputFile(str(sample), sample.name, sample.name), extract=settings)
    except Exception as e:  # never stops a run: the workers warm themselves instead
        log.info("warm-up on %s failed (%s): workers warm up on their first file", sample.name, e)
    finally:
        freeze_heap()


def freeze_heap() -> None:
    """Move everything alive now (the warmed modules, tables, dictionaries) out of the cyclic
    collector's reach: its collections during a run then walk only the run's own objects (about
    half their cost per report, measured), and forked workers do not write to the shared pages
    by walking them."""
    gc.collect()
    gc.freeze()
