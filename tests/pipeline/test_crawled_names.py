"""Crawled files keep their own names in reports.file_name (the contract), not the raw store's."""

from __future__ import annotations

from pathlib import Path

from fetchers import Source
from fetchers.result import CrawlResult, ReportFile
from pipeline.inputs import inputs_from_crawl


def _stored(tmp_path: Path, url: str, stored_as: str, file_name: str | None) -> list:
    path = tmp_path / stored_as
    path.write_bytes(b"<html><body>x</body></html>")
    result = CrawlResult(source=Source(name="t", url="http://127.0.0.1/xxgk/"))
    result.add_file(ReportFile(url=url, status="new", path=path, sha256="ab" * 32, file_name=file_name))
    return inputs_from_crawl(result)


def test_crawled_htm_page_keeps_its_own_name_not_the_store_suffix(tmp_path):
    [inp] = _stored(tmp_path, "http://127.0.0.1/art/2024/art_1555_388254.htm", "ab12.html", None)
    assert inp.file_name == "art_1555_388254.htm"
    assert inp.path.endswith("ab12.html")  # the stored file (sniffed kind) is what gets extracted


def test_crawled_content_disposition_name_is_kept(tmp_path):
    [inp] = _stored(tmp_path, "http://127.0.0.1/down?id=7", "cd34.pdf", "2024年报告")
    assert inp.file_name == "2024年报告"
