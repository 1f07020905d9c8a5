"""Vector store on Chroma (向量库): the only module that imports chromadb.

Embedded ``PersistentClient`` by default, ``HttpClient`` for a ``chroma run`` server. We always pass
our own vectors (Chroma's default embedding function would download a model), telemetry is off and
the collection uses cosine space. Chroma errors are translated to :class:`StoreError` with advice.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

from index.errors import StoreError

_BATCH = 1000  # well under Chroma's max batch size
# HNSW candidate list per search. Chroma's default (100) let the dense top-50 differ between processes:
# an embedded collection below its sync threshold rebuilds its graph on open, and each rebuild misses
# different near neighbours (8 of 71 dev questions changed, one answer flipped). At 400 the 50 candidates
# are near exact and repeatable; the search stays a few milliseconds (docs/benchmarks.md).
EF_SEARCH = 400


def collection_name(kb: str, embedder: str) -> str:
    """An ASCII slug Chroma accepts (3-63 chars of [a-zA-Z0-9._-], alphanumeric at both ends)."""
    slug = re.sub(r"[^a-z0-9]+", "-", f"pa-{kb}-{embedder}".lower()).strip("-")
    return slug[:63].rstrip("-.")


def _open_client(path: Path | None, url: str | None) -> Any:
    """An ``HttpClient`` for a ``chroma run`` server at ``url``, else a ``PersistentClient`` at ``path``."""
    import chromadb
    from chromadb.config import Settings

    settings = Settings(anonymized_telemetry=False)
    try:
        if url:
            parsed = urlparse(url if "://" in url else f"http://{url}")
            client = chromadb.HttpClient(
                host=parsed.hostname or "127.0.0.1",
                port=parsed.port or 8000,
                ssl=parsed.scheme == "https",
                settings=settings,
            )
            client.heartbeat()
            return client
        assert path is not None
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=settings)
    except Exception as exc:
        where = url or str(path)
        raise StoreError(f"无法打开向量库 {where}：{exc}；服务器模式请确认 `chroma run` 已启动") from exc


class ChromaStore:
    """One Chroma collection holding chunk vectors with ``doc_id`` metadata."""

    def __init__(
        self, *, path: Path | None = None, url: str | None = None, collection: str, client: Any = None
    ) -> None:
        self._client: Any = client if client is not None else _open_client(path, url)
        try:
            self._collection = self._client.get_or_create_collection(
                collection,
                configuration={"hnsw": {"space": "cosine", "ef_search": EF_SEARCH}},
                embedding_function=None,
            )
            hnsw = (self._collection.configuration or {}).get("hnsw") or {}
            if hnsw.get("ef_search", EF_SEARCH) < EF_SEARCH:  # a collection made before the setting
                self._collection.modify(configuration={"hnsw": {"ef_search": EF_SEARCH}})
        except Exception as exc:
            raise StoreError(f"无法打开向量库 {url or path}：{exc}") from exc
        self.location = url or str(path)

    def sibling(self, collection: str) -> ChromaStore:
        """Another collection of the same store and client (the sentence vectors beside the chunks')."""
        return ChromaStore(collection=collection, client=self._client, url=self.location)

    def has_collection(self, name: str) -> bool:
        """Whether the store holds a collection ``name`` (without creating it)."""
        try:
            return name in {getattr(c, "name", c) for c in self._client.list_collections()}
        except Exception as exc:
            raise StoreError(f"读取向量库失败：{exc}") from exc

    def drop_collection(self, name: str) -> None:
        try:
            self._client.delete_collection(name)
        except Exception as exc:
            raise StoreError(f"删除向量库集合 {name} 失败：{exc}") from exc

    def upsert(self, ids: Sequence[str], vectors: np.ndarray, doc_ids: Sequence[str]) -> None:
        now = time.time()
        try:
            for i in range(0, len(ids), _BATCH):
                sl = slice(i, i + _BATCH)
                self._collection.upsert(
                    ids=list(ids[sl]),
                    embeddings=vectors[sl],
                    # ``t`` (write time) lets a server-mode orphan sweep spare another writer's fresh vectors.
                    metadatas=[{"doc_id": d, "t": now} for d in doc_ids[sl]],
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

    def ids_written_since(self, since: float) -> set[str]:
        """Ids of vectors upserted at or after ``since`` (epoch seconds)."""
        try:
            return set(self._collection.get(where={"t": {"$gte": since}}, include=[])["ids"])
        except Exception as exc:
            raise StoreError(f"读取向量库失败：{exc}") from exc

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

    def vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """The stored vectors of those ``ids`` that have one (a migration copies them instead of re-embedding)."""
        out: dict[str, np.ndarray] = {}
        try:
            for i in range(0, len(ids), _BATCH):
                res = self._collection.get(ids=list(ids[i : i + _BATCH]), include=["embeddings"])
                for cid, vec in zip(res["ids"], res["embeddings"], strict=True):
                    out[cid] = np.asarray(vec, dtype=np.float32)
        except Exception as exc:
            raise StoreError(f"读取向量失败：{exc}") from exc
        return out


class ChromaRecords:
    """A Chroma collection used as a plain record store (the server-mode catalog), never searched by vector.

    Chroma requires an embedding per record and one dimension per collection, so every record gets the
    same 1-dimensional placeholder ``[1.0]``; the collection is kept apart from the chunk vectors.
    Metadata values must be str, int, float or bool.
    """

    def __init__(self, *, url: str, collection: str) -> None:
        self._client: Any = _open_client(None, url)
        try:
            self._collection = self._client.get_or_create_collection(collection, embedding_function=None)
        except Exception as exc:
            raise StoreError(f"无法打开目录集合 {collection}（{url}）：{exc}") from exc
        self.location = url

    def upsert(
        self, ids: Sequence[str], documents: Sequence[str], metadatas: Sequence[dict[str, Any]]
    ) -> None:
        try:
            self._collection.upsert(
                ids=list(ids),
                embeddings=[[1.0]] * len(ids),
                documents=list(documents),
                metadatas=list(metadatas),
            )
        except Exception as exc:
            raise StoreError(f"写入目录失败：{exc}") from exc

    def get(
        self,
        ids: Sequence[str] | None = None,
        *,
        where: dict[str, Any] | None = None,
        documents: bool = False,
        metadatas: bool = True,
    ) -> list[tuple[str, str | None, dict[str, Any]]]:
        """(id, document or None, metadata) of the given ids or of every record matching ``where``."""
        include = [*(["documents"] if documents else []), *(["metadatas"] if metadatas else [])]
        out: list[tuple[str, str | None, dict[str, Any]]] = []
        try:
            if ids is not None:
                for i in range(0, len(ids), _BATCH):
                    out += _rows(self._collection.get(ids=list(ids[i : i + _BATCH]), include=include))
                return out
            offset = 0
            while True:
                page = _rows(self._collection.get(where=where, include=include, limit=_BATCH, offset=offset))
                out += page
                if len(page) < _BATCH:
                    return out
                offset += len(page)
        except Exception as exc:
            raise StoreError(f"读取目录失败：{exc}") from exc

    def delete(self, ids: Sequence[str]) -> None:
        try:
            self._collection.delete(ids=list(ids))
        except Exception as exc:
            raise StoreError(f"删除目录记录失败：{exc}") from exc


def _rows(res: Any) -> list[tuple[str, str | None, dict[str, Any]]]:
    ids = res["ids"]
    docs = res.get("documents") or [None] * len(ids)
    metas = res.get("metadatas") or [{}] * len(ids)
    return [(i, d, dict(m or {})) for i, d, m in zip(ids, docs, metas, strict=True)]
