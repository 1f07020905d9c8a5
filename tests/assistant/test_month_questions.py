"""A question of months of the calendar (几月到几月, 几月份, 到几月, 几月起) is one fragment read by every pattern
that needs it: it is a deadline question, asks when, and is answered by a month, not by 每年 or 汛期."""

from __future__ import annotations

import pytest

from assistant.answer_types.deadline import DEADLINE
from assistant.question import analyse

SENTENCE = "每年汛期前检查一次，禁渔期为每年3月1日至6月30日。"


@pytest.mark.parametrize(
    "question", ["禁渔期到几月？", "禁渔从几月起？", "禁渔期是几月到几月？", "几月份开始禁渔？"]
)
def test_every_month_question_is_a_deadline_answered_by_its_months(question: str) -> None:
    info = analyse(question)
    assert info.qtype == "deadline"
    spans = [s.text for s in DEADLINE.spans(info, SENTENCE)]
    assert spans and all("3月" in text for text in spans)  # 汛期前 names no month


@pytest.mark.parametrize(
    ("sentence", "months"),
    [
        ("每年的四月份开展爱国卫生月活动。", "四月份"),
        ("每年3月为全省义务植树月。", "3月"),
        ("每年十二月集中清理一次。", "十二月"),
    ],
)
def test_a_month_named_alone_answers_which_month(sentence: str, months: str) -> None:
    """每年的四月份 names a month of the calendar though no day follows it."""
    info = analyse("这项活动放在每年几月份？")
    spans = DEADLINE.spans(info, sentence)
    assert [s.text for s in spans] == [months] and DEADLINE.fit(info, sentence, spans) == 1.0


def test_a_length_or_a_period_of_months_is_not_a_month_named() -> None:
    """三个月内 is a time allowed, 三月内 too: neither names which month."""
    info = analyse("几月份发放？")
    assert DEADLINE.spans(info, "自批准之日起三个月内发放，三月内办结。") == []


@pytest.mark.parametrize(
    ("sentence", "period"),
    [
        ("禁渔期为每年3月1日至6月30日。", "每年3月1日至6月30日"),
        ("每年十一月一日至次年四月三十日为森林防火期。", "每年十一月一日至次年四月三十日"),
    ],
)
def test_a_part_of_every_year_is_read_to_its_end_day(sentence: str, period: str) -> None:
    """每年3月1日至6月30日 is one period: its first day alone would not say when it ends."""
    info = analyse("禁渔期是从几月几号到几月几号？")
    assert period in [s.text for s in DEADLINE.spans(info, sentence)]
