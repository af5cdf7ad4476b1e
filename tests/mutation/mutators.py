"""The mutator registry: name → function(source, rng) → :class:`Mutant` or None.

A mutant is a new file (bytes, same name and format) plus the key it must reproduce.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from tests.mutation import mutate_docx
from tests.mutation.corpus import Source
from tests.mutation.mutate_cells import CELL_MUTATORS
from tests.mutation.mutate_labels import LABEL_MUTATORS


@dataclass(frozen=True, slots=True)
class Mutant:
    mutator: str
    source: str  # file name of the dev document it came from
    data: bytes = field(repr=False)
    values: dict[str, float] = field(repr=False)
    note: str
    text: str = field(default="", repr=False)


Mutator = Callable[[Source, random.Random], "Mutant | None"]


def _docx(name: str, src: Source, out: tuple[bytes, str] | None) -> Mutant | None:
    return None if out is None else Mutant(name, src.file_name, out[0], src.values, out[1])


def _label(name: str, fn) -> Mutator:
    def run(src: Source, rng: random.Random) -> Mutant | None:
        if src.fmt == "docx":
            return _docx(name, src, mutate_docx.via_text(src.data, lambda t: fn(t, "txt_tsv", rng)))
        out = fn(src.text, src.layout, rng)
        if out is None or out[0] == src.text:
            return None
        return Mutant(name, src.file_name, src.encode(out[0]), src.values, out[1], out[0])
    return run


DOCX_CELL = {"run_together": mutate_docx.run_together, "wrap": mutate_docx.wrap}


def _cell(name: str, fn) -> Mutator:
    def run(src: Source, rng: random.Random) -> Mutant | None:
        if src.fmt == "docx":
            if name == "zeros":
                def on_text(t: str) -> tuple[str, str] | None:
                    o = fn(t, "txt_tsv", dict(src.values), rng)
                    return None if o is None else (o[0], o[2])
                return _docx(name, src, mutate_docx.via_text(src.data, on_text))
            return _docx(name, src, DOCX_CELL[name](src.data, rng)) if name in DOCX_CELL else None
        out = fn(src.text, src.layout, dict(src.values), rng)
        if out is None or out[0] == src.text:
            return None
        return Mutant(name, src.file_name, src.encode(out[0]), out[1], out[2], out[0])
    return run


MUTATORS: dict[str, Mutator] = {**{n: _label(n, f) for n, f in LABEL_MUTATORS.items()},
                                **{n: _cell(n, f) for n, f in CELL_MUTATORS.items()}}


def mutate(name: str, src: Source, seed: int) -> Mutant | None:
    """Mutator ``name`` applied to ``src`` with a seeded generator (same seed, same mutant)."""
    return MUTATORS[name](src, random.Random(f"{name}:{src.file_name}:{seed}"))


def mutate_chain(names: list[str], src: Source, seed: int) -> Mutant | None:
    """Several mutators in turn on the same document (a report differs in more than one way)."""
    from dataclasses import replace

    cur, notes, applied = src, [], []
    for i, n in enumerate(names):
        m = mutate(n, cur, seed * 31 + i)
        if m is None:
            continue
        notes.append(f"{n}: {m.note}")
        applied.append(n)
        cur = replace(cur, text=m.text, values=m.values, data=m.data)
    if not applied:
        return None
    return Mutant("+".join(applied), src.file_name, cur.data, cur.values, " | ".join(notes), cur.text)
