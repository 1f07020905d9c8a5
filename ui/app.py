"""The web chat (网页问答): Gradio Blocks over :class:`ui.service.WebService`.

This package is the only place that imports gradio. The tabs are built in their own modules
(:mod:`ui.chat_tab` with the document viewer :mod:`ui.viewer`, :mod:`ui.kb_tab`, :mod:`ui.quiz_tab`);
this one assembles them, adds the plain API endpoints ``/ask``, ``/search``, ``/feedback`` and
``/documents`` (``gradio_client``, :mod:`ui.gradio_api`; the knowledge-base tab adds ``/upload``,
``/delete``, ``/reindex``, ``/cancel`` and ``/export_feedback``) and launches the server. Chat events
are private.

Every handler, public or private, checks the signed-in user's role first (:class:`ui.guard.Guard`).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # before gradio is imported

import gradio as gr
from starlette.middleware import Middleware

from assistant import PolicyAssistantError
from ui.access import READ, Access
from ui.api import ApiDispatchMiddleware, build_api
from ui.api_keys import ApiKeys, RateLimiter
from ui.auth import checker
from ui.chat_tab import build_chat_tab
from ui.gradio_api import build_gradio_api
from ui.guard import Guard
from ui.kb_select import ServedKb, build_kb_select
from ui.kb_tab import _progress_fn as _progress_fn  # re-exported: tests/ui/test_ui_write_jobs.py
from ui.kb_tab import build_kb_tabs
from ui.quiz_tab import build_quiz_tab
from ui.security import SecurityHeadersMiddleware, forwarded_allow_ips, is_loopback
from ui.service import WebService
from ui.style import CSS, FONTS, MONO_FONTS
from ui.throttle import LoginThrottle, LoginThrottleMiddleware
from ui.viewer import HEAD, AssetsMiddleware

log = logging.getLogger(__name__)

QUEUE_SIZE = 64
CONCURRENCY = 4  # extractive answering is CPU-light: several questions at once
# Sessions whose state Gradio keeps (most recently used first). Each holds a copy of every component's
# config, about 250 KB with this page; Gradio's default of 10,000 let a server answering API clients
# (a new session per call) grow by 5 MB/s under load, toward 2.5 GB (docs/benchmarks.md, Load). An
# office's open tabs are far fewer; an evicted tab keeps its conversation (saved per user) and page.
SESSIONS_KEPT = 500


class StartupRefused(PolicyAssistantError, RuntimeError):
    """The server would be unsafe as configured (e.g. a public address without login)."""


# -- layout -------------------------------------------------------------------------------------------
def build_app(
    service: WebService, access: Access | None = None, more_kbs: Sequence[ServedKb] = ()
) -> gr.Blocks:
    """The page; ``more_kbs`` (``serve --kb``) adds knowledge bases after ``service``'s, with a 知识库
    dropdown (:mod:`ui.kb_select`); the Gradio API endpoints (``/ask`` …, :mod:`ui.gradio_api`) then take
    the knowledge base's name as one more input, as the open API (``/api``, ``/v1``: :func:`launch`) does."""
    access = access or Access()
    guard = Guard(service, access)
    served = [ServedKb(access.kb, service, access), *more_kbs]
    with gr.Blocks(title="政策通", analytics_enabled=False) as demo:
        gr.Markdown("# 政策通\n只依据已入库的政策文件回答，每个答案都附原文出处。", elem_id="pa-title")
        who = gr.Markdown(elem_id="pa-who")
        if more_kbs:
            build_kb_select(demo, served, who)
        else:
            with gr.Tabs():
                build_chat_tab(service, guard)  # 问答 and the document viewer
                build_kb_tabs(demo, service, guard, who)  # 知识库, 检索测试
                build_quiz_tab(service.assistant, lambda r: guard(r, READ))  # 出题: generate, review, export
        build_gradio_api(served, [guard, *(Guard(kb.service, kb.access) for kb in more_kbs)])
    _name_missing_inputs(demo)
    return demo


