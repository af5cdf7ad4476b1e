"""The fast segmenter finds exactly the words of 2+ characters that jieba's own cut finds, in order."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from normalizers.keywords import KeywordSettings, _extractor
from normalizers.segment import Segmenter, _hmm
from tests.support import FIXTURES, SHARED, needs_shared


@pytest.fixture(scope="module")
def tfidf():
    return _extractor(KeywordSettings())


def jieba_words(tokenizer, text: str) -> list[str]:
    """What the keyword ranking counts of jieba's accurate cut (HMM on)."""
    return [w for w in tokenizer.cut(text) if len(w.strip()) >= 2]


TEXTS = [
    "",
    "政",
    "本机关2023年共收到政府信息公开申请35件，其中自然人申请30件，法人或其他组织申请5件。",
    "依申请公开  办理结果：予以公开20件；部分公开3件（区分处理的，只计这一情形，不计其他情形）。",
    "平潭综合实验区管委会办公室\r\n通过“12345”便民服务热线、政务新媒体@平潭发布 等渠道发布信息2.5%",
    "The report of the year is on the portal, and it has all that we publish. covid-19 e-mail 3.5% a+b#c&d_e",
    "张三丰李四光王麻子赵钱孙在盐池县大水坑镇办理",
    "谢玥琳袁珂钰办理，我镇东岗村委会和坑塘村",  # runs no dictionary word covers go to the HMM ('谢玥', '坑塘')
    "ａｂｃ１２３　全角字符与半角abc123混排，以及〇一二三四五六七八九十百千万亿",
]


@pytest.mark.parametrize("text", TEXTS)
def test_same_words_as_jieba(tfidf, text: str) -> None:
    assert list(tfidf.segmenter.words(text)) == jieba_words(tfidf.tokenizer, text)


def test_fixture_sections(tfidf) -> None:
    for p in sorted((FIXTURES / "keywords").glob("*.txt")):
        text = p.read_text(encoding="utf-8")
        assert list(tfidf.segmenter.words(text)) == jieba_words(tfidf.tokenizer, text), p.name


@needs_shared
def test_corpus_texts(tfidf) -> None:
    """Every text and Markdown report of the shared corpus, whole (tens of thousands of characters)."""
    paths = [p for c in ("dev", "real", "seed") for p in sorted((SHARED / "corpus" / c).glob("*"))
             if p.suffix in {".txt", ".md"}]
    assert paths
    for p in paths:
        text = p.read_text(encoding="utf-8", errors="replace")
        assert list(tfidf.segmenter.words(text)) == jieba_words(tfidf.tokenizer, text), p.name


# report-like characters: common words' characters, digits (both widths), ASCII, punctuation, spaces
_ALPHABET = st.sampled_from(list("政府信息公开申请办理结果予以部分不予行政复议诉讼主动规范性文件年度报告工作情况"
                                 "平潭综合实验区盐池县镇张李王一二三十〇0123456789０１２３abcXYZ.%-+#&_ ，。、；："
                                 "（）()“”\n\r\t　"))


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=80).map("".join))
def test_generated_texts(tfidf, text: str) -> None:
    assert list(tfidf.segmenter.words(text)) == jieba_words(tfidf.tokenizer, text)


def test_unknown_runs_are_read_by_the_hmm(tfidf) -> None:
    """A run of characters the dictionary has no word for is read by jieba.finalseg, as jieba does:
    the words it finds there are kept (they are what makes a new name a keyword)."""
    tfidf.segmenter.cache_clear()
    text = TEXTS[7]
    words = list(tfidf.segmenter.words(text))
    assert words == jieba_words(tfidf.tokenizer, text)
    assert _hmm.cache_info().misses > 0
    assert "谢玥" in words and "坑塘" in words


def test_blocks_seen_before_give_the_same_words(tfidf) -> None:
    """A block's words are kept: a text whose blocks were seen before (its own, earlier) is answered from
    them, still equal to jieba's cut, and a text that only shares words with it is cut afresh."""
    tfidf.segmenter.cache_clear()
    first = "本机关依申请公开政府信息，办理结果予以公开。"
    second = "本年度依申请公开政府信息的办理结果予以公开"
    assert list(tfidf.segmenter.words(first)) == jieba_words(tfidf.tokenizer, first)
    assert list(tfidf.segmenter.words(second)) == jieba_words(tfidf.tokenizer, second)
    assert list(tfidf.segmenter.words(first)) == jieba_words(tfidf.tokenizer, first)
    assert tfidf.segmenter._words_of.cache_info().hits >= 2


def test_a_fresh_tokenizer_gives_the_same_words(tfidf) -> None:
    """The Segmenter reads the tokenizer's dictionary, not a copy: built on the keywords' tokenizer
    (with its domain words) it keeps those words whole."""
    seg = Segmenter(tfidf.tokenizer)
    assert "规范性文件" in list(seg.words("今年制发规范性文件12件"))


def test_forgetting_fragments_changes_nothing(tfidf, monkeypatch) -> None:
    """The fragment table is bounded: cleared mid-text (a tiny bound here), the words stay jieba's."""
    import normalizers.segment as segment

    monkeypatch.setattr(segment, "MAX_STEPS", 5)
    seg = Segmenter(tfidf.tokenizer)
    for text in TEXTS:
        assert list(seg.words(text)) == jieba_words(tfidf.tokenizer, text)
    assert len(seg._step) <= 5


def test_long_blocks_are_cut_the_same_and_not_kept(tfidf) -> None:
    """A block longer than MEMO_LEN (text printed without punctuation) is cut afresh each time."""
    from normalizers.segment import MEMO_LEN

    text = "本机关依申请公开政府信息办理结果予以公开谢玥琳袁珂钰" * 6
    assert len(text) > MEMO_LEN
    tfidf.segmenter.cache_clear()
    assert list(tfidf.segmenter.words(text)) == jieba_words(tfidf.tokenizer, text)
    assert tfidf.segmenter._words_of.cache_info().currsize == 0
