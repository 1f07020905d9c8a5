"""The clause a short answer is read from (答句): the clause matching the question best, or the rule a
case leads to.

A short answer without a typed span (a figure, a date, a body) is a clause of the best sentence: for
是什么 the clause after its copula, for 咋办 the rule after the case the question repeats (申请临时救助的，
应当向乡镇…提出).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.answer_types import QuestionInfo
from assistant.answer_types.definition import MEMBERSHIP
from assistant.extract import Span, past_join

CLAUSE = re.compile(r"[^，；：,;:]+[，；：,;:]?")
_COPULA = re.compile(r"主要是|就是|是指|主要任务是|目标是|是")
_NAMES_THE_TERM = re.compile(r"是指(?=[^，；：,;:。])")
_DEFINED = re.compile(r"[^；;。]+")
_ARTICLE_NUMBER = re.compile(r"第[一二三四五六七八九十百零〇\d]+条[\s\u3000]*")


def clause_span(sentence: str, terms: Sequence[str]) -> Span | None:
    """For 是什么 questions: the clause that matches the question best, from its copula on
    (乡村振兴重点帮扶县主要是持续巩固拓展脱贫攻坚成果 → 持续巩固拓展脱贫攻坚成果), without the article
    number before it; the clause after 是指 when the best one only names the term (本法所称农村土地，是指…)."""
    best: tuple[int, int, int] | None = None
    for m in CLAUSE.finditer(sentence):
        weight = sum(len(t) for t in terms if t in m.group(0))
        if weight and (best is None or weight > best[0]):
            best = (weight, m.start(), m.end())
    if best is None:
        return None
    _, start, end = best
    clause = sentence[start:end].rstrip("，；：,;:。")
    numbered = _ARTICLE_NUMBER.match(clause)  # 第十六条 numbers the article: no part of what it says
    if numbered:
        start, clause = start + numbered.end(), clause[numbered.end() :]
    named = _NAMES_THE_TERM.match(sentence, end)  # 本法所称农村土地，是指… : what it is follows the name
    if named:
        said = _DEFINED.match(sentence, named.end())
        if said:  # the whole definition: its clauses lead up to what the thing is (…的区域性经济组织)
            return Span(said.start(), said.end(), "clause", said.group(0))
    member = MEMBERSHIP.search(sentence)
    if member and any(t in member.group("term") for t in terms):
        # …的居民，为农村集体经济组织成员: the term is named last; what it is are the conditions before
        comma = member.start("comma")
        head = _ARTICLE_NUMBER.match(sentence)
        opened = head.end() if head else 0
        return Span(opened, comma, "clause", sentence[opened:comma])
    last_term = max((clause.rfind(t) + len(t) for t in terms if t in clause), default=0)
    copula = _COPULA.search(clause, last_term) or _COPULA.search(clause)
    if copula and len(clause) - copula.end() >= 4:
        start, clause = start + copula.end(), clause[copula.end() :]
    if len(clause) < 4:
        return None
    joined = past_join(sentence, start, start + len(clause))
    clause, start = clause[joined - start :], joined
    return Span(start, start + len(clause), "clause", clause)


_RULE = re.compile(r"[^；;。\n]+")
# 满足啥条件 / 什么情况下 / 哪些情形 ask the case itself: then the clause stating it is the answer.
_ASKS_CASE = re.compile(r"(?:啥|什么|哪些|哪种|哪几种|何种)(?:样的)?(?:条件|情形|情况)")


def rule_after_case(sentence: str, span: Span) -> Span | None:
    """The rule a clause stating a case leads to (…的，[rule]): 申请临时救助的，应当向乡镇人民政府、街道办事处
    提出，经审核、公示后，由县级人民政府民政部门审批 gives what follows 的， up to the sentence's ；or 。.
    None when the clause states no case or nothing follows it in the sentence (an item of a list of
    deeds, （一）在公共区域随意堆放…的；, is ruled by its lead-in, not by the clause after it)."""
    if not span.text.endswith("的") or sentence[span.end : span.end + 1] not in ("，", ","):
        return None
    rule = _RULE.match(sentence, span.end + 1)
    text = rule.group(0).rstrip("，,：:") if rule is not None else ""
    if rule is None or len(text) < 4:
        return None
    return Span(rule.start(), rule.start() + len(text), "clause", text)


def case_or_rule(info: QuestionInfo, sentence: str, clause: Span) -> Span:
    """The clause, or the rule it states a case of when the question asks what is done
    (AnswerType.answers_with_rule) and not the case itself (满足啥条件)."""
    if not info.answer_type.answers_with_rule or _ASKS_CASE.search(info.text):
        return clause
    return rule_after_case(sentence, clause) or clause
