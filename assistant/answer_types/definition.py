"""定义题 (definition): 是什么、什么意思 — the clause that says it, from its copula on."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.answer_types.base import AnswerType, Cue, QuestionInfo
from assistant.extract import Span

# Any sentence may define. One that defines a term of the question by its form (本法所称乡村，是指…;
# 残疾人是指…) fits fully; one that defines something else partly; any other sentence less.
UNMARKED_FIT = 0.2
OTHER_TERM_FIT = 0.5
_DEFINES = re.compile(r"所称|是指|系指|指的是|的统称|定义为")
# The term a sentence defines: 本法所称X，是指 / X是指 / X，是指 (after any article number).
_DEFINED = re.compile(
    r"所称([^，,。；]{1,24}?)[，,]?(?:是指|系指|指的是|包括)|^(?:第[^条\s]{1,8}条\s*)?([^，,。；]{1,24}?)[，,]?(?:是指|系指)"
)
_ASKS_MEANING = re.compile(r"[“\"][^”\"]{1,16}[”\"]|指|意思|含义|界定|定义|性质")
_QUOTED = re.compile(r"[“\"]([^”\"]{1,16})[”\"]")


class Definition(AnswerType):
    name = "definition"
    labels = ("定义", "概念", "含义")
    cues = (
        Cue(100, re.compile(
            r"是什么|是个什么|什么是|什么意思|含义|定位|指什么|指的是|是指|指哪|界定|怎么定义|什么性质|什么样|什么要求|新说法|什么机制|什么制度|什么账|什么文件"
        )),
        # A quoted term that the question asks the meaning of (“农村土地”，到底指哪些地): before 哪些 (list).
        Cue(35, re.compile(r"“[^”]{1,16}”[^，。？?]{0,8}(?:[，,][^，。？?]{0,8})?(?:指|是什么|算什么|什么意思)")),
    )  # fmt: skip
    clause_fallback = True

    def search_hint(self, info: QuestionInfo) -> str:
        """A question on what a term means (“农村土地”指哪些 / 什么意思 / 怎么界定) also looks for the
        sentence that defines it (本法所称…，是指…); 要建立什么样的制度 does not ask for one."""
        return "所称 是指" if _ASKS_MEANING.search(info.text) else ""

    # The form of a definition counts more here than a type's form elsewhere: "X是指" is the answer.
    fit_gain = 2.5

    def fit(self, info: QuestionInfo, sentence: str, spans: Sequence[Span]) -> float:
        m = _DEFINED.search(sentence)
        if m:
            term = (m.group(1) or m.group(2) or "").strip()
            asked = _QUOTED.findall(info.text)
            if term and (term in info.text or any(a in term for a in asked)):
                return 1.0
        return OTHER_TERM_FIT if _DEFINES.search(sentence) else UNMARKED_FIT


DEFINITION = Definition()
