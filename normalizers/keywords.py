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
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from normalizers.segment import Segmenter

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
# jieba.analyse's own stop words (KeywordExtractor.STOP_WORDS, jieba 0.42), on top of ours
JIEBA_STOP_WORDS = frozenset((
    "the", "of", "is", "and", "to", "in", "that", "we", "for", "an", "are", "by", "be", "as", "on", "with", "can",
    "if", "from", "which", "you", "it", "this", "then", "at", "have", "all", "not", "one", "has", "or"))


@dataclass(frozen=True, slots=True)
class TfIdf:
    """jieba's TF-IDF keyword ranking (``jieba.analyse.TFIDF.extract_tags`` without POS filter) over a
    private tokenizer and jieba's own IDF table.

    Not ``jieba.analyse`` itself: importing it loads jieba.posseg's POS tables and a default IDF
    table at import time, and its TFIDF loads the IDF table again: ~130 MB per worker process
    that keywords never use. ``tests/normalizers/test_keywords.py`` compares the two rankings.
    """

    tokenizer: Any
    idf: dict[str, float]
    median_idf: float
    stop_words: frozenset[str]
    segmenter: Segmenter | None = None  # the tokenizer's words of 2+ characters, faster (normalizers.segment)

    def ranked(self, text: str) -> list[str]:
        """Every candidate word, best first (jieba's ``extract_tags(text, topK=None)``)."""
        freq: dict[str, float] = {}
        stop = self.stop_words
        words = self.segmenter.words(text) if self.segmenter else self.tokenizer.cut(text)
        for w in words:
            if len(w.strip()) < 2 or w.lower() in stop:
                continue
            freq[w] = freq.get(w, 0.0) + 1.0
        total = sum(freq.values())
        idf, median = self.idf, self.median_idf
        for k in freq:
            freq[k] *= idf.get(k, median) / total
        return sorted(freq, key=freq.__getitem__, reverse=True)


def load_idf(path: Path) -> tuple[dict[str, float], float]:
    """jieba's IDF table and its median, read as ``jieba.analyse.tfidf.IDFLoader`` reads it."""
    idf: dict[str, float] = {}
    for line in path.read_bytes().decode("utf-8").splitlines():
        word, freq = line.strip().split(" ")
        idf[word] = float(freq)
    return idf, sorted(idf.values())[len(idf) // 2]


@lru_cache(maxsize=4)
def _extractor(settings: KeywordSettings) -> TfIdf:
    """A TF-IDF ranker over a private jieba tokenizer (dictionary loaded once, quietly)."""
    with _lock, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pkg_resources deprecation on new setuptools
        import jieba

        from normalizers.segment import Segmenter  # imports jieba: loaded here, lazily, quietly

        jieba.setLogLevel(logging.WARNING)  # jieba logs "Building prefix dict…" to stderr at DEBUG
        data = load_data(settings.data_path)
        tok = jieba.Tokenizer()
        tok.tmp_dir = settings.cache_dir
        tok.initialize()
        for w in data.words:
            tok.add_word(w)
        idf, median = load_idf(Path(jieba.__file__).parent / "analyse" / "idf.txt")
        stop = JIEBA_STOP_WORDS | data.stop_words
        log.debug("jieba loaded: %d domain words, %d stop words", len(data.words), len(stop))
        return TfIdf(tok, idf, median, stop, Segmenter(tok))


def warm(settings: KeywordSettings | None = None) -> None:
    """Load jieba now: call once in a parent process so forked workers share the dictionary."""
    _extractor(settings or KeywordSettings())


def keywords(text: str, k: int = 8, settings: KeywordSettings | None = None) -> list[str]:
    """The ``k`` most distinctive words of ``text``, best first; [] for empty text."""
    if k <= 0 or not text or not text.strip():
        return []
    tfidf = _extractor(settings or KeywordSettings())
    out: list[str] = []
    for w in tfidf.ranked(text):
        if not is_number(w):
            out.append(w)
            if len(out) == k:
                break
    return out
