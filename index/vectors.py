"""What every embedder (向量模型) hands back: the ``Vectors`` type and the ``Embedder`` protocol.

Kept apart from :mod:`index.embedder` (which builds the backends) so the backends can import the
protocol without importing the factory that imports them.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


@runtime_checkable
class Embedder(Protocol):
    """Same method names as langchain-core ``Embeddings``; vectors are L2-normalized float32."""

    name: str

    @property
    def dim(self) -> int:
        """Vector length (a remote embedder learns it from the server's first answer)."""
        ...

    def embed_documents(self, texts: list[str]) -> Vectors: ...

    def embed_query(self, text: str) -> Vectors: ...
