"""Align a table's printed lines with the template's ordered rows, over the whole table at once.

Why: a wording that no list holds still sits in the template's order, looks mostly like the
official label and carries the template's number of cells. Scoring every (line, row) pair on
those three and taking the best order-keeping alignment (Needleman-Wunsch with skips on both
sides) finds such rows, and leaves out lines that are no template row (notes, 小计/合计 rows
the template lacks). Group headings (（三）不予公开 …) are rows of the alignment too, so where
they are printed they pin down what follows. Label similarity is rapidfuzz's LCS, not a
hand-written edit distance.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol

from rapidfuzz.distance import LCSseq

from normalizers.spec import Spec
from normalizers.values import clean_label, is_blank
from ogi.types import Cell

if TYPE_CHECKING:
    from normalizers.simtable import SimTable

log = logging.getLogger(__name__)

_CN = {c: i for i, c in enumerate("一二三四五六七八九十", 1)}
NUM_TOKEN = re.compile(r"([一二三四五六七八九十]{1,2})、|\(\s*([一二三四五六七八九十]{1,2}|\d{1,2})\s*\)"
                        r"|(?<![\d.])(\d{1,2})\s*[.、)]|([①-⑳])")
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_PUNCT = re.compile(r"[()\[\]【】〔〕,，、.。:：;；!！?？·…\-—_/|#*<>《》]")


class LineLike(Protocol):
    label: str
    values: list[Cell]

    @property
    def numbers(self) -> int: ...


@dataclass(frozen=True, slots=True)
class AlignSettings:
    """Thresholds of the aligner; similarity is 0..1 (F1 of label recall and precision)."""

    accept: float = 0.8  # a match this similar stands on its own
    low: float = 0.5  # below this a line is never this row
    base: float = 0.45  # the gain of a match is similarity - base
    heading_weight: float = 0.5  # headings only anchor: half the gain of a row
    strong_floor: float = 0.9  # a labels.yaml pattern hit is at least this similar
    weak_floor: float = 0.6  # ... a weak pattern hit
    number_bonus: float = 0.05  # printed item number equals the row's
    number_penalty: float = 0.15  # printed item number differs from the row's
    level_penalty: float = 0.3  # ... and is of another level ('（六）' for a '3.' item)
    max_wrap: int = 2  # label-only lines joined to the value line below them
    close: float = 0.3  # two alignments this close in score are decided by the identities

    def __post_init__(self) -> None:
        if not 0 <= self.base < self.low <= self.accept <= 1:
            raise ValueError("need 0 <= base < low <= accept <= 1")
        if self.max_wrap < 0 or self.close < 0:
            raise ValueError("max_wrap and close must be >= 0")


DEFAULT = AlignSettings()


@dataclass(frozen=True, slots=True)
class Slot:
    """One template row (or group heading) as the aligner sees it."""

    id: str
    cores: tuple[str, ...]  # official leaf wording and known variants, reduced by core()
    contexts: tuple[str, ...]  # each wording of the row after its group headings, reduced
    number: tuple[int, int] | None  # (level, n) of the item number before the official label
    width: int  # value cells the row carries (0 for a heading)
    patterns: tuple[re.Pattern[str], ...] = ()
    weak: bool = False
    positional: bool = True  # may take a value line whose label was lost

    @property
    def heading(self) -> bool:
        return self.width == 0


@dataclass(frozen=True, slots=True)
class Match:
    slot: int  # index into the slots
    lines: tuple[int, ...]  # line indexes whose labels are joined (label-only lines around the value line)
    label: str
    sim: float
    at: int = -1  # the value line (-1: the last of ``lines``)
    blank: bool = False  # a printed label whose row prints no cell at all (normalizers.leftovers.blank_rows)

    @property
    def value_line(self) -> int:
        return self.lines[-1] if self.at < 0 else self.at


@lru_cache(maxsize=8192)
def cleaned(label: str) -> str:
    return clean_label(label)


@lru_cache(maxsize=8192)
def core(label: str) -> str:
    """Label reduced to its words: no numbering (一、 (三) 1. ①), no punctuation."""
    s = NUM_TOKEN.sub("", cleaned(label))
    return _PUNCT.sub("", s)


def _cn_number(tok: str) -> int:
    """一 … 九十九 as an int (item numbers are small)."""
    if len(tok) == 1:
        return _CN[tok]
    if tok[0] == "十":
        return 10 + _CN[tok[1]]
    return _CN[tok[0]] * 10 + (_CN[tok[1]] if tok[1] != "十" else 0)


@lru_cache(maxsize=8192)
def item_key(label: str) -> tuple[int, int] | None:
    """(level, n) of the last item number printed in a label: level 0 for 一、, 1 for （一）,
    2 for 1. / （1） / ①; '（三）不予公开 1.属于国家秘密' → (2, 1)."""
    found = list(NUM_TOKEN.finditer(cleaned(label)))
    if not found:
        return None
    m = found[-1]
    tok = next(g for g in m.groups() if g)
    if tok in _CIRCLED:  # before isdigit(): '①'.isdigit() is True
        return 2, _CIRCLED.index(tok) + 1
    if tok.isascii() and tok.isdigit():
        return 2, int(tok)
    return (0 if m.group(1) else 1), _cn_number(tok)


def item_number(label: str) -> int | None:
    """The last item number printed in a label (1 for '（三）不予公开 1.属于国家秘密')."""
    key = item_key(label)
    return None if key is None else key[1]


def leaf(official: str) -> str:
    """The part of an official label after its last item number: '（三）不予公开 1.属于国家秘密' → 属于国家秘密."""
    s = clean_label(official)
    found = list(NUM_TOKEN.finditer(s))
    return (s[found[-1].end():] if found else s) or s


def _variants(text: str) -> set[str]:
    c = core(text)
    bare = core(re.sub(r"\([^()]{4,}\)", "", clean_label(text)))  # without a long (…) note
    return {v for v in (c, bare) if v}


@lru_cache(maxsize=65536)
def similarity(label: str, slot: Slot, st: AlignSettings = DEFAULT) -> float:
    """How much ``label`` reads as ``slot``: F1 of the recall of the row's best wording in the
    label and the share of the label explained by the row's wordings and group headings."""
    c = core(label)
    fuzzy = 0.0
    if c and slot.cores:
        rec = max(LCSseq.similarity(v, c) / len(v) for v in slot.cores)
        prec = max(LCSseq.similarity(c, ctx) for ctx in slot.contexts) / len(c)
        fuzzy = 2 * rec * prec / (rec + prec) if rec + prec else 0.0
    cl = cleaned(label)
    if slot.patterns and any(p.search(cl) for p in slot.patterns):
        fuzzy = max(fuzzy, st.weak_floor if slot.weak else st.strong_floor)
    n = item_key(label)
    if n is not None and slot.number is not None and fuzzy > 0:
        fuzzy += st.number_bonus if n == slot.number else (
            -st.number_penalty if n[0] == slot.number[0] else -st.level_penalty)
    return max(0.0, min(1.0, fuzzy))


