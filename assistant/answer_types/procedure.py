"""程序题 (procedure): 谁负责、哪个部门审批 — the responsible body (责任主体)."""

from __future__ import annotations

import re

from assistant.answer_types.base import AnswerType, Cue, QuestionInfo
from assistant.extract import Span, bodies, is_broad_body

_ASKS_LEVEL = re.compile(r"哪[一个]?级|什么级别|哪个层级|哪一层")


class Procedure(AnswerType):
    name = "procedure"
    labels = ("程序", "流程")
    cues = (
        Cue(90, re.compile(
            r"谁|哪个部门|哪些部门|哪一级|哪级|哪个单位|什么部门|由哪|找哪|向哪|往哪|哪里办|去哪里|到哪里|怎么办理|如何办理|审批|负责|怎么用|怎么统筹|什么程序|什么手续|什么流程|怎么处理"
        )),
    )  # fmt: skip
    clause_fallback = True  # 怎么办理 without a named body: the matching clause
    lead_chars = 20
    prefers_specific = True

    def spans(self, info: QuestionInfo, sentence: str) -> list[Span]:
        return bodies(sentence)

    def broad(self, info: QuestionInfo, span: Span | None) -> bool:
        # 哪级政府 asks for a level: 县级以上人民政府 is then the very answer, not a broad one.
        return span is not None and is_broad_body(span.text) and not _ASKS_LEVEL.search(info.text)


PROCEDURE = Procedure()
