"""数字题 (number): 多少、几个 — a quantity, in the unit the question asks for (多少钱 → 元)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.answer_types.base import AnswerType, Cue, QuestionInfo, unstated
from assistant.extract import Span, quantities

# Also used by yes/no: 能领多少钱吗 asks for the figure, not a verdict.
NUMBER_CUE = re.compile(
    r"多少|几[个名户人倍次座家项年天岁成万元条所名位]|几倍|比例|百分之|几分之几|几次|多大|多高|几名|多少钱"
)
# A figure in another unit than the one asked (人 for 多少钱) is a weak fit: the sentence is on topic.
WRONG_UNIT_FIT = 0.2


class Number(AnswerType):
    name = "number"
    labels = ("数字", "数值", "数量")
    cues = (Cue(60, NUMBER_CUE, unless=re.compile(r"多少年|哪年|几年内|多久")),)
    lead_chars = 20

    def spans(self, info: QuestionInfo, sentence: str) -> list[Span]:
        return quantities(sentence)

    def fit(self, info: QuestionInfo, sentence: str, spans: Sequence[Span]) -> float:
        if not spans:
            return 0.0
        if info.unit_forms:
            return 1.0 if any(any(u in s.text for u in info.unit_forms) for s in spans) else WRONG_UNIT_FIT
        return 1.0

    def strict(self, info: QuestionInfo) -> bool:
        return bool(info.unit_forms)

    def pick(
        self, info: QuestionInfo, sentence: str, spans: Sequence[Span], terms: Sequence[str]
    ) -> Span | None:
        if spans and info.unit_forms:
            spans = [s for s in spans if any(u in s.text for u in info.unit_forms)] or spans
        return super().pick(info, sentence, unstated(info, spans), terms)


NUMBER = Number()
