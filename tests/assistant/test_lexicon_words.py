"""The colloquial lexicon (口语词表) read by words: a key counts only where the question uses it as a word,
the new abbreviations of bodies and schemes, and a colloquial key never outweighing its formal form."""

from __future__ import annotations

import pytest

from assistant.lexicon import expansions
from assistant.question import analyse
from assistant.reader import Reader
from corpus.tokenize import default_tokenizer


def test_a_key_made_of_two_halves_of_neighbouring_words_does_not_expand() -> None:
    assert "返乡" not in expansions("借出去的钱收回来了没有？")  # 收回|来, not 回来


def test_a_key_that_starts_a_word_or_lies_inside_one_expands() -> None:
    assert "返乡" in expansions("外出务工人员回来创业有补贴吗？")
    assert "施行" in expansions("低保哪天起发放？")  # jieba reads 哪天起 as one word
    assert "最低生活保障" in expansions("低保户每月能领多少？")
    assert "施行" in expansions("这部法律从几号起生效的？")  # a law takes effect: 本法自…起施行


@pytest.mark.parametrize(
    ("question", "formal"),
    [
        ("村委会几年换一届？", "村民委员会"),
        ("社保断交了怎么办？", "社会保险"),
        ("新农保每月领多少？", "新型农村社会养老保险"),
        ("失业金能领几个月？", "失业保险金"),
        ("五保户由谁供养？", "特困人员"),
        ("村医的执业证管几年？", "乡村医生"),
        ("雨季地灾隐患点咋巡查？", "地质灾害"),
        ("水厂检修能随便停水吗？", "供水单位"),
        ("村主任的亲弟弟能进监委会吗？", "近亲属"),
        ("取水口边上能盖养猪场吗？", "畜禽饲养场"),
        ("村道上能晒玉米吗？", "打场晒粮"),
    ],
)
def test_abbreviations_of_bodies_and_schemes_expand_to_their_full_names(question: str, formal: str) -> None:
    assert formal in expansions(question)


# Corpus rarity as a fixed table: the colloquial word and its bigrams rare, the formal term common.
_RARE = {"低保": 8.0, "#低保": 8.0, "#保户": 7.0, "最低生活保障": 3.0}


class _Stats:
    def idf(self, token: str) -> float:
        return _RARE.get(token, 1.0)


def _weights(question: str) -> dict[str, list[float]]:
    reader = Reader(default_tokenizer(), lambda: _Stats())
    out: dict[str, list[float]] = {}
    for term in reader.terms(analyse(question)):
        out.setdefault(term.text, []).append(term.weight)
    return out


def test_a_colloquial_key_weighs_no_more_than_its_formal_form() -> None:
    weights = _weights("低保每人每月多少钱？")
    assert max(weights["最低生活保障"]) == 3.0
    assert weights["低保"] and max(weights["低保"]) <= 3.0  # the word and its bigram alike


def test_bigrams_inside_a_colloquial_key_are_dropped() -> None:
    weights = _weights("低保户每月能领多少？")
    assert "保户" not in weights  # a half of 低保户, not a word of the question
    assert max(weights["低保"]) <= max(weights["最低生活保障"])
