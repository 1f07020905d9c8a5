"""Question → answer pipeline (问答流程): follow-ups, analysis, retrieval, reading, composition.

The evidence threshold that separates an answer from 未找到依据 is calibrated on the dev set with
``bench/calibrate.py``, never on single questions.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from assistant.compose import (
    MAX_ANSWER,
    citation_for,
    clause_span,
    clause_window,
    passage_citation,
    pick_span,
    short_answer,
)
from assistant.docmatch import document_hints
from assistant.followup import resolve
from assistant.planted import planted_spans
from assistant.question import QuestionInfo, analyse
from assistant.reader import Evidence
from assistant.retrieve import Filters
from assistant.types import REFUSAL_TEXT, Answer, Citation, Hit

if TYPE_CHECKING:
    from assistant.engine import Assistant, Turn

CANDIDATES = 30  # passages the reader looks at
MIN_COVERAGE = (
    0.2  # evidence below this share of the question's weighted terms is not an answer (dev-set calibrated)
)
SECOND_SENTENCE = 0.85  # a second sentence joins when it scores this close to the best and adds terms
STRICT_MARGIN = 0.75  # a fitting sentence may lead when it scores at least this share of the best
CONTINUATION = 0.8
MIN_SECOND = 40  # characters left for a second sentence to be worth showing  # ... or when it is the clause right after the best one and scores this close


def _retrieve(assistant: Assistant, info: QuestionInfo, k: int, filters: Filters | None,
              prior_docs: Sequence[str] = ()) -> tuple[list[Hit], tuple[str, ...], dict[str, float]]:  # fmt: skip
    hints = document_hints(info, assistant.kb.documents())
    weights = dict(hints.weights)
    for d in prior_docs:
        weights[d] = weights.get(d, 1.0) * 1.5
    hits = assistant.retriever.retrieve(info.search_text, k, filters, doc_weights=weights)
    return hits, hints.missing if not hints.targeted else (), weights


def rank_passages(assistant: Assistant, question: str, k: int, filters: Filters | None) -> list[Hit]:
    info = analyse(question)
    hits, _, weights = _retrieve(assistant, info, max(k, CANDIDATES), filters)
    if assistant.settings.reader and hits:
        hits = assistant.evidence_reader.read(info, hits, weights).ranked
    return hits[:k]


def _refusal(question: str, info: QuestionInfo, hits: Sequence[Hit], text: str = REFUSAL_TEXT) -> Answer:
    related = tuple(passage_citation(i, h) for i, h in enumerate(hits[:3], start=1))
    return Answer(question, False, text, None, info.qtype, (), tuple(hits[:10]), related=related)


def _strict(info: QuestionInfo) -> bool:
    """Questions whose answer must be a figure of a kind: 多少钱 needs 元, 什么时候 a date or period."""
    return info.qtype == "deadline" or (info.qtype == "number" and bool(info.unit_forms))


def _select(info: QuestionInfo, evidence: list[Evidence]) -> list[Evidence]:
    """For strict questions, the best sentence that holds a figure of the asked kind leads, provided it
    scores close to the overall best; otherwise the documents do not state that figure."""
    if not _strict(info):
        return evidence
    fitting = [ev for ev in evidence[:20] if ev.fit >= 1.0 and ev.score >= STRICT_MARGIN * evidence[0].score]
    if not fitting:
        return []
    first = fitting[0]
    return [first, *(ev for ev in evidence if ev is not first)]


def _is_answer(best: Evidence) -> bool:
    return best.coverage >= MIN_COVERAGE


def answer_question(
    assistant: Assistant, question: str, history: Sequence[Turn], filters: Filters | None
) -> Answer:
    resolved = resolve(question, history, assistant.kb.tokenizer)
    if resolved.asks_source and resolved.previous and resolved.previous.answer:
        return _source_answer(question, resolved.previous.answer)
    info = analyse(resolved.question)
    hits, missing, weights = _retrieve(assistant, info, CANDIDATES, filters, resolved.prior_docs)
    if missing:
        names = "、".join(f"《{m}》" for m in missing)
        return _refusal(question, info, hits, f"现有文件中未找到{names}，无法据此回答。")
    if not hits:
        return _refusal(question, info, hits)
    if not assistant.settings.reader:
        unplanted = [h for h in hits if not planted_spans(h.chunk.text)]  # planted text is never an answer
        if not unplanted:
            return _refusal(question, info, hits)
        best = unplanted[0]
        return Answer(question, True, best.chunk.text[:MAX_ANSWER] + "[1]", None, info.qtype,
                      (passage_citation(1, best),), tuple(hits[:10]))  # fmt: skip
    reading = assistant.evidence_reader.read(info, hits, weights)
    ranked, evidence = reading.ranked, _select(info, reading.evidence)
    if not evidence or not _is_answer(evidence[0]):
        return _refusal(question, info, ranked)
    lead_chunk = evidence[0].hit.chunk.chunk_id
    ranked = sorted(ranked, key=lambda h: h.chunk.chunk_id != lead_chunk)  # the cited passage leads the list
    return _compose(question, info, ranked, evidence, [t.text for t in reading.terms])


def _compose(
    question: str, info: QuestionInfo, ranked: list[Hit], evidence: list[Evidence], terms: list[str]
) -> Answer:
    best = evidence[0]
    span = pick_span(info, best, terms)
    if span is None and info.qtype in ("definition", "other", "procedure", "classification"):
        span = clause_span(best.text, terms)  # 是什么: the matching clause is the short answer
    short = short_answer(info, span)
    # A figure, date, body or verdict leads the answer ("5479座。…"); an enumeration is read in its clause.
    leads = info.qtype == "yesno" or (
        info.qtype in ("number", "deadline", "procedure") and len(short or "") <= 20
    )
    lead = f"{short}。" if short and leads else ""
    budget = MAX_ANSWER - len(lead) - 4
    # The best sentence takes the room it needs; a second one only gets what is left.
    s, e = clause_window(best.text, span, terms, budget)
    parts = [best.text[s:e].rstrip("，；：,;:") + "[1]"]
    chosen = [best]
    second = _second(best, evidence, terms)
    room = budget - len(parts[0])
    if second is not None and room >= MIN_SECOND:
        s, e = clause_window(second.text, None, terms, room - 3)
        parts.append(second.text[s:e].rstrip("，；：,;:") + "[2]")
        chosen.append(second)
    body = "".join(parts)
    citations = tuple(citation_for(i, ev) for i, ev in enumerate(chosen, start=1))
    return Answer(question, True, lead + body, short, info.qtype, citations, tuple(ranked[:10]))


def _second(best: Evidence, evidence: list[Evidence], terms: list[str]) -> Evidence | None:
    """A second sentence joins the answer when it continues the best one (the clause after its ；)
    and scores nearly as well, or when it covers question terms the best one lacks."""
    covered = {t for t in terms if t in best.text}
    for ev in evidence[1:8]:
        if ev.hit.chunk.doc_id != best.hit.chunk.doc_id or ev.start == best.start:
            continue
        continues = 0 <= ev.start - best.end <= 2 and ev.score >= CONTINUATION * best.score
        new = {t for t in terms if t in ev.text and len(t) > 1} - covered
        adds = ev.score >= SECOND_SENTENCE * best.score and len(new) >= 2 and best.fit < 1.0 <= ev.fit
        if continues or adds:
            return ev
    return None


def _source_answer(question: str, previous: Answer) -> Answer:
    first = previous.citations[0]
    cite = replace(first, n=1)
    where = f"《{first.title}》" + (f"{first.section}" if first.section else "")
    return Answer(question, True, f"出自{where}。[1]", first.title, "other", (cite,), previous.retrieved)


def stream_answer(
    assistant: Assistant, question: str, history: Sequence[Turn], filters: Filters | None
) -> Iterator[str | Answer]:
    """Extractive answers arrive whole; the LLM path (assistant.llm) streams token by token."""
    if assistant.settings.llm_enabled:
        from assistant.llm import stream_with_llm

        yield from stream_with_llm(assistant, question, history, filters)
        return
    answer = assistant.ask(question, history, filters)
    yield answer.answer
    yield answer


__all__ = ["Citation", "answer_question", "rank_passages", "stream_answer"]
