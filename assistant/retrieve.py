"""Hybrid retrieval (混合检索): BM25 and dense candidates fused by reciprocal rank (k=60).

Filters (document, issuer, date range) narrow both retrievers before ranking, not after, so a
filtered search still returns ``k`` passages when the allowed documents have them. Disabled documents
(已停用, :mod:`index.doc_state`) are never returned: both retrievers are asked for as many more
candidates as the disabled documents have passages, which are then dropped, so the ranking of the
rest is exactly what it would be without them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from assistant.fusion import reciprocal_rank_fusion
from assistant.types import Hit
from index.knowledge_base import KnowledgeBase
from index.query_cache import QueryEmbeddingCache


@dataclass(frozen=True, slots=True)
class Filters:
    """Search filters (检索过滤): any document key (id, file name or title fragment), issuer, dates."""

    docs: tuple[str, ...] = ()
    issuer: str | None = None
    date_from: str | None = None  # ISO yyyy-mm-dd, inclusive
    date_to: str | None = None

    @property
    def empty(self) -> bool:
        return not (self.docs or self.issuer or self.date_from or self.date_to)


class HybridRetriever:
    def __init__(
        self,
        kb: KnowledgeBase,
        *,
        candidates: int = 50,
        rrf_k: int = 60,
        mode: str = "hybrid",
        disabled: Callable[[], frozenset[str]] = frozenset,
    ) -> None:
        if mode not in ("hybrid", "bm25", "dense"):
            raise ValueError(f"unknown retrieval mode {mode!r}")
        self.kb = kb
        self.candidates = candidates
        self.rrf_k = rrf_k
        self.mode = mode
        self.disabled = disabled  # ids of the disabled documents, asked once per search
        # The question's embedding (a C call that releases the GIL) runs while BM25 scores in this thread.
        self._dense_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="dense-search")
        self.query_cache = QueryEmbeddingCache()  # repeated questions skip the embedder (LRU)

    def dense_search(self, question: str, k: int, doc_ids: list[str] | None) -> list[tuple[str, float]]:
        """``KnowledgeBase.dense_search`` with the question's vector from :attr:`query_cache`."""
        return self.kb.vectors.query(self.query_cache.embed_query(self.kb.embedder, question), k, doc_ids)

    def allowed_docs(self, filters: Filters, disabled: frozenset[str] = frozenset()) -> list[str] | None:
        """Doc ids that pass the filters and are not ``disabled``, or None when there are no filters."""
        if filters.empty:
            return None
        allowed = []
        for d in self.kb.documents():
            if d.doc_id in disabled:
                continue
            if filters.docs and not any(
                key in (d.doc_id, d.source) or key in d.title for key in filters.docs
            ):
                continue
            if filters.issuer and filters.issuer not in d.issuer:
                continue
            if filters.date_from and (not d.date or d.date < filters.date_from):
                continue
            if filters.date_to and (not d.date or d.date > filters.date_to):
                continue
            allowed.append(d.doc_id)
        return allowed

    def retrieve(
        self,
        question: str,
        k: int = 10,
        filters: Filters | None = None,
        doc_weights: Mapping[str, float] | None = None,
    ) -> list[Hit]:
        """Top ``k`` passages. ``doc_weights`` multiplies the fused score of a document's passages."""
        disabled = self.disabled()
        allowed_docs = self.allowed_docs(filters or Filters(), disabled)
        if allowed_docs is not None and not allowed_docs:
            return []
        allowed_chunks = (
            {cid for d in allowed_docs for cid in self.kb.catalog.chunk_ids(d)}
            if allowed_docs is not None
            else None
        )
        # Without other filters, the disabled documents' passages are dropped from a longer list.
        hidden = (
            {cid for d in disabled for cid in self.kb.catalog.chunk_ids(d)} if allowed_docs is None else set()
        )
        wanted = self.candidates + len(hidden)
        dense_job = (
            self._dense_pool.submit(self.dense_search, question, wanted, allowed_docs)
            if self.mode != "bm25"
            else None
        )
        keyword = self.kb.keyword_search(question, wanted, allowed_chunks) if self.mode != "dense" else []
        dense = dense_job.result() if dense_job is not None else []
        if hidden:
            keyword = [(c, s) for c, s in keyword if c not in hidden][: self.candidates]
            dense = [(c, s) for c, s in dense if c not in hidden][: self.candidates]
        if allowed_chunks is None:
            bm25 = self.kb.bm25
            dense = [(cid, s) for cid, s in dense if cid in bm25]  # orphan vectors never surface
        fused = reciprocal_rank_fusion([[c for c, _ in keyword], [c for c, _ in dense]], k=self.rrf_k)
        bm25_rank = {cid: i for i, (cid, _) in enumerate(keyword, start=1)}
        dense_rank = {cid: i for i, (cid, _) in enumerate(dense, start=1)}
        stored = self.kb.chunks([cid for cid, _ in fused])
        hits = []
        for cid, score in fused:
            s = stored.get(cid)
            if s is None:
                continue
            weight = doc_weights.get(s.chunk.doc_id, 1.0) if doc_weights else 1.0
            hits.append(
                Hit(
                    s.chunk,
                    s.title,
                    s.issuer,
                    s.date,
                    score * weight,
                    bm25_rank.get(cid),
                    dense_rank.get(cid),
                )
            )
        hits.sort(key=lambda h: -h.score)
        return hits[:k]
