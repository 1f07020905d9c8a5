"""列举题 (list): 哪些、有什么、包括 — an enumeration ``A、B、C和D``."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.answer_types.base import AnswerType, Cue, QuestionInfo
from assistant.answer_types.registry import written_form
from assistant.conditions import Interval, Quantity, intervals, stated_quantities
from assistant.extract import Span, enumerations
from assistant.word_tables import CATEGORIES

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
# Tiers of a graded list (特大型：…；大型：…；中型：因灾死亡3人以上10人以下…), one a line or a 分号 apart.
_TIER = re.compile(r"[^；;\n]+")


# Words around a stated figure that say what it counts (死了4个人: 死): function words and measure words say nothing.
_SAYS_NOTHING = frozenset("了的个一是有在这那就都也还把被给来多余约近")


def _ranges_of(question: str, q: Quantity, tier: str) -> list[Interval]:
    """The ranges of a tier's clauses that count what the question's figure counts: 死了4个人 is judged
    by 3人以上10人以下死亡, not by 10人以上50人以下重伤 in the same tier. All of them when no clause says."""
    at = question.find(q.text)
    around = (
        question[max(at - 4, 0) : at] + question[at + len(q.text) : at + len(q.text) + 3] if at >= 0 else ""
    )
    said = {c for c in around if "\u4e00" <= c <= "\u9fff" and c not in _SAYS_NOTHING and c not in q.text}
    read = [(c, intervals(c)) for c in re.split(r"[，,]", tier)]
    clauses = [(c, ranges) for c, ranges in read if any(r.unit == q.unit for r in ranges)]
    counted = [(c, ranges) for c, ranges in clauses if said & set(c)]
    return [r for _, ranges in (counted or clauses) for r in ranges]


def _case_item(info: QuestionInfo, span: Span) -> Span | None:
    """The one tier whose ranges hold the case the question states (滑坡死了5个人 → 中型：因灾死亡3人以上
    10人以下…): a cadre asks which tier their case is, not for the whole scale. None unless exactly one
    tier holds every stated quantity that the tiers give a range of."""
    stated = stated_quantities(info.text)
    if not stated:
        return None
    fits = []
    for m in _TIER.finditer(span.text):
        ranges = intervals(m.group(0))
        judged = [q for q in stated if any(r.unit == q.unit for r in ranges)]
        if judged and all(
            any(r.unit == q.unit and r.holds(q.value) for r in _ranges_of(info.text, q, m.group(0)))
            for q in judged
        ):
            fits.append(m)
    if len(fits) != 1:
        return None
    m = fits[0]
    text = m.group(0).strip()
    start = span.start + m.start() + m.group(0).find(text)
    return Span(start, start + len(text), span.kind, text)


# The category a list question asks for (哪些条件 → 条件, 哪几种人 → 人, 什么情况下 → 情况): at most two
# characters after the question word, cut at a function word. 方面, 种, 个, 东西 say nothing of the category.
_ASKED = re.compile(
    r"(?:哪些|哪几(?:个|种|类|项|条|次|级|档)?|哪(?:种|类)|些什么|什么)([\u4e00-\u9fff]{1,2})"
)
_FUNCTION_CHARS = frozenset("是的要能可会得在呢吗了都还就也下上来去给让被把和与及或有没必须需应该")
_VAGUE_CATEGORIES = frozenset(
    ["方面", "种", "个", "类", "项", "条", "些", "样", "块", "部分", "内容", "东西", "玩意"]
)
# The category a lead-in announces: 下列人员 / 以下情形之一 / …的内容包括：
_ANNOUNCED = re.compile(
    r"(?:下列|以下|如下)([\u4e00-\u9fff]{1,4})|([\u4e00-\u9fff]{2,4})(?:包括|包含|有)[：:]"
)
# A list of another category than the one asked (下列权利 for 什么情况) fits this much.
OTHER_CATEGORY_FIT = 0.4


def asked_category(question: str) -> tuple[str, ...]:
    """The category words a list question may ask for (哪些事非得 → 事非, 事: a one-character category
    only when the category table knows it); empty when it names none."""
    m = _ASKED.search(question)
    if not m:
        return ()
    word = m.group(1)
    if word in _VAGUE_CATEGORIES and question.startswith("的", m.end()):
        word = question[m.end() + 1 : m.end() + 3]  # 哪些方面的义务 asks for 义务
    cut = next((i for i, ch in enumerate(word) if ch in _FUNCTION_CHARS), len(word))
    words = [word[:cut]] + ([word[0]] if cut > 1 and word[0] in CATEGORIES else [])
    return tuple(w for w in words if w and w not in _VAGUE_CATEGORIES)


def category_fits(asked: Sequence[str], lead_in: str) -> bool | None:
    """Whether the category a lead-in announces is one asked (None: it announces none)."""
    m = _ANNOUNCED.search(lead_in)
    if not m:
        return None
    announced = m.group(1) or m.group(2)
    return any(f in announced for word in asked for f in (word, *CATEGORIES.get(word, ())))


def named_as(sentence: str, span: Span, asked: Sequence[str]) -> bool:
    """Whether the words right after a run of items name them as the asked category (…慰藉的义务)."""
    after = sentence[span.end : span.end + 8].lstrip("等").lstrip("的")
    forms = [f for word in asked for f in (word, *CATEGORIES.get(word, ()))]
    # the run may end on the category itself when no 、 follows it (…和精神上慰藉的义务), its last item
    # short (not …或者村民代表会议讨论决定与前款规定的单位有关的事项)
    last = _ITEM_SPLIT.split(span.text)[-1]
    if any(after.startswith(f) or (len(last) <= 10 and last.endswith("的" + f)) for f in forms):
        return True
    # 初次分配、再分配、第三次分配 for 哪几次分配: every item is one of the asked category.
    items = [i.strip(" 　\n：:。") for i in _ITEM_SPLIT.split(span.text)]
    items = [i for i in items if i]
    return len(items) >= 2 and all(any(f in i and len(i) > len(f) for f in forms) for i in items)


def _of_people(items: str) -> bool:
    """At least two of the items name people (end with 人, 者, 儿童, 家庭 …)."""
    return sum(bool(_PERSON_END.search(i.strip(" 　\n：:。"))) for i in _ITEM_SPLIT.split(items)) >= 2


def lists_the_asked(question: str, spans: Sequence[Span]) -> bool:
    """Whether the thing asked about is itself one of the items (项目包括土地治理项目、产业化经营项目… for
    产业化经营项目有哪几类): the run lists it beside others, it does not say what it holds."""
    return any(
        len(item) >= 4 and item in question
        for span in spans
        for item in (i.strip(" 　\n：:。") for i in _ITEM_SPLIT.split(span.text))
    )


class ItemsAnswer(AnswerType):
    """Reading shared by the types whose answer is a run of items (列举, 分类)."""

    gathers_items = True
    checks_category = False  # a lead-in announcing another category than the one asked fits less

    def spans(self, info: QuestionInfo, sentence: str) -> list[Span]:
        return enumerations(sentence)

    def fit(self, info: QuestionInfo, sentence: str, spans: Sequence[Span]) -> float:
        if (
            spans
            and _ASKS_PEOPLE.search(written_form(info.text))
            and not any(_of_people(s.text) for s in spans)
        ):
            return NOT_PEOPLE_FIT  # 哪几类人 is not answered by a list of benefits or tasks
        if spans and lists_the_asked(info.text, spans):
            return 0.0
        listed = [s for s in spans if s.kind == "listed"]
        if listed:
            asked = asked_category(written_form(info.text)) if self.checks_category else ()
            if asked and category_fits(asked, sentence[: listed[0].start]) is False:
                return OTHER_CATEGORY_FIT
            return 1.0
        if spans:
            asked = asked_category(written_form(info.text))
            if asked and any(named_as(sentence, s, asked) for s in spans):
                return 1.0  # …经济上供养、生活上照料和精神上慰藉的义务 names its items as the 义务 asked
            return INLINE_FIT
        return PAIR_FIT if _PAIR.search(sentence) else 0.0

    def pick(
        self, info: QuestionInfo, sentence: str, spans: Sequence[Span], terms: Sequence[str]
    ) -> Span | None:
        if not spans:
            return None
        best = max(spans, key=lambda s: (s.text.count("、"), len(s.text)))  # the longest run of items
        return _case_item(info, best) or best


class Enumeration(ItemsAnswer):
    name = "list"
    checks_category = True
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
