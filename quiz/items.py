"""Item builders (组题): one sentence and one fact (or list) → a 单选, 多选, 判断 or 填空 item.

Each builder returns the item, or the reason it could not be made (a key of ``DROP_REASONS``).
Stems quote the whole sentence, or the sub-sentence that holds the fact ended at a clause boundary (never
an ellipsis-cut fragment), prefixed with the document and article, so the item reads on its own; the
citation is the whole sentence, exactly as the document has it.
"""

from __future__ import annotations

import random

from quiz.distractors import DistractorPool
from quiz.facts import KIND_NAMES, Enumeration, Fact
from quiz.source import DocumentTexts, Sentence
from quiz.types import BLANK, JUDGE_OPTIONS, LETTERS, ItemCitation, QuizItem

_CLAUSE_ENDS = "，；：,;:"
_STRONG_ENDS = "；;"  # a sub-sentence starts after these: it reads as a whole sentence on its own
_SHORT_TAIL = 15  # a last clause this short (……，给予特困人员供养。) is kept: it is often the predicate
STEM_MAX = 80  # characters of document text a stem quotes before it is trimmed to the key's clauses
_QUESTION_WORDS = {
    "number": "多少",
    "date": "什么时候",
    "period": "多长时间",
    "body": "哪个机关",
    "term": "什么",
    "list": "哪些",
    "modality": "怎样",
}
Built = QuizItem | str


def _cuts(text: str, marks: str) -> list[int]:
    return [i + 1 for i, ch in enumerate(text) if ch in marks]


def _open_condition(text: str, cut: int) -> bool:
    """True when the clause before ``cut`` is a condition (……的，) whose rule follows: no place to stop."""
    return text[:cut].rstrip(_CLAUSE_ENDS).endswith("的")


