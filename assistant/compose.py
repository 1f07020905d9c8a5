"""Answer composition (答案组织): a short answer, the clause it comes from, and verified citations.

Citations are built here from stored offsets, never from generated text, so each quote is exactly
the document text at ``[start, end)``. Every figure in an answer must be stated, as the same value,
in a cited quote.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from itertools import islice

from assistant.answer_types import QuestionInfo
from assistant.clauses import CLAUSE, case_or_rule, clause_span
from assistant.consistency import unmatched_figures
from assistant.extract import LEAD_IN_END, Span, opens_numbered_item
from assistant.neighbours import (
    asks_two_cases,
    clauses_after,
    clauses_before,
    continues,
    other_asked_part,
    second_sentence,
)
from assistant.policy import DEFAULT_POLICY, AnswerPolicy
from assistant.reader import Evidence
from assistant.term_match import occurrences
from assistant.types import Answer, Citation, Hit


def citation_for(n: int, ev: Evidence) -> Citation:
    c = ev.hit.chunk
    return Citation(n, c.doc_id, c.source, ev.hit.title, c.section, ev.start, ev.end, ev.text)


def passage_citation(n: int, hit: Hit) -> Citation:
    c = hit.chunk
    return Citation(n, c.doc_id, c.source, hit.title, c.section, c.start, c.end, c.text)


def pick_span(info: QuestionInfo, ev: Evidence, terms: Sequence[str]) -> Span | None:
    """The answer span of the best sentence, as the question's answer type picks it."""
    return info.answer_type.pick(info, ev.text, ev.spans, terms)


