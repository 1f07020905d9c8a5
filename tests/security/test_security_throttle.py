"""Login throttling through real HTTP logins against the launched app.

Loopback is a whole /8 on Linux, so each test speaks from its own client address (127.0.0.x)
and the per-address and per-user locks can be told apart. The throttle's clock is injected: a test
moves it on instead of sleeping, and every test starts after all earlier locks have run out.
"""

from __future__ import annotations

import http.client
import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest
from security_kit import MANAGER, PASSWORDS, READER, Server, free_port

pytestmark = pytest.mark.slow
BASE = 1.0  # seconds of the first lock in these tests


class Clock:
    """The throttle's clock: seconds that pass only when a test says so."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


CLOCK = Clock()


@pytest.fixture(scope="module")
def throttled(access_server: Server, users: dict[str, str]) -> Iterator[tuple[str, int]]:
    """The access server's service behind a second server whose throttle locks after 5 failures."""
    from ui.app import launch
    from ui.throttle import LoginThrottle

    port = free_port()
    throttle = LoginThrottle(limit=5, base=BASE, cap=8.0, clock=CLOCK)
    demo = launch(
        access_server.service, port=port, users=users, throttle=throttle, prevent_thread_lock=True, quiet=True
    )
    yield "127.0.0.1", port
    demo.close()


@pytest.fixture(autouse=True)
def fresh_locks() -> None:
    CLOCK.advance(100_000)  # past every lock and failure window of earlier tests


def login(
    server: tuple[str, int], user: str, password: str, source: str, *, multipart: bool = False
) -> tuple[int, dict[str, str]]:
    conn = http.client.HTTPConnection(*server, timeout=60, source_address=(source, 0))
    if multipart:
        b = "----pa-test-boundary"
        body = (
            "".join(
                f'--{b}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
                for k, v in (("username", user), ("password", password))
            )
            + f"--{b}--\r\n"
        )
        headers = {"Content-Type": f"multipart/form-data; boundary={b}"}
    else:
        body = urllib.parse.urlencode({"username": user, "password": password})
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
    try:
        conn.request("POST", "/login", body=body.encode("utf-8"), headers=headers)
        resp = conn.getresponse()
        resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}
    finally:
        conn.close()


def fail(server: tuple[str, int], n: int, source: str, user: Any = READER, **kw: Any) -> None:
    for i in range(n):
        name = user(i) if callable(user) else user
        status, _ = login(server, name, "wrong-password", source, **kw)
        assert status == 400, (i, status)


def test_user_is_locked_after_five_failures_even_with_the_right_password(throttled: tuple[str, int]) -> None:
    fail(throttled, 5, "127.0.0.2", MANAGER)
    status, headers = login(throttled, MANAGER, PASSWORDS[MANAGER], "127.0.0.3")  # another address
    assert status == 429 and 1 <= int(headers["retry-after"]) <= 2
    assert login(throttled, READER, PASSWORDS[READER], "127.0.0.3")[0] == 200  # others sign in
    CLOCK.advance(BASE + 0.3)
    status, headers = login(throttled, MANAGER, PASSWORDS[MANAGER], "127.0.0.3")
    assert status == 200 and "set-cookie" in headers


def test_address_is_locked_whatever_the_names_it_tries(throttled: tuple[str, int]) -> None:
    fail(throttled, 5, "127.0.0.4", lambda i: f"guess{i}")
    assert login(throttled, READER, PASSWORDS[READER], "127.0.0.4")[0] == 429
    assert login(throttled, READER, PASSWORDS[READER], "127.0.0.5")[0] == 200


def test_lock_grows_with_further_failures(throttled: tuple[str, int]) -> None:
    src = "127.0.0.6"
    fail(throttled, 5, src, lambda i: f"grow{i}")
    first = int(login(throttled, "grow-x", "x", src)[1]["retry-after"])
    CLOCK.advance(BASE + 0.3)
    fail(throttled, 1, src, "grow-y")  # the sixth failure
    status, headers = login(throttled, "grow-z", "x", src)
    assert status == 429 and int(headers["retry-after"]) > first


def test_browser_style_multipart_logins_count_too(throttled: tuple[str, int]) -> None:
    fail(throttled, 5, "127.0.0.7", "multi-user", multipart=True)
    assert login(throttled, "multi-user", "x", "127.0.0.8")[0] == 429


def test_gradio_client_is_refused_while_locked(throttled: tuple[str, int]) -> None:
    from gradio_client import Client

    fail(throttled, 5, "127.0.0.9", READER)  # also locks 127.0.0.9; the client speaks from 127.0.0.1
    with pytest.raises(Exception, match=r"(?i)429|登录|login"):
        Client(f"http://{throttled[0]}:{throttled[1]}/", auth=(READER, PASSWORDS[READER]), verbose=False)
