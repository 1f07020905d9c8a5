"""The question-embedding cache: a repeated question is not embedded again, and gets the same passages."""

from __future__ import annotations

import numpy as np
import pytest
from api_testkit import ApiServer

pytestmark = pytest.mark.slow


def test_repeated_question_reuses_its_vector(api_server: ApiServer) -> None:
    retriever = api_server.service.assistant.retriever
    cache = retriever.query_cache
    question = "驻村第一书记的任期是多久？（缓存测试）"
    hits0, misses0 = cache.hits, cache.misses
    first = retriever.retrieve(question, 5)
    second = retriever.retrieve(question, 5)
    assert (cache.misses - misses0, cache.hits - hits0) == (1, 1)
    assert [h.chunk.chunk_id for h in first] == [h.chunk.chunk_id for h in second]
    vector = cache.embed_query(retriever.kb.embedder, question)
    assert not vector.flags.writeable
    np.testing.assert_allclose(vector, retriever.kb.embedder.embed_query(question), atol=1e-6)


def test_cache_is_bounded() -> None:
    from index.embedder import make_embedder
    from index.query_cache import QueryEmbeddingCache

    cache = QueryEmbeddingCache(size=2)
    embedder = make_embedder()
    for q in ("低保", "特困", "低保", "临时救助"):
        cache.embed_query(embedder, q)
    assert len(cache) == 2 and (cache.hits, cache.misses) == (1, 3)
