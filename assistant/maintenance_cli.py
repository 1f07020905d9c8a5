"""Maintenance commands (维护命令): ``doctor``, ``backup``, ``restore``, ``export``, ``migrate``.

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


def cmd_migrate(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from index.migrate import migrate

    source = settings_from(args).index_dir
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


def register_migrate(sub: Any) -> None:
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
    p.set_defaults(func=cmd_migrate)
