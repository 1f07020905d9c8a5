"""定义题 (definition): 是什么、什么意思 — the clause that says it, from its copula on."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.answer_types.base import AnswerType, Cue, QuestionInfo
from assistant.extract import Span

# Any sentence may define; none is marked by its form, so every sentence fits half.
UNMARKED_FIT = 0.5


class Definition(AnswerType):
    name = "definition"
    labels = ("定义", "概念", "含义")
    cues = (
        Cue(100, re.compile(
            r"是什么|什么是|啥是|是啥|什么意思|含义|定位|指什么|什么样|什么要求|啥要求|新说法|什么机制|什么制度|什么账|什么文件"
        )),
    )  # fmt: skip
    clause_fallback = True

    def fit(self, info: QuestionInfo, sentence: str, spans: Sequence[Span]) -> float:
        return UNMARKED_FIT


DEFINITION = Definition()
