"""Label similarity of many printed labels against all of a template's slots at once.

Why: the aligner scores every (line, row) pair; one rapidfuzz ``cdist`` call per table and
numpy maxima over the LCS matrix give exactly :func:`normalizers.align.similarity`'s values
at a fraction of the per-pair cost, and the rows are kept per label (labels recur).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import LCSseq

from normalizers.align import AlignSettings, Slot, cleaned, core, item_key


class SimTable:
    """A template's slots with what every alignment needs of them, built once per process:
    why: scoring a label against all rows at once (one rapidfuzz cdist call) and indexing by
    position is what makes aligning a table cost about a millisecond."""

    def __init__(self, slots: Sequence[Slot]) -> None:
        self.slots = tuple(slots)
        words = sorted({w for s in self.slots for w in (*s.cores, *s.contexts)})
        pos = {w: k for k, w in enumerate(words)}
        self.words = words
        self.lens = np.array([len(w) for w in words], dtype=np.float64)
        width = max((len(x) for s in self.slots for x in (s.cores, s.contexts)), default=0) or 1
        pad = len(words)  # index of a column that never wins a max
        self.core_ix = np.array([[pos[v] for v in s.cores] + [pad] * (width - len(s.cores)) for s in self.slots],
                                dtype=np.intp).reshape(len(self.slots), width)
        self.ctx_ix = np.array([[pos[v] for v in s.contexts] + [pad] * (width - len(s.contexts)) for s in self.slots],
                               dtype=np.intp).reshape(len(self.slots), width)
        self.has_cores = np.array([bool(s.cores) for s in self.slots], dtype=bool)
        self.checked = [(k, s) for k, s in enumerate(self.slots) if s.patterns or s.number is not None]
        self.heading_chars = {ch for s in self.slots if s.heading for v in s.cores for ch in v}
        self.rows: dict[tuple[str, AlignSettings], tuple[float, ...]] = {}

    def sims(self, labels: Sequence[str], st: AlignSettings) -> list[tuple[float, ...]]:
        """similarity(label, slot, st) for every label and slot, equal to the per-pair function."""
        todo = sorted({lab for lab in labels if (lab, st) not in self.rows})
        if len(self.rows) > 50000:
            self.rows.clear()
        if todo:
            fuzzy = self._fuzzy([core(lab) for lab in todo])
            for lab, f in zip(todo, fuzzy):
                self.rows[(lab, st)] = self._row(lab, f, st)
        return [self.rows[(lab, st)] for lab in labels]

    def _fuzzy(self, cores: list[str]) -> list[list[float]]:
        """F1 of recall and precision of each reduced label against every slot (0 for none)."""
        out = [[0.0] * len(self.slots) for _ in cores]
        q = [k for k, c in enumerate(cores) if c]
        if not q or not self.words:
            return out
        uniq = sorted({cores[k] for k in q})
        lcs = process.cdist(uniq, self.words, scorer=LCSseq.similarity, dtype=np.int32, workers=1)
        row_of = {c: r for r, c in enumerate(uniq)}
        lcs = lcs[[row_of[cores[k]] for k in q]]
        ratio = np.concatenate([lcs / self.lens, np.full((len(q), 1), -np.inf)], axis=1)
        counts = np.concatenate([lcs, np.full((len(q), 1), -1, dtype=np.int32)], axis=1)
        rec = ratio[:, self.core_ix].max(axis=2)
        prec = counts[:, self.ctx_ix].max(axis=2) / np.array([len(cores[k]) for k in q], dtype=np.float64)[:, None]
        tot = rec + prec
        with np.errstate(invalid="ignore", divide="ignore"):
            f1 = np.where(tot != 0, 2 * rec * prec / tot, 0.0)
        f1 = np.where(self.has_cores[None, :], f1, 0.0)
        for r, k in enumerate(q):
            out[k] = f1[r].tolist()
        return out

    def _row(self, label: str, fuzzy: list[float], st: AlignSettings) -> tuple[float, ...]:
        cl, n = cleaned(label), item_key(label)
        out = list(fuzzy)
        for k, slot in self.checked:
            f = out[k]
            if slot.patterns and any(p.search(cl) for p in slot.patterns):
                f = max(f, st.weak_floor if slot.weak else st.strong_floor)
            if n is not None and slot.number is not None and f > 0:
                f += st.number_bonus if n == slot.number else (
                    -st.number_penalty if n[0] == slot.number[0] else -st.level_penalty)
            out[k] = f
        return tuple(max(0.0, min(1.0, f)) for f in out)


_TABLES: dict[tuple[int, ...], SimTable] = {}


def sim_table(slots: Sequence[Slot]) -> SimTable:
    """The SimTable of these slots (build_slots hands out the same Slot objects each time)."""
    key = tuple(id(s) for s in slots)
    t = _TABLES.get(key)
    if t is None or any(a is not b for a, b in zip(t.slots, slots)):
        if len(_TABLES) > 64:
            _TABLES.clear()
        t = _TABLES[key] = SimTable(slots)
    return t
