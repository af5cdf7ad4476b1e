"""The words of two or more characters that jieba 0.42's accurate-mode ``Tokenizer.cut`` (HMM on) finds
in a text, in the same order: what the keyword ranking counts, at about half jieba's CPU.

Why not ``tokenizer.cut`` itself: keywords are computed for every section of every report and jieba's
pure-Python cut was a third of the normalizer's CPU. Most of it goes to tokens the ranking drops
anyway (single characters, text outside jieba's word blocks) and to the maximum-probability route
(``get_DAG`` + ``calc``), which builds a DAG dict and takes a ``log`` for every candidate word.
Here the route is taken in one right-to-left pass with each word's log probability kept, and only
the blocks and buffers that can yield a word of two characters are walked. Same dictionary, same
arithmetic, same tie-breaks, same HMM (``jieba.finalseg``) for unknown runs: the same words.
``tests/normalizers/test_segment.py`` compares it with jieba on report texts and generated ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from math import log
from typing import Any

from jieba import finalseg, re_han_default

# jieba's accurate mode splits text into blocks of these characters (Chinese, ASCII letters and digits,
# + # & . _ % -); outside them it yields only whitespace and single characters, never a word of 2+.
_BLOCKS = re_han_default
# _step's two markers: no word's log probability (log(freq) - log(total)) is positive
_PREFIX = 1.0  # a prefix of dictionary words that is no word itself (jieba's FREQ value 0)
_UNSEEN = 2.0  # not looked up yet
MAX_STEPS = 1 << 17  # fragments kept (~15 MB); forgotten all at once past that
MEMO_LEN = 64  # blocks and unknown runs longer than this are one-offs: cut, not kept


@lru_cache(maxsize=1 << 14)
def _hmm(buf: str, force_split: int) -> tuple[str, ...]:
    """jieba.finalseg's reading of a run of characters the dictionary has no word for (names, new
    words); the same runs recur across reports. ``force_split``: the size of finalseg's global
    force-split set, so that a word added to it is not answered from before."""
    return tuple(finalseg.cut(buf))


class Segmenter:
    """Words (2+ characters) of jieba's accurate cut over one initialized ``jieba.Tokenizer``.

    The tokenizer's dictionary must not change after this is built (``add_word`` on it afterwards
    would change ``FREQ`` and ``total``): build the Segmenter once the tokenizer is ready."""

    def __init__(self, tokenizer: Any) -> None:
        tokenizer.check_initialized()
        self.freq: dict[str, int] = tokenizer.FREQ
        self.logtotal = log(tokenizer.total)
        self._step: dict[str, float | None] = {}  # fragment → what the route needs of it (_look)
        # a block's words, kept: reports share much of their wording (in 48 corpus reports 40% of the
        # block text had been seen in an earlier report); bounded, and keyed on finalseg's force-split
        # set like _hmm
        self._words_of = lru_cache(maxsize=1 << 14)(self._block_words)

    def words(self, text: str) -> Iterator[str]:
        """Every token of ``tokenizer.cut(text)`` whose ``strip()`` has 2+ characters, in order."""
        force_split = len(finalseg.Force_Split_Words)
        for blk in _BLOCKS.split(text):
            if len(blk) > 1 and _BLOCKS.match(blk):
                yield from self._words_of(blk, force_split) if len(blk) <= MEMO_LEN else self._block(blk)

    def _block_words(self, blk: str, force_split: int) -> tuple[str, ...]:
        return tuple(self._block(blk))

    def cache_clear(self) -> None:
        """Forget the words of blocks and unknown runs seen so far (benchmarks, tests)."""
        self._words_of.cache_clear()
        _hmm.cache_clear()

    def _route(self, s: str) -> list[int]:
        """For each start, the end (exclusive) of the word jieba's max-probability route takes there.

        jieba: ``route[i] = max((log(FREQ.get(s[i:x+1]) or 1) - logtotal + route[x+1][0], x) for x in DAG[i])``
        with ``DAG[i]`` the ends of dictionary words starting at ``i`` (or ``[i]``); the max of
        (score, x) pairs keeps the longest word among equal scores, as ``>=`` over rising x does here.
        One look-up per step: ``_step`` says of a fragment at once whether the walk goes on and
        what the word there scores (``_PREFIX``: a prefix of words only; never a real score)."""
        step, look = self._step.get, self._look
        n = len(s)
        score = [0.0] * (n + 1)
        end = list(range(1, n + 2))
        alone = 0.0 - self.logtotal  # a character no word starts with: log(1) - logtotal
        for i in range(n - 1, -1, -1):
            best_v = best_x = None
            j = i + 1
            frag = s[i]
            v = step(frag, _UNSEEN)
            if v == _UNSEEN:
                v = look(frag)
            while v is not None:
                if v != _PREFIX:
                    v += score[j]
                    if best_v is None or v >= best_v:
                        best_v, best_x = v, j
                if j >= n:
                    break
                j += 1
                frag = s[i:j]
                v = step(frag, _UNSEEN)
                if v == _UNSEEN:
                    v = look(frag)
            if best_v is None:
                best_v, best_x = alone + score[i + 1], i + 1
            score[i], end[i] = best_v, best_x
        return end

    def _look(self, frag: str) -> float | None:
        """What ``_step`` keeps for a fragment: None (no word starts so), ``_PREFIX``, or the word's
        ``log(freq) - logtotal`` (as jieba's calc computes it; the route adds the rest)."""
        f = self.freq.get(frag)
        v = None if f is None else (log(f) - self.logtotal if f else _PREFIX)
        if len(self._step) >= MAX_STEPS:  # bounded: fragments that are no word are kept too
            self._step.clear()
        self._step[frag] = v
        return v

    def _block(self, s: str) -> Iterator[str]:
        """jieba's ``__cut_DAG`` over one block, yielding only the words of 2+ characters."""
        end = self._route(s)
        freq = self.freq.get
        x, n, start = 0, len(s), -1  # start: where the run of single characters (jieba's buf) began
        while x < n:
            y = end[x]
            if y - x == 1:
                if start < 0:
                    start = x
            else:
                if start >= 0:
                    yield from self._buffer(s[start:x], freq)
                    start = -1
                yield s[x:y]
            x = y
        if start >= 0:
            yield from self._buffer(s[start:], freq)

    @staticmethod
    def _buffer(buf: str, freq) -> Iterator[str]:
        """A run of single characters: a dictionary word stays single characters; an unknown run goes
        to the HMM, which may find words in it."""
        if len(buf) > 1 and not freq(buf):
            words = _hmm(buf, len(finalseg.Force_Split_Words)) if len(buf) <= MEMO_LEN else finalseg.cut(buf)
            for w in words:
                if len(w.strip()) > 1:
                    yield w
