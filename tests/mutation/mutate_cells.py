"""Cell and row mutators: zeros printed other ways, digits run together, rows wrapped over two
lines, （六）其他处理 merged into one row or split into its three 2021 sub-rows.

Each takes the text, layout, key values and a seeded ``random.Random`` and returns
(new text, new values, note) or None when the document offers nothing to mutate. The values
change only where the printed numbers do (a merged row's sub-row cells leave the key).
"""

from __future__ import annotations

import random
import re

from tests.mutation.grid import (
    ZERO,
    Row,
    apply,
    colspan,
    kind,
    rows,
    rowspan,
    with_span,
)

ZERO_STYLES = ("", "—", "－", "-", "０", "无", "/")
SUB_ROWS_2021 = ("other.no_correction", "other.unpaid_fee", "other.other")
SUB_LABELS = ("1．申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
              "2．申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3．其他")
_CJK = re.compile(r"[\u4e00-\u9fff]")
COLUMNS = ("natural_person", "commercial", "research", "nonprofit", "legal_services", "other_org", "total")
Out = tuple[str, dict[str, float], str]


def _num(s: str) -> float:
    s = s.strip()
    return float(s) if re.fullmatch(r"[-+]?\d+(?:\.\d+)?", s) else 0.0


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.2f}"


def _put(k: str, c, new: str, width_of: str | None = None) -> tuple[int, int, str]:
    """An edit writing ``new`` as the cell's content; layout cells keep their width."""
    if k == "layout" and width_of is not None and len(new) < len(width_of):
        new = new.rjust(len(width_of))
    return c.start, c.end, new


def zeros(text: str, layout: str, values: dict, rng: random.Random) -> Out | None:
    """Zero cells printed as blank, dashes, a full-width ０ or 无: every one, or one row's."""
    k = kind(layout)
    rs = [r for r in rows(text, layout) if any(ZERO.match(c.text) for c in r.values)]
    if not rs:
        return None
    style = rng.choice(ZERO_STYLES)
    scope = rng.choice(["all", "row"])
    chosen = rs if scope == "all" else [rng.choice(rs)]
    edits = [_put(k, c, style if k != "layout" or style else " ", c.text) if k != "html" else (c.start, c.end, style)
             for r in chosen for c in r.values if ZERO.match(c.text)]
    return apply(text, edits), values, f"zeros → {style!r} ({scope}, {len(edits)} cells)"


def _html_merge(text: str, r: Row, first: int, last: int, new: str) -> list[tuple[int, int, str]]:
    """Cells first..last of an HTML row become one cell holding ``new`` and their colspans."""
    cs = r.cells[first:last + 1]
    span = sum(colspan(c.open_tag) for c in cs)
    return [(cs[0].tag_start, cs[-1].tag_end, with_span(cs[0].open_tag, "colspan", span) + new + "</td>")]


def _run_row(text: str, layout: str, r: Row, with_label: bool) -> list[tuple[int, int, str]] | None:
    idx = [i for i, c in enumerate(r.cells) if c.is_number]
    if len(idx) < 2:
        return None
    first, last = idx[0], idx[-1]
    if with_label and r.label is not None:
        first = min(first, r.cells.index(r.label))
    joined = "".join(c.text.strip() for c in r.cells[first:last + 1])
    if kind(layout) == "html":
        return _html_merge(text, r, first, last, joined)
    return [(r.cells[first].start, r.cells[last].end, joined)]


def run_together(text: str, layout: str, values: dict, rng: random.Random) -> Out | None:
    """A row's numbers printed with no separator (规范性文件 0 0 7 → 规范性文件 007 or 规范性文件007):
    one row, or every row of the tables as on portal pages pasted from Word."""
    rs = [r for r in rows(text, layout) if len(r.values) >= 2]
    if not rs:
        return None
    scope = rng.choice(["row", "row", "all"])
    with_label = rng.random() < 0.5
    chosen = rs if scope == "all" else [rng.choice(rs)]
    edits = [e for r in chosen for e in (_run_row(text, layout, r, with_label) or [])]
    if not edits:
        return None
    label = chosen[0].label.text if chosen[0].label else ""
    return apply(text, edits), values, f"digits run together ({scope}, label {'joined' if with_label else 'apart'}; {label[:20]})"


