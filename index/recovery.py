"""Crash recovery (中断恢复): finish the work of a writer that was killed mid-write.

A local knowledge base runs :func:`recover_interrupted_write` when it is opened: if the previous
writer was killed (its lock file still names it) or the stores disagree, and no writer is active now,
it finishes the interrupted work (what a finished write does, ``repair``), so an index opened after a
crash reports consistent counts. Taking the write lock for that also records in the audit log what the
killed writer had committed (:func:`index.audit.record_interrupted`), as any later writer would.

This module knows the knowledge base only through :class:`Recoverable`, so the knowledge base can use
it without an import cycle; the doctor (:mod:`index.doctor`) diagnoses and repairs through the same
public methods.
"""

from __future__ import annotations

from typing import Protocol

from index.catalog import CatalogStore
from index.errors import IndexLocked
from index.layout import IndexLayout

__all__ = ["Recoverable", "needs_recovery", "recover_interrupted_write"]


class _Counted(Protocol):
    def count(self) -> int: ...


class Recoverable(Protocol):
    """What recovery needs of a local knowledge base (知识库)."""

    @property
    def layout(self) -> IndexLayout: ...

    @property
    def catalog(self) -> CatalogStore: ...

    @property
    def vectors(self) -> _Counted: ...

    def pending_vectors(self) -> int: ...

    def repair(self) -> None: ...


def needs_recovery(kb: Recoverable) -> bool:
    """Whether a write was interrupted: its lock still names a writer, or the counts disagree. Read-only."""
    lock = kb.layout.write_lock
    if lock.exists() and lock.stat().st_size > 0:
        return True  # the last writer never released its lock: it was killed mid-write
    docs, chunks = kb.catalog.counts()
    manifest = kb.catalog.read_manifest()
    vectors = kb.vectors.count()
    if manifest is None:
        return bool(docs or chunks or vectors)
    # Chunks queued for vectors (index.embed_queue) have none yet: that is not an interrupted write.
    return (manifest.documents, manifest.chunks) != (docs, chunks) or vectors + kb.pending_vectors() != chunks


def recover_interrupted_write(kb: Recoverable) -> bool:
    """Finish an interrupted write if the index needs it and no writer is active; True if it did."""
    try:
        if not needs_recovery(kb):
            return False
        kb.repair()
    except IndexLocked:
        return False  # a writer is at work; it finishes its own job
    return True
