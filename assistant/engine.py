"""The assistant (问答助手): the one facade the CLI, the web chat and the evaluation use.

``ask`` runs: follow-up resolution → question analysis → hybrid retrieval → evidence reading →
answer composition with verified citations (or a refusal). An optional LLM may rephrase the
answer; its output is checked against the same citations and falls back to the extractive answer.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.config import Settings
from assistant.reader import Reader
from assistant.retrieve import Filters, HybridRetriever
from assistant.types import Answer, Hit
from corpus.chunker import ChunkSettings
from index.knowledge_base import IngestReport, KnowledgeBase, ProgressFn


@dataclass(frozen=True, slots=True)
class Turn:
    """One earlier exchange of a conversation (对话轮次), used to resolve follow-up questions."""

    question: str
    answer: Answer | None = None


def open_knowledge_base(settings: Settings, *, check_manifest: bool = True) -> KnowledgeBase:
    """The knowledge base the settings describe; ``check_manifest=False`` only for a rebuild."""
    return KnowledgeBase(
        settings.index_dir,
        embedder=settings.embedder,
        chroma_url=settings.chroma_url,
        name=settings.kb_name,
        chunk_settings=ChunkSettings(max_tokens=settings.chunk_tokens),
        check_manifest=check_manifest,
    )


class Assistant:
    def __init__(self, settings: Settings, kb: KnowledgeBase | None = None) -> None:
        self.settings = settings
        self.kb = kb or open_knowledge_base(settings)
        self.retriever = HybridRetriever(
            self.kb, candidates=settings.candidates, rrf_k=settings.rrf_k, mode=settings.mode
        )
        self._evidence_reader: Reader | None = None  # built on first use, see ``evidence_reader``

    # -- knowledge base -------------------------------------------------------------------------------
    def ingest(
        self, paths: Sequence[Path], progress: ProgressFn | None = None, rebuild: bool = False
    ) -> IngestReport:
        return self.kb.ingest(paths, progress=progress, rebuild=rebuild)

    def document_text(self, doc_id: str) -> str | None:
        return self.kb.catalog.document_text(doc_id)

    # -- questions ------------------------------------------------------------------------------------
    @property
    def evidence_reader(self) -> Reader:
        """The evidence reader over the current keyword index; rebuilt when the knowledge base has
        reloaded its BM25 statistics (after an ingest, or another process's write)."""
        bm25 = self.kb.bm25
        if self._evidence_reader is None or self._evidence_reader.bm25 is not bm25:
            self._evidence_reader = Reader(self.kb.tokenizer, bm25)
        return self._evidence_reader

    def search(self, question: str, k: int | None = None, filters: Filters | None = None) -> list[Hit]:
        """Ranked passages for a question (检索), after question analysis and reranking."""
        from assistant.pipeline import rank_passages

        return rank_passages(self, question, k or self.settings.top_k, filters)

    def ask(self, question: str, history: Sequence[Turn] = (), filters: Filters | None = None) -> Answer:
        """Answer from the documents only, with citations; a refusal when they do not say it."""
        t0 = time.perf_counter()
        if self.settings.llm_enabled:
            from assistant.llm import answer_with_llm

            answer = answer_with_llm(self, question, history, filters)
        else:
            from assistant.pipeline import answer_question

            answer = answer_question(self, question, history, filters)
        return _with_latency(answer, t0)

    def stream(
        self, question: str, history: Sequence[Turn] = (), filters: Filters | None = None
    ) -> Iterator[str | Answer]:
        """Text pieces as they are produced, then the final checked :class:`Answer`."""
        from assistant.pipeline import stream_answer

        yield from stream_answer(self, question, history, filters)

    def close(self) -> None:
        self.kb.close()


def _with_latency(answer: Answer, t0: float) -> Answer:
    from dataclasses import replace

    return replace(answer, latency_ms=(time.perf_counter() - t0) * 1000)
