"""Tables flattened into one run of text by a crawler ("规范性文件898989").

Some portal text dumps drop every cell boundary: a row's numbers arrive glued together
after its label. The printed digits are all there, so each row's digit run is split
into the template's number of cells (no leading zeros; a space or a minus sign the dump
kept is a boundary), and the splits are narrowed by constraints (:mod:`normalizers.resplit`):
R3 per requests row and R4 per appeals group first, then R2/R1 across rows, the report's
own narrative numbers, logical bounds, and the same agency's reports of the year before and
after when the caller has them, all solved jointly over the table. A row left with more than
one split is not guessed: its candidates are reported as a problem and only the cells every
split agrees on are kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

from normalizers.narrative_numbers import narrative_statements
from normalizers.neighbours import Neighbours, bound_constraints, neighbour_constraints
from normalizers.resplit import Constraint, Outcome, RowSplit, solve, statement_constraint
from normalizers.spec import Spec, load_spec
from normalizers.values import DECIMAL_COLS, SIGNED_COLS, clean_label
from ogi.types import Check, Fact

MAX_SOLUTIONS = 256
MAX_STEPS = 100_000  # a run this hard to split is left open, not searched for minutes
MAX_CELL_CHARS = 16  # "75394432.52元" is 11: a longer piece is not one printed cell
# 无 or / printed for zero is a cell, but not the 无 of the template's labels (无法提供, 无正当理由) nor 增/减
_NUM = r"(?:[-－—–]*[0-9０-９]+(?:,\d{3})*(?:\.\d+)?|[-－—–]+|无(?![法正效需])|[/／](?!减))"
_TOKEN = re.compile(_NUM + r"(?:[ \u00a0]*" + _NUM + ")*")  # numbers, and dashes or 无 printed for zero
_ROW_NUMBER = re.compile(r"^[.．、]")
# a thousands comma ("62,568") keeps its number whole: digits glued on either side start or end a cell
_PIECE = re.compile(r"-?(?:0|[1-9][0-9]{0,2}(?:,[0-9]{3})+|[1-9][0-9]*)(?:\.[0-9]+)?|-|无|/")  # "-", "无", "/": a zero
_FULLWIDTH = str.maketrans("０１２３４５６７８９．－—–／", "0123456789.---/")
REQ_COLS = 7
ZERO_WORDS = frozenset({"-", "无", "/"})


@dataclass(frozen=True, slots=True)
class Run:
    """A row's printed digits: ``text`` without spaces; ``cuts`` = boundaries the dump kept."""

    text: str
    cuts: frozenset[int] = frozenset()
    dashes: frozenset[int] = frozenset()  # positions of "-": a zero printed as a dash, or a minus sign
    words: frozenset[int] = frozenset()  # positions of "无" or "/": a zero, always a cell of its own

    def boundaries(self, negatives: bool) -> frozenset[int]:
        """Sure boundaries: a dash starts a cell, and ends it unless the column can be negative ("-18")."""
        before = frozenset(d for d in self.dashes | self.words if d > 0)
        ends = self.words if negatives else self.dashes | self.words
        return before | frozenset(d + 1 for d in ends if d + 1 < len(self.text))


def parse_run(token: str) -> Run:
    out, cuts, dashes, words = [], set(), set(), set()
    for ch in token.translate(_FULLWIDTH):
        if ch in " \u00a0":
            if out:
                cuts.add(len(out))
            continue
        if ch == "-":
            dashes.add(len(out))
        elif ch in "无/":
            words.add(len(out))
        out.append(ch)
    return Run("".join(out), frozenset(cuts), frozenset(dashes), frozenset(words))


def _parts(s: str, n: int, check: Callable[[list[float]], bool] | None,
           cuts: frozenset[int] = frozenset()) -> list[list[str]]:
    """All ways to cut ``s`` into ``n`` printed numbers (no leading zeros, never across a kept boundary)."""
    return _enumerate(s, n, check, cuts)[0]


