"""Migration to a Chroma server (迁移到服务器): copy an embedded knowledge base into server mode.

A county office that outgrows its single-machine index (the folder with ``catalog.sqlite``, the
embedded Chroma and the manifest) moves to a shared ``chroma run`` server without embedding anything
again: every document is copied with its text, metadata, doc id and fingerprint, every chunk with its
content-hash id, offsets, section and tokens, and every chunk's stored vector as it is. The manifest
follows, so the server knowledge base is checked against the same embedder and chunker.

Each document is written the way an ingest writes it (:meth:`KnowledgeBase._ingest_doc`): vectors
first, then the document's catalog record (the commit point), then the stale vectors of the version
it replaced. A migration killed midway therefore leaves whole documents only, and running it again
finishes the work: documents whose fingerprint the server already holds are skipped (``unchanged``).
Documents the server holds that the source does not are kept unless ``prune`` is asked for, so a
migration never deletes what someone may have added to the server since.

The source is only read, under its write lock (no ingest may change it meanwhile), one document at a
time, so memory stays bounded by the largest document.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from index.catalog import Catalog, DocRecord
from index.catalog_chroma import ChromaCatalog
from index.chroma_store import ChromaStore, collection_name
from index.errors import IndexFailure
from index.fingerprint import corpus_fingerprint
from index.layout import IndexLayout
from index.lock import WriteLock
from index.manifest import Manifest, read_manifest
from index.reports import ProgressFn
from index.sentence_vectors import chunk_docs, copy_missing, sentence_collection
from index.sqlite_vectors import SqliteVectorStore

__all__ = ["MigrateError", "MigrateReport", "migrate"]


class MigrateError(IndexFailure):
    """A migration was refused or could not finish; the message names both sides and what to do."""


@dataclass(frozen=True, slots=True)
class MigrateReport:
    """What a migration did (迁移结果). Document lists hold file names, as :class:`IngestReport` does."""

    source: str
    target: str
    copied: tuple[str, ...] = ()  # new or changed on the server
    unchanged: tuple[str, ...] = ()  # the server already held the same version
    pruned: tuple[str, ...] = ()  # removed from the server (``prune``)
    kept: tuple[str, ...] = ()  # only on the server, kept because ``prune`` was not asked for
    chunks_copied: int = 0
    vectors_copied: int = 0
    documents_total: int = 0  # on the server afterwards
    chunks_total: int = 0
    vectors_total: int = 0
    seconds: float = 0.0


def _describe(m: Manifest) -> str:
    return f"向量模型 {m.embedder}（{m.dim} 维）、切块参数 {m.chunker}"


def _build(m: Manifest) -> tuple[str, int, dict[str, object]]:
    return m.embedder, m.dim, m.chunker


class _Migration:
    def __init__(self, index_dir: Path, url: str, kb: str, manifest: Manifest) -> None:
        self.index_dir = index_dir
        self.target = f"Chroma 服务器 {url} 上的知识库 {kb}"
        self.manifest = manifest
        # The server first: a refusal (or a server that is down) comes before the source is opened.
        self.dst = ChromaCatalog(url, kb)
        self.dst_manifest = self.dst.read_manifest()
        self._check_compatible()
        # The collection a KnowledgeBase opening this server knowledge base will use (its __init__ rule).
        self.collection = (
            self.dst_manifest.collection if self.dst_manifest else collection_name(kb, manifest.embedder)
        )
        self.src = Catalog(IndexLayout(index_dir).catalog)
        try:
            self.src_vectors = ChromaStore(path=IndexLayout(index_dir).chroma, collection=manifest.collection)
            self.dst_vectors = ChromaStore(url=url, collection=self.collection)
        except BaseException:
            self.src.close()
            raise

    def close(self) -> None:
        self.src.close()
        self.dst.close()

    def _check_compatible(self) -> None:
        """Vectors of two embedders (or chunks of two chunkers) must never share a knowledge base."""
        theirs, ours = self.dst_manifest, self.manifest
        if theirs is None or _build(theirs) == _build(ours):
            return
        raise MigrateError(
            f"无法迁移：{self.target} 已用{_describe(theirs)}构建，"
            f"而源索引 {self.index_dir} 用的是{_describe(ours)}，两者不能混在一个知识库里。"
            "请用 --to-kb 换一个知识库名，或改用与之相同设置构建的源索引。"
        )

    def copy(self, rec: DocRecord, before: DocRecord | None) -> tuple[bool, int, int]:
        """Copy one document if the server lacks this version: (copied?, its chunks, vectors written)."""
        ids = self.src.chunk_ids(rec.doc_id)
        if before is not None and before.fingerprint == rec.fingerprint:
            # Same version committed: only vectors a racing server writer may have deleted are restored.
            return False, len(ids), self._copy_vectors(rec.doc_id, ids)
        doc = self.src.source_doc(rec.doc_id)
        stored = sorted(self.src.iter_chunks(ids), key=lambda s: s.chunk.ordinal)
        if doc is None or doc.doc_id != rec.doc_id or len(stored) != len(ids):
            raise MigrateError(
                f"源索引 {self.index_dir} 中 {rec.source} 的记录不完整；"
                f"请先运行 policy-assistant doctor --repair --index {self.index_dir}，再迁移"
            )
        written = self._copy_vectors(rec.doc_id, ids)
        old = set(self.dst.chunk_ids(rec.doc_id)) if before is not None else set()
        self.dst.replace_document(
            doc, rec.fingerprint, [s.chunk for s in stored], [list(s.tokens) for s in stored]
        )
        # After the commit, as an ingest does: the replaced version's vectors nobody names any more.
        stale = sorted(old - set(ids))
        if stale:
            self.dst_vectors.delete(stale)
        return True, len(ids), written

    def _copy_vectors(self, doc_id: str, ids: list[str]) -> int:
        """Upsert the source's stored vectors of the chunks the server lacks (never re-embedded)."""
        have = self.dst_vectors.existing(ids)
        todo = [cid for cid in ids if cid not in have]
        if not todo:
            return 0
        found = self.src_vectors.vectors(todo)
        missing = [cid for cid in todo if cid not in found]
        if missing:
            raise MigrateError(
                f"源索引 {self.index_dir} 缺少 {len(missing)} 个向量（如 {missing[0]}）；"
                f"请先运行 policy-assistant doctor --repair --index {self.index_dir}，再迁移"
            )
        self.dst_vectors.upsert(todo, np.stack([found[cid] for cid in todo]), [doc_id] * len(todo))
        return len(todo)

    def prune(self, doc_id: str) -> None:
        ids = self.dst.chunk_ids(doc_id)
        self.dst.remove_document(doc_id)  # the commit point; vectors only after it, as a removal does
        self.dst_vectors.delete(ids)

    def copy_sentences(self) -> int:
        """The sentence vectors (index.sentence_vectors) the server lacks, copied as they are."""
        dst = self.dst_vectors.sibling(sentence_collection(self.collection))
        doc_of = chunk_docs(self.src)
        copied = 0
        # Read where they are, the source left as it is: its file, or the Chroma collection of an index
        # built before the file (moved into it when that index is next opened, not by a migration).
        path = IndexLayout(self.index_dir).sentences
        if path.is_file():
            rows = SqliteVectorStore(path, space=self.manifest.collection)
            try:
                copied += copy_missing(rows, dst, doc_of)
            finally:
                rows.close()
        legacy = sentence_collection(self.manifest.collection)
        if self.src_vectors.has_collection(legacy):
            copied += copy_missing(self.src_vectors.sibling(legacy), dst, doc_of)
        return copied

    def finish(self) -> tuple[int, int, int]:
        """Record the manifest: the source's build (embedder, chunker, versions), the server's counts."""
        docs = self.dst.documents()
        _, chunks = self.dst.counts()
        manifest = replace(
            self.manifest,
            collection=self.collection,
            corpus_fingerprint=corpus_fingerprint(d.fingerprint for d in docs),
            documents=len(docs),
            chunks=chunks,
        )
        if manifest != self.dst_manifest:
            self.dst.write_manifest(manifest)
        return len(docs), chunks, self.dst_vectors.count()


