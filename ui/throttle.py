"""Login throttling (登录限速): repeated failures lock a user name and a client address for a while.

Gradio's ``auth`` callable sees only the user name and password, so throttling sits in front of
Gradio as ASGI middleware on ``POST /login``: it reads the user name from the form and the client
address from the connection, refuses locked ones with HTTP 429 before the password is checked,
and counts the outcome from the response status (200 signed in, 400 wrong credentials).

Policy: after ``limit`` failures (within ``window`` seconds of each other) a key is locked for
``base`` seconds, doubling with every further failure up to ``cap``. A lock refuses even the right
password, so guessing cannot continue during it. A success clears the user name's count but not
the address's (one valid account must not reset an address that is guessing other accounts).
The address is the TCP peer: behind a reverse proxy every user shares the proxy's address.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs

from ui.security import ASGIApp, Message, Receive, Scope, Send

LOGIN_PATHS = frozenset({"/login", "/login/"})
MAX_FORM_BYTES = 64 * 1024
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


def _username(body: bytes, content_type: str) -> str:
    """The ``username`` field of a urlencoded or multipart login form ('' when absent)."""
    if content_type.startswith("application/x-www-form-urlencoded"):
        values = parse_qs(body.decode("utf-8", "replace")).get("username", [""])
        return values[0].strip()
    if content_type.startswith("multipart/form-data") and "boundary=" in content_type:
        boundary = content_type.split("boundary=", 1)[1].split(";")[0].strip().strip('"').encode()
        for part in body.split(b"--" + boundary):
            head, _, value = part.partition(b"\r\n\r\n")
            if b'name="username"' in head:
                return value.rsplit(b"\r\n", 1)[0].decode("utf-8", "replace").strip()
    return ""


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
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        user = _username(body, headers.get("content-type", ""))
        client = scope.get("client")
        keys = [f"ip:{client[0] if client else '?'}"] + ([f"user:{user}"] if user else [])
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
