"""The assistant (问答助手): the one facade the CLI, the web chat and the evaluation use.

``ask`` runs the :class:`~assistant.answerer.Answerer` (follow-up resolution → question analysis →
hybrid retrieval → evidence reading → answer composition with verified citations, or a refusal), then
an optional LLM (:mod:`assistant.llm`) may rephrase the answer; its output is checked against the same
citations and falls back to the extractive answer.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.answerer import Answerer
from assistant.config import Settings
from assistant.curated import CuratedAnswers
from assistant.defined_terms import DefinedTerms
from assistant.evidence_rank import shipped_models
from assistant.llm import LlmRewriter
from assistant.policy import DEFAULT_POLICY, AnswerPolicy
from assistant.reader import Reader
from assistant.rerank import IDENTITY, Reranker
from assistant.retrieve import Filters, HybridRetriever
from assistant.types import Answer, Hit, Turn
from corpus.chunker import ChunkSettings
from corpus.errors import CorpusError
from corpus.ids import text_hash
from corpus.loaders import describe_text, load_file
from corpus.tokenize import Tokenizer
from corpus.types import Chunk, DocMeta, SourceDoc
from index.audit import AuditLog, audit_log
from index.catalog import DocRecord
from index.doc_state import doc_states_for
from index.embed_queue import DocVectors, DrainProgress
from index.jobs import CancelToken
from index.knowledge_base import IngestReport, KnowledgeBase, ProgressFn, StepFn
from index.manifest import Manifest, read_manifest

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel


def open_knowledge_base(settings: Settings, *, check_manifest: bool = True) -> KnowledgeBase:
    """The knowledge base the settings describe; ``check_manifest=False`` only for a rebuild."""
    return KnowledgeBase(
        settings.index_dir,
        embedder=settings.embedder,
        chroma_url=settings.chroma_url,
        name=settings.kb_name,
        chunk_settings=ChunkSettings(max_tokens=settings.chunk_tokens),
        check_manifest=check_manifest,
        sentence_vectors=settings.sentence_vectors,
    )


class Assistant:
    """Composes "extract, then optionally rewrite": the :class:`Answerer` gives the extractive answer,
    and when an LLM is configured (or ``chat_model`` given) the :class:`LlmRewriter` rewrites it."""

    def __init__(
        self,
        settings: Settings,
        kb: KnowledgeBase | None = None,
        *,
        policy: AnswerPolicy = DEFAULT_POLICY,
        reranker: Reranker = IDENTITY,
        chat_model: BaseChatModel | None = None,
    ) -> None:
        self.settings = settings
        self.policy = policy
        self.kb = kb or open_knowledge_base(settings)
        self.doc_states = doc_states_for(self.kb.index_dir, server=bool(self.kb.chroma_url))
        self._text_hashes: dict[tuple[str, str], str] = {}  # (doc_id, fingerprint) → hash of its text
        self.retriever = HybridRetriever(
            self.kb,
            candidates=settings.candidates,
            rrf_k=settings.rrf_k,
            mode=settings.mode,
            disabled=self.doc_states.disabled,
        )
        # The reader asks for the keyword index per question: after an ingest (or another process's
        # write) the knowledge base reloads it, and the next question is read against the new one.
        # Documents' texts are asked per passage read: ids are content hashes, so a cached text never
        # goes stale.
        texts = functools.lru_cache(maxsize=64)(self.kb.catalog.document_text)
        reader = Reader(self.kb.tokenizer, lambda: self.kb.bm25, policy, texts)
        # Sentence vectors weigh in on the reading where the question is embedded anyway (not bm25 mode).
        similarity = self._sentence_similarity if settings.mode != "bm25" else None
        # The learned order was fitted on readings that had sentence vectors; without them it stays off.
        learned = policy.learned_ranking and similarity is not None
        models = shipped_models(policy.rank_window) if learned else None
        if (
            models is not None
            and models.affinity is not None
            and not models.affinity.suits(self.kb.embedder.name)
        ):
            models = replace(models, affinity=None)  # weights fitted on another model's vectors
        self.answerer = Answerer(
            self.kb,
            self.retriever,
            reader,
            settings,
            policy=policy,
            reranker=reranker,
            similarity=similarity,
            models=models,
            defined=DefinedTerms(self.kb.catalog.document_text, policy.defined_max_items)
            if policy.defined_terms
            else None,
        )
        # The LLM branch is decided here, once.
        llm_on = settings.llm_enabled or chat_model is not None
        self.rewriter: LlmRewriter | None = LlmRewriter(settings, chat_model) if llm_on else None
        # 精选答案: served first when one fits, unless its document is gone, changed or disabled
        self.curated = CuratedAnswers(self.kb.catalog, self.kb.index_dir, disabled=self.doc_states.disabled)

    def _sentence_similarity(
        self,
        question: str,
        units: Sequence[tuple[str, int, int, str]],
        weights: Sequence[float] | None = None,
    ) -> Sequence[float | None] | None:
        """Cosines of reading units to the question (语义相似度), its vector shared with dense retrieval;
        weighted per dimension when ``weights`` are given."""
        query = self.retriever.query_cache.embed_query(self.kb.embedder, question)
        return self.kb.sentence_cosines(query, units, weights)

    def meaning_vectors(
        self, question: str, units: Sequence[tuple[str, int, int, str]]
    ) -> tuple[list[float], list[list[float] | None]]:
        """The question's vector and each reading unit's stored one (None: not stored yet), as the
        reader compares them: what bench/train_ranker.py fits the affinity weights on."""
        query = self.retriever.query_cache.embed_query(self.kb.embedder, question)
        found = self.kb.sentence_unit_vectors(units)
        return [float(x) for x in query], [None if v is None else [float(x) for x in v] for v in found]

    # -- knowledge base -------------------------------------------------------------------------------
    # The knowledge base (知识库) as callers see it: ui/, evaluation/ and quiz/ use these, never ``kb``.
    def ingest(
        self,
        paths: Sequence[Path],
        progress: ProgressFn | None = None,
        rebuild: bool = False,
        *,
        cancel: CancelToken | None = None,
        step: StepFn | None = None,
        wait: bool = True,
    ) -> IngestReport:
        """Import files or folders (入库); ``cancel`` stops at the next document or embedding batch,
        ``step`` reports the phase within each file (see :meth:`index.knowledge_base.KnowledgeBase.ingest`).
        ``wait=False``: return once the documents are searchable by keyword, their vectors queued
        (``report.queued``) for :meth:`embed_pending`, ``policy-assistant embed`` or the web server."""
        return self.kb.ingest(paths, progress=progress, rebuild=rebuild, cancel=cancel, step=step, wait=wait)

    def pending_vectors(self) -> int:
        """Passages searchable by keyword whose vectors are still queued (待算向量)."""
        return self.kb.pending_vectors()

    def pending_sentences(self) -> int:
        """Sentences of stored passages still without a sentence vector (句向量, filled after the passages')."""
        return self.kb.pending_sentences()

    def vector_status(self) -> dict[str, DocVectors]:
        """Per-document vector state by doc id (queued / embedding n/N / ready), for the knowledge-base page."""
        return self.kb.vector_status()

    def embed_pending(
        self,
        *,
        cancel: CancelToken | None = None,
        on_batch: Callable[[DrainProgress], None] | None = None,
        batch_size: int | None = None,
        on_sentences: Callable[[int, int], None] | None = None,
    ) -> DrainProgress:
        """Fill the queued vectors, then the sentence vectors, a batch at a time (``cancel`` stops
        between batches); ``on_sentences(done, total)`` follows the sentences."""
        return self.kb.embed_pending(
            cancel=cancel, on_batch=on_batch, batch_size=batch_size, on_sentences=on_sentences
        )

    def embed_one_batch(self, batch_size: int | None = None) -> int:
        """Fill one batch of queued vectors (the web server's background filler); passages embedded."""
        return self.kb.embed_one_batch(batch_size)

    def reconfigured(self, settings: Settings) -> Assistant:
        """An assistant with other answering settings (mode, top_k, reader …) over this same open
        knowledge base; the index settings (index_dir, embedder, chunk size) are this one's. The policy,
        the reranker and an injected chat model (a test's fake) carry over."""
        injected = self.rewriter.model if self.rewriter else None
        return Assistant(
            settings, self.kb, policy=self.policy, reranker=self.answerer.reranker, chat_model=injected
        )

    def add_documents(self, docs: Sequence[SourceDoc]) -> IngestReport:
        """Import documents already loaded (e.g. :meth:`source_documents` of another knowledge base)."""
        return self.kb.add_documents(docs)

    def documents(self) -> list[DocRecord]:
        """Every stored document (文件列表), as the catalog lists it."""
        return self.kb.documents()

    def find_document(self, key: str) -> DocRecord | None:
        """The document with this id, file name or title, if any."""
        return self.kb.catalog.find_document(key)

    def remove(self, key: str) -> DocRecord | None:
        """Delete a document by id, file name or title; its record, or None when there is none."""
        rec = self.kb.remove(key)
        if rec is not None:
            self.doc_states.forget(rec.doc_id)
        return rec

    def duplicate_of(self, path: Path, name: str) -> DocRecord | None:
        """A stored document under another file name whose text equals that of the file at ``path``
        (uploaded as ``name``): 内容重复. None when there is none or the file cannot be read (the
        ingest then says why)."""
        try:
            text = load_file(path, source=name).text
        except (CorpusError, OSError):
            return None
        wanted = text_hash(text)
        for rec in self.documents():
            if rec.source == name:
                continue  # the same name replaces the stored version: an update, not a duplicate
            key = (rec.doc_id, rec.fingerprint)
            if key not in self._text_hashes:
                self._text_hashes[key] = text_hash(self.document_text(rec.doc_id) or "")
            if self._text_hashes[key] == wanted:
                return rec
        return None

    def disabled_documents(self) -> frozenset[str]:
        """Ids of the documents switched off (已停用): kept, but never retrieved or cited."""
        return self.doc_states.disabled()

    def set_document_enabled(self, doc_id: str, enabled: bool, user: str | None = None) -> bool:
        """Switch a stored document on or off (启用/停用) without deleting it; whether it changed.
        Unknown ids are refused with ``KeyError`` (a flag for no document would hide a later upload)."""
        if doc_id not in {d.doc_id for d in self.documents()}:
            raise KeyError(doc_id)
        return self.doc_states.set_enabled(doc_id, enabled, user)

    def stats(self) -> dict[str, int]:
        """Counts of documents, chunks, vectors and keyword-index entries."""
        return self.kb.stats()

    def document_text(self, doc_id: str) -> str | None:
        """A document's full text as loaded (原文); citations' offsets point into it."""
        return self.kb.catalog.document_text(doc_id)

    def document_meta(self, doc_id: str) -> DocMeta | None:
        return self.kb.catalog.document_meta(doc_id)

    def document_chunks(self, doc_id: str) -> list[Chunk]:
        """The indexed chunks of one document (what is searchable of it)."""
        return [s.chunk for s in self.kb.catalog.iter_chunks(self.kb.catalog.chunk_ids(doc_id))]

    def source_documents(self) -> list[SourceDoc]:
        """The stored documents as the loader produced them, rebuilt from the catalog (to index them
        again, e.g. with another chunk size). The skipped ranges (metadata header, web boilerplate) are
        recomputed with the rules :func:`corpus.loaders.load_file` applies to the loaded text."""
        docs = []
        for rec in self.documents():
            text = self.document_text(rec.doc_id)
            if not text:
                continue
            meta = self.document_meta(rec.doc_id) or DocMeta(title=rec.title)
            _, skip = describe_text(text)
            fmt = "md" if rec.source.lower().endswith((".md", ".markdown")) else "txt"
            docs.append(SourceDoc(rec.source, "", fmt, text, meta, tuple(skip)))
        return docs

    @property
    def tokenizer(self) -> Tokenizer:
        """The tokenizer the index was built with (the same one questions go through)."""
        return self.kb.tokenizer

    @property
    def audit(self) -> AuditLog:
        """The knowledge base's audit log (审计日志) of writes: who changed what, and the result."""
        return audit_log(self.settings.index_dir)

    def manifest(self) -> Manifest | None:
        """How the index was built (embedder, chunker, versions), or None for an empty index."""
        reader = getattr(self.kb.catalog, "read_manifest", None)  # server mode: the manifest is in the server
        return reader() if reader is not None else read_manifest(self.kb.index_dir)

    # -- questions ------------------------------------------------------------------------------------
    def search(self, question: str, k: int | None = None, filters: Filters | None = None) -> list[Hit]:
        """Ranked passages for a question (检索), after question analysis and reranking."""
        return self.answerer.search(question, k or self.settings.top_k, filters)

    def ask(self, question: str, history: Sequence[Turn] = (), filters: Filters | None = None) -> Answer:
        """Answer from the documents only, with citations; a refusal when they do not say it."""
        t0 = time.perf_counter()
        curated = self.curated.answer(question)
        if curated is not None:
            return _with_latency(curated, t0)
        answer = self.answerer.answer(question, history, filters)
        if self.rewriter is not None:
            answer = self.rewriter.rewrite(question, answer)
        return _with_latency(answer, t0)

    def stream(
        self, question: str, history: Sequence[Turn] = (), filters: Filters | None = None
    ) -> Iterator[str | Answer]:
        """Text pieces as they are produced, then the final checked :class:`Answer`. Extractive answers
        arrive whole; the LLM's rewriting streams sentence by sentence as each passes the checks."""
        t0 = time.perf_counter()
        curated = self.curated.answer(question)
        base = curated or self.answerer.answer(question, history, filters)
        if self.rewriter is None or curated is not None:  # a curated answer is served as written
            answer = _with_latency(base, t0)
            yield answer.answer
            yield answer
            return
        yield from self.rewriter.stream(question, base)

    def close(self) -> None:
        self.curated.close()
        self.doc_states.close()
        self.kb.close()


def _with_latency(answer: Answer, t0: float) -> Answer:
    return replace(answer, latency_ms=(time.perf_counter() - t0) * 1000)