def _enumerate(s: str, n: int, check: Callable[[list[float]], bool] | None,
               cuts: frozenset[int] = frozenset(),
               fits: Callable[[int, str], bool] | None = None,
               prune: Callable[[list[float]], bool] | None = None) -> tuple[list[list[str]], bool]:
    """(splits, complete): complete is False when there were too many to list or to search.

    ``fits(i, piece)``: whether cell ``i`` can print ``piece`` (a count has no decimal point);
    ``prune(values so far)``: False cuts the search short (a group of 表四 whose R4 already fails)."""
    out: list[list[str]] = []
    stops = sorted(cuts)
    steps = [0]

    def rec(i: int, acc: list[str]) -> None:
        steps[0] += 1
        if len(out) > MAX_SOLUTIONS or steps[0] > MAX_STEPS:
            return
        left = n - len(acc)
        nxt = next((c for c in stops if c > i), len(s))
        if left == 1:
            tail = s[i:]
            if nxt == len(s) and len(tail) <= MAX_CELL_CHARS and _PIECE.fullmatch(tail) and (
                    fits is None or fits(len(acc), tail)):
                cand = acc + [tail]
                if check is None or check([_num(x) for x in cand]):
                    out.append(cand)
            return
        for j in range(i + 1, min(nxt, len(s) - left + 1, i + MAX_CELL_CHARS) + 1):
            piece = s[i:j]
            if not _PIECE.fullmatch(piece):
                if piece.lstrip("-").startswith("0") and len(piece.lstrip("-")) > 1 and piece.lstrip("-")[1] != ".":
                    break
                continue
            if (fits is None or fits(len(acc), piece)) and (prune is None or prune([_num(x) for x in acc + [piece]])):
                rec(j, acc + [piece])

    if len(s) <= n * MAX_CELL_CHARS:
        rec(0, [])
    complete = len(out) <= MAX_SOLUTIONS and steps[0] <= MAX_STEPS
    return (out if complete else []), complete


def segments(text: str) -> Iterator[tuple[str, str]]:
    """(label text, digit run) pairs in order; a row number glued to its label ("…02.其他") goes to the label."""
    for label, run in runs(text):
        yield label, run.text


def runs(text: str) -> Iterator[tuple[str, Run]]:
    pos, label = 0, ""
    for m in _TOKEN.finditer(text):
        run = parse_run(m.group())
        label += text[pos:m.start()]
        pos = m.end()
        if _ROW_NUMBER.match(text[pos:pos + 1]) and not re.match(r"[.．]\d", text[pos:pos + 2]):
            # the last digit numbers the next label ("00000002.其他法律…")
            digits, num = run.text[:-1], run.text[-1]
            if digits:
                yield label, Run(digits, frozenset(c for c in run.cuts if c < len(digits)),
                                 frozenset(d for d in run.dashes if d < len(digits)),
                                 frozenset(w for w in run.words if w < len(digits)))
                label = ""
            label += num
            continue
        yield label, run
        label = ""


_START = re.compile(r"第二十条|信息内容")
_END = re.compile(r"[五六][、.．]\s*(?:存在的主要问题|政府信息公开工作存在|其他需要报告)")


def _bounds(text: str) -> tuple[int, int] | None:
    m = _START.search(text)
    if not m:
        return None
    end = _END.search(text, m.end())
    return m.start(), end.start() if end else len(text)


def table_region(text: str) -> str:
    """From the first table header to the narrative after the tables: numbers elsewhere are prose."""
    b = _bounds(text)
    return text[b[0]:b[1]] if b else ""


def narrative(text: str) -> str:
    b = _bounds(text)
    return text[:b[0]] + "\n" + text[b[1]:] if b else text


@dataclass(slots=True)
class Resplit:
    """What the re-split found: facts, one ``S:<table>`` check per table, problems for people."""

    facts: list[Fact] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _row_check(cells: tuple[str, ...], sums: list[tuple[list[int], int]]) -> Callable[[list[float]], bool]:
    """The row's sums, over the cells split so far (a sum whose total is not reached yet holds)."""
    return lambda v: all(abs(sum(v[i] for i in parts) - v[t]) < 1e-9 for parts, t in sums if t < len(v))


def _split_row(key: str, cells: tuple[str, ...], run: Run, check, check_name: str) -> RowSplit:
    """Candidates under the row's identity and the spaces kept; either is dropped when nothing fits it."""
    n = len(cells)
    hard = run.boundaries(negatives=any(c.rsplit(".", 1)[1] in SIGNED_COLS for c in cells))
    fits = _fits([c.rsplit(".", 1)[1] for c in cells])
    soft = run.cuts | hard
    attempts = [(check, soft), (check, hard), (None, soft), (None, hard)]
    for chk, cuts in attempts if check else attempts[2:]:
        sols, complete = _enumerate(run.text, n, chk, cuts, fits, prune=chk)
        if sols or not complete:
            break
    why = []
    if chk is not None and run.text:
        why.append(check_name)
    if cuts - hard:
        why.append("the spaces the text kept")
    if run.dashes or run.words:
        why.append("dashes, 无 or / printed for zero")
    delimited = len({c for c in soft if 0 < c < len(run.text)}) + 1 == n
    if check is not None and chk is None and sols and not delimited:
        # no split satisfies the row's identity and the text did not keep every cell boundary: a blank
        # cell the dump dropped, or the row breaks it as printed; the digits cannot be placed with confidence
        doubt = f"no split satisfies {check_name} (a blank cell lost in the text, or {check_name} fails as printed)"
        return RowSplit(key, cells, run.text, [tuple(s) for s in sols], complete=False, why=why, doubt=doubt)
    return RowSplit(key, cells, run.text, [tuple(s) for s in sols], complete=complete, why=why)


