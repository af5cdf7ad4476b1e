"""Mutation harness (issue 11): reports of known content rewritten the ways real reports differ.

- ``corpus.py``: the reports to mutate and their keys (repo fixtures; the dev corpus when present).
- ``grid.py``: where table rows and cells sit in TSV / Markdown / layout text / HTML.
- ``mutate_labels.py`` (+ ``rewordings.yaml``), ``mutate_cells.py``, ``mutate_docx.py``: the mutators;
  ``mutators.py``: the registry, ``mutate(name, source, seed)`` → ``Mutant`` (bytes + key).
- ``harness.py``: the one adapter to the pipeline's per-file call, and the verdict against a key.
- ``test_never_silently_wrong.py``: the property; ``test_regressions.py``: bugs found, xfail(strict).
- ``benchmarks/bench_mutation.py``: the exact-cell rate per mutator over a large seeded set.

To add a mutator: a pure function in ``mutate_labels.py`` (text, layout, rng) → (text, note) or in
``mutate_cells.py`` (text, layout, values, rng) → (text, values, note), listed in its module's dict.
"""
