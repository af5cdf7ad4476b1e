"""Document → Report: tables, sections, metadata and identity checks, then a status.

Pure: takes an extracted :class:`Document`, never opens files.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping

from normalizers.checks import report_checks
from normalizers.identity import agency_id, region_problem
from normalizers.keywords import keywords
from normalizers.metadata import extract_metadata
from normalizers.neighbours import Neighbours
from normalizers.sections import fee_facts, split_sections
from normalizers.template import map_tables
from ogi.fields import template_for_year
from ogi.status import Status
from ogi.types import Document, Report

log = logging.getLogger(__name__)

# 11: run-together digits of a row in a printed table split with the whole report (normalizers/glued.py);
# 10: two numbered items never join as one wrapped label; 9: agency_renames.csv, fuzzy place names, region_match;
# 7: run-together digits split jointly, bounds, 无 and /
# zero cells; 6: 平潭 has no city; 5: agency_id, unresolved region is not ok; 4: an OCR read cut short is a
# timeout (never cached); 3: facts carry locator
NORMALIZER_VERSION = "11"
_REPORT_WORDS = re.compile(r"政府信息公开|政务公开|信息公开工作")
LOW_CONFIDENCE = 0.90


def title_candidates(doc: Document, n: int = 8) -> list[str]:
    """The first non-empty lines plus page metadata titles: where a report names itself."""
    out = [doc.meta[k] for k in ("title", "html_title") if doc.meta.get(k)]
    for b in doc.paragraphs[: n * 2]:
        t = b.text.strip()
        if t:
            out.append(t)
        if len(out) >= n + 2:
            break
    return out


def body_text(doc: Document, limit: int = 20000) -> str:
    text = "\n".join(p.text for p in doc.paragraphs)
    return text[:limit]


def _year_hint(title: str) -> int | None:
    m = re.search(r"(20\d{2})\s*年", title)
    return int(m.group(1)) if m else None


def _apply_metadata(report: Report, meta) -> None:
    for name in ("title", "agency", "admin_level", "territorial_level", "province", "city", "county", "township",
                 "region_code", "region_match", "year"):
        setattr(report, name, getattr(meta, name, None))
    report.agency_id = agency_id(report)


def metadata_from_name(report: Report) -> Report:
    """For a file that could not be read: what its name tells (title, year, agency, region)."""
    try:
        _apply_metadata(report, extract_metadata([], "", report.file_name, {}))
    except Exception:  # best effort only: the failure reason already stands
        log.debug("no metadata from file name %s", report.file_name, exc_info=True)
    return report


def normalize(doc: Document, report: Report, previous: Mapping[str, float] | Neighbours | None = None) -> Report:
    """Fill ``report`` (already carrying ids and hashes) from ``doc``; sets status and error.

    ``previous``: the same agency's neighbouring years' values (a mapping: the year before), used
    only to split run-together digits."""
    report.format = doc.format
    report.extractor = doc.extractor
    _apply_metadata(report, extract_metadata(title_candidates(doc), body_text(doc), doc.file_name, doc.meta))
    report.published = doc.published or report.published

    tables = map_tables(doc.blocks, report.year, previous=previous)
    report.template = tables.template or template_for_year(report.year)
    report.facts = tables.facts
    report.sections = split_sections(doc.blocks)
    for sec in report.sections:
        sec.keywords = keywords(sec.text)
    six = next((s for s in report.sections if s.number == 6), None)
    if six is not None and report.template == "2021":
        fee = fee_facts(six.text)
        report.fee_charged, report.fee_notices, report.fee_amount_yuan = fee.charged, fee.notices, fee.amount_yuan
    report.checks = report_checks(report.facts) + tables.checks
    _set_status(doc, report, tables.found, tables.problems)
    return report


def _set_status(doc: Document, report: Report, found: set[str], problems: list[str]) -> None:
    failed = [c for c in report.checks if not c.passed and not c.rule.startswith("S:")]  # S: = a split left open
    missing = [t for t in ("active", "requests", "appeals") if t not in found]
    low = [f for f in report.facts if f.confidence is not None and f.confidence < LOW_CONFIDENCE]
    if doc.incomplete and (missing or problems or low or failed):
        # Cut short (a busy machine, a long scan): what is missing may just be unread. A timeout
        # is never cached, so the next run reads the file again instead of keeping half of it.
        report.status = Status.TIMEOUT
        unread = f"; tables not found: {', '.join(missing)}" if missing else ""
        report.error = f"{doc.incomplete}{unread}"
        return
    text = body_text(doc, 5000) + " ".join(title_candidates(doc))
    if not found and not report.sections and not _REPORT_WORDS.search(text):
        report.status = Status.NOT_A_REPORT
        report.error = "no 政府信息公开 annual-report text or template tables found in this file"
        return
    if doc.table_images and not found:
        report.status = Status.TABLES_MISSING
        report.error = f"the statistical tables are printed as {doc.table_images} image(s); nothing to read"
        return
    if missing:
        report.status = Status.TABLES_MISSING
        report.error = "tables not found: " + ", ".join(missing) + (f"; {'; '.join(problems)}" if problems else "")
        return
    if problems or low:
        report.status = Status.NEEDS_REVIEW
        why = list(problems)
        if low:
            why.append(f"{len(low)} OCR-read cells below confidence {LOW_CONFIDENCE}")
        if failed:
            why.append("identities failed: " + ", ".join(c.rule for c in failed))
        report.error = "; ".join(why)
        return
    if failed:
        if doc.ocr_engine:
            report.status = Status.NEEDS_REVIEW
            report.error = "OCR-read tables break identities (possible misread): " + ", ".join(c.rule for c in failed)
        else:
            report.status = Status.CHECKS_FAILED
            report.error = "identities fail as printed: " + "; ".join(f"{c.rule} ({c.detail})" for c in failed[:6])
        return
    if why := region_problem(report):  # ok needs to know where the report is from
        report.status, report.error = Status.NEEDS_REVIEW, why
        return
    report.status, report.error = Status.OK, ""

