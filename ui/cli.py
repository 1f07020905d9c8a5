"""``policy-assistant serve``: the web chat (registered through the ``policy_assistant.commands`` group).

    policy-assistant serve [DOCS ...] [--index DIR] [--host 127.0.0.1] [--port 7860] [--auth FILE]
                           [--permissions users.toml] [--kb-name NAME] [--kb NAME=DIR ...] [--trusted-proxy ADDR ...]
                           [--api-keys keys.jsonl [--add-api-key NAME --api-key-role KB=ROLE ...]] [--api-rate N]

Folders or files given as DOCS are ingested before the server starts (unchanged files are skipped,
so a restart is quick) and read again by the 重新索引 button. ``--kb NAME=DIR`` (repeatable) serves
several knowledge bases with a 知识库 dropdown on the page (:mod:`ui.knowledge_bases`, :mod:`ui.kb_select`).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import Any

from assistant import cli_user
from assistant.cli_options import add_index_options
from ui.knowledge_bases import KbOptionError, serve_plans

USERS_ENV = "POLICY_ASSISTANT_USERS"


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("serve", help="启动网页问答（默认仅本机 http://127.0.0.1:7860）")
    p.add_argument("docs", nargs="*", type=Path, help="启动前导入的文件或文件夹（可选）")
    p.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1；其他地址必须配合 --auth）")
    p.add_argument("--port", type=int, default=7860)
    p.add_argument(
        "--auth", type=Path, help=f"用户文件（每行 用户名:scrypt 哈希）；也可用环境变量 {USERS_ENV}"
    )
    p.add_argument(
        "--add-user", metavar="NAME", help="向 --auth 指定的用户文件添加用户（提示输入密码）后退出"
    )
    p.add_argument(
        "--permissions", type=Path,
        help="权限文件（TOML：[users] 用户 = { 知识库名 = \"read\" 或 \"manage\" }）；需配合 --auth",
    )  # fmt: skip
    p.add_argument(
        "--trusted-proxy", action="append", default=[], metavar="ADDR",
        help="反向代理的地址或网段（可重复）：只采信它们转发的 X-Forwarded-For 作为客户端地址；默认不采信任何代理",
    )  # fmt: skip
    p.add_argument(
        "--kb", action="append", default=[], metavar="NAME=PATH",
        help="多个知识库：知识库名=索引目录（可重复；网页上出现 知识库 下拉框）；代替 --index 和 --kb-name",
    )  # fmt: skip
    p.add_argument(
        "--data",
        type=Path,
        help="反馈数据库和上传文件的目录（默认 索引目录/web；多个知识库时每个一个子目录）",
    )
    p.add_argument("--max-upload-mb", type=int, default=20, help="单个上传文件大小上限（MB，默认 20）")
    p.add_argument(
        "--api-keys", type=Path, metavar="FILE",
        help="开放接口（/v1、/api）的密钥文件；不给时接口只接受本机请求（且网页未开启登录）",
    )  # fmt: skip
    p.add_argument("--add-api-key", metavar="NAME", help="生成密钥写入 --api-keys 文件（只显示一次）后退出")
    p.add_argument(
        "--api-key-role", action="append", default=[], metavar="KB=ROLE",
        help="与 --add-api-key 同用：密钥对知识库的权限，如 fupin=read 或 *=manage（可重复）",
    )  # fmt: skip
    p.add_argument("--api-rate", type=float, default=120, help="每个接口密钥每分钟的请求上限（默认 120）")
    add_index_options(p)
    p.set_defaults(func=cmd_serve)


def cmd_serve(args: argparse.Namespace) -> int:
    from ui.access import Access, AccessError, load_permissions
    from ui.auth import AuthError, add_user, load_users
    from ui.security import forwarded_allow_ips, is_loopback

    if args.add_user:
        return _add_user(args, add_user, AuthError)
    from ui.api_keys import ApiKeyError, add_key_command, serve_keys

    if args.add_api_key:
        return add_key_command(args.api_keys, args.add_api_key, args.api_key_role)
    try:
        api_keys, api_limiter = serve_keys(args.api_keys, args.api_rate)
    except ApiKeyError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    try:
        users = load_users(args.auth, os.environ.get(USERS_ENV))
    except AuthError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    try:
        plans = serve_plans(args)
        accesses = [
            load_permissions(args.permissions, plan.name) if args.permissions else Access(plan.name)
            for plan in plans
        ]
    except (KbOptionError, AccessError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    access = accesses[0]
    try:
        forwarded_allow_ips(args.trusted_proxy)
    except ValueError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    if any(a.limited for a in accesses) and not users:
        print("错误：--permissions 需要登录才能生效，请同时给出 --auth 用户文件", file=sys.stderr)
        return 2
    if args.auth and not users:
        print(f"错误：用户文件 {args.auth} 中没有用户；先用 --add-user 添加", file=sys.stderr)
        return 2
    if not is_loopback(args.host) and not users:
        print(
            f"错误：拒绝在 {args.host} 上无登录启动（局域网中的其他人都能访问）。"
            f"请加 --auth 用户文件（或设置 {USERS_ENV}），或使用默认的 --host 127.0.0.1",
            file=sys.stderr,
        )
        return 2

    from ui.app import launch
    from ui.kb_select import ServedKb
    from ui.service import WebService

    limit = args.max_upload_mb * 1024 * 1024
    services = [WebService(plans[0].settings, plans[0].data_dir, max_upload_bytes=limit, sources=args.docs)]
    services += [WebService(p.settings, p.data_dir, max_upload_bytes=limit) for p in plans[1:]]
    if args.docs:
        _ingest_at_start(services[0], args.docs)
    more = [ServedKb(p.name, s, a) for p, s, a in zip(plans[1:], services[1:], accesses[1:], strict=True)]
    if more:
        print(f"知识库：{'、'.join(p.name for p in plans)}（网页上用 知识库 下拉框切换）", file=sys.stderr)
    print(f"政策通网页问答：http://{args.host}:{args.port}  （Ctrl+C 退出）", file=sys.stderr)
    try:
        launch(
            services[0], host=args.host, port=args.port, users=users or None, access=access,
            trusted_proxies=args.trusted_proxy, api_keys=api_keys, api_limiter=api_limiter, more_kbs=more,
        )  # fmt: skip
    except KeyboardInterrupt:
        pass
    finally:
        for service in services:
            service.close()
    return 0


def _ingest_at_start(service: Any, docs: list[Path]) -> None:
    def progress(name: str, done: int, total: int, chunks: int) -> None:
        print(f"\r入库 {done}/{total}（{chunks} 块）{name[:30]:<30}", end="", file=sys.stderr, flush=True)

    report = service.reindex(progress=progress, user=cli_user())
    print(f"\n知识库：{report.summary('counts')}", file=sys.stderr)
    for failure in report.failed:
        print(f"失败：{failure.reason}", file=sys.stderr)


def _add_user(args: argparse.Namespace, add_user: Any, error: type[Exception]) -> int:
    if not args.auth:
        print("错误：--add-user 需要同时给出 --auth 用户文件", file=sys.stderr)
        return 2
    if sys.stdin.isatty():
        password = getpass.getpass(f"为 {args.add_user} 设置密码：")
        if getpass.getpass("再输入一次：") != password:
            print("错误：两次输入的密码不一致", file=sys.stderr)
            return 2
    else:
        password = sys.stdin.readline().rstrip("\n")
    try:
        add_user(args.auth, args.add_user, password)
    except error as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    print(f"已写入用户 {args.add_user} 到 {args.auth}（密码以 scrypt 哈希保存）", file=sys.stderr)
    return 0
