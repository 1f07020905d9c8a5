"""Filling vectors after the commit (补齐向量): the passage-vector queue and the sentence vectors.

A document is searchable by keyword as soon as its catalog rows commit; its passage vectors are then
filled from the queue (:mod:`index.embed_queue`) and, after them, the vectors of its reading units
(:mod:`index.sentence_vectors`), by the ``embed`` worker, ``ingest --wait`` or the web server's
background filler a batch at a time. :class:`VectorFilling` holds those operations for
:class:`~index.knowledge_base.KnowledgeBase`, which provides the stores, the embedder and the writer lock.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

import numpy as np

from corpus.types import Chunk
from index.catalog import Catalog, CatalogStore, StoredChunk
from index.chroma_store import ChromaStore
from index.embed_queue import BatchFn, DocVectors, DrainProgress, doc_vectors, drain, drain_batch
from index.jobs import CancelToken
from index.sentence_vectors import SentenceVectors, Unit
from index.vectors import Embedder

__all__ = ["SentenceFn", "VectorFilling", "index_text"]

SentenceFn = Callable[[int, int], None]  # (sentence vectors stored so far, to store in this run)


def index_text(title: str, chunk: Chunk) -> str:
    """What is embedded and keyword-indexed for a chunk: its text under its document title and section."""
    return f"{title}\n{chunk.section}\n{chunk.text}" if chunk.section else f"{title}\n{chunk.text}"


def _text(s: StoredChunk) -> str:
    return index_text(s.title, s.chunk)


class VectorFilling:
    """The vector-filling side of a knowledge base (mixed into KnowledgeBase)."""

    queue: Catalog | None
    catalog: CatalogStore
    vectors: ChromaStore
    sentences: SentenceVectors | None
    _backlog: tuple[str, list[Unit]] | None
    _embedding_doc: str | None

    if TYPE_CHECKING:

        @property
        def embedder(self) -> Embedder: ...

        def _writer(self) -> AbstractContextManager[None]: ...

    # -- the vector queue (index.embed_queue) ------------------------------------------------------------
    def pending_vectors(self) -> int:
        """Passages committed whose vectors are still queued (0 in server mode)."""
        return self.queue.queued_count() if self.queue is not None else 0

    def vector_status(self) -> dict[str, DocVectors]:
        """Per-document vector state (queued / embedding n/N / ready) of every stored document."""
        queued = self.queue.queued_by_doc() if self.queue is not None else {}
        return doc_vectors(self.catalog.documents(), queued, self._embedding_doc)

    def embed_pending(
        self,
        *,
        cancel: CancelToken | None = None,
        on_batch: BatchFn | None = None,
        batch_size: int | None = None,
        on_sentences: SentenceFn | None = None,
    ) -> DrainProgress:
        """Fill every queued vector (the ``embed`` worker, ``ingest --wait``), then the sentence vectors
        (``on_sentences(done, total)`` after each batch of them), holding the write lock."""
        if self.queue is None:
            return DrainProgress(0, 0, 0, 0.0)
        with self._writer():
            done = drain(
                self.queue, self.vectors, self.embedder, _text,
                batch_size=batch_size or self._batch(), cancel=cancel, on_batch=on_batch,
            )  # fmt: skip
            if not (cancel and cancel.cancelled):
                self._fill_sentences(cancel, on_batch=on_sentences)
            return done

    def _batch(self) -> int:
        return max(1, int(getattr(self.embedder, "batch_size", 32)))

    def embed_one_batch(self, batch_size: int | None = None) -> int:
        """Fill one batch of the queue (the web server's background filler, between other writes);
        the number of passages embedded. Raises IndexLocked while another process writes."""
        if self.queue is None or not self.queue.queued_count():
            if not self.pending_sentences():
                return 0
            with self._writer():  # passage vectors first: sentence vectors only refine the reading
                return self._fill_sentences(limit=batch_size or self._batch())
        with self._writer():
            ids = self.queue.queued_batch(1)
            self._embedding_doc = next((s.chunk.doc_id for s in self.catalog.iter_chunks(ids)), None)
            try:
                return drain_batch(
                    self.queue, self.vectors, self.embedder, _text, batch_size or self._batch()
                )[0]
            finally:
                self._embedding_doc = None

    # -- sentence vectors (index.sentence_vectors) ------------------------------------------------------
    def pending_sentences(self) -> int:
        """Reading units of stored passages still without a sentence vector."""
        return len(self._sentence_backlog())

    def _sentence_backlog(self) -> list[Unit]:
        if self.sentences is None:
            return []
        stamp = self.catalog.stamp()  # another process may have written since: recount then
        if self._backlog is None or self._backlog[0] != stamp:
            self._backlog = (stamp, self.sentences.missing(self.catalog.iter_chunks()))
        return self._backlog[1]

    def _fill_sentences(
        self, cancel: CancelToken | None = None, limit: int | None = None, on_batch: SentenceFn | None = None
    ) -> int:
        """Embed the first ``limit`` (or all) reading units without a vector; the caller holds the writer."""
        if self.sentences is None:
            return 0
        backlog = self._sentence_backlog()
        todo = backlog[:limit] if limit else backlog
        if not todo:
            return 0
        tell = (lambda n: on_batch(n, len(todo))) if on_batch else None
        done = self.sentences.fill(
            todo, self.embedder, batch_size=self._batch(), cancel=cancel, on_batch=tell
        )
        if self._backlog is not None:
            self._backlog = (self._backlog[0], backlog[done:])
        return done

    def sentence_cosines(
        self,
        query: np.ndarray,
        units: Sequence[tuple[str, int, int, str]],
        weights: Sequence[float] | None = None,
    ) -> list[float | None] | None:
        """Cosines of reading units ``(chunk_id, start, end, text)`` to a question vector (None: not
        stored), weighted per dimension when ``weights`` are given."""
        return self.sentences.cosines(query, units, weights) if self.sentences is not None else None

    def sentence_unit_vectors(self, units: Sequence[tuple[str, int, int, str]]) -> list[np.ndarray | None]:
        """The stored vectors of reading units (None: not stored), for fitting weights offline."""
        return self.sentences.unit_vectors(units) if self.sentences is not None else [None] * len(units)
