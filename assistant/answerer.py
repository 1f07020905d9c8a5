"""The extractive answerer (抽取式作答): follow-ups, analysis, retrieval, reading, composition.

An :class:`Answerer` is built from the knowledge base (its documents and tokenizer), a retriever, an
evidence reader and the settings; it returns the extractive :class:`Answer` (or a refusal) and the
ranked passages for a search. It knows nothing of the LLM: the :class:`~assistant.engine.Assistant`
composes "extract, then optionally rewrite".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import Protocol

from assistant.answer_types import ANSWER_TYPES, AnswerTypes, QuestionInfo
from assistant.asked_values import (
    acting_item_first,
    unstated_act,
    unstated_bound,
    unstated_payer,
    unstated_rate,
    unstated_term,
    unstated_value,
)
from assistant.compose import compose, passage_citation
from assistant.config import Settings
from assistant.constraints import (
    Subjects,
    Unmet,
    admissible_docs,
    document_gap,
    prefer_asked_region,
    region_gap,
    subject_gap,
    subjects,
    unqualified,
    unstated_year,
)
from assistant.defined_terms import DefinedTerms
from assistant.docmatch import DocHints, document_hints
from assistant.evidence_rank import EvidenceModels
from assistant.followup import resolve
from assistant.lexicon import SYNONYMS
from assistant.planted import planted_spans
from assistant.policy import DEFAULT_POLICY, AnswerPolicy
from assistant.question import analyse
from assistant.reader import Evidence, Reader, SentenceSimilarity
from assistant.rerank import IDENTITY, Reranker
from assistant.retrieve import Filters
from assistant.types import REFUSAL_TEXT, Answer, Hit, Turn
from corpus.tokenize import Tokenizer
from index.catalog import DocRecord


def _in_lexicon(word: str) -> bool:
    """Whether the lexicon maps the word (or a part of it) to document wording (县里 → 县级人民政府)."""
    return any(key in word or word in key for key in SYNONYMS)


def _in_evidence_order(ranked: Sequence[Hit], evidence: Sequence[Evidence]) -> list[Hit]:
    """The passages in the order of their best sentence in ``evidence`` (the order the answer is chosen
    by: the learned ranker's when it reads), then those with no sentence kept, as the reader ranked them.
    The reader ranks passages by its own sentence scores; listing them by the ranker's order puts the
    passage of a close second sentence among the first few a cadre reads."""
    first_at: dict[str, int] = {}
    for ev in evidence:
        first_at.setdefault(ev.hit.chunk.chunk_id, len(first_at))
    return sorted(ranked, key=lambda h: first_at.get(h.chunk.chunk_id, len(first_at)))


def _is_title(ev: Evidence) -> bool:
    return re.sub(r"[\s\u3000]", "", ev.text).strip("。") == re.sub(r"[\s\u3000]", "", ev.hit.title)


# A text's closing clause (本条例自2022年9月1日起施行，《…》同时废止) says when it took effect and what it
# replaced, nothing else: it answers only a question about that (施行, 生效, 废止, 还管用 …). Read for other
# questions, it shares their document's name and region and was quoted as the answer (怎么修 → 本条例自…起施行).
_CLOSING = re.compile(
    r"^(?:第[一二三四五六七八九十百零〇\d]+条[\s\u3000]*)?本(?:法|条例|办法|规定|细则|决定|规则)"
    r"自[^。；]{2,30}?起(?:施行|实施|实行|执行|生效)|同时废止。?$"
)
_ASKS_EFFECT = re.compile(
    r"施行|实施|实行|执行|生效|有效|失效|废止|作废|管用|算数|过时|取代|替代|代替|通过|哪天|几号|何时|什么时候|啥时|原来|以前|老条例"
)


def _is_closing(ev: Evidence) -> bool:
    return bool(_CLOSING.search(ev.text.strip()))


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
        similarity: SentenceSimilarity | None = None,
        models: EvidenceModels | None = None,
        defined: DefinedTerms | None = None,
        today: Callable[[], date] = date.today,
    ) -> None:
        self.kb = kb
        self.today = today  # the clock 今年 / 明年 are read with (injected in tests)
        self.retriever = retriever
        self.reader = reader
        self.settings = settings
        self.policy = policy
        self.reranker = reranker
        self.types = types
        self.similarity = similarity
        # The learned evidence order and answerability (学习排序与作答判定); None: the reader's own.
        self.models = models
        # The documents' own definitions (术语定义): 荒山 in a question also looks for 四荒.
        self.defined = defined
        # Called with each question's candidate sentences in the reader's order, the reader's lead
        # (None when no sentence fits a strict type) and the passages read: bench/train_ranker.py
        # collects them as training rows.
        self.on_evidence: (
            Callable[[QuestionInfo, Sequence[Evidence], Evidence | None, Sequence[Hit]], None] | None
        ) = None

    def _retrieve(
        self, info: QuestionInfo, k: int, filters: Filters | None, prior_docs: Sequence[str] = ()
    ) -> tuple[list[Hit], DocHints, dict[str, float]]:
        """Passages (reranked), what the question's document references matched, the document weights."""
        hints = document_hints(info, self.kb.documents(), self.policy)
        weights = dict(hints.weights)
        for d in prior_docs:
            weights[d] = weights.get(d, 1.0) * self.policy.prior_doc_weight
        hint = info.answer_type.search_hint(info)
        query = f"{info.search_text} {hint}" if hint else info.search_text
        hits = self.retriever.retrieve(query, k, filters, doc_weights=weights)
        hits = self.reranker.rerank(info.text, hits)
        return hits, hints, weights

    def _with_defined(self, info: QuestionInfo, docs: Sequence[DocRecord] | None = None) -> QuestionInfo:
        """The question with the terms the documents (``docs``, or the knowledge base's when not given)
        define its words under (荒山 → 四荒)."""
        if self.defined is None:
            return info
        docs = self.kb.documents() if docs is None else docs
        return self.defined.expand(info, [d.doc_id for d in docs])

    def search(self, question: str, k: int, filters: Filters | None = None) -> list[Hit]:
        """Ranked passages for a question (检索), after question analysis and reading."""
        info = self._with_defined(analyse(question, self.types))
        hits, _, weights = self._retrieve(info, max(k, self.policy.read_passages), filters)
        if self.settings.reader and hits:
            hits = self.reader.read(info, hits, weights, self.similarity).ranked
        return hits[:k]

    def answer(self, question: str, history: Sequence[Turn] = (), filters: Filters | None = None) -> Answer:
        """Answer from the documents only, with citations; a refusal when they do not say it."""
        resolved = resolve(question, history, self.kb.tokenizer)
        if resolved.asks_source and resolved.previous and resolved.previous.answer:
            return self._source_answer(question, resolved.previous.answer)
        docs = self.kb.documents()
        info = self._with_defined(analyse(resolved.question, self.types), docs)
        hits, hints, weights = self._retrieve(info, self.policy.read_passages, filters, resolved.prior_docs)
        asked = self._subjects(info)
        gap = document_gap(info, docs, hints) or subject_gap(asked, [h.chunk.text for h in hits])
        if gap is not None:
            return self._unmet(question, info, hits, gap)
        if not hits:
            return self._refusal(question, info, hits)
        if not self.settings.reader:
            return self._best_passage(question, info, hits)
        reading = self.reader.read(info, hits, weights, self.similarity)
        allowed = admissible_docs(info, docs, hints, self.policy)
        # A document's title line states nothing (it only repeats the name the question gave); its closing
        # clause only when it took effect and what it replaced.
        closing_asked = bool(_ASKS_EFFECT.search(info.text))
        every = [
            ev for ev in reading.evidence if not _is_title(ev) and (closing_asked or not _is_closing(ev))
        ]
        kept = every if allowed is None else [ev for ev in every if ev.hit.chunk.doc_id in allowed]
        evidence, answerable = self._ordered(info, kept, hits)
        ranked = _in_evidence_order(reading.ranked, evidence)
        if not answerable:
            gap = (
                region_gap(info, docs, self._select(info, every), self.policy)
                if allowed is not None
                else None
            )
            if gap is not None:
                return self._unmet(question, info, ranked, gap)
            return self._refusal(question, info, ranked)
        evidence = prefer_asked_region(info, docs, evidence, self.policy.asked_region_window)
        evidence = acting_item_first(info, evidence)
        lead = evidence[0]
        gap = (
            unqualified(asked, lead.text, lead.hit.chunk.text)
            or unstated_rate(info, lead.text)
            or unstated_value(info, lead.text)
            or unstated_term(info, lead.text)
            or unstated_year(info, docs, lead.hit.chunk.text, self.today())
        )
        if gap is not None:
            return self._unmet(question, info, ranked, gap)
        lead_chunk = evidence[0].hit.chunk.chunk_id
        ranked = sorted(ranked, key=lambda h: h.chunk.chunk_id != lead_chunk)  # the cited passage leads
        answer = compose(question, info, ranked, evidence, [t.text for t in reading.terms], self.policy)
        # Who pays is read on the whole composed answer: the cost may stand in its second sentence.
        # Who handles an act is read on the lead quote: a second sentence may name the act for another matter.
        lead_quote = answer.citations[0].quote if answer.citations else answer.answer
        gap = (
            unstated_payer(info, answer.answer)
            or unstated_act(info, lead_quote)
            or unstated_bound(info, answer.short_answer, lead_quote)
        )
        return answer if gap is None else self._unmet(question, info, ranked, gap)

    def _ordered(
        self, info: QuestionInfo, kept: list[Evidence], hits: Sequence[Hit]
    ) -> tuple[list[Evidence], bool]:
        """The evidence, best first and selected for the type, and whether to answer from it.

        Without models: the reader's order, answered when its lead covers enough of the question.
        With them: the ranker's order, answered when the gate's probability reaches
        ``answerable_probability`` (the gate reads every candidate, so a question worded unlike the
        documents is not refused for its lead's coverage alone) and the lead covers at least
        ``gate_min_coverage``. A learned lead that covers too little of the question gives way to
        the reader's when the reader's covers enough."""
        hand = self._select(info, kept)
        if self.on_evidence is not None:
            self.on_evidence(info, kept, hand[0] if hand else None, hits)
        if not hand:
            return hand, False
        # The models were fitted on readings with sentence vectors; before a document's vectors exist
        # (just uploaded, still embedding) no sentence is close in meaning, and the reader decides.
        read_meaning = any(ev.closeness > 0 for ev in kept)
        if self.models is None or len(kept) < 2 or not read_meaning:
            return hand, self._enough(hand[0])
        read = self.models.read(info, kept, hand[0], hits, self.similarity)
        learned = self._select(info, read.ordered)
        hand_enough = self._enough(hand[0])
        if read.answerable is None:
            answerable = hand_enough
        else:
            p = self.policy
            needed = (
                p.verdict_answerable_probability
                if info.answer_type.gives_verdict
                else p.answerable_probability
            )
            answerable = read.answerable >= needed and hand[0].coverage >= p.gate_min_coverage
        if learned and (self._enough(learned[0]) or not hand_enough):
            return learned, answerable
        return hand, answerable

    def _enough(self, lead: Evidence) -> bool:
        """Whether the lead covers enough of the question to answer: min_coverage of its weighted terms,
        or agreed_coverage when it is also the sentence closest to the question in meaning."""
        p = self.policy
        if lead.coverage >= p.min_coverage:
            return True
        return lead.closeness >= 1.0 and lead.fit >= 1.0 and lead.coverage >= p.agreed_coverage

    def _select(self, info: QuestionInfo, evidence: list[Evidence]) -> list[Evidence]:
        """For strict questions, the best sentence that holds a figure of the asked kind leads, provided it
        scores close to the overall best; otherwise the documents do not state that figure. For a type
        that prefers a fitting sentence (a quoted term's definition, a division), such a sentence leads
        the same way, and the order stays as it was when none fits."""
        strict = info.answer_type.strict(info)
        if not strict and not info.answer_type.prefers_fit(info):
            return evidence
        p = self.policy
        # A clause after a ； is part of its sentence: it scores as well as the clause before it
        # (…满三人的，…可以不补选；其成员不满三人的，应当在三个月内…补选 — the rule's subject is up front).
        before = {(ev.hit.chunk.doc_id, ev.end): ev.score for ev in evidence if ev.text.endswith("；")}
        fitting = [
            ev
            for ev in evidence[: p.strict_window]
            if ev.fit >= 1.0
            and max(ev.score, before.get((ev.hit.chunk.doc_id, ev.start), 0.0))
            >= p.strict_margin * evidence[0].score
        ]
        if not fitting:
            return [] if strict else evidence
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

    def _subjects(self, info: QuestionInfo) -> Subjects:
        if not self.policy.check_subject:
            return Subjects()
        tok = self.kb.tokenizer
        return subjects(info, tok.words, self.reader.stats().idf, _in_lexicon, tok.tagged)

    def _unmet(self, question: str, info: QuestionInfo, hits: Sequence[Hit], gap: Unmet) -> Answer:
        """A refusal naming the constraint the documents miss; passages of the documents that come
        closest (another year's 一号文件) lead the related ones, shown for reference only."""
        near = [h for h in hits if h.chunk.doc_id in gap.related_docs]
        rest = [h for h in hits if h.chunk.doc_id not in gap.related_docs]
        return self._refusal(question, info, near + rest, gap.message)

    def _source_answer(self, question: str, previous: Answer) -> Answer:
        """这是哪个文件规定的？ — the document and section the previous answer cited first."""
        first = previous.citations[0]
        cite = replace(first, n=1)
        where = f"《{first.title}》" + (f"{first.section}" if first.section else "")
        qtype = self.types.fallback.name
        return Answer(question, True, f"出自{where}。[1]", first.title, qtype, (cite,), previous.retrieved)
