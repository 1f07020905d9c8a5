"""Sentence vectors (句向量): one embedding per reading unit of every passage, stored at ingest.

The evidence reader picks the sentence an answer is built from among the passages retrieval found.
Shared words alone miss paraphrase (谁说了算 for 由…决定, 最晚提前几天 for 日前), so the reader also
weighs each sentence's embedding cosine to the question. Embedding some hundred sentences per question
would cost seconds on two cores, so the vectors are computed once, at ingest, and read back by id.

The units are :func:`corpus.sentences.reading_units` of each chunk's text, exactly what the reader
scores; a unit's id is ``<chunk id>:<start>:<end>`` (offsets into the chunk). Chunk ids are content
hashes, so an id names one text for good: a unit is never embedded twice, and after a crash or a
cancel the next fill embeds only what is missing (units of stored chunks minus stored ids). Vectors
live in a second Chroma collection beside the chunk vectors (``<collection>-sent``), with the same
embedder, so they follow the index into server mode and into backups.

Filling comes after the chunk vectors (which make a document searchable by meaning); until a
document's units are stored, its sentences are read by words and answer type alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from corpus.sentences import reading_units
from index.catalog import StoredChunk
from index.chroma_store import ChromaStore
from index.embed_queue import EmbedFailed
from index.jobs import CancelToken
from index.vectors import Embedder

__all__ = ["SentenceVectors", "Unit", "chunk_of", "sentence_collection", "unit_id", "units_of"]

SUFFIX = "-sent"


def sentence_collection(chunk_collection: str) -> str:
    """The collection of the sentence vectors beside ``chunk_collection`` (Chroma allows 63 chars)."""
    return chunk_collection[: 63 - len(SUFFIX)].rstrip("-.") + SUFFIX


def unit_id(chunk_id: str, start: int, end: int) -> str:
    return f"{chunk_id}:{start}:{end}"


def chunk_of(uid: str) -> str:
    """The chunk id of a unit id."""
    return uid.split(":", 1)[0]


@dataclass(frozen=True, slots=True)
class Unit:
    """A reading unit to embed: its id, its chunk's document and its text."""

    id: str
    doc_id: str
    text: str


def units_of(chunks: Iterable[StoredChunk]) -> Iterator[Unit]:
    for s in chunks:
        c = s.chunk
        for start, end in reading_units(c.text):
            yield Unit(unit_id(c.chunk_id, start, end), c.doc_id, c.text[start:end])


class SentenceVectors:
    """The sentence-vector collection of one knowledge base."""

    def __init__(self, store: ChromaStore) -> None:
        self.store = store

    def missing(self, chunks: Iterable[StoredChunk]) -> list[Unit]:
        """Units of ``chunks`` without a stored vector, in reading order."""
        have = self.store.all_ids()
        return [u for u in units_of(chunks) if u.id not in have]

    def fill(
        self,
        units: Sequence[Unit],
        embedder: Embedder,
        *,
        batch_size: int = 32,
        cancel: CancelToken | None = None,
        on_batch: Callable[[int], None] | None = None,
    ) -> int:
        """Embed and store ``units`` a batch at a time (each batch committed on its own, so a kill loses
        at most the batch in flight); ``cancel`` stops between batches. The number stored."""
        token = cancel or CancelToken()
        done = 0
        for i in range(0, len(units), batch_size):
            if token.cancelled:
                break
            batch = units[i : i + batch_size]
            texts = list(dict.fromkeys(u.text for u in batch))  # a sentence two chunks share: embedded once
            row = {t: n for n, t in enumerate(texts)}
            try:
                matrix = embedder.embed_documents(texts)
            except Exception as exc:  # a remote server down, a model error: what is stored stays stored
                raise EmbedFailed(
                    f"计算句向量失败（{type(exc).__name__}: {exc}）；已算好的句向量已保存，"
                    f"{len(units) - done} 个句子仍待计算，排除问题后运行 policy-assistant embed 继续"
                ) from exc
            picked = matrix[[row[u.text] for u in batch]]
            self.store.upsert([u.id for u in batch], picked, [u.doc_id for u in batch])
            done += len(batch)
            if on_batch:
                on_batch(done)
        return done

    def prune(self, chunk_ids: Iterable[str]) -> int:
        """Drop the vectors of units whose chunk is gone (a removed or replaced document)."""
        keep = set(chunk_ids)
        stale = sorted(uid for uid in self.store.all_ids() if chunk_of(uid) not in keep)
        if stale:
            self.store.delete(stale)
        return len(stale)

    def cosines(
        self, query: np.ndarray, units: Sequence[tuple[str, int, int, str]]
    ) -> list[float | None] | None:
        """Cosine of each ``(chunk_id, start, end, text)`` unit to the question vector ``query`` (both
        normalized by the embedder), None for a unit not stored yet; None when none is."""
        ids = [unit_id(cid, s, e) for cid, s, e, _ in units]
        found = self.store.vectors(list(dict.fromkeys(ids)))
        if not found:
            return None
        q = np.asarray(query, dtype=np.float32).ravel()
        return [float(found[i] @ q) if i in found else None for i in ids]
