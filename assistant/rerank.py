"""Reranking (重排序): a slot for a model that reorders retrieved passages before they are read.

A :class:`Reranker` sits beside the :class:`~index.embedder.Embedder` seam: a cross-encoder (e.g. a
bge-reranker) plugs in here without touching retrieval or the reader. The default keeps retrieval's
order; the evidence reader then reranks passages by their best sentence, as it always has.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from assistant.types import Hit


class Reranker(Protocol):
    """Reorders (and may drop) passages for a question; returns the hits it keeps, best first."""

    def rerank(self, question: str, hits: Sequence[Hit]) -> list[Hit]: ...


class KeepOrder:
    """The default reranker: retrieval's fused order, unchanged."""

    def rerank(self, question: str, hits: Sequence[Hit]) -> list[Hit]:
        return list(hits)


IDENTITY: Reranker = KeepOrder()
