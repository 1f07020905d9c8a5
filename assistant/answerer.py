"""The extractive answerer (抽取式作答): follow-ups, analysis, retrieval, reading, composition.

An :class:`Answerer` is built from the knowledge base (its documents and tokenizer), a retriever, an
evidence reader and the settings; it returns the extractive :class:`Answer` (or a refusal) and the
ranked passages for a search. It knows nothing of the LLM: the :class:`~assistant.engine.Assistant`
composes "extract, then optionally rewrite".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Protocol

from assistant.answer_types import ANSWER_TYPES, AnswerTypes, QuestionInfo
from assistant.compose import compose, passage_citation
from assistant.config import Settings
from assistant.docmatch import document_hints
from assistant.followup import resolve
from assistant.planted import planted_spans
from assistant.policy import DEFAULT_POLICY, AnswerPolicy
from assistant.question import analyse
from assistant.reader import Evidence, Reader
from assistant.rerank import IDENTITY, Reranker
from assistant.retrieve import Filters
from assistant.types import REFUSAL_TEXT, Answer, Hit, Turn
from corpus.tokenize import Tokenizer
from index.catalog import DocRecord


class DocumentSource(Protocol):
    """What the answerer needs of the knowledge base: the documents' records and the tokenizer."""

    tokenizer: Tokenizer

    def documents(self) -> list[DocRecord]: ...


class Retriever(Protocol):
    """Ranked passages for a question (:class:`~assistant.retrieve.HybridRetriever`)."""

    def retrieve(
        self,
        question: str,
        k: int = 10,
        filters: Filters | None = None,
        doc_weights: Mapping[str, float] | None = None,
    ) -> list[Hit]: ...


class Answerer:
    def __init__(
        self,
        kb: DocumentSource,
        retriever: Retriever,
        reader: Reader,
        settings: Settings,
        *,
        policy: AnswerPolicy = DEFAULT_POLICY,
        reranker: Reranker = IDENTITY,
        types: AnswerTypes = ANSWER_TYPES,
    ) -> None:
        self.kb = kb
        self.retriever = retriever
        self.reader = reader
        self.settings = settings
        self.policy = policy
        self.reranker = reranker
        self.types = types

    def _retrieve(
        self, info: QuestionInfo, k: int, filters: Filters | None, prior_docs: Sequence[str] = ()
    ) -> tuple[list[Hit], tuple[str, ...], dict[str, float]]:
        """Passages (reranked), the named documents the knowledge base lacks, and the document weights."""
        hints = document_hints(info, self.kb.documents(), self.policy)
        weights = dict(hints.weights)
        for d in prior_docs:
            weights[d] = weights.get(d, 1.0) * self.policy.prior_doc_weight
        hits = self.retriever.retrieve(info.search_text, k, filters, doc_weights=weights)
        hits = self.reranker.rerank(info.text, hits)
        return hits, hints.missing if not hints.targeted else (), weights

    def search(self, question: str, k: int, filters: Filters | None = None) -> list[Hit]:
        """Ranked passages for a question (检索), after question analysis and reading."""
        info = analyse(question, self.types)
        hits, _, weights = self._retrieve(info, max(k, self.policy.read_passages), filters)
        if self.settings.reader and hits:
            hits = self.reader.read(info, hits, weights).ranked
        return hits[:k]

    def answer(self, question: str, history: Sequence[Turn] = (), filters: Filters | None = None) -> Answer:
        """Answer from the documents only, with citations; a refusal when they do not say it."""
        resolved = resolve(question, history, self.kb.tokenizer)
        if resolved.asks_source and resolved.previous and resolved.previous.answer:
            return self._source_answer(question, resolved.previous.answer)
        info = analyse(resolved.question, self.types)
        hits, missing, weights = self._retrieve(info, self.policy.read_passages, filters, resolved.prior_docs)
        if missing:
            names = "、".join(f"《{m}》" for m in missing)
            return self._refusal(question, info, hits, f"现有文件中未找到{names}，无法据此回答。")
        if not hits:
            return self._refusal(question, info, hits)
        if not self.settings.reader:
            return self._best_passage(question, info, hits)
        reading = self.reader.read(info, hits, weights)
        ranked, evidence = reading.ranked, self._select(info, reading.evidence)
        if not evidence or evidence[0].coverage < self.policy.min_coverage:
            return self._refusal(question, info, ranked)
        lead_chunk = evidence[0].hit.chunk.chunk_id
        ranked = sorted(ranked, key=lambda h: h.chunk.chunk_id != lead_chunk)  # the cited passage leads
        return compose(question, info, ranked, evidence, [t.text for t in reading.terms], self.policy)

    def _select(self, info: QuestionInfo, evidence: list[Evidence]) -> list[Evidence]:
        """For strict questions, the best sentence that holds a figure of the asked kind leads, provided it
        scores close to the overall best; otherwise the documents do not state that figure."""
        if not info.answer_type.strict(info):
            return evidence
        p = self.policy
        fitting = [
            ev
            for ev in evidence[: p.strict_window]
            if ev.fit >= 1.0 and ev.score >= p.strict_margin * evidence[0].score
        ]
        if not fitting:
            return []
        first = fitting[0]
        return [first, *(ev for ev in evidence if ev is not first)]

    def _best_passage(self, question: str, info: QuestionInfo, hits: list[Hit]) -> Answer:
        """The reader switched off (仅取最佳段落): the best passage is the answer."""
        unplanted = [h for h in hits if not planted_spans(h.chunk.text)]  # planted text is never an answer
        if not unplanted:
            return self._refusal(question, info, hits)
        best = unplanted[0]
        text = best.chunk.text[: self.policy.max_answer] + "[1]"
        listed = tuple(hits[: self.policy.listed])
        return Answer(question, True, text, None, info.qtype, (passage_citation(1, best),), listed)

    def _refusal(
        self, question: str, info: QuestionInfo, hits: Sequence[Hit], text: str = REFUSAL_TEXT
    ) -> Answer:
        p = self.policy
        related = tuple(passage_citation(i, h) for i, h in enumerate(hits[: p.related], start=1))
        return Answer(question, False, text, None, info.qtype, (), tuple(hits[: p.listed]), related=related)

    def _source_answer(self, question: str, previous: Answer) -> Answer:
        """这是哪个文件规定的？ — the document and section the previous answer cited first."""
        first = previous.citations[0]
        cite = replace(first, n=1)
        where = f"《{first.title}》" + (f"{first.section}" if first.section else "")
        qtype = self.types.fallback.name
        return Answer(question, True, f"出自{where}。[1]", first.title, qtype, (cite,), previous.retrieved)
