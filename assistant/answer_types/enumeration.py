"""列举题 (list): 哪些、有什么、包括 — an enumeration ``A、B、C和D``."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.answer_types.base import AnswerType, Cue, QuestionInfo
from assistant.answer_types.registry import written_form
from assistant.extract import Span, enumerations

# A pair (珠江三角洲地区与粤东粤西粤北地区) is a short enumeration without a 、.
_PAIR = re.compile(r"(?<![\u4e00-\u9fff])[\u4e00-\u9fff]{2,}(?:与|和|及)[\u4e00-\u9fff]{2,}")
PAIR_FIT = 0.6
# A run of items inside a sentence (无劳动能力、无生活来源…) may be a condition, not the list asked for;
# items a lead-in announces (下列…：（一）…（二）…) are a list by their form.
INLINE_FIT = 0.7


# 哪些人 / 哪几类人员 / 什么对象 asks for kinds of people: the items must name people (老年人、残疾人…).
_ASKS_PEOPLE = re.compile(r"(?:哪些|哪几类|哪类|几类|哪几种|哪种|什么)(?:人|对象|群体|家庭|户)")
_PERSON_END = re.compile(
    r"(?:人|人员|者|员|儿童|少年|孤儿|老人|户|对象|家庭|职工|农民|学生|妇女|军人|教师|群众)[）)]?$"
)
_ITEM_SPLIT = re.compile(r"[、；;，]|以及|及|和|或者|[（(][一二三四五六七八九十]+[）)]")
NOT_PEOPLE_FIT = 0.0


def _of_people(items: str) -> bool:
    """At least two of the items name people (end with 人, 者, 儿童, 家庭 …)."""
    return sum(bool(_PERSON_END.search(i.strip(" 　\n：:。"))) for i in _ITEM_SPLIT.split(items)) >= 2


class ItemsAnswer(AnswerType):
    """Reading shared by the types whose answer is a run of items (列举, 分类)."""

    gathers_items = True

    def spans(self, info: QuestionInfo, sentence: str) -> list[Span]:
        return enumerations(sentence)

    def fit(self, info: QuestionInfo, sentence: str, spans: Sequence[Span]) -> float:
        if (
            spans
            and _ASKS_PEOPLE.search(written_form(info.text))
            and not any(_of_people(s.text) for s in spans)
        ):
            return NOT_PEOPLE_FIT  # 哪几类人 is not answered by a list of benefits or tasks
        if any(s.kind == "listed" for s in spans):
            return 1.0
        if spans:
            return INLINE_FIT
        return PAIR_FIT if _PAIR.search(sentence) else 0.0

    def pick(
        self, info: QuestionInfo, sentence: str, spans: Sequence[Span], terms: Sequence[str]
    ) -> Span | None:
        if not spans:
            return None
        return max(spans, key=lambda s: (s.text.count("、"), len(s.text)))  # the longest run of items


class Enumeration(ItemsAnswer):
    name = "list"
    labels = ("列举", "清单", "列表")
    cues = (
        Cue(40, re.compile(r"哪几|哪“?[三四五六七八九十两]")),  # before number: 哪三个 asks for items
        Cue(
            80,
            re.compile(
                r"哪些|哪几|有什么|些什么|包括|包含|都有|哪[三四五六七八九十两]个|哪[三四五六两]项|哪[三四五六两]权"
                r"|什么情况|哪种情况|哪类情况"  # 什么情况下可以申请: the cases, often listed (（一）…（二）…)
            ),
        ),
    )


ENUMERATION = Enumeration()
