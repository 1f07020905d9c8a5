"""无特定题型 (none): a question that asks for no particular form of answer.

The fallback when no other type's cues match. Gold sets give their unanswerable questions this type
too (无答案、拒答): no answer form is expected of them. ``other`` is its former name in answers.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.answer_types.base import AnswerType, QuestionInfo
from assistant.answer_types.definition import UNMARKED_FIT
from assistant.extract import Span


class NoType(AnswerType):
    name = "none"
    labels = (
        "other", "无", "无答案", "拒答", "不可回答", "无法回答", "不可答",
        # Other systems' gold sets name the unanswerable category their own way.
        "unanswerable", "no_answer", "no-answer", "noanswer", "impossible", "negative",
    )  # fmt: skip
    clause_fallback = True  # the clause that matches the question best is the short answer
    answers_with_rule = True  # 报废机井该咋处理: the rule a case leads to says more than the case repeated

    def fit(self, info: QuestionInfo, sentence: str, spans: Sequence[Span]) -> float:
        return UNMARKED_FIT


NONE = NoType()
