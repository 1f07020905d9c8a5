"""Who may call the open API (接口调用方与门禁): the errors every route answers with and :class:`Gate`.

- with ``serve --api-keys FILE`` every call needs ``Authorization: Bearer <key>``; the key's role on
  this knowledge base (read / manage, :mod:`ui.access`) decides what it may do, and each key is
  rate-limited (:class:`ui.api_keys.RateLimiter`);
- without a keys file the API answers only clients on this machine (127.0.0.0/8, ::1), and only
  when the web chat has no login either.

Its own module, so that the routers (:mod:`ui.json_api`, :mod:`ui.openai_api`) and the app that mounts
them (:mod:`ui.api`) both import it without importing each other.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse

from assistant import PolicyAssistantError
from ui.access import ROLES, Access, Role
from ui.api_keys import ApiKey, ApiKeys, RateLimiter
from ui.security import is_loopback
from ui.service import WebService

__all__ = ["LOCAL_CALLER", "ApiError", "Caller", "Gate", "error_response"]

log = logging.getLogger(__name__)

LOCAL_CALLER = "api:local"


class ApiError(PolicyAssistantError):
    """An API refusal: HTTP status plus the OpenAI error object's fields (message in Chinese)."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type_: str = "invalid_request_error",
        code: str | None = None,
        param: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.message, self.type, self.code, self.param = status, message, type_, code, param
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return {"error": {"message": self.message, "type": self.type, "param": self.param, "code": self.code}}


def error_response(exc: ApiError) -> JSONResponse:
    return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is calling: ``api:<key name>`` or ``api:local``, and the role on this knowledge base."""

    name: str
    role: Role | None
    key: ApiKey | None = None

    def allows(self, need: Role) -> bool:
        return self.role is not None and ROLES.index(self.role) >= ROLES.index(need)


def _bearer(request: Request) -> str:
    value = request.headers.get("authorization", "")
    scheme, _, token = value.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return request.headers.get("api-key", "").strip()  # Azure-style clients


class Gate:
    """Authentication (401), rate limit (429) and the role check (403) of every API call."""

    def __init__(
        self,
        service: WebService,
        access: Access,
        *,
        keys: ApiKeys | None = None,
        limiter: RateLimiter | None = None,
        web_login: bool = False,
    ) -> None:
        self.service = service
        self.kb = access.kb
        self.local_role = access.role(None)  # MANAGE when the server has no permissions file
        self.keys = keys
        self.limiter = limiter or RateLimiter()
        self.web_login = web_login

    def caller(self, request: Request) -> Caller:
        token = _bearer(request)
        if self.keys is not None:
            if not token:
                raise self._unauthorized(
                    "缺少接口密钥：请在请求头加 Authorization: Bearer <密钥>", "missing_api_key"
                )
            key = self.keys.authenticate(token)
            if key is None:
                raise self._unauthorized("接口密钥无效（已删除或输入有误）", "invalid_api_key")
            decision = self.limiter.check(key.name)
            if not decision.allowed:
                seconds = max(1, int(decision.retry_after + 0.999))
                if decision.first_refusal:
                    self._audit(f"api:{key.name}", request, "rate_limited")
                raise ApiError(
                    429, f"请求过于频繁，请 {seconds} 秒后再试", type_="rate_limit_error",
                    code="rate_limit_exceeded", headers={"retry-after": str(seconds)},
                )  # fmt: skip
            return Caller(f"api:{key.name}", key.role(self.kb), key)
        if self.web_login:
            raise self._unauthorized(
                "服务器开启了网页登录，接口需要密钥：请用 serve --api-keys 文件 配置密钥（网页账号不能用于接口）",
                "missing_api_key",
            )
        client = request.client.host if request.client else ""
        if not is_loopback(client):
            raise self._unauthorized(
                "未配置接口密钥时只接受本机（127.0.0.1）的请求：请用 serve --api-keys 文件 配置密钥",
                "missing_api_key",
            )
        return Caller(LOCAL_CALLER, self.local_role)

    def require(self, caller: Caller, need: Role, request: Request) -> None:
        if caller.allows(need):
            return
        self._audit(caller.name, request, "denied", need=need)
        if caller.role is None:
            message = f"密钥 {caller.name.removeprefix('api:')} 无权访问知识库 {self.kb}"
        else:
            message = f"密钥 {caller.name.removeprefix('api:')} 对知识库 {self.kb} 只有只读权限"
        raise ApiError(403, message, type_="permission_error", code="permission_denied")

    def can_read(self, caller: Caller) -> bool:
        return caller.allows("read")

    def _audit(self, user: str, request: Request, result: str, **detail: Any) -> None:
        client = request.client.host if request.client else "?"
        try:
            self.service.audit.record(
                user, "api", [], result, kb=self.kb, endpoint=f"{request.method} {request.url.path}",
                client=client, **detail,
            )  # fmt: skip
        except OSError:
            log.exception("could not write the audit log")

    @staticmethod
    def _unauthorized(message: str, code: str) -> ApiError:
        return ApiError(
            401, message, type_="authentication_error", code=code, headers={"www-authenticate": "Bearer"}
        )
