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