def clause_window(sentence: str, span: Span | None, terms: Sequence[str], limit: int) -> tuple[int, int]:
    """A run of whole clauses around the span (or the best-matching clause) within ``limit`` chars."""
    if len(sentence) <= limit:
        return 0, len(sentence)
    clauses = [(m.start(), m.end()) for m in CLAUSE.finditer(sentence)]
    if not clauses:
        return 0, min(len(sentence), limit)

    def weight(i: int) -> int:
        s, e = clauses[i]
        return sum(len(t) for t in terms if t in sentence[s:e])

    if span is not None:
        center = next((i for i, (s, e) in enumerate(clauses) if s <= span.start < e), 0)
    else:
        center = max(range(len(clauses)), key=weight)
    lo = hi = center
    while True:
        options = []
        if lo > 0 and clauses[hi][1] - clauses[lo - 1][0] <= limit:
            options.append((weight(lo - 1), 1, lo - 1, hi))
        if hi + 1 < len(clauses) and clauses[hi + 1][1] - clauses[lo][0] <= limit:
            options.append((weight(hi + 1), 0, lo, hi + 1))
        if not options:
            break
        _, _, lo, hi = max(options)
    start, end = clauses[lo][0], clauses[hi][1]
    if span is not None and not (start <= span.start and span.end <= end):
        start, end = max(0, span.start - limit // 3), min(len(sentence), span.start - limit // 3 + limit)
    return start, end


def short_answer(info: QuestionInfo, span: Span | None) -> str | None:
    return None if span is None else info.answer_type.short(span)


def missing_figures(answer: str, quotes: Sequence[str]) -> list[str]:
    """Figures in ``answer`` that no quote states as the same value: such a figure is not backed by the
    documents. Compared as values with their units (两年 = 2年; 5月1日 ≠ 1月1日; 1 is not in 10)."""
    return [f.numeral for f in unmatched_figures(answer, quotes)]


def strip_unbacked(answer: str, quotes: Sequence[str]) -> str:
    """Remove sentences of a generated answer whose figures the cited quotes do not contain."""
    parts = re.split(r"(?<=[。！？\n])", answer)
    kept = [p for p in parts if not missing_figures(p, quotes)]
    return "".join(kept).strip()


def compose(
    question: str,
    info: QuestionInfo,
    ranked: Sequence[Hit],
    evidence: Sequence[Evidence],
    terms: Sequence[str],
    policy: AnswerPolicy = DEFAULT_POLICY,
) -> Answer:
    """The answer from the best sentence (and perhaps a second): short answer first when the type
    leads with it, then the clauses around it, each sentence with its citation marker."""
    kind = info.answer_type
    best = _whole_list(info, evidence[0], evidence)
    span = pick_span(info, best, terms)
    if span is None and kind.clause_fallback:
        span = clause_span(best.text, terms)  # 是什么: the matching clause is the short answer
        if span is not None:
            span = case_or_rule(info, best.text, span)
    short = short_answer(info, span)
    # 应当向乡镇提出…。金额较小的，可以委托乡镇审批: the next sentence of the same passage settles it.
    settles = stated_condition(info, best, evidence, terms)
    if settles is None and not kind.settled(short):
        settles = settling_sentence(info, best, evidence, terms)
    if settles is not None:
        short = short_answer(info, pick_span(info, settles, terms))
    # A figure, date, body or verdict leads the answer ("5479座。…"); an enumeration is read in its clause.
    # The kind one listed item names (二类疫病) leads the scale it is read from.
    item = span is not None and span.kind == "item"
    lead = f"{short}。" if short and (item or kind.leads(info, short)) else ""
    # A list read with its numbered items (下列…：（一）…（二）…) is shown whole: a cadre needs every item.
    listed = span is not None and span.kind == "listed"
    room = policy.max_list_answer if listed or item else policy.max_answer
    reserved = len(lead) + 4  # the lead and the citation markers
    budget = room - reserved
    # The best sentence takes the room it needs; a second one only gets what is left.
    s, e = clause_window(best.text, None if item else span, terms, budget)
    # A list read across lines (下列…：(一)…(二)…) is shown on one line; the citation keeps the text.
    parts = [_shown(best.text[s:e]) + "[1]"]
    chosen = [best]
    to_end = e == len(best.text)  # the quote reaches its sentence's (or clause's) end
    # The clause the best one leans on (its sentence's start, before a ；) is read before any second
    # sentence is chosen: 在本市死亡的，遗体应当在本市火化；因特殊情况…运出的，应当经…批准 is one rule, and a
    # second sentence taking the room first left the exception quoted without the rule it departs from.
    if s == 0:
        chosen[0], parts[0] = _sentence_start(chosen[0], parts[0], evidence, budget - len(parts[0]))
        best = chosen[0]
    second = (
        settles
        or other_asked_part(info, best, evidence)
        or second_sentence(best, evidence, terms, policy, two_part=asks_two_cases(info.text))
    )
    if (
        not listed
        and not item
        and second is not None
        and continues(best, second)
        and any(sp.kind == "listed" for sp in second.spans)
    ):
        # …及时与其签订协议。协议包括下列事项：（一）…（五）: the next sentence announces the list and reads its
        # items, so the answer gets a list's room, as it would when that sentence led.
        budget = policy.max_list_answer - reserved
    room = budget - len(parts[0])
    if second is not None and room >= policy.min_second:
        s2, e2 = clause_window(second.text, None, terms, room - 3)
        if to_end and s2 == 0 and continues(best, second):
            # What directly follows (the clause after its ；) is quoted with it: one quote, one citation.
            parts = [_shown(best.text[s:] + second.text[:e2]) + "[1]"]
            chosen = [replace(best, end=second.end, text=best.text + second.text)]
            to_end = e2 == len(second.text)
        else:
            parts.append(_shown(second.text[s2:e2], join=False) + "[2]")
            chosen.append(second)
    if len(chosen) == 1 and to_end:
        chosen[0], parts[0] = _sentence_end(chosen[0], parts[0], evidence, budget - len(parts[0]))
    body = "".join(parts)
    citations = tuple(citation_for(i, ev) for i, ev in enumerate(chosen, start=1))
    return Answer(question, True, lead + body, short, info.qtype, citations, tuple(ranked[: policy.listed]))


# 离任审计主要查哪些, read at its item （三）集体资产…: the list is the answer, so the unit that holds its
# lead-in and every item (第十一条 …按下列内容…：（一）…（四）…) is quoted instead of the one item.
def _whole_list(info: QuestionInfo, best: Evidence, evidence: Sequence[Evidence]) -> Evidence:
    """For a list question answered by a numbered item, the read unit around it that announces the list."""
    if not info.answer_type.gathers_items or not opens_numbered_item(best.text):
        return best
    around = [
        ev
        for ev in evidence
        if ev.hit.chunk.chunk_id == best.hit.chunk.chunk_id
        and ev.start <= best.start
        and ev.end >= best.end
        and ev.end - ev.start > best.end - best.start
        and any(colon in ev.text[: best.start - ev.start] for colon in LEAD_IN_END)
    ]
    return min(around, key=lambda ev: ev.end - ev.start, default=best)


def _sentence_end(
    quoted: Evidence, part: str, evidence: Sequence[Evidence], room: int
) -> tuple[Evidence, str]:
    """A quote that stops at a ； is read on to its sentence's end while whole clauses fit in ``room``
    (旱情由…发布；旱灾由…发布；农业灾情由…发布: each clause answers one part of a 分别 question)."""
    for nxt in clauses_after(quoted, evidence):
        if len(nxt.text) > room:
            break
        room -= len(nxt.text)
        mark = quoted.text.rstrip()[-1]  # the ； the quote's text was cut before
        part = part.removesuffix("[1]") + mark + _join_lines(nxt.text).rstrip("，；：,;:") + "[1]"
        quoted = replace(quoted, end=nxt.end, text=quoted.text + nxt.text)
    return quoted, part


def _sentence_start(
    quoted: Evidence, part: str, evidence: Sequence[Evidence], room: int
) -> tuple[Evidence, str]:
    """A quote that starts after a ； is read back to its sentence's start while whole clauses fit in
    ``room``: a later clause leans on the one before it (…由乡（民族乡、镇）人民政府调处；协调不成的，报…处理)."""
    for prev in clauses_before(quoted, evidence):
        if len(prev.text) > room:
            break
        room -= len(prev.text)
        part = _ARTICLE_NO.sub("", _join_lines(prev.text) + part, count=1)
        quoted = replace(quoted, start=prev.start, text=prev.text + quoted.text)
    return quoted, part


# A clause's condition (没有违法所得的， / 拒不改正的， / 情节严重的，): the words up to its 的 and comma.
_CONDITION = re.compile(r"^([^，,。；;：:]{2,24}?)的[，,]")


def stated_condition(
    info: QuestionInfo, best: Evidence, evidence: Sequence[Evidence], terms: Sequence[str]
) -> Evidence | None:
    """For a figure: a later clause of the best sentence (after its ；) whose condition the question states
    (…处违法所得一倍以上二倍以下的罚款；没有违法所得的，可以并处二万元以下的罚款 asked 也没挣着钱，能罚多少):
    its figure is the one that applies. The condition counts as stated when the question's words cover
    at least half of it and it is not already the best clause's own."""
    if not info.answer_type.asks_figure:
        return None
    words = [t for t in terms if len(t) >= 2]
    for ev in islice(clauses_after(best, evidence), 3):  # the next clauses of the best one's sentence
        m = _CONDITION.match(ev.text)
        # The best clause's own condition is no other case (病故 inside 《军人病故通知书》 is not 病故的，).
        if m is None or m.group(0) in best.text:
            continue
        cond = m.group(1)
        said = {i for t in words for k in occurrences(cond, t) for i in range(k, k + len(t))}
        if 2 * len(said) >= len(cond) and pick_span(info, ev, terms) is not None:
            return ev
    return None


def settling_sentence(
    info: QuestionInfo, best: Evidence, evidence: Sequence[Evidence], terms: Sequence[str]
) -> Evidence | None:
    """The sentence right after the best one in its passage, when its own answer settles the question."""
    for ev in evidence:
        if ev.hit.chunk.chunk_id == best.hit.chunk.chunk_id and 0 <= ev.start - best.end <= 2:
            return ev if info.answer_type.settled(short_answer(info, pick_span(info, ev, terms))) else None
    return None


_SPACE_RUN = re.compile(r"\s+")
# The article number a quote opens with (第二十条 ) is shown by the citation, not in the answer: a cadre reads
# the rule, and the characters go to the rule's words.
_ARTICLE_NO = re.compile(r"^\s*第[一二三四五六七八九十百零〇\d]+条\s*")


def _shown(text: str, join: bool = True) -> str:
    """A quoted stretch as the answer shows it: lines joined (when ``join``), without the article number it
    opens with, and without trailing clause punctuation."""
    shown = _join_lines(text) if join else text
    return _ARTICLE_NO.sub("", shown, count=1).rstrip("，；：,;:")


def _join_lines(text: str) -> str:
    """``text`` with every whitespace run that holds a line break removed: one match per run, so linear
    (a pattern of spaces, a line break, spaces rescans a long run of spaces from each of its positions)."""
    return _SPACE_RUN.sub(lambda m: "" if "\n" in m.group() else m.group(), text)
