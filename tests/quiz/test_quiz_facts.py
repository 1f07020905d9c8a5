"""Fact extraction (事实抽取) and numerals: what an item can ask about, with exact spans."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corpus.tokenize import default_tokenizer
from quiz.facts import extract_enumerations, extract_facts
from quiz.numerals import cn_to_int, int_to_cn, year_to_cn


@pytest.mark.parametrize(
    ("text", "value"),
    [("三十", 30), ("十五", 15), ("一百二十", 120), ("二百万", 2_000_000), ("二〇三五", 2035), ("两", 2)],
)
def test_cn_to_int(text: str, value: int) -> None:
    assert cn_to_int(text) == value


@given(st.integers(min_value=1, max_value=10**9))
def test_int_to_cn_round_trips(n: int) -> None:
    assert cn_to_int(int_to_cn(n)) == n


def test_year_is_written_digit_by_digit() -> None:
    assert year_to_cn(2035) == "二〇三五"


def kinds(text: str) -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in extract_facts(text)]


def test_numbers_dates_periods_bodies() -> None:
    text = "县级以上人民政府应当在十日内公布，比重提高到60%以上，本办法自2014年5月1日起施行。"
    assert kinds(text) == [
        ("body", "县级以上人民政府"),
        ("period", "十日内"),
        ("number", "60%"),
        ("date", "2014年5月1日"),
    ]


def test_spans_are_exact() -> None:
    text = "确保全国粮食产量保持在1.3万亿斤以上，经成员大会全体成员四分之三以上同意。"
    for f in extract_facts(text):
        assert text[f.start : f.end] == f.text
    assert ("number", "1.3万亿斤") in kinds(text)
    assert ("number", "四分之三") in kinds(text)


def test_counting_words_and_slogans_are_not_facts() -> None:
    assert kinds("做好今后一个时期工作，增强“四个意识”。") == [("term", "四个意识")]
    assert not [k for k in kinds("在百年未有之大变局中，实现第二个百年奋斗目标。") if k[0] != "term"]
    assert ("period", "五年") in kinds("成员代表的任期为五年，可以连选连任。")


def test_ordinals_are_not_numbers() -> None:
    assert kinds("第十二届全国人民代表大会。") == []


def test_body_needs_a_duty() -> None:
    assert kinds("乡镇人民政府、街道办事处负责有关社会救助的申请受理。") == [
        ("body", "乡镇人民政府"),
        ("body", "街道办事处"),
    ]
    assert kinds("国务院关于做好工作的意见。") == []


def test_enumerations_trim_the_first_and_last_item() -> None:
    tok = default_tokenizer()
    text = "社会救助工作应当遵循公开、公平、公正、及时的原则。"
    (enum,) = extract_enumerations(text, tok)
    assert enum.items == ("公开", "公平", "公正", "及时")
    assert text[enum.start : enum.end] == "公开、公平、公正、及时"
    assert enum.head.startswith("的原则")


def test_enumeration_with_connector() -> None:
    (enum,) = extract_enumerations("鼓励发展庭院经济、林下经济和民宿经济等业态。", default_tokenizer())
    assert enum.items == ("庭院经济", "林下经济", "民宿经济")


def test_clauses_are_not_lists() -> None:
    text = "推进信息通信网络、全国一体化算力网、重大科技基础设施等建设、集约高效利用。"
    assert extract_enumerations(text, default_tokenizer()) == []
