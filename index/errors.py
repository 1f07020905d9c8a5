"""Errors of the index layer (索引错误). Third-party errors are translated here, with advice."""

from __future__ import annotations


class IndexError_(Exception):
    """Base class for index problems; the message says what to do."""


class IndexLocked(IndexError_):
    """Another process holds the write lock of a local index."""


class ManifestMismatch(IndexError_):
    """The index was built with another embedder or chunker."""


class StoreError(IndexError_):
    """The vector store failed (Chroma unreachable, corrupt collection, ...)."""
