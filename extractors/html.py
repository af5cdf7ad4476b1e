"""Portal article pages (HTML) → :class:`Document`.

Portals wrap the report in page chrome (nav, breadcrumbs, footers, related links),
declare GBK only in ``<meta>``, and paste tables from Word. We decode by the declared
charset, pick the article container (known CMS classes, else the densest block of
Chinese text), then walk it in document order: text lines become Paragraphs, data
tables become RawTables placed on the real HTML grid (rowspan/colspan honoured).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from lxml import etree

from extractors.base import Extractor, register
from extractors.encoding import declared_charset, decode_bytes
from extractors.html_table import _BLOCK_TAGS, _DROP_TAGS, _ZW_RE, build_table, cjk_count, clean_text, table_rows
from ogi.errors import ExtractionError
from ogi.types import Block, Document, Paragraph, RawTable

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HtmlSettings:
    """What varies between portals: container names, chrome names, thresholds."""

    # (attribute, token) in priority order; a token matches one class name or the id
    containers: tuple[tuple[str, str], ...] = (
        ("class", "TRS_Editor"), ("class", "TRS_UEDITOR"), ("class", "TRS_PreAppend"), ("class", "Custom_UnionStyle"),
        ("id", "UCAP-CONTENT"), ("class", "article-content"), ("class", "article_content"), ("id", "zoom"),
        ("class", "zoom"), ("id", "zoomcon"), ("class", "view"), ("class", "pages_content"), ("id", "mainText"),
        ("class", "news_content"), ("class", "wzcon"), ("class", "con_text"), ("class", "content"),
        ("id", "content"), ("class", "article"), ("id", "article"),
    )
    chrome: tuple[str, ...] = (
        "nav", "navbar", "menu", "header", "top", "footer", "foot", "bottom", "breadcrumb", "crumb",
        "crumbs", "position", "location", "share", "bdshare", "related", "xgwz", "xglj", "sidebar",
        "side", "copyright", "print", "toolbar", "search", "article-bottom", "article-info",
    )
    chrome_max_cjk: int = 300  # named chrome holding more (non-link) text than this is kept
    min_container_cjk: int = 150  # a known container with less text is a decoy
    container_share: float = 0.5  # ... or holding less than this share of the densest block
    density_share: float = 0.8  # descend into a child holding this share of the text
    heading_max_chars: int = 40
    layout_cell_cjk: int = 300  # a table cell with more CJK text than this is page layout
    min_image_px: int = 60  # smaller <img> are icons, not pictures of tables


SETTINGS = HtmlSettings()

_NUMBERED_RE = re.compile(r"^\s*(第[一二三四五六七八九十]+[部分章]|[一二三四五六七八九十]+[、．.]|[（(][一二三四五六七八九十]+[）)])")
_SENTENCE_END_RE = re.compile(r"[。；;]$")
_DATE_RE = re.compile(r"(?P<y>(?:19|20)\d\d)\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})")
_PUB_TEXT_RE = re.compile(r"(发布时间|发布日期|发文日期|公开日期|更新时间|日期|时间)\s*[:：]\s*" + _DATE_RE.pattern)
_PUB_META = ("pubdate", "publishdate", "firstpublishedtime", "article:published_time", "dc.date",
             "dc.date.created", "maketime", "publishtime", "dcterms.created")
_TITLE_META = ("articletitle", "og:title", "dc.title")
_BOLD_STYLE_RE = re.compile(r"font-weight\s*:\s*(bold|bolder|[6-9]00)|font-family\s*:[^;]*(黑体|SimHei)", re.I)
_CENTER_RE = re.compile(r"text-align\s*:\s*center", re.I)
_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>")

_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
_XP_NAMED = etree.XPath("//*[@class or @id or self::nav or self::footer or self::aside]")
_XP_HIDDEN = etree.XPath("//*[@hidden or contains(@style, 'none') or contains(@style, 'hidden')]")
_XP_NONLINK_TEXT = etree.XPath(".//text()[not(ancestor::a)]")
_XP_TITLES = etree.XPath("//h1 | //h2 | //*[not(self::title)][contains(translate(@class, 'TILE', 'tile'), 'title')"
                         " or contains(translate(@id, 'TILE', 'tile'), 'title')]")
_HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_BOLD_TAGS = {"b", "strong"} | _HEADING_TAGS


def _names(el: etree._Element) -> list[str]:
    """Lower-cased class names and id of an element."""
    return f"{el.get('class') or ''} {el.get('id') or ''}".lower().split()


def text_of(el: etree._Element) -> str:
    return "".join(el.itertext())


def drop(el: etree._Element) -> None:
    """Remove an element but keep its tail text (it belongs to the parent)."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _iso_date(m: re.Match[str]) -> str | None:
    y, mo, d = int(m.group("y")), int(m.group("m")), int(m.group("d"))
    return f"{y:04d}-{mo:02d}-{d:02d}" if 1 <= mo <= 12 and 1 <= d <= 31 else None


