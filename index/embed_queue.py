"""The vector queue (待算向量队列): documents searchable by keyword at once, vectors filled in afterwards.

An ingest that does not wait (``KnowledgeBase.ingest(..., wait=False)``, the command line's default)
commits a document's catalog rows, its chunks and their keyword tokens together with the ids of the
chunks that still lack vectors, in one SQLite transaction (``embed_queue`` in ``catalog.sqlite``).
The document answers keyword questions as soon as the keyword index is rebuilt; retrieval fuses dense
hits where vectors exist with keyword hits everywhere.

:func:`drain` fills the vectors a batch at a time: it takes up to a batch of one document's queued
chunk ids in reading order, skips those Chroma already holds (a batch stored just before a crash),
embeds the rest, upserts them and only then takes the ids off the queue. Each batch commits on its
own, so a kill at any point loses at most the batch in flight and never embeds a stored chunk again
(idempotent by chunk id); the next drain resumes where the queue stands. Removing or replacing a
document drops its queue entries in the same transaction as its chunks.

The queue lives beside the catalog, so it is checked against the same manifest: an index whose
vectors were built with one embedder refuses to open (and so to drain) with another. Server mode
(``--chroma-url``) has no local catalog and keeps embedding before the commit.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal, Protocol

import numpy as np

from index.catalog import Catalog, DocRecord, StoredChunk
from index.errors import IndexFailure
from index.jobs import CancelToken
from index.vectors import Embedder

__all__ = ["DocVectors", "DrainProgress", "EmbedFailed", "doc_vectors", "drain"]

State = Literal["queued", "embedding", "ready"]


class EmbedFailed(IndexFailure):
    """The embedder failed during a batch; the queue is intact and the next drain resumes it."""


@dataclass(frozen=True, slots=True)
class DrainProgress:
    """How far a drain is (向量进度): ``done`` of ``total`` passages this run, ``left`` still queued."""

    done: int
    total: int
    left: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.done / self.seconds if self.seconds > 0 else 0.0

    @property
    def eta(self) -> float | None:
        """Seconds until the queue is empty at this run's rate, or None before the first batch."""
        return self.left / self.rate if self.rate > 0 else None

    def line(self) -> str:
        eta = f"，预计还需 {_duration(self.eta)}" if self.eta is not None else ""
        return f"向量 {self.done}/{self.total} 块（{self.rate:.1f} 块/秒{eta}）"


@dataclass(frozen=True, slots=True)
class DocVectors:
    """One document's vectors (文件向量状态): ``pending`` of its ``total`` passages still queued."""

    doc_id: str
    source: str
    total: int
    pending: int
    embedding: bool = False  # its batch is being embedded right now

    @property
    def state(self) -> State:
        if self.pending == 0:
            return "ready"
        return "embedding" if self.embedding else "queued"

    @property
    def label(self) -> str:
        """What the knowledge-base page shows: 向量已就绪 / 正在计算向量 12/40 / 排队计算向量 0/40."""
        done = self.total - self.pending
        return {
            "ready": "向量已就绪",
            "embedding": f"正在计算向量 {done}/{self.total}",
            "queued": f"排队计算向量 {done}/{self.total}",
        }[self.state]


def doc_vectors(
    records: Iterable[DocRecord], queued: dict[str, int], current: str | None
) -> dict[str, DocVectors]:
    """Per-document vector state of ``records`` from the queue counts; ``current``: the doc being embedded."""
    return {
        r.doc_id: DocVectors(r.doc_id, r.source, r.n_chunks, queued.get(r.doc_id, 0), r.doc_id == current)
        for r in records
    }


class VectorSink(Protocol):
    def existing(self, ids: list[str]) -> set[str]: ...
    def upsert(self, ids: list[str], vectors: np.ndarray, doc_ids: list[str]) -> None: ...


BatchFn = Callable[[DrainProgress], None]
TextFn = Callable[[StoredChunk], str]


def drain_batch(
    catalog: Catalog, vectors: VectorSink, embedder: Embedder, text: TextFn, batch_size: int
) -> tuple[int, str | None]:
    """Embed and store one batch of the queue: (passages embedded, doc id of the batch or None if empty)."""
    ids = catalog.queued_batch(batch_size)
    if not ids:
        return 0, None
    have = vectors.existing(ids)
    stored = {s.chunk.chunk_id: s for s in catalog.iter_chunks([cid for cid in ids if cid not in have])}
    todo = [stored[cid] for cid in ids if cid in stored]  # a chunk no longer in the catalog is skipped
    doc_id = todo[0].chunk.doc_id if todo else None
    if todo:
        try:
            matrix = embedder.embed_documents([text(s) for s in todo])
        except Exception as exc:  # a remote server down, a model error: the queue stays as it was
            raise EmbedFailed(
                f"计算向量失败（{type(exc).__name__}: {exc}）；已算好的向量已保存，{catalog.queued_count()} 块仍在队列中，"
                "排除问题后运行 policy-assistant embed 继续"
            ) from exc
        vectors.upsert([s.chunk.chunk_id for s in todo], matrix, [s.chunk.doc_id for s in todo])
    catalog.dequeue(ids)  # the commit point of the batch: after the vectors are stored
    return len(todo), doc_id


def drain(
    catalog: Catalog,
    vectors: VectorSink,
    embedder: Embedder,
    text: TextFn,
    *,
    batch_size: int = 32,
    cancel: CancelToken | None = None,
    on_batch: BatchFn | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> DrainProgress:
    """Empty the queue a batch at a time (see the module docstring); ``cancel`` stops between batches."""
    token = cancel or CancelToken()
    total = catalog.queued_count()
    t0 = clock()
    done = 0
    while not token.cancelled:
        n, doc_id = drain_batch(catalog, vectors, embedder, text, batch_size)
        if doc_id is None and n == 0 and catalog.queued_count() == 0:
            break
        done += n
        left = catalog.queued_count()
        total = max(total, done + left)  # an ingest may have queued more meanwhile
        if on_batch:
            on_batch(DrainProgress(done, total, left, clock() - t0))
    return DrainProgress(done, total, catalog.queued_count(), clock() - t0)


def _duration(seconds: float | None) -> str:
    s = int(seconds or 0)
    return f"{s // 3600} 小时 {s % 3600 // 60} 分" if s >= 3600 else f"{s // 60} 分 {s % 60} 秒"