def _fits(cols: list[str]) -> Callable[[int, str], bool]:
    """A count cell prints no decimal point; only a signed column prints a minus sign before digits."""
    def fits(i: int, piece: str) -> bool:
        return ("." not in piece or cols[i] in DECIMAL_COLS) and (
            not piece.startswith("-") or piece == "-" or cols[i] in SIGNED_COLS)
    return fits


def read_rows(text: str, template: str, spec: Spec) -> dict[str, RowSplit]:
    """Each recognised row of the flattened tables with its candidate splits."""
    rows: dict[str, RowSplit] = {}
    active_rows = spec.tables["active"].rows_for(template)
    req_rows = spec.tables["requests"].rows_for(template)
    appeals = spec.tables["appeals"]
    for label_text, run in runs(table_region(text)):
        label = clean_label(label_text)
        if not label:
            continue
        rs = next((r for r in active_rows if r.matches(label[-12:])), None)
        if rs is not None and "行政复议" not in label:
            key = f"active.{rs.id}"
            cells = tuple(f"{key}.{c}" for c in spec.cols(template, "active", rs.id))
            if cells and key not in rows:
                rows[key] = _split_row(key, cells, run, None, "")
            continue
        if ("结果维持" in label and "总计" in label or "行政诉讼" in label and "起诉" in label) and "appeals" not in rows:
            cells = tuple(f"appeals.{g}.{c}" for g in appeals.groups for c in appeals.columns)
            w = len(appeals.columns)
            sums = [(list(range(g * w, g * w + w - 1)), g * w + w - 1) for g in range(len(appeals.groups))]
            rows["appeals"] = _split_row("appeals", cells, run, _row_check(cells, sums), "R4")
            continue
        strong = [r for r in req_rows if not r.weak and r.matches(label[-40:])]
        row = strong[-1] if strong else next((r for r in req_rows if r.weak and r.matches(label[-12:])), None)
        if row is not None and f"requests.{row.id}" not in rows:
            key = f"requests.{row.id}"
            cells = tuple(f"{key}.{c}" for c in spec.tables["requests"].columns)
            rows[key] = _split_row(key, cells, run, _row_check(cells, [(list(range(REQ_COLS - 1)), REQ_COLS - 1)]), "R3")
    return rows


R1_ROWS = ("new_received", "carried_over", "handled_total", "carried_forward")


def identity_constraints(rows: Mapping[str, RowSplit]) -> list[Constraint]:
    """R2 and R1 per requests column, over the rows the text printed."""
    req = [k.split(".", 1)[1] for k in rows if k.startswith("requests.")]
    outcome = [r for r in req if r not in R1_ROWS]
    if "other" in outcome:
        outcome = [r for r in outcome if not r.startswith("other.")]
    cols = [c.rsplit(".", 1)[1] for c in rows[f"requests.{req[0]}"].cells] if req else []
    out: list[Constraint] = []
    r2_rows = tuple(f"requests.{r}" for r in outcome + ["handled_total"])
    r1_rows = tuple(f"requests.{r}" for r in R1_ROWS)
    out.append(Constraint("R2", r2_rows, lambda v: all(
        abs(sum(v[f"requests.{r}.{c}"] for r in outcome) - v[f"requests.handled_total.{c}"]) < 1e-9 for c in cols)))
    out.append(Constraint("R1", r1_rows, lambda v: all(
        abs(v[f"requests.new_received.{c}"] + v[f"requests.carried_over.{c}"] - v[f"requests.handled_total.{c}"]
            - v[f"requests.carried_forward.{c}"]) < 1e-9 for c in cols)))
    return out


def _row_of(cell: str) -> str:
    return "appeals" if cell.startswith("appeals.") else cell.rsplit(".", 1)[0]