def _is_hidden(el: etree._Element) -> bool:
    style = (el.get("style") or "").lower().replace(" ", "")
    return el.get("hidden") is not None or "display:none" in style or "visibility:hidden" in style


def parse(data: bytes, file_name: str) -> etree._Element:
    """Decode by BOM / ``<meta>`` charset (GBK → gb18030) and parse; lxml would guess otherwise."""
    if not data.strip():
        raise ExtractionError("empty HTML file", file=file_name)
    text = _XML_DECL_RE.sub("", decode_bytes(data, declared_charset(data)))
    try:
        root = etree.fromstring(_ZW_RE.sub("", text), _PARSER)  # plain elements: lxml.html's are slow
    except (etree.ParserError, ValueError) as e:
        raise ExtractionError(f"cannot parse HTML: {e}", file=file_name) from e
    if root is None:
        raise ExtractionError("HTML without elements", file=file_name)
    limits = [e.message.strip() for e in _PARSER.error_log if e.type_name == "ERR_RESOURCE_LIMIT"]
    if limits:  # libxml2 stopped reading (nesting over 256, a text run over 10 MB): the rest would be lost
        raise ExtractionError(f"refused: HTML beyond the parser's safety limits, malformed or hostile page "
                              f"({limits[0].splitlines()[0]})", file=file_name)
    return root


def page_meta(root: etree._Element) -> dict[str, str]:
    """<title>, <meta> publish date and article title, read before chrome is removed."""
    meta: dict[str, str] = {}
    t = root.find(".//title")
    if t is not None and clean_text(text_of(t)):
        meta["html_title"] = clean_text(text_of(t))
    for m in root.iter("meta"):
        key = (m.get("name") or m.get("property") or "").lower()
        val = clean_text(m.get("content") or "")
        if key in _PUB_META and "published" not in meta and (d := _DATE_RE.search(val)):
            if iso := _iso_date(d):
                meta["published"] = iso
        elif key in _TITLE_META and val and "meta_title" not in meta:
            meta["meta_title"] = val
    return meta


def strip_noise(root: etree._Element, settings: HtmlSettings = SETTINGS) -> None:
    """Remove scripts/styles/comments, hidden elements and named page chrome without tables."""
    chrome = {c.lower() for c in settings.chrome}
    doomed = list(root.iter(*_DROP_TAGS, etree.Comment, etree.ProcessingInstruction))
    doomed += [el for el in _XP_HIDDEN(root) if _is_hidden(el)]
    for el in _XP_NAMED(root):
        if (el.tag in ("nav", "footer", "aside") or not chrome.isdisjoint(_names(el))) and el.tag not in (
                "body", "html") and el.find(".//table") is None and cjk_count(
                "".join(_XP_NONLINK_TEXT(el))) <= settings.chrome_max_cjk:
            doomed.append(el)
    for el in doomed:
        drop(el)


def cjk_weights(root: etree._Element) -> dict[etree._Element, int]:
    """CJK characters under each element, link text excluded (nav and related lists are links)."""
    weights: dict[etree._Element, int] = {}

    def visit(el: etree._Element) -> int:
        n = 0 if el.tag == "a" else cjk_count(el.text)
        for child in el:
            if isinstance(child.tag, str):
                c = visit(child)
                n += 0 if el.tag == "a" else c
            n += cjk_count(child.tail)
        weights[el] = n
        return n

    visit(root)
    return weights


