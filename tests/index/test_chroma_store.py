"""Tests for index.chroma_store (向量库): real embedded Chroma, HNSW search settings."""

from __future__ import annotations

from pathlib import Path

import chromadb
import numpy as np
from chromadb.config import Settings

from index.chroma_store import EF_SEARCH, ChromaStore


def _unit(rng: np.random.Generator, n: int, dim: int = 384) -> np.ndarray:
    v = rng.standard_normal((n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_new_collection_searches_with_a_wide_candidate_list(tmp_path: Path) -> None:
    store = ChromaStore(path=tmp_path / "chroma", collection="pa-test")
    assert store._collection.configuration["hnsw"]["ef_search"] == EF_SEARCH


def test_collection_made_with_chroma_defaults_is_widened_on_open(tmp_path: Path) -> None:
    client = chromadb.PersistentClient(
        path=str(tmp_path / "chroma"), settings=Settings(anonymized_telemetry=False)
    )
    client.create_collection("pa-old", configuration={"hnsw": {"space": "cosine"}}, embedding_function=None)
    assert client.get_collection("pa-old").configuration["hnsw"]["ef_search"] < EF_SEARCH
    del client
    ChromaStore(path=tmp_path / "chroma", collection="pa-old")
    reopened = ChromaStore(path=tmp_path / "chroma", collection="pa-old")
    assert reopened._collection.configuration["hnsw"]["ef_search"] == EF_SEARCH


def test_dense_top_k_is_the_exact_nearest_neighbours(tmp_path: Path) -> None:
    """Below the sync threshold the graph is rebuilt on open; the 50 candidates must still be the exact 50."""
    rng = np.random.default_rng(3)
    vectors = _unit(rng, 900)
    ids = [f"c{i:04d}" for i in range(len(vectors))]
    ChromaStore(path=tmp_path / "chroma", collection="pa-exact").upsert(ids, vectors, ["d"] * len(ids))
    store = ChromaStore(path=tmp_path / "chroma", collection="pa-exact")  # a fresh open, as another process
    for q in _unit(rng, 20):
        exact = [ids[i] for i in np.argsort(-(vectors @ q))[:50]]
        assert [cid for cid, _ in store.query(q, 50)] == exact
