"""Vector store on Chroma (向量库): the only module that imports chromadb.

Embedded ``PersistentClient`` by default, ``HttpClient`` for a ``chroma run`` server. We always pass
our own vectors (Chroma's default embedding function would download a model), telemetry is off and
the collection uses cosine space. Chroma errors are translated to :class:`StoreError` with advice.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

from index.errors import StoreError

_BATCH = 1000  # well under Chroma's max batch size


def collection_name(kb: str, embedder: str) -> str:
    """An ASCII slug Chroma accepts (3-63 chars of [a-zA-Z0-9._-], alphanumeric at both ends)."""
    slug = re.sub(r"[^a-z0-9]+", "-", f"pa-{kb}-{embedder}".lower()).strip("-")
    return slug[:63].rstrip("-.")


class ChromaStore:
    """One Chroma collection holding chunk vectors with ``doc_id`` metadata."""

    def __init__(self, *, path: Path | None = None, url: str | None = None, collection: str) -> None:
        import chromadb
        from chromadb.config import Settings

        settings = Settings(anonymized_telemetry=False)
        try:
            if url:
                parsed = urlparse(url if "://" in url else f"http://{url}")
                self._client: Any = chromadb.HttpClient(
                    host=parsed.hostname or "127.0.0.1",
                    port=parsed.port or 8000,
                    ssl=parsed.scheme == "https",
                    settings=settings,
                )
                self._client.heartbeat()
            else:
                assert path is not None
                path.mkdir(parents=True, exist_ok=True)
                self._client = chromadb.PersistentClient(path=str(path), settings=settings)
            self._collection = self._client.get_or_create_collection(
                collection, configuration={"hnsw": {"space": "cosine"}}, embedding_function=None
            )
        except Exception as exc:
            where = url or str(path)
            raise StoreError(f"无法打开向量库 {where}：{exc}；服务器模式请确认 `chroma run` 已启动") from exc
        self.location = url or str(path)

    def upsert(self, ids: Sequence[str], vectors: np.ndarray, doc_ids: Sequence[str]) -> None:
        try:
            for i in range(0, len(ids), _BATCH):
                sl = slice(i, i + _BATCH)
                self._collection.upsert(
                    ids=list(ids[sl]),
                    embeddings=vectors[sl],
                    metadatas=[{"doc_id": d} for d in doc_ids[sl]],
                )
        except Exception as exc:
            raise StoreError(f"写入向量库失败：{exc}") from exc

    def existing(self, ids: Sequence[str]) -> set[str]:
        """Which of ``ids`` already have vectors (so unchanged text is never embedded twice)."""
        found: set[str] = set()
        try:
            for i in range(0, len(ids), _BATCH):
                found.update(self._collection.get(ids=list(ids[i : i + _BATCH]), include=[])["ids"])
        except Exception as exc:
            raise StoreError(f"读取向量库失败：{exc}") from exc
        return found

    def all_ids(self) -> set[str]:
        ids: set[str] = set()
        offset = 0
        while True:
            page = self._collection.get(include=[], limit=_BATCH * 5, offset=offset)["ids"]
            ids.update(page)
            if len(page) < _BATCH * 5:
                return ids
            offset += len(page)

    def delete(self, ids: Sequence[str]) -> None:
        try:
            for i in range(0, len(ids), _BATCH):
                self._collection.delete(ids=list(ids[i : i + _BATCH]))
        except Exception as exc:
            raise StoreError(f"删除向量失败：{exc}") from exc

    def count(self) -> int:
        return int(self._collection.count())

    def query(
        self, vector: np.ndarray, k: int, doc_ids: Sequence[str] | None = None
    ) -> list[tuple[str, float]]:
        """Nearest chunks as (chunk_id, cosine similarity), best first, optionally within documents."""
        # Chroma returns fewer than n_results when the collection is smaller; no count() round trip needed.
        where: dict[str, Any] | None = None
        if doc_ids is not None:
            if not doc_ids:
                return []
            where = {"doc_id": {"$in": list(doc_ids)}}
        try:
            res = self._collection.query(
                query_embeddings=[vector], n_results=k, where=where, include=["distances"]
            )
        except Exception as exc:
            raise StoreError(f"向量检索失败：{exc}") from exc
        return [(cid, 1.0 - float(d)) for cid, d in zip(res["ids"][0], res["distances"][0], strict=True)]
