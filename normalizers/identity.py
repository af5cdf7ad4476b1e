"""Who a report is from, in ids that hold across years: ``agency_id`` and whether the place was resolved.

``agency_id`` rule (docs/contract.md): the first 16 hex digits of the SHA-256 of
``<stable region code>|<township>|<role>``, where the stable region code is the gazetteer's one code
per territory across renames and merges (太谷县 140726 → 太谷区 140703 is one territory), the township
is the 镇/乡/街道 name for a township's report (several share their county's code) and the role is the
agency's name, NFKC-normalized and without spaces, with the leading place names of the report cut off
(洪泽区人民政府 → 人民政府, 通州区教育委员会 → 教育委员会), then the role's other names and short forms
mapped to one (``agency_renames.csv``, data: 科委 → 科学技术委员会, 卫生和计划生育委员会 → 卫生健康委员会).
So a county renamed to a district keeps its id, a body renamed in the data file keeps its id, and
two departments of one county differ. A report whose region is unresolved has
``name:<province>|<normalized full name>`` hashed instead: stable as long as the name is printed the same.
"""

from __future__ import annotations

import csv
import hashlib
import re
import unicodedata
from functools import cache
from pathlib import Path

from ogi.types import Report

_SPACE = re.compile(r"\s+")
REGION_UNRESOLVED = ("the region was not resolved: the agency's place name ({name}) is not in the gazetteer "
                     "(an OCR misread or a new division?); check the title and add a correction or an alias")


RENAMES = Path(__file__).with_name("agency_renames.csv")


@cache
def role_renames() -> dict[str, str]:
    """A role's other name or short form → the one name its agency_id uses."""
    with RENAMES.open(encoding="utf-8", newline="") as f:
        out = {_norm(r["name"]): _norm(r["canonical"]) for r in csv.DictReader(f)}
    for name, canonical in out.items():
        if canonical in out:
            raise ValueError(f"agency_renames.csv: {name} → {canonical}, itself renamed to {out[canonical]}")
    return out


def _norm(text: str) -> str:
    return _SPACE.sub("", unicodedata.normalize("NFKC", text))


def stable_code(code: str) -> str:
    """One code per territory across renames and merges (the code itself when the gazetteer lacks it)."""
    from normalizers.regions import gazetteer

    div = gazetteer().by_code.get(code)
    return div.stable if div is not None else code


def role_of(agency: str, places: tuple[str | None, ...]) -> str:
    """The agency's name without the leading place names: 岳麓区人民政府 → 人民政府."""
    name = _norm(agency)
    names = sorted({_norm(p) for p in places if p}, key=len, reverse=True)
    cut = True
    while cut:
        cut = False
        for p in names:
            if name.startswith(p) and len(name) > len(p):
                name, cut = name[len(p):], True
                break
    return name


def agency_id(rep: Report) -> str | None:
    """Stable id of the reporting agency (see the module docstring); None when the agency is unknown."""
    if not rep.agency:
        return None
    if rep.region_code:
        role = role_of(rep.agency, (rep.province, rep.city, rep.county, rep.township))
        role = role_renames().get(role, role)
        key = f"{stable_code(rep.region_code)}|{_norm(rep.township or '')}|{role}"
    else:
        key = f"name:{_norm(rep.province or '')}|{_norm(rep.agency)}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def region_problem(rep: Report) -> str | None:
    """Why the report's region counts as unresolved (no 6-digit division code), or None."""
    if rep.region_code and len(rep.region_code) == 6 and rep.region_code.isdigit():
        return None
    return REGION_UNRESOLVED.format(name=rep.agency or rep.title or rep.file_name)
