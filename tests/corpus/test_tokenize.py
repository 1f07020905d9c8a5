"""Tests for corpus.tokenize (分词): user dictionary, search mode, stopwords, width folding, jieba cache."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from corpus.tokenize import Tokenizer, default_tokenizer, stopwords, user_terms


@pytest.fixture(scope="module")
def tokenizer() -> Tokenizer:
    return Tokenizer()


def words_only(tokens: list[str]) -> list[str]:
    """Tokens without the ``#``-prefixed character bigrams, if the tokenizer adds them."""
    return [t for t in tokens if not t.startswith("#")]


def test_user_dictionary_has_the_policy_terms() -> None:
    terms = user_terms()
    assert "两不愁三保障" in terms and "乡村振兴重点帮扶县" in terms
    assert not any(t.startswith("#") for t in terms)


def test_policy_terms_stay_whole_in_precise_mode(tokenizer: Tokenizer) -> None:
    words = tokenizer.words("实现两不愁三保障，支持乡村振兴重点帮扶县的发展。")
    assert "两不愁三保障" in words
    assert "乡村振兴重点帮扶县" in words
    assert "，" not in words and "。" not in words


def test_search_mode_keeps_the_whole_term_and_adds_its_sub_words(tokenizer: Tokenizer) -> None:
    tokens = words_only(tokenizer.tokens("支持乡村振兴重点帮扶县发展"))
    assert "乡村振兴重点帮扶县" in tokens
    assert {"乡村", "振兴", "重点", "帮扶"} <= set(tokens)
    assert "两不愁三保障" in words_only(tokenizer.tokens("巩固两不愁三保障成果"))


def test_a_question_shares_tokens_with_the_passage_it_paraphrases(tokenizer: Tokenizer) -> None:
    passage = set(tokenizer.tokens("中央财政继续支持乡村振兴重点帮扶县。"))
    question = set(tokenizer.tokens("重点帮扶县有哪些支持？"))
    assert {"重点", "帮扶"} <= passage & question


def test_stopwords_and_punctuation_are_dropped_from_tokens(tokenizer: Tokenizer) -> None:
    assert {"的", "和", "在"} <= stopwords()
    tokens = tokenizer.tokens("农民的收入和集体经济在增长。“好”！")
    assert not {"的", "和", "在", "。", "“", "”", "！"} & set(tokens)
    assert {"农民", "收入", "增长"} <= set(tokens)


def test_full_width_digits_and_letters_are_normalized(tokenizer: Tokenizer) -> None:
    assert tokenizer.tokens("２０２４年ＡＢＣ") == tokenizer.tokens("2024年abc")
    tokens = words_only(tokenizer.tokens("２０２４年第１２条"))
    assert "2024" in tokens and "12" in tokens
    assert not any(ch in "".join(tokens) for ch in "０１２４")


def test_zero_width_characters_do_not_split_words(tokenizer: Tokenizer) -> None:
    assert "乡村振兴重点帮扶县" in tokenizer.words("乡村振兴\u200b重点帮扶县")


def test_count_is_the_number_of_precise_mode_words(tokenizer: Tokenizer) -> None:
    text = "实现两不愁三保障。"
    assert tokenizer.count(text) == len(tokenizer.words(text)) == 2
    assert tokenizer.count("") == 0 and tokenizer.tokens("，。！") == []


def test_jieba_cache_goes_to_the_cache_dir_and_not_to_tmp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Point the system temp dir at an empty folder so a stray cache there would be seen.
    fake_tmp = tmp_path / "system-tmp"
    fake_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(fake_tmp))
    cache_dir = tmp_path / "index" / "cache"
    tok = Tokenizer(cache_dir)
    assert tok.words("乡村振兴")  # builds jieba's prefix dictionary
    # jieba names the cache of its default dictionary "jieba.cache" (jieba.Tokenizer.initialize).
    assert (cache_dir / "jieba.cache").is_file()
    assert list(fake_tmp.iterdir()) == []
    # A second tokenizer loads from that cache and segments identically.
    assert Tokenizer(cache_dir).words("两不愁三保障") == ["两不愁三保障"]


def test_default_tokenizer_is_shared() -> None:
    assert default_tokenizer() is default_tokenizer()