def window(text: str, start: int, end: int, limit: int = STEM_MAX) -> tuple[int, int]:
    """The span of ``text`` a stem quotes around ``[start, end)`` (题干取句): the whole sentence when it
    is short, else the sub-sentence holding the fact, ended at a clause boundary after it.

    The span always starts at the sentence start or after a ；, and ends at the sentence end or at a
    clause end that does not leave a condition (……的，) dangling, so the stem reads as a whole sentence.
    """
    if len(text) <= limit:
        return 0, len(text)
    ws = max([c for c in _cuts(text, _STRONG_ENDS) if c <= start], default=0)
    if end - ws > limit:  # the key sits deep in a long clause run: start at the clause holding it
        ws = max([c for c in _cuts(text, _CLAUSE_ENDS) if c <= start and end - c <= limit], default=ws)
    ends = [c for c in _cuts(text, _CLAUSE_ENDS) if c >= end and not _open_condition(text, c)]
    # a ； closes a sub-sentence however short; a ， only once the stem has some length
    we = next((c for c in ends if text[c - 1] in _STRONG_ENDS or c - ws >= limit // 2), len(text))
    return ws, (len(text) if len(text) - we <= _SHORT_TAIL else we)


def clause(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause (between ，；： or the sentence ends) that holds ``[start, end)``."""
    cs = max([i + 1 for i, ch in enumerate(text[:start]) if ch in _CLAUSE_ENDS + "。"], default=0)
    ce = next((i for i in range(end, len(text)) if text[i] in _CLAUSE_ENDS + "。！？"), len(text))
    return cs, ce


def excerpt(text: str, ws: int, we: int, start: int, end: int, fill: str) -> str:
    """``text[ws:we]`` with ``[start, end)`` replaced by ``fill``; a span cut short ends with 。 (never ……)."""
    body = text[ws:start] + fill + text[end:we]
    if body[-1:] in _CLAUSE_ENDS:  # cut at a clause end, or a sentence ending in ；: close it as a sentence
        body = body.rstrip(_CLAUSE_ENDS) + "。"
    return body


def prefix(sent: Sentence) -> str:
    return f"根据《{sent.short_title}》{sent.article}，"


def _question(sent: Sentence, ws: int, we: int, start: int, end: int, kind: str) -> str:
    body = excerpt(sent.text, ws, we, start, end, _QUESTION_WORDS[kind]).rstrip("。；！？…")
    return prefix(sent) + body + "？"


def _citation(sent: Sentence) -> ItemCitation:
    return ItemCitation(sent.source, sent.section, sent.start, sent.end, sent.text, sent.title, sent.doc_id)


def _explanation(sent: Sentence, lead: str) -> str:
    where = f"《{sent.short_title}》{sent.article or ''}"
    return f"{lead}依据{where}，出处原文：“{sent.text}”"


def _tags(sent: Sentence, kind: str) -> tuple[str, ...]:
    top = sent.section.split(" > ")[0] if sent.section else ""
    return tuple(t for t in (sent.short_title, top, KIND_NAMES[kind]) if t)


def difficulty(item_type: str, kind: str, length: int, n_correct: int = 1) -> str:
    score = {"judge": 0, "single": 1, "blank": 2, "multi": 2}[item_type]
    score += kind in ("number", "period", "date")
    score += length > 60
    score += item_type == "multi" and n_correct >= 3
    return "easy" if score <= 1 else "medium" if score == 2 else "hard"


def true_distractors(
    sent: Sentence, fact: Fact, candidates: list[str], texts: DocumentTexts, n: int
) -> list[str]:
    """Candidates whose substituted clause no document states (so the distractor is wrong)."""
    cs, ce = clause(sent.text, fact.start, fact.end)
    out = []
    for cand in candidates:
        changed = sent.text[cs : fact.start] + cand + sent.text[fact.end : ce]
        if texts.states(changed):
            continue
        out.append(cand)
        if len(out) == n:
            break
    return out


def build_choice(
    sent: Sentence, fact: Fact, pool: DistractorPool, texts: DocumentTexts, rng: random.Random, key_pos: int
) -> Built:
    """单选: the fact blanked, four options, the key at ``key_pos``."""
    wrong = true_distractors(sent, fact, pool.for_fact(fact, sent.text, rng), texts, 3)
    if len(wrong) < 3:
        return "no_distractors"
    options = list(wrong)
    options.insert(key_pos % 4, fact.text)
    ws, we = window(sent.text, fact.start, fact.end)
    stem = prefix(sent) + excerpt(sent.text, ws, we, fact.start, fact.end, BLANK)
    return QuizItem(
        type="single",
        stem=stem,
        options=tuple(options),
        answer=(LETTERS[key_pos % 4],),
        explanation=_explanation(sent, f"正确答案为{LETTERS[key_pos % 4]}（{fact.text}）。"),
        citation=_citation(sent),
        difficulty=difficulty("single", fact.kind, we - ws),
        tags=_tags(sent, fact.kind),
        key_text=fact.text,
        fact_kind=fact.kind,
        question=_question(sent, ws, we, fact.start, fact.end, fact.kind),
    )


def build_blank(sent: Sentence, fact: Fact) -> Built:
    """填空: the fact blanked; the answer is the blanked text."""
    ws, we = window(sent.text, fact.start, fact.end)
    stem = prefix(sent) + excerpt(sent.text, ws, we, fact.start, fact.end, BLANK)
    return QuizItem(
        type="blank",
        stem=stem,
        options=(),
        answer=(fact.text,),
        explanation=_explanation(sent, f"答案：{fact.text}。"),
        citation=_citation(sent),
        difficulty=difficulty("blank", fact.kind, we - ws),
        tags=_tags(sent, fact.kind),
        key_text=fact.text,
        fact_kind=fact.kind,
        question=_question(sent, ws, we, fact.start, fact.end, fact.kind),
    )


def build_judge(
    sent: Sentence, fact: Fact, pool: DistractorPool, texts: DocumentTexts, rng: random.Random, truth: bool
) -> Built:
    """判断: the sentence as the document says it (true), or with the fact swapped for a distractor."""
    ws, we = window(sent.text, fact.start, fact.end)
    shown = fact.text
    if not truth:
        wrong = true_distractors(sent, fact, pool.for_fact(fact, sent.text, rng), texts, 1)
        if not wrong:
            return "no_distractors"
        shown = wrong[0]
    statement = prefix(sent) + excerpt(sent.text, ws, we, fact.start, fact.end, shown)
    lead = "该说法正确。" if truth else f"该说法错误：文件规定为“{fact.text}”，而不是“{shown}”。"
    return QuizItem(
        type="judge",
        stem=statement,
        options=JUDGE_OPTIONS,
        answer=("A",) if truth else ("B",),
        explanation=_explanation(sent, lead),
        citation=_citation(sent),
        difficulty=difficulty("judge", fact.kind, we - ws),
        tags=_tags(sent, fact.kind),
        key_text=fact.text,
        fact_kind=fact.kind,
        question=_question(sent, ws, we, fact.start, fact.end, fact.kind),
    )


def build_multi(sent: Sentence, enum: Enumeration, pool: DistractorPool, rng: random.Random) -> Built:
    """多选: a list blanked; 2–4 of its items and 1–3 items of sibling lists as options."""
    n_items = len(enum.items)
    n_correct = rng.randint(2, min(4, n_items))
    n_options = 5 if n_correct >= 3 or rng.random() < 0.3 else 4
    wrong = pool.for_list(enum, sent.text, rng, n_options - n_correct)
    if len(wrong) < n_options - n_correct:
        return "no_distractors"
    correct = rng.sample(list(enum.items), n_correct)
    options = correct + wrong[: n_options - n_correct]
    rng.shuffle(options)
    answer = tuple(LETTERS[i] for i, o in enumerate(options) if o in correct)
    ws, we = window(sent.text, enum.start, enum.end)
    body = excerpt(sent.text, ws, we, enum.start, enum.end, BLANK)
    stem = prefix(sent) + body + "下列属于括号中所列内容的有："
    keyed = "、".join(o for o in options if o in correct)
    return QuizItem(
        type="multi",
        stem=stem,
        options=tuple(options),
        answer=answer,
        explanation=_explanation(sent, f"正确答案为{''.join(answer)}（{keyed}）。"),
        citation=_citation(sent),
        difficulty=difficulty("multi", "list", we - ws, n_correct),
        tags=_tags(sent, "list"),
        key_text="、".join(enum.items),
        fact_kind="list",
        question=_question(sent, ws, we, enum.start, enum.end, "list"),
    )
