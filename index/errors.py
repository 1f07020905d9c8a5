"""Errors of the index layer (索引错误). Third-party errors are translated here, with advice."""

from __future__ import annotations

from corpus.errors import PolicyAssistantError

__all__ = ["IndexError_", "IndexFailure", "IndexLocked", "IndexMissing", "ManifestMismatch", "StoreError"]


class IndexFailure(PolicyAssistantError):
    """Base class for index problems (索引故障); the message says what to do."""


# The former name, kept so existing imports keep working; it shadowed nothing but read like a builtin.
IndexError_ = IndexFailure


class IndexMissing(IndexFailure):
    """A command that reads an index was pointed at a folder that holds none."""


class IndexLocked(IndexFailure):
    """Another process holds the write lock of a local index."""


class ManifestMismatch(IndexFailure):
    """The index was built with another embedder or chunker."""


class StoreError(IndexFailure):
    """The vector store failed (Chroma unreachable, corrupt collection, ...)."""