def _official(spec: Spec, table: str, row: str, template: str) -> str:
    for t in (template, *sorted({k[0] for k in spec.labels})):
        col = spec.cols(t, table, row)
        if col:
            return spec.labels[(t, table, row, col[0])][0]
    return ""


_SLOTS: dict[tuple[int, str, str, bool], tuple[Spec, tuple[Slot, ...]]] = {}


def build_slots(spec: Spec, table: str, template: str, single_other: bool = False) -> list[Slot]:
    """The template's rows in printed order, with group headings before their first row.

    ``single_other``: （六）其他处理 printed as one row (id ``other``) instead of its three
    2021 sub-rows (``other.*``); both shapes occur under either template. Built once per
    spec object (specs are immutable once loaded), so the aligner's per-slot data is reused."""
    key = (id(spec), table, template, single_other)
    hit = _SLOTS.get(key)
    if hit is None or hit[0] is not spec:
        hit = _SLOTS[key] = (spec, tuple(_build_slots(spec, table, template, single_other)))
    return list(hit[1])


def _build_slots(spec: Spec, table: str, template: str, single_other: bool) -> list[Slot]:
    t = spec.tables[table]
    heads = {h.before: h for h in t.headings}
    out: list[Slot] = []
    for r in t.rows:
        is_sub = r.id.startswith("other.")
        if r.id == "other" and not single_other or is_sub and single_other:
            continue
        if not is_sub and r.id != "other" and template not in r.templates:
            continue
        official = _official(spec, table, r.id, template)
        h = heads.get(r.id)
        if h is not None and not (single_other and h.before.startswith("other.")):
            hv = {v for x in (h.label, *h.variants) for v in _variants(x)}
            out.append(Slot(id=h.id, cores=tuple(sorted(hv)), contexts=tuple(sorted(hv)),
                            number=item_key(h.label), width=0))
        words = {v for x in (leaf(official), *r.variants) for v in _variants(x)} if official or r.variants else set()
        prefix = "".join(core(g.label) for g in t.headings if r.id in _scope(t, g))
        contexts = tuple(sorted({prefix + w for w in words | {core(official)}}))
        width = len(t.columns) if t.columns else len(spec.cols(template, table, r.id))
        out.append(Slot(id=r.id, cores=tuple(sorted(words)), contexts=contexts, number=item_key(official),
                        width=width, patterns=r.patterns, weak=r.weak, positional=template in r.fallback))
    return out


