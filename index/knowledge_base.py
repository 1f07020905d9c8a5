"""The knowledge base (知识库): catalog + Chroma vectors + BM25, kept in step.

Documents come in through :class:`index.ingest.Ingesting` (the order of an ingest, per document, is
told there); the vectors an ingest that does not wait (``wait=False``) left queued are filled by
:meth:`KnowledgeBase.embed_pending` (:mod:`index.vector_fill`, :mod:`index.embed_queue`). This module
opens the stores, brings them in line with the catalog after every write (the keyword index is rebuilt
from the catalog at the end) and reads them.
With a Chroma server (``chroma_url``) the catalog and the manifest live in the server as well
(:mod:`index.catalog_chroma`), several processes may write, and each rebuilds its keyword index
whenever the server's state stamp changed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path

from corpus.chunker import ChunkSettings
from corpus.tokenize import Tokenizer, default_tokenizer
from index.audit import audit_log, record_interrupted
from index.bm25_store import BM25Store
from index.catalog import Catalog, CatalogStore, DocRecord, StoredChunk
from index.catalog_chroma import ChromaCatalog
from index.chroma_store import ChromaStore, collection_name
from index.embed_queue import DocVectors
from index.embedder import DEFAULT_EMBEDDER, Embedder, embedder_name, make_embedder
from index.errors import ManifestMismatch
from index.faults import crash_point
from index.fingerprint import corpus_fingerprint
from index.ingest import Ingesting
from index.jobs import MAX_DOC_CHUNKS
from index.layout import IndexLayout
from index.lock import InUse, WriteLock
from index.manifest import Manifest, same_vector_space
from index.recovery import recover_interrupted_write
from index.reports import IngestReport, IngestStep, ProgressFn, StepFn
from index.sentence_vectors import SentenceVectors, Unit, local_sentence_rows, sentence_collection
from index.vector_fill import index_text

__all__ = ["DocVectors", "IngestReport", "IngestStep", "KnowledgeBase", "ProgressFn", "StepFn", "index_text"]


class KnowledgeBase(Ingesting):
    def __init__(
        self,
        index_dir: Path,
        *,
        embedder: str = DEFAULT_EMBEDDER,
        chroma_url: str | None = None,
        chunk_settings: ChunkSettings | None = None,
        name: str = "default",
        max_file_bytes: int = 20 * 1024 * 1024,
        max_doc_chunks: int = MAX_DOC_CHUNKS,
        check_manifest: bool = True,
        sentence_vectors: bool = True,
    ) -> None:
        self.index_dir = index_dir
        self.layout = IndexLayout(index_dir)
        # Held while open, so a restore cannot swap the folder under this process (index.lock.InUse).
        self._in_use = None if chroma_url else InUse(index_dir).acquire()
        self.embedder_spec = embedder
        self.chunk_settings = chunk_settings or ChunkSettings()
        self.max_file_bytes = max_file_bytes
        self.max_doc_chunks = max_doc_chunks
        self.chroma_url = chroma_url
        # Server mode keeps the catalog (and manifest) in the server, shared by every process using it.
        self.catalog: CatalogStore = (
            ChromaCatalog(chroma_url, name) if chroma_url else Catalog(self.layout.catalog)
        )
        manifest = self.catalog.read_manifest()
        if manifest is not None and check_manifest:
            try:
                self._check(manifest, self.embedder_name, None, self.chunk_settings.to_dict())
            except ManifestMismatch:
                self.catalog.close()
                self._release_in_use()
                raise
        # An embedder of the recorded one's vector space (index.manifest) searches the recorded collection.
        same_embedder = manifest is not None and same_vector_space(manifest.embedder, self.embedder_name)
        self._collection = (
            manifest.collection if manifest and same_embedder else collection_name(name, self.embedder_name)
        )
        index_dir.mkdir(parents=True, exist_ok=True)
        self.vectors = ChromaStore(
            path=None if chroma_url else self.layout.chroma, url=chroma_url, collection=self._collection
        )
        # Reading-unit vectors for the evidence reader (index.sentence_vectors), beside the chunk vectors.
        # Locally a file read by id (index.sqlite_vectors); in server mode a collection all servers reach.
        self.sentences: SentenceVectors | None = None
        if sentence_vectors:
            self.sentences = SentenceVectors(
                self.vectors.sibling(sentence_collection(self._collection))
                if chroma_url
                else local_sentence_rows(index_dir, self.vectors, self._collection, self.catalog)
            )
        self._backlog: tuple[str, list[Unit]] | None = None  # (catalog stamp, units without a vector)
        self.tokenizer: Tokenizer = default_tokenizer(self.layout.cache)
        self._embedder: Embedder | None = None
        self._bm25: BM25Store | None = None
        self._bm25_lock = threading.Lock()
        self._defer = False  # the running ingest queues vectors instead of computing them (wait=False)
        self._writes = 0  # writes this object is running: readers keep the keyword index they have meanwhile
        self._write_lock = WriteLock(index_dir, on_interrupted=self._record_interrupted)
        # The vector queue needs the local catalog (server mode embeds before the commit, as before).
        self.queue: Catalog | None = self.catalog if isinstance(self.catalog, Catalog) else None
        self._embedding_doc: str | None = None  # the document whose batch a drain is embedding
        if not chroma_url and check_manifest:
            recover_interrupted_write(self)  # a writer killed mid-ingest left work to finish

    # -- components ---------------------------------------------------------------------------------
    def _check(self, manifest: Manifest, embedder: str, dim: int | None, chunker: dict[str, object]) -> None:
        try:
            manifest.check_compatible(embedder, dim, chunker, self.index_dir)
        except ManifestMismatch as exc:
            if not self.chroma_url:
                raise
            where = f"Chroma 服务器 {self.chroma_url} 上的知识库"
            message = str(exc).replace(f"--index {self.index_dir}", f"--chroma-url {self.chroma_url}")
            raise ManifestMismatch(message.replace(f"索引 {self.index_dir}", where)) from None

    @contextmanager
    def _writer(self) -> Iterator[None]:
        """The local single-writer lock (a Chroma server takes several writers, see index.catalog_chroma)."""
        with nullcontext() if self.chroma_url else self._write_lock:
            self._writes += 1
            try:
                yield
            finally:
                self._writes -= 1

    @property
    def embedder_name(self) -> str:
        """The embedder this knowledge base is configured with, as the manifest names it."""
        return embedder_name(self.embedder_spec)  # openai:URL#MODEL is recorded as openai:MODEL

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = make_embedder(self.embedder_spec)
            manifest = self.catalog.read_manifest()
            if manifest is not None and manifest.dim != self._embedder.dim:
                self._check(manifest, self._embedder.name, self._embedder.dim, manifest.chunker)
        return self._embedder

    @property
    def bm25(self) -> BM25Store:
        """The keyword index, rebuilt from the catalog when stale (e.g. after another process wrote).

        Readers never wait for a write: while this object writes, they use the index they have (the
        write publishes the new one when it finishes), and while one reader rebuilds a stale index the
        others use the previous one instead of queueing for the rebuild.
        """
        current = self._bm25
        if current is not None and (self._writes or self._bm25_lock.locked()):
            return current
        with self._bm25_lock:
            stamp = self.catalog.stamp()  # read before the chunks: a later change shows as a new stamp
            if self._bm25 is None or self._bm25.stamp != stamp:
                loaded = None if self.chroma_url else BM25Store.load(self.layout.bm25)
                if loaded is None or loaded.stamp != stamp:
                    loaded = BM25Store.build(self.catalog.iter_tokens())
                    loaded.stamp = stamp
                self._bm25 = loaded
            return self._bm25

    # -- writing (ingesting documents: index.ingest) --------------------------------------------------
    def remove(self, key: str) -> DocRecord | None:
        """Delete a document (by id, file name or title) from every store."""
        with self._writer():
            rec = self.catalog.find_document(key)
            if rec is None:
                return None
            self._remove_locked(rec.doc_id)
            self._finish()
            return rec

    def repair(self) -> None:
        """Bring every store in line with the catalog (what a finished write does; 修复)."""
        with self._writer():
            self._finish()

    def _remove_locked(self, doc_id: str) -> None:
        ids = self.catalog.chunk_ids(doc_id)
        self.catalog.remove_document(doc_id)
        self.vectors.delete(ids)

    def _finish(self) -> None:
        """Rebuild and persist the keyword index, drop orphan vectors, restore missing ones, record the manifest."""
        stamp = self.catalog.stamp()
        store = BM25Store.build(self.catalog.iter_tokens())
        store.stamp = stamp
        if not self.chroma_url:  # server mode: every process rebuilds it from the server's catalog
            store.save(self.layout.bm25)
        crash_point("after-bm25")
        with self._bm25_lock:
            self._bm25 = store
        ids = store.ids
        have = self.vectors.all_ids()
        orphans = have - set(ids)
        if orphans and self.catalog.orphan_grace:  # spare vectors another writer is about to commit
            orphans -= self.vectors.ids_written_since(time.time() - self.catalog.orphan_grace)
        if orphans:
            self.vectors.delete(sorted(orphans))
        if self.sentences is not None:
            self.sentences.prune(ids)
        # A concurrent writer (server mode) may have deleted vectors a committed document still uses.
        missing = list(self.catalog.iter_chunks([cid for cid in ids if cid not in have]))
        # Locally, the chunks queued for vectors are the queue's to fill (index.embed_queue): only vectors
        # lost otherwise are embedded here, and queue entries whose vectors exist are dropped.
        if self.queue is not None:
            queued = self.queue.queued_ids()
            done = queued - (set(ids) - have)
            if done:
                self.queue.dequeue(sorted(done))
            missing = [s for s in missing if s.chunk.chunk_id not in queued]
        if missing:
            vectors = self.embedder.embed_documents([index_text(s.title, s.chunk) for s in missing])
            self.vectors.upsert(
                [s.chunk.chunk_id for s in missing], vectors, [s.chunk.doc_id for s in missing]
            )
        docs = self.catalog.documents()
        corpus_fp = corpus_fingerprint(d.fingerprint for d in docs)
        emb = self.embedder
        crash_point("before-manifest")
        self.catalog.write_manifest(
            Manifest(
                embedder=emb.name, dim=emb.dim, chunker=self.chunk_settings.to_dict(), collection=self._collection,
                corpus_fingerprint=corpus_fp, documents=len(docs), chunks=len(ids),
                versions=Manifest.current_versions(),
            ),
        )  # fmt: skip

    # -- reading --------------------------------------------------------------------------------------
    def documents(self) -> list[DocRecord]:
        return self.catalog.documents()

    def chunks(self, ids: Iterable[str]) -> dict[str, StoredChunk]:
        return {s.chunk.chunk_id: s for s in self.catalog.iter_chunks(ids)}

    def keyword_search(
        self, question: str, k: int, allowed: set[str] | None = None
    ) -> list[tuple[str, float]]:
        return self.bm25.search(self.tokenizer.tokens(question), k, allowed)

    def dense_search(
        self, question: str, k: int, doc_ids: Sequence[str] | None = None
    ) -> list[tuple[str, float]]:
        vector = self.embedder.embed_query(question)
        return self.vectors.query(vector, k, doc_ids)

    def stats(self) -> dict[str, int]:
        docs, chunks = self.catalog.counts()
        return {
            "documents": docs,
            "chunks": chunks,
            "vectors": self.vectors.count(),
            "keyword": len(self.bm25),
        }

    def close(self) -> None:
        self._write_lock.release()
        self.catalog.close()
        if self.sentences is not None:
            self.sentences.close()
        self._release_in_use()

    def _record_interrupted(self, writer: dict[str, object]) -> None:
        """Audit the documents a killed writer committed (called by the write lock, see index.audit)."""
        record_interrupted(audit_log(self.index_dir), writer, self.catalog.documents())

    def _release_in_use(self) -> None:
        if self._in_use is not None:
            self._in_use.release()
