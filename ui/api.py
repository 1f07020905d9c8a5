"""The open API (开放接口): JSON and OpenAI-compatible routes beside the web chat, outside Gradio's queue.

:func:`build_api` makes a small FastAPI app (``/v1`` from :mod:`ui.openai_api`, ``/api`` from
:mod:`ui.json_api`, the schema at ``/openapi.json``); :class:`ApiDispatchMiddleware` sits in the web
app's middleware and hands those paths to it, so an API question never waits in Gradio's queue or
event stream and Gradio's login (cookies) never authorizes it.

Who may call (:class:`ui.api_gate.Gate`):

- with ``serve --api-keys FILE`` every call needs ``Authorization: Bearer <key>``; the key's role on
  this knowledge base (read / manage, :mod:`ui.access`) decides what it may do, and each key is
  rate-limited (:class:`ui.api_keys.RateLimiter`);
- without a keys file the API answers only clients on this machine (127.0.0.0/8, ::1), and only
  when the web chat has no login either: a server that asks browsers for a password does not
  answer anonymous scripts. The token an OpenAI client always sends is then ignored.

With several knowledge bases (``serve --kb``) a call names the one it is for (``kb`` on ``/api``, the
``model`` on ``/v1``; the first one when it names none) and the key's role on that one decides
(:mod:`ui.api_kbs`).

Refused calls (403, and the first 429 of a run) are written to the audit log (action ``api``).
Errors have the OpenAI shape ``{"error": {"message", "type", "param", "code"}}`` on every route.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ui.access import Access
from ui.api_gate import ApiError, Gate, error_response
from ui.api_kbs import ApiKb, ApiKbs
from ui.api_keys import ApiKeys, RateLimiter
from ui.json_api import json_router
from ui.knowledge_bases import ServedKb
from ui.openai_api import openai_router
from ui.security import ASGIApp, Receive, Scope, Send
from ui.service import WebService

API_PREFIXES = ("/v1/", "/api/")
API_PATHS = frozenset({"/v1", "/api", "/openapi.json"})
MAX_BODY_BYTES = 2 * 1024 * 1024  # 64 messages of 20,000 characters fit; a 100 MB body is refused unread


# -- the app -----------------------------------------------------------------------------------------------
def build_api(
    service: WebService,
    access: Access | None = None,
    *,
    keys: ApiKeys | None = None,
    limiter: RateLimiter | None = None,
    web_login: bool = False,
    more_kbs: Sequence[ServedKb] = (),
) -> FastAPI:
    """The API app; ``web_login`` says the web chat asks for a password (then keys are required).
    ``more_kbs`` (``serve --kb``) are further knowledge bases after ``service``'s, which a call may name."""
    access = access or Access()
    limiter = limiter or RateLimiter()  # one for all the knowledge bases: a key's calls count once
    kbs = ApiKbs(
        [
            ApiKb(
                kb.name,
                kb.service,
                Gate(kb.service, kb.access, keys=keys, limiter=limiter, web_login=web_login),
            )
            for kb in (ServedKb(access.kb, service, access), *more_kbs)
        ]
    )
    app = FastAPI(
        title="政策通开放接口",
        version="1",
        description=(
            "OpenAI 兼容的问答接口（/v1）与脚本用的 JSON 接口（/api）。认证：Authorization: Bearer <密钥>；"
            '未配置密钥时仅本机可用。错误格式：{"error": {"message", "type", "param", "code"}}。'
        ),
        docs_url=None,  # Swagger UI loads scripts from a CDN, which the CSP (ui.security) forbids
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.include_router(openai_router(kbs))
    app.include_router(json_router(kbs))

    async def on_api_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ApiError)
        return error_response(exc)

    async def on_invalid(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        message = f"请求参数 {where or '（请求体）'} 无效：{first.get('msg', '格式不对')}"
        return error_response(ApiError(400, message, param=where or None, code="invalid_request"))

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        message = {404: f"没有这个接口：{request.url.path}", 405: "不支持的请求方法"}.get(
            exc.status_code, str(exc.detail)
        )
        return error_response(
            ApiError(exc.status_code, message, code="not_found" if exc.status_code == 404 else None)
        )

    app.add_exception_handler(ApiError, on_api_error)
    app.add_exception_handler(RequestValidationError, on_invalid)
    app.add_exception_handler(StarletteHTTPException, on_http)
    return app


class ApiDispatchMiddleware:
    """Pure ASGI middleware: ``/v1``, ``/api`` and ``/openapi.json`` go to the API app, the rest to Gradio."""

    def __init__(self, app: ASGIApp, api: Callable[[Scope, Receive, Send], Awaitable[None]]) -> None:
        self.app = app
        self.api = api

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and is_api_path(scope.get("path", "")):
            if _declared_length(scope) > MAX_BODY_BYTES:
                too_big = ApiError(
                    413, f"请求体过大（最多 {MAX_BODY_BYTES // 2**20} MB）", code="request_too_large"
                )
                await error_response(too_big)(scope, receive, send)
                return
            await self.api(scope, receive, send)
            return
        await self.app(scope, receive, send)


def is_api_path(path: str) -> bool:
    return path in API_PATHS or path.startswith(API_PREFIXES)


def _declared_length(scope: Scope) -> int:
    for name, value in scope.get("headers", []):
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 0
    return 0