def _name_missing_inputs(demo: gr.Blocks) -> None:
    """A call with too few values is refused by Gradio with a ``ValueError``, which an API caller sees as
    ``{"error": null}`` (the server hides exception texts); say what is missing instead."""
    validate = demo.validate_inputs

    def validate_inputs(block_fn: Any, inputs: list[Any]) -> None:
        try:
            validate(block_fn, inputs)
        except ValueError as exc:
            raise gr.Error(
                f"缺少参数：接口 {block_fn.api_name or block_fn.name} 需要 {len(block_fn.inputs)} 个参数，"
                f"收到 {len(inputs)} 个",
                title="输入有误",
            ) from exc

    demo.validate_inputs = validate_inputs  # type: ignore[method-assign]


def launch(
    service: WebService,
    *,
    host: str = "127.0.0.1",
    port: int = 7860,
    users: Mapping[str, str] | None = None,
    access: Access | None = None,
    throttle: LoginThrottle | None = None,
    trusted_proxies: Sequence[str] = (),
    api_keys: ApiKeys | None = None,
    api_limiter: RateLimiter | None = None,
    prevent_thread_lock: bool = False,
    quiet: bool = False,
    more_kbs: Sequence[ServedKb] = (),
) -> gr.Blocks:
    """Start the server. Any address other than loopback requires users (login).

    ``access`` limits the knowledge base to the users it names (they need to sign in, so it
    requires ``users``); ``throttle`` (default: 5 failures, then 30 s doubling) guards the login.
    ``trusted_proxies`` (``--trusted-proxy``) are the reverse proxies whose ``X-Forwarded-For`` names
    the client; from any other peer, loopback included, the header is ignored.
    ``api_keys`` (``--api-keys``) open the API (:mod:`ui.api`) to key holders; without them it
    answers loopback clients only, and only when there is no web login. ``more_kbs`` (``serve --kb``)
    are further knowledge bases, each with its own roles, chosen on the page (:mod:`ui.kb_select`).
    """
    access = access or Access()
    if not is_loopback(host) and not users:
        raise StartupRefused(
            f"拒绝在 {host} 上无登录启动：除 127.0.0.1 外的地址会被局域网中其他人访问。"
            "请用 --auth 用户文件（或环境变量 POLICY_ASSISTANT_USERS）开启登录，或改用 --host 127.0.0.1"
        )
    accesses = [access, *(kb.access for kb in more_kbs)]
    if any(a.limited for a in accesses) and not users:
        raise StartupRefused("权限文件需要登录才能生效：请同时用 --auth 指定用户文件")
    try:
        allow_ips = forwarded_allow_ips(trusted_proxies)
    except ValueError as exc:
        raise StartupRefused(str(exc)) from exc
    # Gradio builds uvicorn's Config itself; uvicorn reads this when launch() creates it (default:
    # trust loopback, which would let any local client pose as a new address on every login try).
    os.environ["FORWARDED_ALLOW_IPS"] = allow_ips
    middleware = [Middleware(SecurityHeadersMiddleware)]
    if users:
        middleware.append(Middleware(LoginThrottleMiddleware, throttle=throttle or LoginThrottle()))
    # The open API (/v1, /api; ui.api) answers beside Gradio, never through its queue or its login.
    api = build_api(
        service, access, keys=api_keys, limiter=api_limiter, web_login=bool(users), more_kbs=more_kbs
    )
    middleware.append(Middleware(ApiDispatchMiddleware, api=api))
    middleware.append(Middleware(AssetsMiddleware))  # the viewer's script (no inline scripts)
    demo = build_app(service, access, more_kbs)
    demo.queue(max_size=QUEUE_SIZE, default_concurrency_limit=CONCURRENCY)
    limited = any(a.limited for a in accesses)  # sign-in needs a role on one of the knowledge bases
    allowed = (lambda name: any(a.role(name) is not None for a in accesses)) if limited else None
    demo.launch(
        server_name=host, server_port=port, share=False, prevent_thread_lock=prevent_thread_lock, quiet=quiet,
        auth=checker(users, allowed) if users else None, auth_message="政策通：请输入用户名和密码",
        max_file_size=service.max_upload_bytes, ssr_mode=False, pwa=False, mcp_server=False,
        state_session_capacity=SESSIONS_KEPT,
        enable_monitoring=False, footer_links=[], show_error=False,
        theme=gr.themes.Default(font=list(FONTS), font_mono=list(MONO_FONTS)), css=CSS, head=HEAD,
        app_kwargs={"middleware": middleware},
    )  # fmt: skip
    return demo
