"""Conditions a question states (问题所述条件, assistant.conditions): the quantity of the asker's own case
(交了三年) against the ranges of tiered clauses (满一年不足五年的…), and the reader preferring the tier
whose range holds it."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from assistant_fakes import Doc, FakeKnowledgeBase

from assistant.conditions import Interval, Quantity, condition_fit, intervals, stated_quantities
from assistant.policy import AnswerPolicy
from assistant.question import analyse
from assistant.reader import Reader


def test_a_duration_the_question_gives_is_a_stated_quantity() -> None:
    assert stated_quantities("失业保险交了三年，最多能领几个月？") == [Quantity(3.0, "年")]
    assert stated_quantities("我今年65周岁，能领高龄补贴吗？") == [Quantity(65.0, "岁")]


@pytest.mark.parametrize(
    "question",
    [
        "2024年的补贴每月多少钱？",  # a calendar year is a date, not a duration
        "第三年还能领吗？",  # an ordinal
        "每年检查几次？",  # a period the rule sets
        "每三年换届一次吗？",
        "几户选一名代表？",  # a rate the question asks about
        "每户能选一名代表吗？",  # 一名 / 一户 as an article
        "最多能领几个月？",  # the figure asked, not stated
    ],
)
def test_dates_ordinals_periods_and_asked_rates_are_not_stated_quantities(question: str) -> None:
    assert stated_quantities(question) == []


@pytest.mark.parametrize(
    ("sentence", "ranges"),
    [
        ("累计缴费满一年不足五年的，领取期限最长为十二个月。", [Interval("年", 1.0, 5.0)]),
        ("累计缴费十年以上的，领取期限最长为二十四个月。", [Interval("年", low=10.0)]),
        ("六十周岁以下的村民可以参加。", [Interval("岁", high=60.0, closed=True)]),
        ("累计缴费不足十五年的，可以补缴。", [Interval("年", high=15.0)]),
        ("领取期限最长为十二个月。", []),  # a figure with no bound word states no range
    ],
)
def test_a_clause_states_ranges_by_its_bound_words(sentence: str, ranges: list[Interval]) -> None:
    assert intervals(sentence) == ranges


def test_an_upper_bound_is_open_unless_written_as_yixia() -> None:
    (under,) = intervals("不足十五年的")
    (at_most,) = intervals("六十周岁以下的")
    assert not under.holds(15.0) and under.holds(14.0) and under.low == -math.inf
    assert at_most.holds(60.0) and not at_most.holds(61.0)


def test_condition_fit_is_plus_one_held_minus_one_excluded_zero_when_silent() -> None:
    three_years = stated_quantities("交了三年，能领几个月？")
    assert condition_fit(three_years, "累计缴费满一年不足五年的，领取期限最长为十二个月。") == 1.0
    assert condition_fit(three_years, "累计缴费十年以上的，领取期限最长为二十四个月。") == -1.0
    assert condition_fit(three_years, "六十周岁以下的村民可以参加。") == 0.0  # no range in 年
    assert condition_fit(three_years, "领取失业保险金的期限最长为十二个月。") == 0.0  # no range at all
    assert condition_fit([], "累计缴费十年以上的，领取期限最长为二十四个月。") == 0.0  # nothing stated


# -- the reader: the tier whose range holds the stated quantity wins --------------------------------------

TIERS = Doc(
    "shiye",
    "某某省失业保险办法",
    "第一条 失业人员累计缴费满一年不足五年的，领取失业保险金的期限最长为十二个月。\n"
    "第二条 失业人员累计缴费满五年不足十年的，领取失业保险金的期限最长为十八个月。\n"
    "第三条 失业人员累计缴费十年以上的，领取失业保险金的期限最长为二十四个月。",
)
SEVEN_YEARS = "失业保险交了七年，失业保险金最长能领几个月？"


def _first(policy: AnswerPolicy) -> tuple[str, float]:
    kb = FakeKnowledgeBase([TIERS])
    reader = Reader(kb.tokenizer, lambda: kb.bm25, policy)
    best = reader.read(analyse(SEVEN_YEARS), kb.retrieve(SEVEN_YEARS)).evidence[0]
    return best.text, best.score


def test_the_tier_whose_range_holds_the_stated_quantity_is_read_first() -> None:
    text, score = _first(AnswerPolicy())
    assert text.startswith("第二条")  # 满五年不足十年 holds 七年
    off_text, off_score = _first(replace(AnswerPolicy(), condition_weight=0.0))
    assert off_text.startswith("第一条")  # by words alone the tiers tie and the first comes first
    assert score > off_score


@pytest.mark.parametrize(
    "question",
    [
        "24年出台的规定里，交了三年能领几个月？",  # 24年 is 2024 (constraints.pinned_years reads it so)
        "2024年3月1日以后交了三年的，能领几个月？",  # 3月1日 is a date, not 3 months and 1 day
    ],
)
def test_only_the_askers_own_case_is_stated_not_a_year_or_date(question: str) -> None:
    assert stated_quantities(question) == [Quantity(3.0, "年")]