def _scope(t, h) -> set[str]:
    """Row ids under a heading: `before` through `until` in table order."""
    ids = [r.id for r in t.rows]
    i = ids.index(h.before)
    j = ids.index(h.until) if h.until in ids else i
    return set(ids[i: j + 1])


def is_label_only(ln: LineLike) -> bool:
    return ln.numbers == 0 and bool(ln.label)


def fitted(values: Sequence[Cell], n: int, keep: str = "last") -> list[Cell] | None:
    """Exactly ``n`` value cells: drop blank padding at the ends, then extra cells; None if short."""
    r = list(values)
    while len(r) > n and is_blank(r[-1].text):
        r.pop()
    while len(r) > n and is_blank(r[0].text):
        r.pop(0)
    if len(r) > n:
        r = r[-n:] if keep == "last" else r[:n]
    return r if len(r) == n else None


def _groups(lines: Sequence[LineLike], i: int, label_only: list[bool], st: AlignSettings) -> list[tuple]:
    """The line groups a match may start at line ``i`` with, in the order the alignment tries
    them: (end line + 1, line indexes, value line, forward); a value line with the label-only
    lines below it (forward) or its label's tail printed below its numbers."""
    n = len(lines)
    out = []
    for k in range(st.max_wrap + 1):
        if i + k >= n or (k and not label_only[i + k - 1]) or _siblings(lines, i, i + k):
            break
        out.append((i + k + 1, tuple(range(i, i + k + 1)), i + k, True))
    if not label_only[i] and core(lines[i].label):
        for k in range(1, st.max_wrap + 1):
            if i + k >= n or not label_only[i + k] or _siblings(lines, i, i + k):
                break
            out.append((i + k + 1, tuple(range(i, i + k + 1)), i, False))
    return out


def _siblings(lines: Sequence[LineLike], i: int, j: int) -> bool:
    """Whether lines ``i``..``j`` print two numbered items (4. and 5.): two rows, never one wrapped label
    (a row printing its label alone, zeros blank, above the next item's wrapped label)."""
    return sum(1 for x in range(i, j + 1) if (item_key(lines[x].label) or (0, 0))[0] == 2) >= 2