def parse_flattened(text: str, template: str, spec: Spec | None = None,
                    previous: Neighbours | Mapping[str, float] | None = None) -> Resplit:
    """Facts from flattened table text, with how each table was split and what stays open.

    ``previous``: the same agency's neighbouring years (a plain mapping = the year before)."""
    spec = spec or load_spec()
    rows = read_rows(text, template, spec)
    constraints = identity_constraints(rows) if any(k.startswith("requests.") for k in rows) else []
    for st in narrative_statements(narrative(text), template):
        rs = tuple(dict.fromkeys(_row_of(c) for c in st.cells))
        constraints.append(statement_constraint(f"narrative '{st.quote}'", rs, st.cells, st.values))
    constraints += bound_constraints(template, rows) + neighbour_constraints(previous, template)
    return _result(rows, template, spec, solve(rows, constraints))


TABLES = ("active", "requests", "appeals")


def _names(cs: list[Constraint], table: str) -> list[str]:
    return list(dict.fromkeys(c.name for c in cs if any(r.split(".")[0] == table for r in c.rows)))


def _result(rows: Mapping[str, RowSplit], template: str, spec: Spec, solved: Outcome) -> Resplit:
    res = Resplit()
    for table in TABLES:
        mine = [r for k, r in rows.items() if k.split(".")[0] == table]
        if not mine:
            continue
        open_rows = []
        for r in mine:
            if r.forced:
                res.facts.extend(_fact(c, v) for c, v in zip(r.cells, r.cands[0]))
                continue
            res.facts.extend(_fact(c, v) for c, v in r.agreed().items())
            open_rows.append(r)
        if open_rows:
            res.problems.append("flattened table text (cells run together), split left open: "
                                + "; ".join(_open_reason(r) for r in open_rows))
        missing = _missing_rows(table, {r.key for r in mine}, template, spec)
        if missing:
            res.problems.append(f"{table}: rows not found in the flattened text: {', '.join(missing)}")
        res.checks.append(Check(rule=f"S:{table}", passed=not open_rows,
                                detail=_split_detail(mine, open_rows, _names(solved.unusable, table),
                                                     _names(solved.conflicting, table))))
    return res


def _num(raw: str) -> float:
    return 0.0 if raw in ZERO_WORDS else float(raw.replace(",", ""))


def _fact(cell: str, raw: str) -> Fact:
    table, rest = cell.split(".", 1)
    row, col = rest.rsplit(".", 1)
    return Fact(table, row, col, _num(raw), raw)


def _open_reason(r: RowSplit) -> str:
    if r.doubt:
        return f"{r.key}: '{r.digits}': {r.doubt}"
    if not r.complete:
        return f"{r.key}: '{r.digits}' has too many splits into {len(r.cells)} cells to list"
    if not r.cands:
        return f"{r.key}: '{r.digits}' cannot be split into {len(r.cells)} cells"
    shown = " or ".join("|".join(c) for c in r.cands[:6]) + (" …" if len(r.cands) > 6 else "")
    return f"{r.key}: '{r.digits}' still splits {len(r.cands)} ways: {shown}"


def _split_detail(rows: list[RowSplit], open_rows: list[RowSplit], unusable: list[str],
                  conflicting: list[str] = ()) -> str:
    by: dict[str, list[str]] = {}
    for r in rows:
        if r.forced:
            why = " + ".join(["cell count, no leading zeros", *dict.fromkeys(r.why)])
            by.setdefault(why, []).append(r.key.split(".", 1)[-1])
    parts = [f"{why}: {len(ks)} row(s) ({', '.join(ks[:4])}{' …' if len(ks) > 4 else ''})" for why, ks in by.items()]
    text = "run-together digits re-split; rows split one way by " + "; ".join(parts)
    if open_rows:
        text = f"{len(open_rows)} row(s) left with a choice: {', '.join(r.key for r in open_rows)}; " + text
    if unusable:
        text += "; not satisfiable by any split (ignored): " + ", ".join(unusable)
    if conflicting:
        text += "; no split satisfies these together, so none of them chose: " + ", ".join(conflicting)
    return text


def _missing_rows(table: str, found: set[str], template: str, spec: Spec) -> list[str]:
    """Template rows the text did not print (（六）其他处理 may come as one row or three)."""
    if table == "appeals":
        return []
    want = {f"{table}.{r}" for (t, tb, r) in spec.fields if t == template and tb == table}
    if table == "requests" and "requests.other" in found:
        want = {w for w in want if not w.startswith("requests.other.")}
    return sorted(w.split(".", 1)[1] for w in want - found)
