"""Reading portal pages: links, pagination, report links, attachments, report pages.

Pure functions on decoded HTML, so each rule is testable on a snippet.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

from fetchers.content import ATTACHMENT_SUFFIXES

NEXT_TEXTS = frozenset({"下一页", "下页", "后一页", "后页", "next", "nextpage", "›", "»", ">", ">>"})
_SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "data:", "#")
# TRS/WCM portals write their pager with JS: createPageHTML(total, current, "index", "html")
_JS_PAGER = re.compile(r"""createPage(?:HTML)?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*["']([\w-]+)["']\s*,\s*["'](\w+)["']""")
_NUMBERED = re.compile(r"^(?P<stem>[\w-]+?)_(?P<n>\d+)\.(?P<ext>s?html?|jsp|php|aspx?)$", re.I)

#: Text that names an annual report on the page itself.
REPORT_MARKER = re.compile(r"政府信息公开(工作)?年度报告|政务公开工作年度报告|信息公开年报|政府信息公开工作年报")
#: The template's numbered section headings (一、总体情况 … 六、其他需要报告的事项): a report's
#: body. Numbered, so a notice that merely lists the sections in a sentence does not count.
SECTION_HEADING = re.compile(
    r"[一二三四五六]\s*[、.．]\s*(总体情况|主动公开|收到和处理|[^。]{0,12}行政复议|存在的主要问题|其他需要报告)")
#: Words found in the template's tables but rarely in a layout table.
TABLE_WORDS = ("申请人", "行政复议", "信息内容", "本年新", "办理结果", "政府信息公开申请", "行政诉讼")


@dataclass(frozen=True, slots=True)
class Link:
    url: str  # absolute, without fragment
    text: str  # anchor text, whitespace collapsed
    title: str = ""
    rel: str = ""


@dataclass(slots=True)
class Page:
    """What the crawler needs from one HTML page."""

    url: str
    links: list[Link] = field(default_factory=list)
    text: str = ""
    report_tables: int = 0  # <table>s that read like the template's tables
    scripts: str = ""
    bad_links: list[Link] = field(default_factory=list)  # hrefs that are not URLs (``http://[::1/x.pdf``): url is the href


def _squash(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def parse_page(html: str, url: str) -> Page:
    """Links (absolute, on any host), visible text and template-like tables of a page."""
    tree = LexborHTMLParser(html)
    base = url
    base_node = tree.css_first("base[href]")
    if base_node is not None and base_node.attributes.get("href"):
        try:
            base = urljoin(url, base_node.attributes["href"] or "")
        except ValueError:  # a malformed <base>: links resolve against the page itself
            base = url
    links: list[Link] = []
    bad: list[Link] = []
    for node in tree.css("a[href], link[rel][href]"):
        href = (node.attributes.get("href") or "").strip()
        if not href or href.lower().startswith(_SKIP_SCHEMES):
            continue
        text = _squash(node.text(deep=True)) if node.tag == "a" else ""
        title, rel = _squash(node.attributes.get("title")), _squash(node.attributes.get("rel")).lower()
        try:
            absolute, _frag = urldefrag(urljoin(base, href))
            _ = urlsplit(absolute).port  # a port that is not a number raises here, not later
        except ValueError:
            bad.append(Link(href, text, title, rel))
            continue
        links.append(Link(absolute, text, title, rel))
    scripts = "\n".join(n.text(deep=True) for n in tree.css("script"))
    for n in tree.css("script, style"):
        n.decompose()
    body = tree.body
    text = _squash(body.text(deep=True, separator=" ")) if body is not None else ""
    title = tree.css_first("title")
    if title is not None:
        text = _squash(title.text()) + " " + text
    n_tables = sum(1 for t in tree.css("table") if any(w in t.text(deep=True) for w in TABLE_WORDS))
    return Page(url=url, links=links, text=text, report_tables=n_tables, scripts=scripts, bad_links=bad)


def _stem_ext(path: str) -> tuple[str, str] | None:
    """('index', 'html') for .../index.html or .../index_3.html; ('index','html') for a directory."""
    name = posixpath.basename(path)
    if not name:
        return ("index", "html")
    m = _NUMBERED.match(name)
    if m:
        return m.group("stem"), m.group("ext")
    stem, dot, ext = name.rpartition(".")
    return (stem, ext) if dot else None


def pagination_links(page: Page) -> list[str]:
    """Further listing pages: rel=next, 下一页-style anchors, index_N siblings, JS pagers."""
    out: list[str] = []
    here = urlsplit(page.url)
    directory = posixpath.dirname(here.path) if not here.path.endswith("/") else here.path.rstrip("/")
    stem_ext = _stem_ext(here.path)
    for link in page.links:
        target = urlsplit(link.url)
        label = link.text.replace(" ", "").lower()
        if "next" in link.rel.split() or label in NEXT_TEXTS or label.strip("[]【】<>《》") in NEXT_TEXTS:
            out.append(link.url)
            continue
        m = _NUMBERED.match(posixpath.basename(target.path))
        if (m and stem_ext and (m.group("stem"), m.group("ext")) == stem_ext and target.netloc == here.netloc
                and posixpath.dirname(target.path) == directory):
            out.append(link.url)
    for total, _current, stem, ext in _JS_PAGER.findall(page.scripts):
        for i in range(1, min(int(total), 1000)):
            out.append(urljoin(page.url, f"{stem}_{i}.{ext}"))
    return list(dict.fromkeys(out))


def is_report_link(link: Link, pattern: re.Pattern[str]) -> bool:
    """Does the anchor text (or title attribute: listings cut long titles) name a report?"""
    return bool(pattern.search(link.text) or (link.title and pattern.search(link.title)))


def wanted_bad_link(link: Link, pattern: re.Pattern[str]) -> bool:
    """Whether a malformed link would have been fetched: it names a report or an attachment."""
    return is_report_link(link, pattern) or link.url.lower().split("?")[0].endswith(ATTACHMENT_SUFFIXES) \
        or (link.title or link.text).lower().endswith(ATTACHMENT_SUFFIXES)


def is_attachment_link(link: Link) -> bool:
    """A link to a pdf/doc/docx/wps/txt file, by URL path or by the name shown."""
    path = urlsplit(link.url).path.lower()
    if path.endswith(ATTACHMENT_SUFFIXES):
        return True
    shown = (link.title or link.text).lower()
    return shown.endswith(ATTACHMENT_SUFFIXES)


def report_links(page: Page, pattern: re.Pattern[str]) -> list[Link]:
    """Links of a listing page whose text names an annual report (first of each URL)."""
    seen: dict[str, Link] = {}
    for link in page.links:
        if link.url not in seen and is_report_link(link, pattern):
            seen[link.url] = link
    return list(seen.values())


def attachment_links(page: Page, pattern: re.Pattern[str]) -> list[Link]:
    """Attachments of an article; if some name a report, only those (skips sidebar PDFs)."""
    atts = list({link.url: link for link in page.links if is_attachment_link(link)}.values())
    named = [a for a in atts if is_report_link(a, pattern) or pattern.search(posixpath.basename(urlsplit(a.url).path))]
    return named or atts


def report_verdict(page: Page) -> str:
    """'report' (names a report and has its tables), 'report-no-tables' (names one and has
    its section headings, tables as images), or 'none'."""
    if not REPORT_MARKER.search(page.text):
        return "none"
    if page.report_tables:
        return "report"
    headings = len({m.group(1)[-4:] for m in SECTION_HEADING.finditer(page.text)})
    return "report-no-tables" if headings >= 3 else "none"
