"""Section keywords: real section texts give exact golden keywords, no numbers, no boilerplate."""

from __future__ import annotations

import subprocess
import sys

import pytest

from normalizers.keywords import KeywordSettings, is_number, keywords, load_data
from tests.support import FIXTURES, ROOT

KW = FIXTURES / "keywords"

GOLDEN = {
    # 五、存在的主要问题及改进情况 of 平潭综合实验区 2023 (real HTML report)
    "pingtan_2023_s5.txt": ["栏目", "接地气", "实验区", "噪音", "发布", "通报", "特色", "力度"],
    # 一、总体情况 of 大水坑镇 2020 (real seed text)
    "dashuikeng_2020_s1.txt": ["审查", "盐池县", "发布", "政务信息", "群众", "平台", "保密", "依申请公开"],
}


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_golden_keywords(name: str) -> None:
    assert keywords((KW / name).read_text(encoding="utf-8")) == GOLDEN[name]


def test_k_is_a_prefix_of_the_ranking() -> None:
    text = (KW / "pingtan_2023_s5.txt").read_text(encoding="utf-8")
    assert keywords(text, k=3) == GOLDEN["pingtan_2023_s5.txt"][:3]
    assert keywords(text, k=0) == []


def test_no_numbers_and_no_stop_words() -> None:
    stop = load_data().stop_words
    text = "2023年，我镇全年主动公开政府信息1356条，其中规范性文件12件，本年度工作情况良好，进一步加强政务公开。二〇二三年共办理依申请公开35件，占比12.5%。"
    kws = keywords(text, k=20)
    assert kws, "a real sentence has keywords"
    assert not [w for w in kws if is_number(w)]
    assert not [w for w in kws if w in stop]
    assert "规范性文件" in kws  # a domain word from keywords.yaml stays whole


@pytest.mark.parametrize("tok,expected", [("2023", True), ("12.5", True), ("２０２３年", True), ("二〇二三", True),
                                          ("三", True), ("%", True), ("栏目", False), ("第二十条", False)])
def test_is_number(tok: str, expected: bool) -> None:
    assert is_number(tok) is expected


@pytest.mark.parametrize("text", ["", "   \n", "2023 12 35"])
def test_nothing_to_say(text: str) -> None:
    assert keywords(text) == []


@pytest.mark.slow  # a second jieba tokenizer: its dictionary loads again
def test_custom_data_file(tmp_path) -> None:
    data = tmp_path / "kw.yaml"
    data.write_text("words: []\nstop_words: [栏目, 实验区]\n", encoding="utf-8")
    text = (KW / "pingtan_2023_s5.txt").read_text(encoding="utf-8")
    kws = keywords(text, settings=KeywordSettings(data_path=str(data)))  # jieba's cache: the default one, warm
    assert "栏目" not in kws and "实验区" not in kws
    assert kws


@pytest.mark.slow  # a fresh interpreter loads jieba
def test_loading_is_quiet() -> None:
    """jieba's "Building prefix dict…" must not reach stderr of a worker or the CLI."""
    code = ("import logging; logging.basicConfig(level=logging.WARNING);"
            "from normalizers.keywords import keywords, warm; warm(); print(keywords('政务新媒体栏目建设'))")
    res = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert res.stderr == ""
    assert "政务新媒体" in res.stdout


def test_ranking_is_jiebas_tfidf() -> None:
    """Our TF-IDF (without importing jieba.analyse, which loads ~130 MB of POS and IDF tables per
    worker) ranks every candidate word exactly as ``jieba.analyse.TFIDF.extract_tags`` does."""
    import jieba.analyse

    from normalizers.keywords import _extractor

    ours = _extractor(KeywordSettings())
    theirs = jieba.analyse.TFIDF()
    theirs.tokenizer = ours.tokenizer
    theirs.stop_words = set(theirs.stop_words) | set(load_data().stop_words)
    texts = [p.read_text(encoding="utf-8") for p in sorted(KW.glob("*.txt"))]
    texts += ["The report of the year is on the portal, and it has all that we publish.",
              "本机关2023年共收到政府信息公开申请35件，其中自然人申请30件，法人或其他组织申请5件；办理结果：予以公开20件。"]
    for text in texts:
        assert ours.ranked(text) == theirs.extract_tags(text, topK=None)