def _cut(label: str, rng: random.Random) -> int | None:
    """Where a drafter's line would break a label: between two CJK characters."""
    cuts = [i for i in range(2, len(label) - 1) if _CJK.match(label[i - 1]) and _CJK.match(label[i])]
    return rng.choice(cuts) if cuts else None


def wrap(text: str, layout: str, values: dict, rng: random.Random) -> Out | None:
    """A long row label wrapped: its head on a line of its own above, or its tail below the numbers."""
    k = kind(layout)
    rs = [r for r in rows(text, layout) if r.values and r.label and len(r.label.text.strip()) >= 6
          and (k != "html" or r.label.text == text[r.label.start:r.label.end].strip())]
    if not rs:
        return None
    r = rng.choice(rs)
    lab = r.label
    raw = text[lab.start:lab.end]
    body = raw.strip()
    off = raw.index(body)
    cut = _cut(body, rng)
    if cut is None:
        return None
    head, tail = body[:cut], body[cut:]
    if k == "html":
        return apply(text, [(lab.start + off + cut, lab.start + off + cut, "<br/>")]), values, f"<br/> in {body!r}"
    if k == "layout":
        lab_end = max(c.end for c in r.cells if not c.is_number)
        lab_start = r.cells[0].start
        words = text[lab_start:lab_end]
        cut = _cut(words, rng)
        if cut is None:
            return None
        head, tail = words[:cut].rstrip(), words[cut:].lstrip()
        indent = " " * (lab_start - r.start)
        if rng.random() < 0.5:
            new = apply(text, [(r.start, r.start, indent + head + "\n"), (lab_start, lab_end, tail.ljust(len(words)))])
            return new, values, f"layout head above: {head!r} / {tail!r}"
        new = apply(text, [(lab_start, lab_end, head.ljust(len(words))), (r.end, r.end, "\n" + indent + tail)])
        return new, values, f"layout tail below: {head!r} / {tail!r}"
    sep_line = "| " + head + " |" + " |" * (len(r.cells) - 1) if k == "pipe" else head
    if rng.random() < 0.5:
        new = apply(text, [(r.start, r.start, sep_line + "\n"), (lab.start, lab.end, raw.replace(body, tail))])
        return new, values, f"head above: {head!r} / {tail!r}"
    tail_line = "| " + tail + " |" + " |" * (len(r.cells) - 1) if k == "pipe" else tail
    new = apply(text, [(lab.start, lab.end, raw.replace(body, head)), (r.end, r.end, "\n" + tail_line)])
    return new, values, f"tail below: {head!r} / {tail!r}"


def _find(rs: list[Row], pred, start: int = 0) -> int | None:
    return next((i for i in range(start, len(rs)) if pred(rs[i])), None)


def _covering(text: str, rs: list[Row], at: int, upto: int, delta: int) -> list[tuple[int, int, str]]:
    """HTML: rowspans of earlier rows that run through rows at..upto grow by ``delta``."""
    edits = []
    for i in range(max(0, at - 40), at):
        for c in rs[i].cells:
            n = rowspan(c.open_tag)
            if n > 1 and i + n - 1 >= upto:
                edits.append((c.tag_start, c.tag_start + len(c.open_tag), with_span(c.open_tag, "rowspan", n + delta)))
    return edits


