"""时间题 (deadline): 什么时候、多久、期限 — a date or a period."""

from __future__ import annotations

import re

from assistant.answer_types.base import AnswerType, Cue, QuestionInfo
from assistant.extract import Span, dates

_DEADLINE = re.compile(
    r"什么时候|啥时候|何时|哪天|哪一天|几月几[日号]|多长时间|多久|期限|截止|过渡期|时间限制|几天内|几日内|多少天|几年内|哪年|起施行|开始施行|施行|生效|[多几]长时间|多少年"
)


class Deadline(AnswerType):
    name = "deadline"
    labels = ("时间", "期限", "日期", "时限")
    cues = (
        Cue(10, re.compile(r"时间限制|期限|过渡期|多久|多长时间|时效")),  # before yes/no: 期限是不是…
        Cue(50, re.compile(r"几[天日]内|多少天内|几个月内")),  # before number: 几天内 is a period
        Cue(70, _DEADLINE),
    )
    lead_chars = 20

    def spans(self, info: QuestionInfo, sentence: str) -> list[Span]:
        return dates(sentence)

    def strict(self, info: QuestionInfo) -> bool:
        return True  # 什么时候 needs a date or period; a sentence without one does not answer it


DEADLINE = Deadline()
