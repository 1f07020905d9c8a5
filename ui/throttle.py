"""Login throttling (登录限速): repeated failures lock a user name and a client address for a while.

Gradio's ``auth`` callable sees only the user name and password, so throttling sits in front of
Gradio as ASGI middleware on ``POST /login``: it reads the login form with the same parser FastAPI
uses for Gradio's route, refuses locked names and addresses with HTTP 429 before the password is
checked, and counts the outcome from the response status (200 signed in, 4xx refused).

The name throttled is exactly the name Gradio authenticates: the form's ``username`` field, stripped
the way Gradio strips it. A form with more than one ``username`` or ``password`` field is refused
with 400 (and counted as a failure): Starlette's form keeps the last of duplicated fields, so a
throttle that looked at another one could be walked around.

Policy: after ``limit`` failures (within ``window`` seconds of each other) a key is locked for
``base`` seconds, doubling with every further failure up to ``cap``. A lock refuses even the right
password, so guessing cannot continue during it. A success clears the user name's count but not
the address's (one valid account must not reset an address that is guessing other accounts).
The address is the client address of the connection: the TCP peer, or the address a configured
reverse proxy puts in ``X-Forwarded-For`` (``ui.app.launch(trusted_proxies=…)``; from any other
peer the header is ignored, so a client cannot pose as a new address on every try).
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from starlette.requests import Request

from assistant import PolicyAssistantError
from ui.security import ASGIApp, Message, Receive, Scope, Send

LOGIN_PATHS = frozenset({"/login", "/login/"})
MAX_FORM_BYTES = 64 * 1024
MAX_FORM_FIELDS = 16
_MAX_KEYS = 10_000


@dataclass(slots=True)
class _State:
    failures: int = 0
    last_failure: float = 0.0
    locked_until: float = 0.0


class LoginThrottle:
    """Failure counts per key (``user:<name>``, ``ip:<address>``); thread-safe, bounded in size."""

    def __init__(
        self,
        *,
        limit: int = 5,
        base: float = 30.0,
        cap: float = 3600.0,
        window: float = 900.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit, self.base, self.cap, self.window = limit, base, cap, window
        self._clock = clock
        self._lock = threading.Lock()
        self._states: OrderedDict[str, _State] = OrderedDict()

    def retry_after(self, *keys: str) -> float:
        """Seconds until every key may try again (0 when none is locked)."""
        now = self._clock()
        with self._lock:
            waits = [s.locked_until - now for k in keys if (s := self._states.get(k)) is not None]
        return max([0.0, *waits])

    def failed(self, *keys: str) -> None:
        now = self._clock()
        with self._lock:
            for key in keys:
                state = self._states.pop(key, None) or _State()
                if now - state.last_failure > self.window and now >= state.locked_until:
                    state.failures = 0
                state.failures += 1
                state.last_failure = now
                if state.failures >= self.limit:
                    delay = self.base * 2 ** min(state.failures - self.limit, 32)
                    state.locked_until = now + min(self.cap, delay)
                self._states[key] = state
            while len(self._states) > _MAX_KEYS:
                self._states.popitem(last=False)

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._states.pop(key, None)


class FormRefused(PolicyAssistantError, ValueError):
    """A login form the throttle will not pass on; the message is for the user (HTTP 400)."""


@dataclass(frozen=True, slots=True)
class LoginForm:
    """What the login form names: every ``username`` value (as Gradio strips it) and the password count."""

    names: tuple[str, ...]
    passwords: int

    @property
    def username(self) -> str:
        """The name Gradio authenticates: the last ``username`` field ('' when there is none)."""
        return self.names[-1] if self.names else ""


async def read_login_form(scope: Scope, body: bytes) -> LoginForm:
    """Parse ``body`` with Starlette's form parser, as FastAPI does for Gradio's ``/login`` route.

    Other content types (JSON, plain text) give an empty form, as they do for FastAPI.
    Raises :class:`FormRefused` for an unparsable form or one with a file part.
    """
    sent = False

    async def once() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    request = Request({k: v for k, v in scope.items() if k != "app"}, once)
    try:
        form = await request.form(max_files=0, max_fields=MAX_FORM_FIELDS)
    except Exception as exc:  # python-multipart's errors for malformed forms vary
        raise FormRefused("登录表单格式不正确") from exc
    try:
        names = [v.strip() if isinstance(v, str) else "" for v in form.getlist("username")]
        return LoginForm(tuple(names), len(form.getlist("password")))
    finally:
        await form.close()


def client_address(scope: Scope) -> str:
    """The connection's client address (uvicorn has already applied trusted proxies' headers)."""
    client = scope.get("client")
    return str(client[0]) if client else "?"


class LoginThrottleMiddleware:
    """Pure ASGI middleware applying a :class:`LoginThrottle` to Gradio's login route."""

    def __init__(self, app: ASGIApp, throttle: LoginThrottle) -> None:
        self.app = app
        self.throttle = throttle

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] not in LOGIN_PATHS:
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return  # client went away
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > MAX_FORM_BYTES:
                await _reply(send, 413, {"detail": "登录表单过大"})
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        address = f"ip:{client_address(scope)}"
        try:
            form = await read_login_form(scope, body)
        except FormRefused as exc:
            form, refused = LoginForm((), 0), str(exc)
        else:
            duplicated = len(form.names) > 1 or form.passwords > 1
            refused = "登录表单中用户名或密码重复" if duplicated else ""
        keys = [address, *(f"user:{name}" for name in dict.fromkeys(form.names) if name)]
        wait = self.throttle.retry_after(*keys)
        if wait > 0:
            seconds = math.ceil(wait)
            await _reply(
                send,
                429,
                {"detail": f"登录失败次数过多，请 {seconds} 秒后再试"},
                [(b"retry-after", str(seconds).encode())],
            )
            return
        if refused:
            self.throttle.failed(*keys)
            await _reply(send, 400, {"detail": refused})
            return

        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        async def observe(message: Message) -> None:
            if message["type"] == "http.response.start":
                status = int(message["status"])
                if status == 200:
                    self.throttle.succeeded(*keys[1:])
                elif 400 <= status < 500:
                    self.throttle.failed(*keys)
            await send(message)

        await self.app(scope, replay, observe)


async def _reply(
    send: Send, status: int, payload: dict[str, str], extra: list[tuple[bytes, bytes]] | None = None
) -> None:
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    headers = [
        (b"content-type", b"application/json; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers + (extra or [])})
    await send({"type": "http.response.body", "body": body})