def merge_other(text: str, layout: str, values: dict, rng: random.Random) -> Out | None:
    """2021: （六）其他处理's three sub-rows printed as one row of their sums. The sub-row cells
    leave the key (nothing printed says how the sum splits); the row is the printed
    ``requests.other`` (the 2019 template's cell)."""
    if not any(k.startswith("requests.other.no_correction") for k in values):
        return None
    rs = rows(text, layout)
    i1 = _find(rs, lambda r: "不补正" in r.joined() and len(r.values) >= 7)
    i2 = None if i1 is None else _find(rs, lambda r: ("缴纳" in r.joined() or "收费通知" in r.joined()) and len(r.values) >= 7, i1 + 1)
    i3 = None if i2 is None else _find(rs, lambda r: "其他" in r.joined() and len(r.values) >= 7, i2 + 1)
    if i3 is None or not (i1 + 1 == i2 and i2 + 1 == i3):
        return None
    trio = rs[i1:i3 + 1]
    sums = [_fmt(sum(_num(r.values[j].text) for r in trio)) for j in range(7)]
    r1, k = trio[0], kind(layout)
    words = [c for c in r1.cells if not c.is_number and c.text.strip()]
    edits = [(c.start, c.end, "") for c in words[:-1]] if k != "html" else []
    edits += [_put(k, c, s, c.text) for c, s in zip(r1.values[-7:], sums)]
    if k == "html":
        group = next((c for c in r1.cells if "其他处理" in c.text or rowspan(c.open_tag) == 3), None)
        sub = next(c for c in r1.cells if "不补正" in c.text)
        if group is not None:
            edits += [(group.tag_start, sub.tag_end, with_span(with_span(group.open_tag, "rowspan", 1), "colspan",
                                                         colspan(group.open_tag) + colspan(sub.open_tag)) + "（六）其他处理</td>")]
        else:
            edits.append((sub.start, sub.end, "（六）其他处理"))
        edits += _covering(text, rs, i1, i3, -2)
    else:
        edits.append((words[-1].start, words[-1].end, "（六）其他处理"))
    edits.append((trio[0].end, trio[-1].end, ""))
    new_values = {c: v for c, v in values.items() if not any(c.startswith(f"requests.{s}.") for s in SUB_ROWS_2021)}
    new_values.update({f"requests.other.{col}": float(s) for col, s in zip(COLUMNS, sums)})  # printed as one row
    return apply(text, edits), new_values, f"（六）其他处理 merged: {sums}"


def split_other(text: str, layout: str, values: dict, rng: random.Random) -> Out | None:
    """2019: （六）其他处理 printed as the three 2021 sub-rows whose sums it is. The key follows
    what is printed (docs/contract.md, "The template"): the sub-rows take the 2021 ids
    ``requests.other.*`` and the 2019 row ``requests.other`` leaves the key, since nothing prints
    it (as merge_other's 2021 report printing one row takes the 2019 id)."""
    if "requests.other.total" not in values:
        return None
    rs = rows(text, layout)
    i = _find(rs, lambda r: "其他处理" in r.joined() and len(r.values) >= 7)
    if i is None:
        return None
    r, k = rs[i], kind(layout)
    vals = [int(_num(c.text)) for c in r.values[-7:]]
    if any(_num(c.text) != int(_num(c.text)) for c in r.values[-7:]) or sum(vals[:6]) != vals[6]:
        return None
    parts = []
    for v in vals[:6]:
        a = rng.randint(0, v)
        b = rng.randint(0, v - a)
        parts.append((a, b, v - a - b))
    lines = []
    for j, sub in enumerate(SUB_LABELS):
        nums = [p[j] for p in parts]
        nums.append(sum(nums))
        lab = ("（六）其他处理" if j == 0 else "") + sub
        edits = [(r.label.start, r.label.end, lab)] + [_put(k, c, str(n), c.text) for c, n in zip(r.values[-7:], nums)]
        if k == "html":
            edits = [(r.label.start, r.label.end, lab)] + [(c.start, c.end, str(n)) for c, n in zip(r.values[-7:], nums)]
        lines.append(apply(text[: r.end], edits)[r.start:])
    edits = [(r.start, r.end, "\n".join(lines))]
    if k == "html":
        edits += _covering(text, rs, i, i, +2)
    new_values = {c: v for c, v in values.items() if c not in {f"requests.other.{col}" for col in COLUMNS}}
    for j, sub in enumerate(SUB_ROWS_2021):
        nums = [p[j] for p in parts]
        new_values.update({f"requests.{sub}.{col}": float(n) for col, n in zip(COLUMNS, [*nums, sum(nums)])})
    return apply(text, edits), new_values, f"（六）其他处理 split into sub-rows {parts}"


CELL_MUTATORS = {"zeros": zeros, "run_together": run_together, "wrap": wrap,
                 "merge_other": merge_other, "split_other": split_other}
