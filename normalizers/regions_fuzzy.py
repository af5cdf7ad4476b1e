"""Place names one character off the gazetteer (OCR misreads: 沐阳县 for 沭阳县), resolved only when one fits.

Why: an OCR'd or mistyped title leaves the report without a region, hence without an agency that
holds across years. A printed name that is not in the gazetteer but differs by one character from
names of the same length and the same ending (县, 区, 市 …) is resolved to one of them only when it
is the only candidate

- in the right province/city: under the place names printed before it in the title, and, when
  several remain, the only one whose territory (or a parent) the title and body name; or else
- whose differing character pair is a known OCR confusion (``regions_confusables.csv``, data).

Anything less certain stays unresolved (the report is then not ``ok``). A match is recorded in
``reports.region_match`` as ``fuzzy: <printed> → <gazetteer name>`` (:mod:`normalizers.metadata`).
"""

from __future__ import annotations

import csv
import logging
from dataclasses import dataclass
from functools import cache

from normalizers.regions import DATA_DIR, Division, Place, _score, gazetteer, mentions

log = logging.getLogger(__name__)

MIN_LEN = 3  # 2-character names (和县, 城区) are ordinary words too: never matched fuzzily
_ENDS = frozenset("省市县区旗州盟")
# zones and words that end like a division but are not one: 泰州市高新区 is not 高港区 misread
GENERIC = ("开发区", "高新区", "新区", "园区", "景区", "示范区", "试验区", "实验区", "保税区", "管理区", "合作区",
           "功能区", "片区", "社区", "市区", "城区", "郊区", "辖区", "县区", "矿区", "林区", "港区", "湖区", "山区")


@dataclass(frozen=True, slots=True)
class FuzzyMatch:
    printed: str  # the name as printed
    name: str  # the gazetteer name it was resolved to
    text: str  # the agency string with the name replaced
    why: str  # e.g. "OCR confusion 沐/沭"

    @property
    def note(self) -> str:
        return f"fuzzy: {self.printed} → {self.name} ({self.why})"


@cache
def _masked() -> dict[tuple[int, str], tuple[str, ...]]:
    """(position, name with that character blanked) → gazetteer names; the ending never blanked."""
    out: dict[tuple[int, str], list[str]] = {}
    for name in gazetteer().by_name:
        if len(name) < MIN_LEN or name[-1] not in _ENDS:
            continue
        for i in range(len(name) - 1):
            out.setdefault((i, name[:i] + "\0" + name[i + 1:]), []).append(name)
    return {k: tuple(v) for k, v in out.items()}


@cache
def confusables() -> frozenset[frozenset[str]]:
    with (DATA_DIR / "regions_confusables.csv").open(encoding="utf-8", newline="") as f:
        return frozenset(frozenset((r["a"], r["b"])) for r in csv.DictReader(f))


def near_names(word: str) -> list[str]:
    """Gazetteer names of ``word``'s length and ending that differ from it in exactly one other character."""
    if len(word) < MIN_LEN or word[-1] not in _ENDS or word in gazetteer().by_name or word.endswith(GENERIC):
        return []
    found = {n for i in range(len(word) - 1) for n in _masked().get((i, word[:i] + "\0" + word[i + 1:]), ())}
    return sorted(found)


def _diff(a: str, b: str) -> frozenset[str]:
    return next(frozenset((x, y)) for x, y in zip(a, b) if x != y)


def fuzzy_place(text: str, place: Place, evidence: str) -> FuzzyMatch | None:
    """The one-character-off reading of the place name where ``place`` (parsed from ``text``) stopped, or None."""
    if place.special is not None or place.township:
        return None
    g = gazetteer()
    at = len(text) - len(place.rest)
    above = place.segments[-1][1] if place.segments else ()
    for n in range(min(g.max_len, len(text) - at), MIN_LEN - 1, -1):
        word = text[at:at + n]
        cands: dict[str, tuple[str, Division]] = {}
        for name in near_names(word):
            for d in g.by_name[name]:
                if not above or any(g.is_under(d, a) and d.stable != a.stable for a in above):
                    cands.setdefault(d.stable, (name, d))
        if not cands:
            continue
        pick, why = _choose(word, list(cands.values()), evidence, bool(above))
        if pick is None:
            log.info("place %s is one character off %s: not resolved (no single fit)", word,
                     ", ".join(sorted({nm for nm, _ in cands.values()})))
            return None
        return FuzzyMatch(word, pick, text[:at] + pick + text[at + n:], why)
    return None


def _choose(word: str, cands: list[tuple[str, Division]], evidence: str, scoped: bool) -> tuple[str | None, str]:
    """The one candidate that fits, and why; (None, "") when none or several do."""
    if scoped and len(cands) == 1:
        return cands[0][0], "the only such name under the places printed before it"
    ev = mentions(evidence)
    scored = [(_score(gazetteer(), d, ev), nm) for nm, d in cands]
    best = max(s for s, _ in scored)
    if best > 0 and sum(1 for s, _ in scored if s == best) == 1:
        return next(nm for s, nm in scored if s == best), "its province or city is named"
    close = sorted({nm for nm, _ in cands if _diff(word, nm) in confusables()})
    if len(close) == 1:
        i = next(k for k, (x, y) in enumerate(zip(word, close[0])) if x != y)
        return close[0], f"OCR confusion {word[i]}/{close[0][i]}"
    return None, ""
