"""Keywords of a narrative section (jieba 0.42 TF-IDF), for researchers to browse and filter.

The template's own words (公开, 信息, 本年度, 工作 …) would top every section, so they are
stop words kept as data in ``keywords.yaml``; numbers and numerals are never keywords.
jieba is loaded once per process, lazily and quietly, with a private tokenizer so that
nothing here changes jieba's global state for other callers.
"""

from __future__ import annotations

import logging
import re
import tempfile
import threading
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
DATA = HERE / "keywords.yaml"
# a token with a digit, a percentage, or only Chinese numerals is a number, not a topic
_NUMBER = re.compile(r"[0-9０-９]|^[.．%％]+$|^[零〇一二三四五六七八九十百千万亿两]+$")


@dataclass(frozen=True, slots=True)
class KeywordSettings:
    """Where the data file is and where jieba may keep its dictionary cache."""

    data_path: str = str(DATA)
    cache_dir: str = field(default_factory=tempfile.gettempdir)


@dataclass(frozen=True, slots=True)
class KeywordData:
    words: tuple[str, ...]
    stop_words: frozenset[str]


def load_data(path: str | Path = DATA) -> KeywordData:
    """Domain words and stop words from the YAML file."""
    d = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    return KeywordData(words=tuple(d.get("words") or ()), stop_words=frozenset(d.get("stop_words") or ()))


def is_number(token: str) -> bool:
    return bool(_NUMBER.search(token))


_lock = threading.Lock()


@lru_cache(maxsize=4)
def _extractor(settings: KeywordSettings):
    """A TF-IDF extractor over a private jieba tokenizer (dictionary loaded once, quietly)."""
    with _lock, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pkg_resources deprecation on new setuptools
        import jieba
        import jieba.analyse
        import jieba.posseg

        jieba.setLogLevel(logging.WARNING)  # jieba logs "Building prefix dict…" to stderr at DEBUG
        data = load_data(settings.data_path)
        tok = jieba.Tokenizer()
        tok.tmp_dir = settings.cache_dir
        tok.initialize()
        for w in data.words:
            tok.add_word(w)
        tfidf = jieba.analyse.TFIDF()
        tfidf.tokenizer = tok
        tfidf.postokenizer = jieba.posseg.POSTokenizer(tok)
        tfidf.stop_words = set(tfidf.stop_words) | set(data.stop_words)
        log.debug("jieba loaded: %d domain words, %d stop words", len(data.words), len(tfidf.stop_words))
        return tfidf


def warm(settings: KeywordSettings | None = None) -> None:
    """Load jieba now: call once in a parent process so forked workers share the dictionary."""
    _extractor(settings or KeywordSettings())


def keywords(text: str, k: int = 8, settings: KeywordSettings | None = None) -> list[str]:
    """The ``k`` most distinctive words of ``text``, best first; [] for empty text."""
    if k <= 0 or not text or not text.strip():
        return []
    tfidf = _extractor(settings or KeywordSettings())
    out: list[str] = []
    for w in tfidf.extract_tags(text, topK=None):
        if not is_number(w):
            out.append(w)
            if len(out) == k:
                break
    return out