def densest(body: etree._Element, weights: dict[etree._Element, int], data: set[etree._Element],
            settings: HtmlSettings) -> etree._Element:
    """Descend from <body> while one child holds most of the text and the tables: the article.

    "The tables" is at least half of the page's data tables (a sidebar may hold a small one).
    """
    cur, tables = body, len(data)
    while True:
        kids = [k for k in cur if isinstance(k.tag, str) and k.tag != "p" and k not in data]
        best = max(kids, key=lambda k: weights.get(k, 0), default=None)
        if best is None or weights.get(best, 0) < settings.density_share * weights.get(cur, 0) or (
                not _enough(_count_in(best, data), tables)):
            return cur
        cur = best


def _count_in(el: etree._Element, tables: set[etree._Element]) -> int:
    return sum(1 for t in el.iter("table") if t in tables)


def _enough(n: int, total: int) -> bool:
    return 2 * n >= total and (n > 0 or total == 0)


def find_article(root: etree._Element, settings: HtmlSettings = SETTINGS) -> etree._Element:
    """A known CMS container if it holds the text, else the densest block."""
    body = root.find("body")
    body = body if body is not None else root
    weights = cjk_weights(body)
    data = {t for t in body.iter("table") if not is_layout_table(t, settings)}
    dense = densest(body, weights, data, settings)
    by_rule: dict[tuple[str, str], etree._Element] = {}
    wanted = {(a, t.lower()) for a, t in settings.containers}
    for el in _XP_NAMED(body):
        if weights.get(el, 0) < settings.min_container_cjk:
            continue
        for attr in ("class", "id"):
            for key in wanted.intersection((attr, tok) for tok in (el.get(attr) or "").lower().split()):
                by_rule.setdefault(key, el)
    floor = settings.container_share * weights.get(dense, 0)
    dense_tables = _count_in(dense, data)
    for attr, tok in settings.containers:
        el = by_rule.get((attr, tok.lower()))
        if el is not None and weights.get(el, 0) >= floor and _enough(_count_in(el, data), dense_tables):
            log.debug("article container %s=%s", attr, tok)
            return el
    log.debug("article container by text density: <%s class=%s>", dense.tag, dense.get("class"))
    return dense


def is_layout_table(table: etree._Element, settings: HtmlSettings = SETTINGS) -> bool:
    """A table holding other tables, long prose or a single row/column lays out the page."""
    if table.find(".//table") is not None:
        return True
    rows = table_rows(table)
    if len(rows) < 2 or max((sum(1 for td in tr if td.tag in ("td", "th")) for tr in rows), default=0) < 2:
        return True
    return any(cjk_count(text_of(td)) > settings.layout_cell_cjk
               for tr in rows for td in tr if td.tag in ("td", "th"))


class _Walker:
    """Turns the article subtree into blocks in document order."""

    def __init__(self, settings: HtmlSettings) -> None:
        self.settings = settings
        self.blocks: list[Block] = []
        self.images = 0
        self._buf: list[tuple[str, bool]] = []  # (text, bold)
        self._ctx: list[tuple[bool, bool]] = [(False, False)]  # (in h1-h6, centered)

    def flush(self) -> None:
        raw = "".join(t for t, _ in self._buf)
        for line in raw.split("\n"):
            text = clean_text(line)
            if text:
                self.blocks.append(Paragraph(text=text, page=None, heading=self._heading(text)))
        self._buf.clear()

    def _heading(self, text: str) -> bool:
        in_h, centered = self._ctx[-1]
        if in_h:
            return True
        if len(text) > self.settings.heading_max_chars or _SENTENCE_END_RE.search(text):
            return False
        total = sum(1 for t, _ in self._buf for ch in t if not ch.isspace())
        bold = sum(1 for t, b in self._buf if b for ch in t if not ch.isspace())
        if "\n" not in "".join(t for t, _ in self._buf) and total and bold >= 0.9 * total:
            return True
        return centered or bool(_NUMBERED_RE.match(text)) and len(text) <= 30

    def walk(self, el: etree._Element, bold: bool = False) -> None:
        tag = el.tag
        if not isinstance(tag, str) or tag in _DROP_TAGS:
            return
        if tag == "table":
            self.flush()
            self.table(el, bold)
            return
        if tag == "img":
            self.image(el)
            return
        if tag == "br":
            self._buf.append(("\n", bold))
            return
        bold = bold or tag in _BOLD_TAGS or bool(_BOLD_STYLE_RE.search(el.get("style") or ""))
        block = tag in _BLOCK_TAGS
        if block:
            self.flush()
            centered = (el.get("align") or "").lower() == "center" or tag == "center" or bool(
                _CENTER_RE.search(el.get("style") or ""))
            self._ctx.append((tag in _HEADING_TAGS or self._ctx[-1][0], centered))
        if el.text:
            self._buf.append((el.text, bold))
        for child in el:
            self.walk(child, bold)
            if child.tail:
                self._buf.append((child.tail, bold))
        if block:
            self.flush()
            self._ctx.pop()

    def table(self, table: etree._Element, bold: bool) -> None:
        for caption in table.findall("caption"):
            self.walk(caption, bold)
        if is_layout_table(table, self.settings):
            for tr in table_rows(table):
                for td in tr:
                    self.walk(td, bold)
            return
        raw = build_table(table, source=f"html table {len(self.tables) + 1}")
        if any(c.text for c in raw.cells):
            self.blocks.append(raw)

    def image(self, img: etree._Element) -> None:
        sizes = [int(m.group(1)) for a in ("width", "height") if (m := re.match(r"\s*(\d+)", img.get(a) or ""))]
        src = (img.get("src") or "").lower()
        if any(s < self.settings.min_image_px for s in sizes) or re.search(r"icon|logo|blank|spacer|\.gif$", src):
            return
        self.images += 1

    @property
    def tables(self) -> list[RawTable]:
        return [b for b in self.blocks if isinstance(b, RawTable)]