def migrate(
    index_dir: Path,
    url: str,
    kb: str = "default",
    *,
    prune: bool = False,
    progress: ProgressFn | None = None,
) -> MigrateReport:
    """Copy the embedded knowledge base in ``index_dir`` into knowledge base ``kb`` of the server at ``url``."""
    t0 = time.perf_counter()
    manifest = read_manifest(index_dir)
    if manifest is None or not IndexLayout(index_dir).catalog.is_file():
        raise MigrateError(IndexLayout(index_dir).missing_message())
    with WriteLock(index_dir):
        run = _Migration(index_dir, url, kb, manifest)
        try:
            return _run(run, prune, progress, t0)
        finally:
            run.close()


def _run(run: _Migration, prune: bool, progress: ProgressFn | None, t0: float) -> MigrateReport:
    # The server's list is read once: after the first commit it would be re-read on every lookup.
    before = {rec.doc_id: rec for rec in run.dst.documents()}
    records = run.src.documents()
    copied: list[str] = []
    unchanged: list[str] = []
    chunks = vectors = 0
    for i, rec in enumerate(records):
        done, n_chunks, n_vectors = run.copy(rec, before.get(rec.doc_id))
        (copied if done else unchanged).append(rec.source)
        chunks += n_chunks if done else 0
        vectors += n_vectors
        if progress:
            progress(rec.source, i + 1, len(records), chunks)
    extra = [before[d] for d in sorted(before.keys() - {r.doc_id for r in records})]
    if prune:
        for rec in extra:
            run.prune(rec.doc_id)
    run.copy_sentences()
    documents_total, chunks_total, vectors_total = run.finish()
    names = tuple(sorted(r.source for r in extra))
    return MigrateReport(
        str(run.index_dir), run.target, tuple(copied), tuple(unchanged), names if prune else (),
        () if prune else names, chunks, vectors, documents_total, chunks_total, vectors_total,
        time.perf_counter() - t0,
    )  # fmt: skip
