"""Chinese tokenization (分词): the only module that imports jieba.

Index-time and query-time tokenization both go through :class:`Tokenizer`, so they cannot drift
apart. Search mode (``cut_for_search``) also emits the sub-words of long compounds, so
乡村振兴重点帮扶县 matches questions that say 重点帮扶县. A committed user dictionary keeps policy
terms whole; jieba's model cache lives under the index directory, not in /tmp.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jieba

from corpus.normalize import normalize_text

jieba.setLogLevel(logging.WARNING)

# Bump when token output changes: tokens are stored in the index, so a change needs a re-ingest.
TOKENIZER_VERSION = "jieba-search+bigram/1"

_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_PUNCT_OR_SPACE = frozenset(
    " \n\t，。、；：？！“”‘’《》〈〉（）()【】[]{}<>—-…·,.;:?!\"'/\\|~`@#$^&*_+=「」『』"
)


def _data_file(name: str) -> str:
    return resources.files("corpus").joinpath("data").joinpath(name).read_text(encoding="utf-8")


@cache
def stopwords() -> frozenset[str]:
    return frozenset(w.strip() for w in _data_file("stopwords.txt").splitlines() if w.strip())


@cache
def user_terms() -> tuple[str, ...]:
    """Policy terms from the committed user dictionary (用户词典), in file order."""
    lines = (line.split()[0] for line in _data_file("userdict.txt").splitlines() if line.strip())
    return tuple(w for w in lines if not w.startswith("#"))


class Tokenizer:
    """jieba in search mode with the policy user dictionary and stopwords removed."""

    def __init__(self, cache_dir: Path | None = None) -> None:
        self._jieba = jieba.Tokenizer()
        if cache_dir is not None:
            cache_dir.mkdir(parents=True, exist_ok=True)
            self._jieba.tmp_dir = str(cache_dir)
        self._lock = threading.Lock()
        self._ready = False
        self._tagger: Any = None

    def _ensure_ready(self) -> None:
        # jieba builds its prefix dictionary lazily; do it once, under a lock, for thread safety.
        with self._lock:
            if self._ready:
                return
            self._jieba.initialize()
            for term in user_terms():
                self._jieba.add_word(term, freq=200000)
            self._ready = True

    def words(self, text: str) -> list[str]:
        """Plain (precise mode) segmentation of normalized text, punctuation dropped."""
        self._ensure_ready()
        norm = normalize_text(text)
        return [w for w in self._jieba.cut(norm, HMM=True) if w.strip() and w not in _PUNCT_OR_SPACE]

    def tagged(self, text: str) -> list[tuple[str, str]]:
        """Words with their part of speech (词性: ``n`` noun, ``v`` verb, ``vn`` verbal noun …), as
        jieba's tagger segments normalized text; punctuation dropped."""
        self._ensure_ready()
        with self._lock:  # the tagger is built once over this tokenizer's dictionary
            if self._tagger is None:
                import jieba.posseg

                self._tagger = jieba.posseg.POSTokenizer(tokenizer=self._jieba)
        norm = normalize_text(text)
        return [
            (p.word, p.flag)
            for p in self._tagger.cut(norm, HMM=True)
            if p.word.strip() and p.word not in _PUNCT_OR_SPACE
        ]

    def tokens(self, text: str) -> list[str]:
        """Tokens for BM25: search-mode words plus character bigrams, stopwords and punctuation removed.

        Bigrams catch what segmentation splits differently in a colloquial question and in formal
        text (承包地 / 土地承包经营权); on the dev set they lift BM25 hit@1 by about 3 points.
        """
        self._ensure_ready()
        norm = normalize_text(text)
        stop = stopwords()
        words = [
            w
            for w in self._jieba.cut_for_search(norm, HMM=True)
            if w.strip() and w not in _PUNCT_OR_SPACE and w not in stop
        ]
        return words + ["#" + b for b in char_bigrams(norm)]

    def count(self, text: str) -> int:
        """Token budget unit for chunking: precise-mode jieba words."""
        return len(self.words(text))


def char_bigrams(text: str) -> list[str]:
    """Overlapping two-character grams of each run of Chinese characters (字二元组)."""
    out: list[str] = []
    for run in _CJK_RUN.findall(text):
        out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return out


def word_offsets(text: str, words: Sequence[str]) -> list[tuple[int, int]]:
    """Where each of ``words`` (the segmentation of ``text``, in order) sits in ``text``: ``(start, end)``;
    a word not found after the previous one is left out."""
    spans: list[tuple[int, int]] = []
    at = 0
    for word in words:
        start = text.find(word, at)
        if start < 0:
            continue
        spans.append((start, start + len(word)))
        at = start + len(word)
    return spans


_default: Tokenizer | None = None
_default_lock = threading.Lock()


def default_tokenizer(cache_dir: Path | None = None) -> Tokenizer:
    """A process-wide tokenizer (jieba's dictionary costs ~1 s to load; load it once)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Tokenizer(cache_dir)
        return _default
