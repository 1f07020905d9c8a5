"""Sentence vectors (句向量): one embedding per reading unit of every passage, stored at ingest.

The evidence reader picks the sentence an answer is built from among the passages retrieval found.
Shared words alone miss paraphrase (谁说了算 for 由…决定, 最晚提前几天 for 日前), so the reader also
weighs each sentence's embedding cosine to the question. Embedding some hundred sentences per question
would cost seconds on two cores, so the vectors are computed once, at ingest, and read back by id.

The units are :func:`corpus.sentences.reading_units` of each chunk's text, exactly what the reader
scores; a unit's id is ``<chunk id>:<start>:<end>`` (offsets into the chunk). Chunk ids are content
hashes, so an id names one text for good: a unit is never embedded twice, and after a crash or a
cancel the next fill embeds only what is missing (units of stored chunks minus stored ids). The vectors
are only ever read by id, never searched: a local index keeps them in ``sentences.sqlite``
(:mod:`index.sqlite_vectors`, read from disk a few hundred at a time, in backups like every file of
the folder); in server mode they are a second Chroma collection beside the chunk vectors
(``<collection>-sent``), which every process serving that server reaches.

Filling comes after the chunk vectors (which make a document searchable by meaning); until a
document's units are stored, its sentences are read by words and answer type alone.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from corpus.sentences import reading_units
from index.catalog import StoredChunk
from index.chroma_store import ChromaStore
from index.embed_queue import EmbedFailed
from index.errors import StoreError
from index.jobs import CancelToken
from index.layout import IndexLayout
from index.sqlite_vectors import SqliteVectorStore
from index.vectors import Embedder

__all__ = [
    "SentenceVectors",
    "Unit",
    "VectorRows",
    "chunk_docs",
    "chunk_of",
    "copy_missing",
    "local_sentence_rows",
    "sentence_collection",
    "unit_id",
    "units_of",
]

log = logging.getLogger(__name__)

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


class VectorRows(Protocol):
    """Vectors by id: :class:`index.sqlite_vectors.SqliteVectorStore` or a Chroma collection."""

    location: str

    def upsert(self, ids: Sequence[str], vectors: np.ndarray, doc_ids: Sequence[str]) -> None: ...

    def vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]: ...

    def all_ids(self) -> set[str]: ...

    def delete(self, ids: Sequence[str]) -> None: ...


def copy_missing(
    src: VectorRows, dst: VectorRows, doc_of: Callable[[set[str]], dict[str, str]], *, batch: int = 500
) -> int:
    """Copy the vectors ``dst`` lacks from ``src`` as they are (a migration to a server; an index built
    when they lived in Chroma moved into its file). ``doc_of`` maps chunk ids to their document (the
    catalog's); units of chunks no longer stored are left behind. The number of ids ``dst`` lacked."""
    todo = sorted(src.all_ids() - dst.all_ids())
    docs = doc_of({chunk_of(u) for u in todo})
    for i in range(0, len(todo), batch):
        found = src.vectors(todo[i : i + batch])
        keep = [u for u in todo[i : i + batch] if u in found and chunk_of(u) in docs]
        if keep:
            dst.upsert(keep, np.stack([found[u] for u in keep]), [docs[chunk_of(u)] for u in keep])
    return len(todo)


class _HasChunks(Protocol):
    def iter_chunks(self, ids: Iterable[str] | None = None) -> Iterator[StoredChunk]: ...


def chunk_docs(catalog: _HasChunks) -> Callable[[set[str]], dict[str, str]]:
    """``copy_missing``'s ``doc_of`` from a catalog: chunk id -> document id."""
    return lambda ids: {s.chunk.chunk_id: s.chunk.doc_id for s in catalog.iter_chunks(ids)}


def local_sentence_rows(
    index_dir: Path, chunks: ChromaStore, collection: str, catalog: _HasChunks
) -> SqliteVectorStore:
    """The sentence vectors of the local index at ``index_dir`` (``sentences.sqlite``).

    An index built before that file kept them in a Chroma collection beside ``collection``; they are
    moved into the file once (copied, then the collection dropped), not embedded again. Two processes
    opening such an index at once both copy (the same rows) and one drops it; a fill embeds whatever a
    failed move left out.
    """
    path = IndexLayout(index_dir).sentences
    try:
        rows = SqliteVectorStore(path, space=collection)
    except StoreError as exc:
        # They refine the reading only and can be computed again: a damaged file is set aside, not fatal.
        aside = path.with_name(f"{path.name}.damaged-{int(time.time())}")
        log.warning("句向量文件 %s 无法读取（%s），已移到 %s；句向量将重新计算", path, exc, aside.name)
        for side in ("", "-wal", "-shm"):
            if Path(f"{path}{side}").exists():
                os.replace(f"{path}{side}", f"{aside}{side}")
        rows = SqliteVectorStore(path, space=collection)
    legacy = sentence_collection(collection)
    if chunks.has_collection(legacy):
        try:
            moved = copy_missing(chunks.sibling(legacy), rows, chunk_docs(catalog))
            chunks.drop_collection(legacy)
            log.info("句向量已从向量库集合 %s 移入 %s（%d 条）", legacy, rows.location, moved)
        except StoreError as exc:
            log.warning("句向量未能从 %s 移入 %s（%s）；缺少的句向量会重新计算", legacy, rows.location, exc)
    return rows


class SentenceVectors:
    """The sentence vectors of one knowledge base."""

    def __init__(self, store: VectorRows) -> None:
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

    def close(self) -> None:
        close = getattr(self.store, "close", None)  # the SQLite file; a Chroma client has nothing to close
        if close is not None:
            close()

    def prune(self, chunk_ids: Iterable[str]) -> int:
        """Drop the vectors of units whose chunk is gone (a removed or replaced document)."""
        keep = set(chunk_ids)
        stale = sorted(uid for uid in self.store.all_ids() if chunk_of(uid) not in keep)
        if stale:
            self.store.delete(stale)
        return len(stale)

    def cosines(
        self,
        query: np.ndarray,
        units: Sequence[tuple[str, int, int, str]],
        weights: Sequence[float] | None = None,
    ) -> list[float | None] | None:
        """Cosine of each ``(chunk_id, start, end, text)`` unit to the question vector ``query`` (both
        normalized by the embedder), None for a unit not stored yet; None when none is. With
        ``weights`` (one per dimension) the dot product is weighted: Σ wᵢ·qᵢ·vᵢ."""
        vectors = self.unit_vectors(units)
        if all(v is None for v in vectors):
            return None
        q = np.asarray(query, dtype=np.float32).ravel()
        if weights is not None:
            if len(weights) != q.size:  # weights fitted for another embedder's vectors: nothing to read
                return None
            q = q * np.asarray(weights, dtype=np.float32)
        return [None if v is None else float(v @ q) for v in vectors]

    def unit_vectors(self, units: Sequence[tuple[str, int, int, str]]) -> list[np.ndarray | None]:
        """The stored vector of each unit, None for one not stored yet."""
        ids = [unit_id(cid, s, e) for cid, s, e, _ in units]
        found = self.store.vectors(list(dict.fromkeys(ids)))
        return [found.get(i) for i in ids]
