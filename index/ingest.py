"""Ingesting documents (导入文档): load → chunk → embed → store, one document at a time.

Per document: chunk → embed only chunk ids Chroma lacks → upsert vectors → commit the catalog row
(atomic) → drop the document's stale vectors; the knowledge base's ``_finish`` then rebuilds the
keyword index from the catalog. Unchanged documents (same text, same chunker) are skipped without
embedding. An ingest that does not wait (``wait=False``) commits the catalog row with the chunk ids
still lacking vectors queued in the same transaction, so the document is searchable by keyword at
once (its vectors are filled later, :mod:`index.vector_fill`).
:class:`Ingesting` holds these operations for :class:`~index.knowledge_base.KnowledgeBase`, which
provides the stores, the embedder and the writer lock.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from corpus.chunker import ChunkSettings, chunk_document
from corpus.errors import CorpusError
from corpus.loaders import iter_files, load_file
from corpus.tokenize import Tokenizer
from corpus.types import LoadFailure, SourceDoc
from index.embed_queue import drain
from index.embedder import Vectors
from index.faults import crash_point
from index.fingerprint import document_fingerprint
from index.jobs import Cancelled, CancelToken, check_size, too_many_chunks
from index.reports import IngestReport, IngestStep, PhaseFn, ProgressFn, StepFn
from index.vector_fill import VectorFilling, _text, index_text

__all__ = ["Ingesting"]


def _tell(step: StepFn, name: str, file_no: int, files: int, phase: str, done: int, total: int) -> None:
    step(IngestStep(name, file_no, files, phase, done, total))


class Ingesting(VectorFilling):
    """The writing side of a knowledge base: files and loaded documents in (mixed into KnowledgeBase)."""

    chunk_settings: ChunkSettings
    max_file_bytes: int
    max_doc_chunks: int
    tokenizer: Tokenizer
    _defer: bool

    if TYPE_CHECKING:

        def _finish(self) -> None: ...

    def ingest(
        self,
        paths: Iterable[Path],
        *,
        progress: ProgressFn | None = None,
        rebuild: bool = False,
        cancel: CancelToken | None = None,
        step: StepFn | None = None,
        wait: bool = True,
    ) -> IngestReport:
        """Load, chunk, embed and store every supported file under ``paths``; report each failure.

        ``progress`` is told after each file; ``step`` also within a file, after each embedding batch,
        so a long document shows its progress. ``cancel`` stops the ingest at the next document or
        embedding batch (see :mod:`index.jobs`); the report then lists the files left out in ``cancelled``.
        ``wait=False`` (local index only) stores documents without their vectors and queues them
        (``report.queued``): searchable by keyword at once, vectors filled by :meth:`embed_pending`.
        """
        files = iter_files(paths)
        with self._writer():
            self._defer = not wait and self.queue is not None
            token = cancel or CancelToken()
            try:
                report = self._ingest_files(files, progress, rebuild, token, step)
            finally:
                self._defer = False
            if wait and self.queue is not None and self.queue.queued_count() and not report.cancelled:
                # Waiting means fully embedded: what an earlier ingest left queued is filled too.
                drain(self.queue, self.vectors, self.embedder, _text, batch_size=self._batch(), cancel=token)
            if wait and not report.cancelled:
                self._fill_sentences(token)
        return replace(report, queued=self.pending_vectors())

    def _ingest_files(
        self,
        files: list[Path],
        progress: ProgressFn | None,
        rebuild: bool,
        cancel: CancelToken,
        step: StepFn | None = None,
    ) -> IngestReport:
        t0 = time.perf_counter()
        added: list[str] = []
        updated: list[str] = []
        unchanged: list[str] = []
        failed: list[LoadFailure] = []
        total = embedded = chars = 0
        cancelled: list[str] = []
        if rebuild:
            # Vectors are kept: chunks whose text is unchanged find theirs by id and skip embedding;
            # the rest become orphans that _finish() deletes.
            for rec in self.catalog.documents():
                self.catalog.remove_document(rec.doc_id)
        seen: dict[str, Path] = {}
        for i, path in enumerate(files):
            try:
                cancel.check()
                if path.name in seen:
                    # Documents are identified by file name; a second file of the same name would replace the first.
                    raise CorpusError(
                        f"{path.name}: 与 {seen[path.name]} 同名，文件以文件名区分，请改名后再导入"
                    )
                seen[path.name] = path
                if step:
                    step(IngestStep(path.name, i + 1, len(files), "read"))
                doc = load_file(path, max_bytes=self.max_file_bytes)
                check_size(doc, self.chunk_settings, self.max_doc_chunks)
            except Cancelled:
                cancelled = [p.name for p in files[i:]]
                break
            except CorpusError as exc:
                failed.append(LoadFailure(str(path), str(exc)))
            except Exception as exc:  # a parser bug must not stop the other files
                failed.append(LoadFailure(str(path), f"{path.name}: 无法解析（{type(exc).__name__}: {exc}）"))
            else:
                try:
                    where = partial(_tell, step, path.name, i + 1, len(files)) if step else None
                    status, n_chunks, n_embedded = self._ingest_doc(doc, cancel, where)
                except Cancelled:  # nothing of this document was stored
                    cancelled = [p.name for p in files[i:]]
                    break
                except CorpusError as exc:  # more chunks than allowed (the exact count)
                    failed.append(LoadFailure(str(path), str(exc)))
                else:
                    {"added": added, "updated": updated, "unchanged": unchanged}[status].append(doc.source)
                    total += n_chunks
                    embedded += n_embedded
                    chars += len(doc.text)
            if progress:
                progress(path.name, i + 1, len(files), total)
        crash_point("before-finish")
        self._finish()
        return IngestReport(
            tuple(added), tuple(updated), tuple(unchanged), tuple(failed), total, embedded, chars,
            time.perf_counter() - t0, cancelled=tuple(cancelled),
        )  # fmt: skip

    def add_documents(self, docs: Sequence[SourceDoc], *, cancel: CancelToken | None = None) -> IngestReport:
        """Ingest already-loaded documents (used by uploads and tests)."""
        t0 = time.perf_counter()
        report: dict[str, list[str]] = {"added": [], "updated": [], "unchanged": []}
        failed: list[LoadFailure] = []
        cancelled: list[str] = []
        total = embedded = 0
        with self._writer():
            for i, doc in enumerate(docs):
                try:
                    (cancel or CancelToken()).check()
                    check_size(doc, self.chunk_settings, self.max_doc_chunks)
                    status, n, e = self._ingest_doc(doc, cancel or CancelToken())
                except Cancelled:
                    cancelled = [d.source for d in docs[i:]]
                    break
                except CorpusError as exc:
                    failed.append(LoadFailure(doc.path or doc.source, str(exc)))
                    continue
                report[status].append(doc.source)
                total += n
                embedded += e
            self._finish()
        return IngestReport(
            tuple(report["added"]), tuple(report["updated"]), tuple(report["unchanged"]), tuple(failed), total,
            embedded, sum(len(d.text) for d in docs), time.perf_counter() - t0, cancelled=tuple(cancelled),
        )  # fmt: skip

    def _ingest_doc(
        self,
        doc: SourceDoc,
        cancel: CancelToken,
        where: PhaseFn | None = None,
    ) -> tuple[str, int, int]:
        fingerprint = document_fingerprint(doc, self.chunk_settings)
        previous = self.catalog.fingerprint(doc.doc_id)
        if previous == fingerprint:
            return "unchanged", len(self.catalog.chunk_ids(doc.doc_id)), 0
        chunks = chunk_document(doc, self.tokenizer.count, self.chunk_settings)
        if len(chunks) > self.max_doc_chunks:
            raise CorpusError(too_many_chunks(doc, len(chunks), self.max_doc_chunks))
        texts = [index_text(doc.meta.title, c) for c in chunks]
        ids = [c.chunk_id for c in chunks]
        have = self.vectors.existing(ids)
        todo = [i for i, cid in enumerate(ids) if cid not in have]
        defer = self._defer and self.queue is not None
        if todo and not defer:
            vectors = self._embed([texts[i] for i in todo], cancel, where)
        elif defer:
            cancel.check()  # cancelled while this file was read: nothing of it is stored yet, keep it out
        if where:
            where("store", len(todo), len(todo))
        if todo and not defer:
            self.vectors.upsert([ids[i] for i in todo], vectors, [doc.doc_id] * len(todo))
        crash_point("after-upsert")
        old_ids = set(self.catalog.chunk_ids(doc.doc_id))
        tokens = [self.tokenizer.tokens(t) for t in texts]
        if self.queue is not None:  # also when waiting: a queue left by an earlier version is dropped
            pending = [ids[i] for i in todo] if defer else []
            self.queue.replace_document(doc, fingerprint, chunks, tokens, pending)
        else:
            self.catalog.replace_document(doc, fingerprint, chunks, tokens)
        crash_point("after-commit")
        stale = sorted(old_ids - set(ids))
        if stale:
            self.vectors.delete(stale)
        return ("updated" if previous else "added"), len(chunks), 0 if defer else len(todo)

    def _embed(
        self,
        texts: list[str],
        cancel: CancelToken,
        where: PhaseFn | None = None,
    ) -> Vectors:
        """Passage vectors, a batch at a time with a cancel checkpoint between batches; nothing is stored
        until every batch is done, so a cancel leaves no part of the document behind."""
        embedder = self.embedder
        parts = []
        size = max(1, int(getattr(embedder, "batch_size", 32)))
        for i in range(0, len(texts), size):
            cancel.check()
            parts.append(embedder.embed_documents(texts[i : i + size]))
            if where:
                where("embed", min(i + size, len(texts)), len(texts))
        cancel.check()  # a cancel during the last batch still keeps the document out
        return np.concatenate(parts)
