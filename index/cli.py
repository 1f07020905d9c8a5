"""Maintenance commands (维护命令): ``doctor``, ``backup``, ``restore``, ``export``, ``migrate``.

They work on the index alone, so they live beside it; the operations themselves are in
:mod:`index.doctor`, :mod:`index.backup` and :mod:`index.migrate`, and this module is only their
argparse wiring and messages.

The index layer must not import the assistant, yet where the knowledge base is comes from the
assistant's settings (``--index/--chroma-url/--embedder/--kb-name`` over ``POLICY_ASSISTANT_*``
variables). So the command line that owns those options hands them in: :func:`register` takes the
function that adds the options and a ``locate`` function that turns the parsed arguments into an
:class:`IndexTarget` (plain paths and an opener). ``assistant/cli.py`` calls it with
:func:`assistant.cli_options.add_index_options` and :func:`assistant.cli_options.index_target`.

Exit codes: 0 success / healthy, 1 problems found (doctor: repaired or not), 2 refused or failed
(:class:`index.backup.BackupError` and the other project errors, printed by ``assistant.cli.main``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index import doctor
from index.audit import audit_log, cli_user
from index.backup import backup, export_documents, restore
from index.knowledge_base import KnowledgeBase
from index.layout import require_local_index
from index.migrate import migrate

__all__ = ["IndexTarget", "register"]


@dataclass(frozen=True, slots=True)
class IndexTarget:
    """The knowledge base a command works on (目标知识库), as the command line resolved it."""

    index_dir: Path
    chroma_url: str | None
    open: Callable[[bool], KnowledgeBase]  # check_manifest → the opened knowledge base


Locate = Callable[[argparse.Namespace], IndexTarget]
AddOptions = Callable[[argparse.ArgumentParser], None]


def cmd_doctor(target: IndexTarget, args: argparse.Namespace) -> int:
    if not target.chroma_url:
        require_local_index(target.index_dir)  # the doctor must not create the folder it checks
    # Without the manifest check, so the doctor sees the index as it is.
    kb = target.open(False)
    try:
        health = doctor.repair(kb) if args.repair else doctor.check(kb)
    finally:
        kb.close()
    print(health.summary())
    if not health.ok and not args.repair and any(p.repairable for p in health.problems):
        print("可运行 policy-assistant doctor --repair 自动修复", file=sys.stderr)
    return 0 if health.ok and not health.repaired else 1


def cmd_backup(target: IndexTarget, args: argparse.Namespace) -> int:
    if target.chroma_url:
        print("错误：服务器模式的知识库请用 Chroma 服务器自己的备份方式", file=sys.stderr)
        return 1
    info = backup(target.index_dir, args.out)
    print(
        f"已备份 {info.documents} 个文件、{info.chunks} 块（{info.files} 个索引文件，{info.bytes} 字节）到 {info.path}"
    )
    return 0


def cmd_restore(target: IndexTarget, args: argparse.Namespace) -> int:
    info = restore(args.archive, target.index_dir, force=args.force)
    audit_log(target.index_dir).record(cli_user(), "restore", [], "ok", archive=str(args.archive))
    print(f"已从 {args.archive} 恢复 {info.documents} 个文件、{info.chunks} 块到 {target.index_dir}")
    return 0


def cmd_export(target: IndexTarget, args: argparse.Namespace) -> int:
    kb = target.open(True)
    try:
        n = export_documents(kb, args.out)
    finally:
        kb.close()
    print(f"已导出 {n} 个文件到 {args.out}（texts/ 与 documents.jsonl）")
    return 0


def cmd_migrate(target: IndexTarget, args: argparse.Namespace) -> int:
    from tqdm import tqdm  # the progress bar only when migrating: keeps `policy-assistant --help` quick

    source = target.index_dir
    bar = tqdm(total=0, unit="doc", desc="迁移", file=sys.stderr, disable=args.quiet)

    def progress(name: str, done: int, total: int, chunks: int) -> None:
        bar.total = total
        bar.update(done - bar.n)
        bar.set_postfix_str(f"{chunks} 块, {name[:24]}")

    try:
        report = migrate(source, args.to_chroma_url, args.to_kb, prune=args.prune, progress=progress)
    finally:
        bar.close()
    print(
        f"已把 {source} 迁移到 {report.target}：复制 {len(report.copied)} 个文件，未变 {len(report.unchanged)}，"
        f"删除 {len(report.pruned)}；复制 {report.chunks_copied} 块、{report.vectors_copied} 个向量（未重新计算）；"
        f"服务器上现有 {report.documents_total} 个文件、{report.chunks_total} 块、{report.vectors_total} 个向量；"
        f"用时 {report.seconds:.1f} 秒"
    )
    if report.kept:
        print(
            f"服务器上另有 {len(report.kept)} 个源索引中没有的文件，已保留（加 --prune 删除）："
            + "、".join(report.kept[:5]),
            file=sys.stderr,
        )
    return 0


def _bind(command: Callable[[IndexTarget, argparse.Namespace], int], locate: Locate) -> Any:
    return lambda args: command(locate(args), args)


def register(sub: Any, add_options: AddOptions, locate: Locate) -> None:
    """Add the five maintenance commands to ``sub`` (the ``policy-assistant`` subparsers)."""
    p = sub.add_parser("doctor", help="检查索引：目录、向量库、关键词索引与清单是否一致")
    p.add_argument(
        "--repair", action="store_true", help="修复能修复的问题（删除孤立向量、重建关键词索引、重写清单）"
    )
    add_options(p)
    p.set_defaults(func=_bind(cmd_doctor, locate))

    p = sub.add_parser("backup", help="把整个知识库备份为一个 .tar.gz")
    p.add_argument("--out", type=Path, required=True, help="备份文件，如 kb.tar.gz")
    add_options(p)
    p.set_defaults(func=_bind(cmd_backup, locate))

    p = sub.add_parser("restore", help="从备份恢复知识库（目标目录须为空，或加 --force）")
    p.add_argument("archive", type=Path)
    p.add_argument("--force", action="store_true", help="覆盖非空的目标索引目录")
    add_options(p)
    p.set_defaults(func=_bind(cmd_restore, locate))

    p = sub.add_parser("export", help="导出每个文件的原文与元数据（texts/ 与 documents.jsonl）")
    p.add_argument("--out", type=Path, required=True, help="输出目录")
    add_options(p)
    p.set_defaults(func=_bind(cmd_export, locate))

    p = sub.add_parser(
        "migrate", help="把本地嵌入式知识库迁移到 Chroma 服务器（复制文件、块与向量，不重新计算向量）"
    )
    p.add_argument(
        "--index",
        type=Path,
        help="源索引目录（默认 $POLICY_ASSISTANT_HOME/index，即 ~/.policy-assistant/index）",
    )
    p.add_argument("--to-chroma-url", required=True, help="目标 Chroma 服务器地址，如 http://127.0.0.1:8000")
    p.add_argument("--to-kb", default="default", help="服务器上的知识库名（默认 default）")
    p.add_argument("--prune", action="store_true", help="删除服务器上有、源索引中已没有的文件")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=_bind(cmd_migrate, locate))