def title_elements(root: etree._Element) -> list[tuple[etree._Element, str]]:
    """h1/h2/.title elements and their text, taken before chrome removal (a title may sit in a header)."""
    return [(el, clean_text(text_of(el))) for el in _XP_TITLES(root)]


def article_title(heads: list[tuple[str, bool]], blocks: list[Block], meta: dict[str, str]) -> str | None:
    """The report's own title: <meta> ArticleTitle, h1/h2/.title, the first line naming 年度报告, <title>.

    ``heads`` are (text, still on the page after chrome removal): a sidebar may list other reports.
    """
    page_title = meta.get("html_title", "")
    kept = [h for h, alive in heads if alive]
    cands = [meta.get("meta_title", ""), *[h for h in kept if h in page_title], *kept]
    lines = [b for b in blocks if isinstance(b, Paragraph)][:12]
    cands += [a.text + b.text for a, b in zip(lines, lines[1:]) if a.heading and b.heading]  # title on 2 lines
    cands += [b.text for b in blocks if isinstance(b, Paragraph) and len(b.text) <= 80]
    cands += [h for h, alive in heads if not alive] + [re.split(r"[_|]| - ", page_title)[0]]
    for want in ("年度报告", "年报", "报告"):
        for c in cands:
            if want in c and 6 <= len(c) <= 80:
                return c
    return None


def published_from_text(root: etree._Element) -> str | None:
    """A 发布时间/发布日期 line anywhere on the page (the info bar sits outside the article)."""
    text = clean_text(text_of(root))
    found = [(m.group(1), _iso_date(m)) for m in _PUB_TEXT_RE.finditer(text)]
    for _label, iso in sorted(found, key=lambda f: "发布" not in f[0]):
        if iso:
            return iso
    return None


@register
class HtmlExtractor(Extractor):
    """Portal article pages: article container → paragraphs and grid tables."""

    name = "html"
    version = "1"
    kinds = ("html",)

    def __init__(self, settings: HtmlSettings = SETTINGS) -> None:
        self.settings = settings

    def extract(self, data: bytes, file_name: str) -> Document:
        root = parse(data, file_name)
        meta = page_meta(root)
        if "published" not in meta and (pub := published_from_text(root)):
            meta["published"] = pub
        heads = title_elements(root)
        strip_noise(root, self.settings)
        article = find_article(root, self.settings)
        walker = _Walker(self.settings)
        walker.walk(article)
        walker.flush()
        doc = Document(file_name=file_name, format="html", blocks=walker.blocks, extractor=self.key,
                       html_title=meta.get("html_title"), published=meta.get("published"))
        doc.title = article_title([(t, root in el.iterancestors()) for el, t in heads], walker.blocks, meta) or None
        if not walker.tables and walker.images:
            doc.table_images = walker.images
            doc.warnings.append("tables are images")
        if not walker.blocks:
            doc.warnings.append("no article text found")
        log.debug("%s: %d paragraphs, %d tables", file_name, len(doc.paragraphs), len(doc.tables))
        return doc
