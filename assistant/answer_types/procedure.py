"""程序题 (procedure): 谁负责、哪个部门审批 — the responsible body (责任主体)."""

from __future__ import annotations

import re

from assistant.answer_types.base import AnswerType, Cue, QuestionInfo
from assistant.extract import Span, bodies


class Procedure(AnswerType):
    name = "procedure"
    labels = ("程序", "流程")
    cues = (
        Cue(90, re.compile(
            r"谁|哪个部门|哪些部门|哪一级|哪级|哪个单位|什么部门|由哪|找哪|向哪|哪里办|怎么办理|如何办理|审批|负责|怎么用|怎么统筹"
        )),
    )  # fmt: skip
    clause_fallback = True  # 怎么办理 without a named body: the matching clause
    lead_chars = 20

    def spans(self, info: QuestionInfo, sentence: str) -> list[Span]:
        return bodies(sentence)


PROCEDURE = Procedure()
