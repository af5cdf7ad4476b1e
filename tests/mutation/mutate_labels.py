"""Label mutators: the row and column labels reworded the ways real reports differ, the numbers
untouched, so the key stays as it is.

Each mutator takes the source text, its layout and a seeded ``random.Random`` and returns the
new text and a note of what it did, or None when the document offers nothing to mutate.
"""

from __future__ import annotations

import csv
import random
import re
from functools import cache
from pathlib import Path

import yaml

from tests.mutation.grid import kind, region, rows
from tests.mutation.harness import ROOT

HERE = Path(__file__).resolve().parent
_NUMBERING = re.compile(r"^(?:[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、|\d+[．.、])")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_SUB = re.compile(r"(?<![\d.．第])([1-8])([．.、])(?=[\u4e00-\u9fff“\"])")
_GROUP = re.compile(r"(?<!第)[（(]([一二三四五六七])[）)]")
SUB_STYLES = ("{n}.", "{n}．", "{n}、", "（{n}）", "({n})", "{n} ")
GROUP_STYLES = ("({n})", "（{n}）", "{n}、", "({n}）", "【{n}】")
FILLERS = "的之等类项"
Edit = tuple[str, str]  # (new text, note)


@cache
def rewordings() -> dict[str, list[str]]:
    return yaml.safe_load((HERE / "rewordings.yaml").read_text(encoding="utf-8"))


@cache
def official_phrases() -> tuple[str, ...]:
    """The template's label phrases without their numbering, longest first (fields.csv)."""
    out: set[str] = set(rewordings())
    with open(ROOT / "ogi" / "fields.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            for part in f"{r['row_label']} {r['col_label']}".split():
                core = _NUMBERING.sub("", part).strip()
                if len(core) >= 2 and _CJK.search(core):
                    out.add(core)
    return tuple(sorted(out, key=lambda s: (-len(s), s)))


def _label_spans(text: str, layout: str) -> list[tuple[int, int]]:
    """Spans of the table cells (HTML: their inner markup) where a label may sit."""
    spans = [(c.start, c.end) for r in rows(text, layout) for c in r.cells if not c.is_number]
    if kind(layout) == "layout":  # a layout row's label is every word before its numbers
        spans = [(r.cells[0].start, max(c.end for c in r.cells if not c.is_number))
                 for r in rows(text, layout) if any(not c.is_number for c in r.cells)]
    return spans


def occurrences(text: str, layout: str, phrases) -> list[tuple[int, int, str]]:
    """Non-overlapping (start, end, phrase) of ``phrases`` inside table label cells, longest first."""
    spans = _label_spans(text, layout)
    taken: list[tuple[int, int, str]] = []
    for p in phrases:
        for m in re.finditer(re.escape(p), text):
            s, e = m.start(), m.end()
            if not any(a <= s and e <= b for a, b in spans):
                continue
            if any(s < te and ts < e for ts, te, _ in taken):
                continue
            taken.append((s, e, p))
    return sorted(taken)


def _replace_one(text: str, occ: list[tuple[int, int, str]], rng: random.Random, make) -> Edit | None:
    if not occ:
        return None
    s, e, p = rng.choice(occ)
    new = make(p)
    if new is None or new == p:
        return None
    return text[:s] + new + text[e:], f"{p!r} → {new!r}"


def reword(text: str, layout: str, rng: random.Random) -> Edit | None:
    """One label phrase replaced by a synonym wording (rewordings.yaml)."""
    table = rewordings()
    return _replace_one(text, occurrences(text, layout, sorted(table, key=len, reverse=True)), rng,
                        lambda p: rng.choice(table[p]))


def drop_char(text: str, layout: str, rng: random.Random) -> Edit | None:
    """One character dropped from a label of four or more characters."""
    occ = [o for o in occurrences(text, layout, official_phrases()) if len(o[2]) >= 4]

    def make(p: str) -> str:
        i = rng.randrange(len(p))
        return p[:i] + p[i + 1:]
    return _replace_one(text, occ, rng, make)


def add_char(text: str, layout: str, rng: random.Random) -> Edit | None:
    """One character added inside a label: a filler word or a doubled character."""
    occ = [o for o in occurrences(text, layout, official_phrases()) if len(o[2]) >= 3]

    def make(p: str) -> str:
        i = rng.randrange(1, len(p))
        ch = rng.choice([rng.choice(FILLERS), p[i - 1]])
        return p[:i] + ch + p[i:]
    return _replace_one(text, occ, rng, make)


def spaces(text: str, layout: str, rng: random.Random) -> Edit | None:
    """Spaces inside a label (自 然 人, 总　计): one gap or every gap, ASCII or ideographic."""
    occ = occurrences(text, layout, official_phrases())
    gap = "\u3000" if kind(layout) == "layout" else rng.choice([" ", "\u3000", "  "])

    def make(p: str) -> str:
        if len(p) <= 4 or rng.random() < 0.5:
            return gap.join(p)
        i = rng.randrange(1, len(p))
        return p[:i] + gap + p[i:]
    return _replace_one(text, occ, rng, make)


def _in_region(text: str, fn) -> str:
    a, b = region(text)
    return text[:a] + fn(text[a:b]) + text[b:]


def width(text: str, layout: str, rng: random.Random) -> Edit | None:
    """Every bracket and numbering dot of the tables switched to the other width."""
    a, b = region(text)
    part = text[a:b]
    full = part.count("（") + part.count("．")
    half = len(re.findall(r"\((?=[一二三四五六七八九十\d])", part)) + len(_SUB.findall(part))
    if not (full or half):
        return None
    if full >= half:
        table = str.maketrans({"（": "(", "）": ")", "．": "."})
        note = "（）． → ().".strip()
    else:
        table = str.maketrans({"(": "（", ")": "）", ".": "．"})
        note = "(). → （）．"
    def swap(chunk: str) -> str:  # a decimal point between digits stays a decimal point
        return re.sub(r"(?<=\d)\.(?=\d)", "\0", chunk).translate(table).replace("\0", ".")
    if kind(layout) == "html":  # never inside tags or attributes
        return _in_region(text, lambda s: re.sub(r"(?<=>)[^<]+", lambda m: swap(m.group()), s)), note
    return text[:a] + swap(part) + text[b:], note


def numbering(text: str, layout: str, rng: random.Random) -> Edit | None:
    """Item numbers restyled consistently: 1．→ 1、/1./（1）, （一）→ (一)/一、, the way one drafter does."""
    a, b = region(text)
    part = text[a:b]
    target = rng.choice(["sub", "group"])
    if target == "sub" and _SUB.search(part):
        style = rng.choice(SUB_STYLES)
        new = _SUB.sub(lambda m: style.format(n=m.group(1)), part)
    elif _GROUP.search(part):
        style = rng.choice(GROUP_STYLES)
        new = _GROUP.sub(lambda m: style.format(n=m.group(1)), part)
    else:
        return None
    if new == part:
        return None
    return text[:a] + new + text[b:], f"{target} numbering → {style!r}"


LABEL_MUTATORS = {"reword": reword, "drop_char": drop_char, "add_char": add_char, "spaces": spaces,
                  "width": width, "numbering": numbering}
