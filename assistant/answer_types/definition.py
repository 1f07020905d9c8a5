"""定义题 (definition): 是什么、什么意思 — the clause that says it, from its copula on."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.answer_types.base import AnswerType, Cue, QuestionInfo
from assistant.extract import Span

# Any sentence may define; one that says so by its form (本法所称乡村，是指…; X系指…) fits fully,
# every other sentence half.
UNMARKED_FIT = 0.5
_DEFINES = re.compile(r"所称|是指|系指|指的是|的统称|定义为")


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
        return 1.0 if _DEFINES.search(sentence) else UNMARKED_FIT


DEFINITION = Definition()
