"""Settings (配置): typed defaults in code, overridden by ``POLICY_ASSISTANT_*`` variables and flags.

Only :func:`Settings.from_env` reads the environment; everything else receives a frozen Settings.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from index.embedder import DEFAULT_EMBEDDER

ENV_PREFIX = "POLICY_ASSISTANT_"


def default_home(env: Mapping[str, str] | None = None) -> Path:
    """``$POLICY_ASSISTANT_HOME``, else ``~/.policy-assistant``."""
    env = os.environ if env is None else env
    return Path(env.get(ENV_PREFIX + "HOME") or Path.home() / ".policy-assistant").expanduser()


@dataclass(frozen=True, slots=True)
class Settings:
    index_dir: Path = field(default_factory=lambda: default_home({}) / "index")
    embedder: str = DEFAULT_EMBEDDER
    chroma_url: str | None = None
    # 知识库名: one Chroma server holds several knowledge bases side by side; also the name the web
    # app's permissions file uses.
    kb_name: str = "default"
    chunk_tokens: int = 100
    top_k: int = 10  # passages listed in ``retrieved``
    candidates: int = 50  # per retriever, before fusion
    rrf_k: int = 60
    mode: str = "hybrid"  # hybrid | bm25 | dense
    reader: bool = True  # extractive answer reader on; off = best passage only
    # Sentence vectors (句向量) for the reader: about as much embedding again as the passages; off for a
    # library too large to embed twice (answers then read sentences by words and answer type alone).
    sentence_vectors: bool = True
    # Optional LLM (OpenAI-compatible endpoint through langchain-openai).
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_timeout: float = 30.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        env = os.environ if env is None else env
        values: dict[str, Any] = {"index_dir": default_home(env) / "index"}
        for f in fields(cls):
            raw = env.get(ENV_PREFIX + f.name.upper())
            if raw is None or (f.name == "index_dir" and not raw):
                continue
            values[f.name] = _coerce(f.type, raw)
        if env.get(ENV_PREFIX + "INDEX"):
            values["index_dir"] = Path(env[ENV_PREFIX + "INDEX"]).expanduser()
        values.update({k: v for k, v in overrides.items() if v is not None})
        if "index_dir" in values:
            values["index_dir"] = Path(values["index_dir"]).expanduser()
        return cls(**values)

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **changes)

    @property
    def llm_enabled(self) -> bool:
        return bool(self.llm_base_url and self.llm_model)


def _coerce(kind: Any, raw: str) -> Any:
    text = str(kind)
    if "bool" in text:
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if "int" in text:
        return int(raw)
    if "float" in text:
        return float(raw)
    if "Path" in text:
        return Path(raw).expanduser()
    return raw
