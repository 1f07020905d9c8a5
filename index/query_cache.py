"""Question-embedding cache (问题向量缓存): the vectors of recent questions, least recently used first out.

Embedding a question is most of a dense search (~50 ms of ~70 ms at 100k passages, and more when
the cores are busy), and users ask the same few questions over and over (the examples, a
colleague's question, a client retrying). The cache is keyed by the embedder's name and the exact
text, holds read-only copies of the vectors and is safe to share between request threads. Two
threads missing the same question at once both embed it; that costs once what a lock held during
embedding would cost on every miss.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np

from index.embedder import Embedder

DEFAULT_SIZE = 1024


class QueryEmbeddingCache:
    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
        self.hits = 0
        self.misses = 0
        self._lock = threading.Lock()
        self._vectors: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()

    def embed_query(self, embedder: Embedder, text: str) -> np.ndarray:
        key = (embedder.name, text)
        with self._lock:
            vector = self._vectors.get(key)
            if vector is not None:
                self._vectors.move_to_end(key)
                self.hits += 1
                return vector
            self.misses += 1
        vector = np.array(embedder.embed_query(text), dtype=np.float32)  # a copy the caller cannot change
        vector.setflags(write=False)
        if self.size > 0:
            with self._lock:
                self._vectors[key] = vector
                while len(self._vectors) > self.size:
                    self._vectors.popitem(last=False)
        return vector

    def __len__(self) -> int:
        with self._lock:
            return len(self._vectors)
