"""Split narrative into the template's six sections and read the fee facts of 六.

Real reports renumber, merge or add sections, so headings are found by their words
(总体情况, 主动公开…), not only by their numerals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from normalizers.inline_headings import split_inline, strip_trailer
from ogi.types import Block, Paragraph, Section

SECTION_TITLES = {
    1: "一、总体情况",
    2: "二、主动公开政府信息情况",
    3: "三、收到和处理政府信息公开申请情况",
    4: "四、政府信息公开行政复议、行政诉讼情况",
    5: "五、存在的主要问题及改进情况",
    6: "六、其他需要报告的事项",
}
_KEYS = (
    (1, re.compile(r"总体情况|总体概况|基本情况")),
    (2, re.compile(r"主动公开政府信息")),
    (3, re.compile(r"收到和处理|公开申请情况|依申请公开")),
    (4, re.compile(r"行政复议|行政诉讼")),
    (5, re.compile(r"存在的主要问题|问题及改进|改进情况")),
    (6, re.compile(r"其他需要报告|其他事项")),
)
_NUM = re.compile(r"^\s*[#*\s]*([一二三四五六七八九十]+)\s*[、.．]\s*")
_CJK = r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef“”‘’《》]"
_SPACE_CJK = re.compile(rf"(?<={_CJK})[ \t]+|[ \t]+(?={_CJK})")
_DIGIT_CJK = re.compile(rf"(?<=\d)[ \t]+(?={_CJK})|(?<={_CJK})[ \t]+(?=\d)")


def clean_text(s: str) -> str:
    """Drop layout spaces next to CJK characters ("2023 年" → "2023年"), markdown emphasis."""
    s = s.replace("**", "").replace("\u00a0", " ")
    s = _DIGIT_CJK.sub("", s)
    s = _SPACE_CJK.sub("", s)
    return s.strip()


def heading_number(text: str) -> tuple[int, str] | None:
    """(section number, remainder after the heading) when ``text`` opens a template section."""
    m = _NUM.match(text)
    if not m:
        return None
    body = clean_text(text[m.end():])
    head = body[:30]
    for n, pat in _KEYS:
        hit = pat.search(head)
        if hit and hit.start() <= 12:
            # heading words end at the first sentence punctuation; the rest is text
            rest = re.split(r"[：:。]", body, maxsplit=1)
            remainder = rest[1].strip() if len(rest) > 1 and len(rest[0]) <= 30 else ""
            if len(body) > 40 and not remainder:
                return None  # a long sentence that merely mentions the words
            return n, remainder
    return None


def split_sections(blocks: list[Block]) -> list[Section]:
    """Sections 1–6 in order; each holds the narrative paragraphs under its heading."""
    found: dict[int, Section] = {}
    current: Section | None = None
    last_n = 0
    for b, inline_n in unfold_inline(blocks):
        if not isinstance(b, Paragraph):
            continue
        h = (inline_n, "") if inline_n else heading_number(b.text)
        if h is not None and h[0] not in found and h[0] > last_n - 1:
            n, rest = h
            current = Section(number=n, title=clean_text(b.text).split("：")[0][:40], text=rest)
            found[n] = current
            last_n = n
            continue
        if current is not None:
            t = clean_text(b.text)
            if t:
                current.text = f"{current.text}\n{t}" if current.text else t
    out = [found[n] for n in sorted(found)]
    if out:
        out[-1].text = strip_inline_signature(strip_signature(strip_trailer(out[-1].text)))
    return out


INLINE_MIN_CHARS = 200  # only a long paragraph can hold a whole report run together


def unfold_inline(blocks: list[Block]) -> list[tuple[Block, int | None]]:
    """A long paragraph with section headings run inline becomes heading and body paragraphs;
    each block comes with the section number it opens, when it is an inline heading."""
    out: list[tuple[Block, int | None]] = []
    for b in blocks:
        if isinstance(b, Paragraph) and len(b.text) >= INLINE_MIN_CHARS:
            pieces = split_inline(b.text)
            if len(pieces) > 1:  # page furniture ends the run-on text, before spaces are dropped
                pieces[-1] = (strip_trailer(pieces[-1][0]), pieces[-1][1])
            out.extend((Paragraph(t, page=b.page), n) for t, n in pieces if t)
        else:
            out.append((b, None))
    return out


_DATE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$|^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}$")
_PUNCT = re.compile(r"[。，；：！？,.;:]")


def strip_signature(text: str) -> str:
    """Drop the closing signature (agency line and date) printed after the last section."""
    lines = text.split("\n")
    if len(lines) >= 2 and _DATE.match(lines[-1].strip()):
        lines.pop()
        while len(lines) > 1 and len(lines[-1]) <= 30 and not _PUNCT.search(lines[-1]):
            lines.pop()
    return "\n".join(lines)


_INLINE_SIGNATURE = re.compile(
    r"(?:(?<=[。！？”；])|(?<=.)[\u4e00-\u9fff（）()]{2,30}?(?:人民政府|政府|委员会|管委会|局|办公室|办事处|中心|厅|委|院))"
    r"\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$")


def strip_inline_signature(text: str) -> str:
    """Drop agency and date run onto the last sentence ("…已全部办结。沂水县人民政府2022年1月28日")."""
    last = text.rsplit("\n", 1)
    m = _INLINE_SIGNATURE.search(last[-1])
    if not m or m.start() == 0:
        return text
    last[-1] = last[-1][:m.start()].rstrip()
    return "\n".join(last)


@dataclass(frozen=True, slots=True)
class FeeFacts:
    charged: bool | None
    notices: int | None
    amount_yuan: float | None


_NO_FEE = re.compile(r"(未|没有|无|不)(收取|收)[^。；]{0,12}(信息处理费|费用)|信息处理费[^。；\d]{0,6}(为0|为零|(?<!\d)0(?:\.0+)?元)|未产生[^。]{0,10}信息处理费")
_AMOUNT = re.compile(r"(?:信息处理费|收费)[^。；]{0,30}?(\d+(?:\.\d+)?)\s*(万元|元)")
_NOTICES = re.compile(r"(\d+)\s*(?:件|份|次|个)[^。；]{0,8}收费通知|收费通知[^。；\d]{0,12}(\d+)\s*(?:件|份|次|个)")


def fee_facts(text: str) -> FeeFacts:
    """信息处理费 in section 六: charged or not, notices sent, amount in yuan."""
    if not text or "费" not in text:
        return FeeFacts(None, None, None)
    t = clean_text(text)
    amt = _AMOUNT.search(t)
    notices = _NOTICES.search(t)
    amount = float(amt.group(1)) * (10000 if amt.group(2) == "万元" else 1) if amt else None
    n = int(notices.group(1) or notices.group(2)) if notices else None
    if not amount and not n and _NO_FEE.search(t):
        return FeeFacts(False, 0, 0.0)
    if amount is None and n is None:
        return FeeFacts(None, None, None)
    return FeeFacts(bool(amount) or bool(n), n, amount)
