"""Two knowledge bases in one server (``serve --kb nongji=… --kb yanglao=…``), launched in this process:
shared by the page tests (test_ui_kb_select_browser) and the open-API tests (test_ui_kb_select_api)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from index_kit import writable_copy
from ui_testkit import Server, free_port

DOC_A = (
    "jiaxian-nongji.txt",
    "title: 甲县农机购置补贴实施办法\nissuer: 甲县农业农村局\ndate: 2023-03-01\n---\n"
    "甲县农机购置补贴实施办法\n\n第一条　为了推进农业机械化，制定本办法。\n\n"
    "第二条　购置拖拉机的农户，每台补贴不超过三万元。\n",
)
DOC_B = (
    "yixian-yanglao.txt",
    "title: 乙县高龄老人养老服务补贴办法\nissuer: 乙县民政局\ndate: 2024-05-10\n---\n"
    "乙县高龄老人养老服务补贴办法\n\n第一条　为了保障高龄老人生活，制定本办法。\n\n"
    "第二条　年满八十周岁的老人，每人每月发放养老服务补贴二百元。\n",
)
QUESTION_B = "年满八十周岁的老人每月发放多少养老服务补贴？"
KBS = ["nongji", "yanglao"]  # the --kb order: the dropdown's, and its panels' numbers

PERMISSIONS = '[users]\nli = { yanglao = "read" }\nwang = { "*" = "manage" }\n'
PASSWORDS = {"li": "li-密码-2024", "wang": "wang-密码-2024"}


@dataclass
class TwoKbServer(Server):
    keys: dict[str, str] = field(default_factory=dict)  # API key name → key


def _docs(tmp_path_factory: pytest.TempPathFactory, name: str, doc: tuple[str, str]) -> Path:
    folder = tmp_path_factory.mktemp(f"kb-docs-{name}")
    (folder / doc[0]).write_text(doc[1], encoding="utf-8")
    return folder


def serve_two_kbs(
    built_index: Callable[..., Path],
    tmp_path_factory: pytest.TempPathFactory,
    login: bool,
    api_keys: Mapping[str, Mapping[str, str]] | None = None,
) -> Iterator[TwoKbServer]:
    """``serve --kb nongji=… --kb yanglao=…`` as the command line builds it (serve_plans), launched here;
    with ``login``, the users of :data:`PASSWORDS` and the roles of :data:`PERMISSIONS`; with
    ``api_keys`` (key name → roles), a keys file whose keys the server lists."""
    from assistant.cli import build_parser
    from ui.access import Access, parse_permissions
    from ui.api_keys import add_api_key, load_api_keys
    from ui.app import launch
    from ui.auth import hash_password
    from ui.kb_select import ServedKb
    from ui.knowledge_bases import serve_plans
    from ui.service import WebService

    argv = ["serve", "--data", str(tmp_path_factory.mktemp("kb-web"))]
    for name, doc in zip(KBS, (DOC_A, DOC_B), strict=True):
        built = built_index(f"kb-{name}", [_docs(tmp_path_factory, name, doc)])
        argv += ["--kb", f"{name}={writable_copy(built, tmp_path_factory.mktemp(f'kb-{name}') / 'index')}"]
    plans = serve_plans(build_parser().parse_args(argv))
    access = [parse_permissions(PERMISSIONS, p.name) if login else Access(p.name) for p in plans]
    users = {name: hash_password(password) for name, password in PASSWORDS.items()} if login else None
    keys_file = tmp_path_factory.mktemp("kb-keys") / "keys.jsonl"
    keys = {name: add_api_key(keys_file, name, roles) for name, roles in (api_keys or {}).items()}  # type: ignore[arg-type]
    services = [WebService(p.settings, p.data_dir, fill_vectors=False) for p in plans]
    more = [ServedKb(plans[1].name, services[1], access[1])]
    port = free_port()
    demo = launch(
        services[0], access=access[0], more_kbs=more, users=users, port=port, prevent_thread_lock=True,
        quiet=True, api_keys=load_api_keys(keys_file) if keys else None,
    )  # fmt: skip
    yield TwoKbServer(f"http://127.0.0.1:{port}/", services, demo, keys)
    demo.close()
    for service in services:
        service.close()
