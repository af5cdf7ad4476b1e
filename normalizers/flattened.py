"""Tables flattened into one run of text by a crawler ("规范性文件898989").

Some portal text dumps drop every cell boundary: a row's numbers arrive glued together
after its label. The printed digits are all there, so each row's digit run is split
into the template's number of cells, keeping only splits that print no leading zeros
and satisfy the table's own identities (R3 per requests row, R4 per appeals group),
then R1/R2 across rows where a row still has more than one reading. A row left
ambiguous is not guessed: it is reported as a problem. Every report read this way is
marked for review by the caller.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator

from normalizers.spec import Spec, load_spec
from normalizers.values import clean_label
from ogi.types import Fact

MAX_SOLUTIONS = 64
_TOKEN = re.compile(r"-?\d+(?:[ \u00a0]\d+)*(?:\.\d+)?")
_ROW_NUMBER = re.compile(r"^[.．、]")


def _parts(s: str, n: int, check: Callable[[list[int | float]], bool] | None) -> list[list[str]]:
    """All ways to cut digit string ``s`` into ``n`` printed numbers (no leading zeros)."""
    out: list[list[str]] = []

    def rec(i: int, acc: list[str]) -> None:
        if len(out) > MAX_SOLUTIONS:
            return
        left = n - len(acc)
        if left == 1:
            tail = s[i:]
            if tail and (tail == "0" or not tail.startswith("0") or "." in tail[:2]):
                cand = acc + [tail]
                if check is None or check([float(x) for x in cand]):
                    out.append(cand)
            return
        for j in range(i + 1, len(s) - left + 2):
            piece = s[i:j]
            if len(piece) > 1 and piece.startswith("0"):
                break
            if "." in piece:
                break
            rec(j, acc + [piece])

    rec(0, [])
    return out


def segments(text: str) -> Iterator[tuple[str, str]]:
    """(label text, digit run) pairs in order; a row number glued to its label ("…02.其他") goes to the label."""
    pos, label = 0, ""
    for m in _TOKEN.finditer(text):
        digits = m.group().replace(" ", "").replace("\u00a0", "")
        label += text[pos:m.start()]
        pos = m.end()
        if _ROW_NUMBER.match(text[pos:pos + 1]) and not re.match(r"[.．]\d", text[pos:pos + 2]):
            # the last digit numbers the next label ("00000002.其他法律…")
            digits, num = digits[:-1], digits[-1]
            if digits:
                yield label, digits
                label = ""
            label += num
            continue
        yield label, digits
        label = ""


_START = re.compile(r"第二十条|信息内容")
_END = re.compile(r"[五六][、.．]\s*(?:存在的主要问题|政府信息公开工作存在|其他需要报告)")


def table_region(text: str) -> str:
    """From the first table header to the narrative after the tables: numbers elsewhere are prose."""
    m = _START.search(text)
    if not m:
        return ""
    end = _END.search(text, m.end())
    return text[m.start(): end.start() if end else len(text)]


def _req_ok(v: list[float]) -> bool:
    return abs(sum(v[:6]) - v[6]) < 1e-9


def _appeals_ok(v: list[float]) -> bool:
    return all(abs(sum(v[g:g + 4]) - v[g + 4]) < 1e-9 for g in (0, 5, 10))


def parse_flattened(text: str, template: str, spec: Spec | None = None) -> tuple[list[Fact], list[str]]:
    """Facts from flattened table text, and the rows that could not be read unambiguously."""
    spec = spec or load_spec()
    facts: list[Fact] = []
    problems: list[str] = []
    text = table_region(text)
    active_rows = spec.tables["active"].rows_for(template)
    req = spec.tables["requests"]
    req_rows = req.rows_for(template)
    candidates: dict[str, list[list[str]]] = {}
    appeals_done = False
    for label_text, digits in segments(text):
        label = clean_label(label_text)
        if not label:
            continue
        rs = next((r for r in active_rows if r.matches(label[-12:])), None)
        if rs is not None and "行政复议" not in label:
            cols = spec.cols(template, "active", rs.id)
            sols = _parts(digits, len(cols), None)
            if len(sols) == 1:
                facts.extend(_facts("active", rs.id, cols, sols[0]))
            else:
                problems.append(f"active.{rs.id}: '{digits}' splits {len(sols)} ways")
            continue
        if "结果维持" in label and "总计" in label and not appeals_done:
            sols = _parts(digits, 15, _appeals_ok)
            if len(sols) == 1:
                t = spec.tables["appeals"]
                ids = [(g, c) for g in t.groups for c in t.columns]
                facts.extend(Fact("appeals", g, c, float(v), v) for (g, c), v in zip(ids, sols[0]))
            else:
                problems.append(f"appeals: '{digits}' splits {len(sols)} ways")
            appeals_done = True
            continue
        strong = [r for r in req_rows if not r.weak and r.matches(label[-40:])]
        row = strong[-1] if strong else next((r for r in req_rows if r.weak and r.matches(label[-12:])), None)
        if row is not None and row.id not in candidates:
            candidates[row.id] = _parts(digits, 7, _req_ok)
    chosen = _resolve_requests(candidates)
    for rid, sol in chosen.items():
        if sol is None:
            problems.append(f"requests.{rid}: '{''.join(candidates[rid][0]) if candidates[rid] else '?'}' "
                            f"has {len(candidates[rid])} readings")
            continue
        facts.extend(_facts("requests", rid, req.columns, sol))
    return facts, problems


def _facts(table: str, row: str, cols, values: list[str]) -> list[Fact]:
    return [Fact(table, row, c, float(v), v) for c, v in zip(cols, values)]


R1_ROWS = ("new_received", "carried_over", "handled_total", "carried_forward")
MAX_COMBOS = 4096


def _resolve_requests(cands: dict[str, list[list[str]]]) -> dict[str, list[str] | None]:
    """Fix rows with one reading; settle the rest jointly by R2, then R1, per column."""
    chosen: dict[str, list[str] | None] = {k: (v[0] if len(v) == 1 else None) for k, v in cands.items()}
    outcome = [k for k in cands if k not in R1_ROWS]
    if "other" in outcome:
        outcome = [k for k in outcome if not k.startswith("other.")]
    groups = ((outcome + ["handled_total"], lambda t: _r2_ok(t, outcome)), (list(R1_ROWS), _r1_ok))
    for group, ok in groups + groups:
        open_rows = [r for r in group if r in cands and chosen[r] is None and cands[r]]
        if not open_rows or any(r not in cands for r in group):
            continue
        size = 1
        for r in open_rows:
            size *= len(cands[r])
        if size > MAX_COMBOS:
            continue
        good = [c for c in itertools.product(*(cands[r] for r in open_rows))
                if ok({**chosen, **dict(zip(open_rows, c))})]
        if len(good) == 1:
            chosen.update(dict(zip(open_rows, good[0])))
    return chosen


def _col(trial: dict, row: str, c: int) -> float:
    return float(trial[row][c])


def _r2_ok(trial: dict, outcome: list[str]) -> bool:
    if any(trial.get(r) is None for r in outcome + ["handled_total"]):
        return False
    return all(abs(sum(_col(trial, r, c) for r in outcome) - _col(trial, "handled_total", c)) < 1e-9
               for c in range(7))


def _r1_ok(trial: dict) -> bool:
    if any(trial.get(r) is None for r in R1_ROWS):
        return False
    return all(abs(_col(trial, "new_received", c) + _col(trial, "carried_over", c)
                   - _col(trial, "handled_total", c) - _col(trial, "carried_forward", c)) < 1e-9 for c in range(7))