def _gains(lines: Sequence[LineLike], table: SimTable, st: AlignSettings, label_only: list[bool],
           shred: list[bool]) -> list[list[tuple]]:
    """For every start line, its groups with the gain of matching them to each slot (None: cannot)."""
    groups = [_groups(lines, i, label_only, st) for i in range(len(lines))]
    labels = [("".join(lines[x].label for x in idx)) for gs in groups for _, idx, _, _ in gs]
    rows = iter(table.sims(labels, st))
    heading = [slot.heading for slot in table.slots]
    width = [slot.width for slot in table.slots]
    nums = [ln.numbers for ln in lines]
    out = []
    for i, gs in enumerate(groups):
        row = []
        for end, idx, at, forward in gs:
            label = "".join(lines[x].label for x in idx)
            sims = next(rows)
            gains: list[tuple | None] = [None] * len(sims)
            row.append((end, idx, at, gains))
            if not (core(label) or item_number(label) is not None):
                continue
            values = lines[at].values
            shredded = forward and len(idx) == 1 and shred[i] and nums[i]
            for k, sim in enumerate(sims):
                if sim < st.low:
                    continue
                g = None
                if heading[k]:
                    if forward and len(idx) == 1:
                        g = (st.heading_weight * (sim - st.base), label, sim)
                elif values and (nums[at] > 0 or sim >= st.accept) and (len(values) >= width[k] or sim >= st.accept):
                    g = (sim - st.base, label, sim)
                if g is not None and shredded and sim < st.accept:
                    g = None  # a shred of a heading ('公开') is placed by order, not by its letters
                gains[k] = g
        out.append(row)
    return out


def align(lines: Sequence[LineLike], slots: Sequence[Slot], st: AlignSettings = DEFAULT) -> tuple[float, list[Match]]:
    """Best order-keeping alignment of lines to slots; lines and slots may both be skipped.

    A value line may take the label-only lines just above it (a label wrapped or split by a
    page break), or its label's tail printed just below it. Lines with no label are left to
    :func:`normalizers.leftovers.fill_lost_labels`. Ties go to the move tried first: matches from the earliest start
    line (a wrap before a tail), then skipping a line, then skipping a slot."""
    from normalizers.simtable import (
        sim_table,  # it builds on this module's label reductions
    )

    n, m = len(lines), len(slots)
    table = sim_table(slots)
    label_only = [is_label_only(ln) for ln in lines]
    shred = [bool(ln.label) and is_lost_label(ln.label, table.heading_chars) for ln in lines]
    gains = _gains(lines, table, st, label_only, shred)
    into: list[list[tuple]] = [[] for _ in range(n + 1)]  # groups ending at each line, earliest start first
    for i in range(n):
        for end, idx, at, gs in gains[i]:
            hits = [(k, g) for k, g in enumerate(gs) if g is not None]
            if hits:
                into[end].append((i, idx, at, hits))
    neg = -math.inf
    score = [[neg] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    score[0][0] = 0.0
    for a in range(n + 1):
        cur, bk = score[a], back[a]
        for i, idx, at, hits in into[a]:  # matches first, in the order the moves are tried
            src = score[i]
            for k, g in hits:
                val = src[k] + g[0]
                if val > cur[k + 1] + 1e-12:
                    cur[k + 1], bk[k + 1] = val, ("match", i, k, idx, g[1], g[2], at)
        if a:  # skip a line, then a slot (the O(lines × slots) inner loop: kept to locals)
            prev, up = score[a - 1], a - 1
            left = cur[0]
            if prev[0] > left + 1e-12:
                left = cur[0] = prev[0]
                bk[0] = ("skip_line", up, 0)
            for b in range(1, m + 1):
                c, p = cur[b], prev[b]
                if p > c + 1e-12:
                    c, bk[b] = p, ("skip_line", up, b)
                if left > c + 1e-12:
                    c, bk[b] = left, ("skip_slot", a, b - 1)
                cur[b] = left = c
        else:
            for b in range(1, m + 1):
                if cur[b - 1] > cur[b] + 1e-12:
                    cur[b], bk[b] = cur[b - 1], ("skip_slot", a, b - 1)
    matches: list[Match] = []
    i, j = n, m
    while (i, j) != (0, 0):
        how = back[i][j]
        assert how is not None
        if how[0] == "match":
            _, _, pj, idx, label, sim, at = how
            matches.append(Match(slot=pj, lines=idx, label=label, sim=sim, at=at))
        i, j = how[1], how[2]
    matches.reverse()
    return score[n][m], matches


def is_lost_label(label: str, heading_chars: set[str]) -> bool:
    """No label, or only a shred of a group heading split over rows ('理', '办理结果供')."""
    c = core(label)
    return len(c) <= 1 or (len(c) <= 4 and set(c) <= heading_chars)
