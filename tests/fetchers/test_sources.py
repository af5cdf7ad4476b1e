"""Sources file and resolving a name or a URL."""

from __future__ import annotations

import pytest

from fetchers.sources import DEFAULT_SOURCES, Source, load_sources, resolve_source
from ogi.errors import FetchError


def test_shipped_sources_file_loads():
    sources = load_sources(DEFAULT_SOURCES)
    assert sources, "data/sources.yaml has no entries"
    for name, src in sources.items():
        assert src.name == name and src.url.startswith(("http://", "https://"))
        assert src.region is None or (len(src.region) == 6 and src.region.isdigit())


def test_resolve_name_and_url(tmp_path):
    f = tmp_path / "s.yaml"
    f.write_text('sources:\n  demo:\n    url: http://www.demo.gov.cn/ndbg/\n    region: "640323"\n'
                 '    link_pattern: "年度报告"\n', encoding="utf-8")
    assert resolve_source("demo", f) == Source("demo", "http://www.demo.gov.cn/ndbg/", "年度报告", "640323")
    assert resolve_source(" https://x.gov.cn/a/ ", f) == Source("x.gov.cn", "https://x.gov.cn/a/")
    with pytest.raises(FetchError, match="unknown source 'nope'.*demo"):
        resolve_source("nope", f)
    with pytest.raises(FetchError, match="only http/https"):
        resolve_source("ftp://x.gov.cn/a/", f)


@pytest.mark.parametrize("text", [
    "sources:\n  a:\n    url: file:///etc\n",
    "sources:\n  a:\n    region: '1'\n",
    "sources:\n  a:\n    url: http://h/\n    link_pattern: '(('\n",
    "- just a list\n",
])
def test_bad_sources_files_say_why(tmp_path, text):
    f = tmp_path / "s.yaml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(FetchError):
        load_sources(f)
