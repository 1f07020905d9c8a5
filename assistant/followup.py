"""Follow-up questions (追问): resolve 那整体推进县呢？ / 这是哪个文件规定的？ / 期限是多久？
against the previous turn of the conversation (its question, documents and entities).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.limits import LIMITS
from assistant.types import Turn
from corpus.tokenize import Tokenizer

_SOURCE_QUESTION = re.compile(
    r"(哪个|哪份|哪部|什么|哪一个)(文件|规定|法律|法规|条例|政策|文)|出处|依据是什么|依据哪|哪里规定|哪儿规定|谁发的|哪个部门发|原文在哪"
)
_FOLLOW_CUE = re.compile(
    r"^(那|那么|还有|另外|再问|再说|然后|其中)|呢[？?]?$|这个|这项|这条|该项|它|其|上面|刚才|前面"
)
# The lookbehind lets the trailing-punctuation branch start only where a run of ？。！ starts: without
# it every position inside a long run scans to its end (quadratic).
_STRIP = re.compile(r"^(那么|那|还有|另外|再问一下|再问|然后|其中)|呢?(?<![？?。！!])[？?。！!]*$|的$")
_PUNCT = re.compile(r"[？?。！!，,]")
_ASKING = re.compile(r"[什么哪多少几吗谁怎]")
# A clause that asks something (是什么、多少…): the part of the previous question a follow-up replaces.
_ASKING_CLAUSE = re.compile(r"是什么|有哪些|是哪些|多少|几|什么时候|吗|呢")


@dataclass(frozen=True, slots=True)
class Resolved:
    question: str  # the self-contained question to answer
    prior_docs: tuple[str, ...] = ()  # documents of the previous answer, favoured in retrieval
    asks_source: bool = False  # "which document says so?" about the previous answer
    previous: Turn | None = None


def is_follow_up(question: str) -> bool:
    q = question.strip()
    return bool(_FOLLOW_CUE.search(q)) or len(_PUNCT.sub("", q)) <= 8


def resolve(question: str, history: Sequence[Turn], tokenizer: Tokenizer) -> Resolved:
    q = question.strip()
    if not history:
        return Resolved(q)
    prev = history[-1]
    if len(prev.question) > LIMITS.question_chars:  # not a question anyone asked (entry points check)
        return Resolved(q)
    prior = tuple(dict.fromkeys(c.doc_id for c in prev.answer.citations)) if prev.answer else ()
    if _SOURCE_QUESTION.search(q) and len(q) <= 24 and prev.answer is not None and prev.answer.citations:
        return Resolved(q, prior, asks_source=True, previous=prev)
    if not is_follow_up(q):
        return Resolved(q)
    core = _STRIP.sub("", q).strip()
    base = prev.question
    # 那整体推进县呢？ after 重点帮扶县主要任务是什么？: swap the entity that shares the new one's head word.
    if core and len(core) <= 12 and not _ASKING.search(core):
        for word in sorted(set(tokenizer.words(base)), key=len, reverse=True):
            if len(word) >= 2 and word != core and word[-1] == core[-1] and word in base:
                return Resolved(base.replace(word, core, 1), prior, previous=prev)
    # 期限是多久？: keep the previous question's topic, ask the new thing.
    topic = _topic(base)
    return Resolved(f"{topic or base}，{q}", prior, previous=prev)


def _topic(question: str) -> str:
    """The question without its last clause when that clause asks something (主题).

    ``脱贫县的过渡期政策是什么？`` → ``""``; ``对脱贫县，过渡期是多少？`` → ``对脱贫县``. One scan from the
    last comma: the regex it replaces (``[，,]?[^，,]*(是什么|…)[^，,]*$``) tried every start against every
    end, and a 20,000-character question took 26 s.
    """
    comma = max(question.rfind("，"), question.rfind(","))
    if not _ASKING_CLAUSE.search(question, comma + 1):
        return question.strip("，,？? ")
    return question[: max(comma, 0)].strip("，,？? ")
