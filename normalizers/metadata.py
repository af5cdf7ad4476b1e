"""Report metadata from the first lines, the body and the file name: title, year, agency, place.

Pure: the only I/O is the gazetteer in :mod:`normalizers.regions`, loaded once.
Conventions (corpus README, "Metadata conventions"): the agency is the publishing
body's own name (大水坑镇人民政府, 打浦桥街道办事处, 历下区司法局); place names are
full official names down to the agency's level; a township report carries its
county's code.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import PurePath

from normalizers.regions import Place, Region, parse_place, resolve
from normalizers.regions_fuzzy import fuzzy_place

log = logging.getLogger(__name__)

_DIGITS_ONLY = str.maketrans("０１２３４５６７８９", "0123456789")
_YEAR_DIGITS = str.maketrans("０１２３４５６７８９〇零一二三四五六七八九", "012345678900123456789")
_SPACE = re.compile(r"[\s\u3000\xa0\u200b]+")
_MARKUP = re.compile(r"^(?:#+|>+|[-*+]\s)\s*|\*\*|__")
_LABEL = re.compile(r"^(?:标题|题目|文章标题|名称)[:：]")
_SITE_SPLIT = re.compile(r"\s*(?:_|｜|\||\s-\s|——)\s*")
_QUOTED = re.compile(r"《([^《》]{4,60}(?:报告|年报))》")
_SENTENCE = re.compile(r"[，。；：！？《》、,;!?]")
_TITLE_KEY = re.compile(r"(?:信息公开|政务公开).*(?:报告|年报)|年度报告$")
_YEAR = re.compile(r"((?:19|20)\d{2}|[〇零一二][〇零一二三四五六七八九]{3})\s*年")
_YEAR_LEAD = re.compile(r"^(?:19|20)\d{2}年度?(?:政府信息公开|政务公开|信息公开)")
_AGENCY_END = frozenset("省市区县旗州盟镇乡道处府局厅委办室心院会所站队司署行园")
_TOPIC = re.compile(r"(?:政府信息公开|政务公开|信息公开).*$")
_PERIOD = re.compile(r"((?:19|20)\d{2})年1月1日(?:起)?(?:至|到|—|-)((?:19|20)\d{2})年12月31日")
_PUBLISHED_BODY = re.compile(r"(?:发布|公开|成文|印发)(?:日期|时间)[:：]\s*((?:19|20)\d{2})")
_DATE = re.compile(r"((?:19|20)\d{2})[-/.年]?(0?[1-9]|1[0-2])[-/.月]?(0?[1-9]|[12]\d|3[01])")
_FILE_DATE = re.compile(r"(?:(?<!\d)|(?<=[A-Za-z]0))((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])")
_FILE_LEAD_YEAR = re.compile(r"^((?:19|20)\d{2})(?!\d)")
_GOV_REST = frozenset({"", "人民政府", "政府", "办事处", "街道办事处", "管委会", "管理委员会", "人民政府办事处"})
_PUBLISHED_KEYS = ("published", "publish_date", "pubdate", "date", "PubDate", "publishdate", "article:published_time")


@dataclass(frozen=True, slots=True)
class Metadata:
    title: str | None = None
    year: int | None = None
    agency: str | None = None
    admin_level: str | None = None  # province | city | county | township | department
    province: str | None = None
    city: str | None = None
    county: str | None = None
    township: str | None = None
    region_code: str | None = None
    level_detail: str | None = None  # e.g. city_dept, county_gov, township
    territorial_level: str | None = None  # the territory's level, for a department too
    region_match: str | None = None  # exact | fuzzy: <printed> → <gazetteer name> (…) | None: unresolved


def clean_line(text: str) -> str:
    """One title-ish line without markup, labels or spaces (CJK has none)."""
    text = _MARKUP.sub("", text.strip())
    text = _LABEL.sub("", text.strip())
    return _SPACE.sub("", text).translate(_DIGITS_ONLY)


def _trim_site(title: str) -> str:
    """'…年度报告-某某县人民政府' (a <title> glued to its site name) → the report title."""
    return re.sub(r"(报告)[-_|｜—].*$", r"\1", title)


def _looks_like_title(line: str) -> bool:
    return bool(_TITLE_KEY.search(line)) and not _SENTENCE.search(line) and len(line) <= 70


def _looks_like_agency(line: str) -> bool:
    """A line that can be the first half of a split title: 杭州市余杭区, 淮安市人民政府."""
    return (
        1 < len(line) <= 30
        and line[-1] in _AGENCY_END
        and not _SENTENCE.search(line)
        and not re.search(r"\d|报告", line)
    )


def _titles_at(lines: list[str], i: int) -> list[str]:
    """Titles starting at line i: the line alone or joined with up to two continuation lines
    (PDF wraps 政府信息公 / 开工作年度报告), with an agency line before it (杭州市余杭区 / 2019年度…)."""
    out: list[str] = []
    head = lines[i]
    can_start = _looks_like_agency(head) or bool(_YEAR.search(head)) or "信息公开" in head
    for k in (0, 1, 2) if can_start else (0,):
        if i + k >= len(lines):
            break
        title = "".join(lines[i : i + k + 1])
        if _looks_like_title(title) and (k == 0 or title.endswith("报告")):
            if _YEAR_LEAD.match(title) and i > 0 and _looks_like_agency(lines[i - 1]):
                title = lines[i - 1] + title
            out.append(title)
            if title.endswith("报告"):
                break
    return out


def _site_parts(text: str) -> list[str]:
    """An HTML <title> is 'report_column_site': keep the parts that look like a report."""
    return [p for p in _SITE_SPLIT.split(text) if p]


def _title_quality(title: str) -> tuple[int, int, int]:
    m = _YEAR.search(title)
    has_agency = bool(m and (title[: m.start()] or _TOPIC.sub("", title[m.end() :])))
    return (int(has_agency), int(title.endswith("报告")), int(bool(m)))


def extract_title(title_candidates: list[str], meta: dict[str, str], file_name: str) -> str | None:
    """The report's own title, from the first lines, then <title>, then the file name."""
    pool: list[list[str]] = [[clean_line(x) for x in title_candidates if clean_line(x)]]
    for raw in (meta.get("title"), meta.get("og:title")):
        if raw:
            pool.append([clean_line(p) for p in _site_parts(raw) if clean_line(p)])
    pool.append([clean_line(PurePath(file_name).stem)])
    found: list[str] = []
    for lines in pool:
        for i in range(len(lines)):
            found += _titles_at(lines, i)
    if not found:  # 关于印发《XX县2020年政府信息公开工作年度报告》的通知
        quoted = [m.group(1) for lines in pool for line in lines for m in _QUOTED.finditer(line)]
        found = [q for q in quoted if _looks_like_title(q)]
    if not found:
        return None
    return _trim_site(max(found, key=_title_quality))  # max keeps the first of equals


