"""Maintenance commands (维护命令): ``doctor``, ``backup``, ``restore``, ``export``.

Registered through the ``policy_assistant.commands`` entry-point group (see pyproject.toml), one
``register_*`` function per command, so ``assistant/cli.py`` does not import this module.
Exit codes: 0 success / healthy, 1 problems found (doctor: repaired or not), 2 refused or failed
(:class:`index.backup.BackupError` and the other index errors, printed by ``assistant.cli.main``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from assistant.cli import add_index_options, settings_from


def _open_kb(args: argparse.Namespace) -> Any:
    """The knowledge base without the open-time recovery, so the doctor sees the index as it is."""
    from assistant.engine import open_knowledge_base

    return open_knowledge_base(settings_from(args), check_manifest=False)


def cmd_doctor(args: argparse.Namespace) -> int:
    from index import doctor

    kb = _open_kb(args)
    try:
        health = doctor.repair(kb) if args.repair else doctor.check(kb)
    finally:
        kb.close()
    print(health.summary())
    if not health.ok and not args.repair and any(p.repairable for p in health.problems):
        print("可运行 policy-assistant doctor --repair 自动修复", file=sys.stderr)
    return 0 if health.ok and not health.repaired else 1


def cmd_backup(args: argparse.Namespace) -> int:
    from index.backup import backup

    settings = settings_from(args)
    if settings.chroma_url:
        print("错误：服务器模式的知识库请用 Chroma 服务器自己的备份方式", file=sys.stderr)
        return 1
    info = backup(settings.index_dir, args.out)
    print(
        f"已备份 {info.documents} 个文件、{info.chunks} 块（{info.files} 个索引文件，{info.bytes} 字节）到 {info.path}"
    )
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from index.audit import audit_log, cli_user
    from index.backup import restore

    target = settings_from(args).index_dir
    info = restore(args.archive, target, force=args.force)
    audit_log(target).record(cli_user(), "restore", [], "ok", archive=str(args.archive))
    print(f"已从 {args.archive} 恢复 {info.documents} 个文件、{info.chunks} 块到 {target}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from assistant.engine import open_knowledge_base
    from index.backup import export_documents

    kb = open_knowledge_base(settings_from(args))
    try:
        n = export_documents(kb, args.out)
    finally:
        kb.close()
    print(f"已导出 {n} 个文件到 {args.out}（texts/ 与 documents.jsonl）")
    return 0


def register_doctor(sub: Any) -> None:
    p = sub.add_parser("doctor", help="检查索引：目录、向量库、关键词索引与清单是否一致")
    p.add_argument(
        "--repair", action="store_true", help="修复能修复的问题（删除孤立向量、重建关键词索引、重写清单）"
    )
    add_index_options(p)
    p.set_defaults(func=cmd_doctor)


def register_backup(sub: Any) -> None:
    p = sub.add_parser("backup", help="把整个知识库备份为一个 .tar.gz")
    p.add_argument("--out", type=Path, required=True, help="备份文件，如 kb.tar.gz")
    add_index_options(p)
    p.set_defaults(func=cmd_backup)


def register_restore(sub: Any) -> None:
    p = sub.add_parser("restore", help="从备份恢复知识库（目标目录须为空，或加 --force）")
    p.add_argument("archive", type=Path)
    p.add_argument("--force", action="store_true", help="覆盖非空的目标索引目录")
    add_index_options(p)
    p.set_defaults(func=cmd_restore)


def register_export(sub: Any) -> None:
    p = sub.add_parser("export", help="导出每个文件的原文与元数据（texts/ 与 documents.jsonl）")
    p.add_argument("--out", type=Path, required=True, help="输出目录")
    add_index_options(p)
    p.set_defaults(func=cmd_export)