def _year_value(text: str) -> int:
    return int(text.translate(_YEAR_DIGITS))


def extract_year(title: str | None, body_text: str, file_name: str, meta: dict[str, str]) -> int | None:
    """The year reported on: title, statistics period, published date − 1, then the file name."""
    if title and (m := _YEAR.search(title)):
        return _year_value(m.group(1))
    head = body_text[:20000]
    if m := _PERIOD.search(head):
        return int(m.group(1))
    for key in _PUBLISHED_KEYS:
        if (value := meta.get(key)) and (m := _DATE.search(value)):
            return int(m.group(1)) - 1
    if m := _PUBLISHED_BODY.search(head):
        return int(m.group(1)) - 1
    stem = PurePath(file_name).stem
    if m := _YEAR.search(stem):
        return _year_value(m.group(1))
    if m := _FILE_DATE.search(stem) or _FILE_LEAD_YEAR.search(stem):
        return int(m.group(1)) - 1  # a publication date in the name (t20200127_…, P020220112…, 2020zfxxgkndbg_…)
    return None


def agency_string(title: str) -> str:
    """The words naming the publisher: before the year, else between the year and the topic."""
    m = _YEAR.search(title)
    if not m:
        return _TOPIC.sub("", title)
    before = re.sub(r"^关于|(?:关于|的)$", "", title[: m.start()])
    return before or _TOPIC.sub("", title[m.end() :])


def _agency(place: Place, region: Region) -> tuple[str | None, bool]:
    """(agency name, is a department) from the parsed place and its resolution."""
    rest = place.rest
    is_gov = rest in _GOV_REST
    if place.township:
        suffix = "办事处" if place.township.endswith("街道") else "人民政府"
        return place.township + suffix, False
    if place.special is not None:
        return (place.special.gov_name if is_gov else place.special.name + rest), not is_gov
    own = {"province": region.province, "city": region.city, "county": region.county}.get(region.level or "")
    if own is None:  # place unknown to the gazetteer (OCR typo, new zone): keep the printed name
        return (rest or None), bool(rest) and not rest.endswith(("人民政府", "管委会", "管理委员会"))
    return (own + "人民政府" if is_gov else own + rest), not is_gov


def _guess_level(agency: str | None) -> str | None:
    """Level of a government the gazetteer does not know, from its name: 沐阳县人民政府 → county."""
    m = re.search(r"(省|自治区|市|州|盟|地区|县|区|旗|镇|乡|街道)(?:人民政府|管委会|管理委员会|办事处)$", agency or "")
    if not m:
        return None
    return {"省": "province", "自治区": "province", "市": None, "州": "city", "盟": "city", "地区": "city",
            "镇": "township", "乡": "township", "街道": "township"}.get(m.group(1), "county")


def extract_metadata(
    title_candidates: list[str], body_text: str, file_name: str, meta: dict[str, str]
) -> Metadata:
    """Everything the ``reports`` row needs about who reported on which year, where."""
    title = extract_title(title_candidates, meta, file_name)
    year = extract_year(title, body_text, file_name, meta)
    if not title:
        log.info("no title found in %s", file_name)
        return Metadata(year=year)
    text = agency_string(title)
    place = parse_place(text)
    evidence = "\n".join([*title_candidates, meta.get("title", ""), body_text[:20000]])
    fuzzy = fuzzy_place(text, place, evidence) if place.rest else None
    if fuzzy is not None:
        place = parse_place(fuzzy.text)
    region = resolve(place, evidence, year)
    agency, is_dept = _agency(place, region)
    if region.township:
        admin, detail, territory = "township", "township", "township"
    elif is_dept:
        admin, detail, territory = "department", f"{region.level}_dept" if region.level else None, region.level
    else:
        level = region.level or _guess_level(agency)
        admin, detail, territory = level, f"{level}_gov" if level else None, level
    return Metadata(
        title=title,
        year=year,
        agency=agency,
        admin_level=admin,
        province=region.province,
        city=region.city,
        county=region.county,
        township=region.township,
        region_code=region.code,
        level_detail=detail,
        territorial_level=territory,
        region_match=None if not region.code else fuzzy.note if fuzzy is not None else "exact",
    )
