"""Ways around the login throttle, tried through real HTTP against launched apps.

Two bypasses were possible: a form with two ``username`` fields (the throttle counted the first,
Gradio signs in the last), and ``X-Forwarded-For`` sent from loopback, which uvicorn trusted by
default, so every try looked like a new client address. Forwarded addresses count only from the
proxies given as ``trusted_proxies`` (``serve --trusted-proxy``).
"""

from __future__ import annotations

import asyncio
import http.client
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from security_kit import MANAGER, PASSWORDS, READER, Server, free_port
from test_security_throttle import Clock

pytestmark = pytest.mark.slow
Address = tuple[str, int]
CLOCK = Clock()
WRONG = "wrong-password"


def launch_throttled(
    server: Server, users: dict[str, str], proxies: tuple[str, ...]
) -> tuple[Address, object]:
    from ui.app import launch
    from ui.throttle import LoginThrottle

    port = free_port()
    throttle = LoginThrottle(limit=5, base=30.0, clock=CLOCK)
    demo = launch(
        server.service, port=port, users=users, throttle=throttle, trusted_proxies=proxies,
        prevent_thread_lock=True, quiet=True,
    )  # fmt: skip
    return ("127.0.0.1", port), demo


@pytest.fixture(scope="module")
def direct(access_server: Server, users: dict[str, str]) -> Iterator[Address]:
    """No proxy configured: the client address is the TCP peer, whatever the headers say."""
    address, demo = launch_throttled(access_server, users, ())
    yield address
    demo.close()  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def proxied(access_server: Server, users: dict[str, str]) -> Iterator[Address]:
    """127.0.0.1 is a trusted reverse proxy: its X-Forwarded-For names the client."""
    address, demo = launch_throttled(access_server, users, ("127.0.0.1",))
    yield address
    demo.close()  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def fresh_locks() -> None:
    CLOCK.advance(100_000)


def post(
    server: Address, fields: list[tuple[str, str]], source: str, *, forwarded: str | None = None,
    multipart: bool = False,
) -> int:  # fmt: skip
    """POST /login with ``fields`` in this order (duplicates allowed); the HTTP status."""
    if multipart:
        b = "----pa-bypass-boundary"
        parts = "".join(
            f'--{b}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n' for k, v in fields
        )
        body, kind = (parts + f"--{b}--\r\n").encode(), f"multipart/form-data; boundary={b}"
    else:
        body, kind = urllib.parse.urlencode(fields).encode(), "application/x-www-form-urlencoded"
    headers = {"Content-Type": kind} | ({"X-Forwarded-For": forwarded} if forwarded else {})
    conn = http.client.HTTPConnection(*server, timeout=60, source_address=(source, 0))
    try:
        conn.request("POST", "/login", body=body, headers=headers)
        resp = conn.getresponse()
        resp.read()
        return resp.status
    finally:
        conn.close()


def creds(user: str, password: str) -> list[tuple[str, str]]:
    return [("username", user), ("password", password)]


# -- duplicated fields --------------------------------------------------------------------------------------
@pytest.mark.parametrize("multipart", [False, True], ids=["urlencoded", "multipart"])
def test_duplicated_username_fields_do_not_dodge_the_lock(direct: Address, multipart: bool) -> None:
    for i in range(12):  # each try from its own address: only the user lock can stop this
        fields = [("username", f"decoy{i}"), ("username", MANAGER), ("password", WRONG)]
        assert post(direct, fields, f"127.0.1.{i + 1}", multipart=multipart) in (400, 429), i
    status = post(direct, creds(MANAGER, PASSWORDS[MANAGER]), "127.0.1.100", multipart=multipart)
    assert status == 429  # the name Gradio would have signed in is the name that got locked


def test_duplicated_fields_never_sign_in(direct: Address) -> None:
    for fields in (
        [("username", "nobody"), ("username", READER), ("password", PASSWORDS[READER])],
        [("username", READER), ("password", WRONG), ("password", PASSWORDS[READER])],
    ):
        assert post(direct, fields, "127.0.2.1") == 400, fields


def test_locked_user_is_refused_even_through_a_duplicated_form(direct: Address) -> None:
    for i in range(5):
        assert post(direct, creds(MANAGER, WRONG), f"127.0.3.{i + 1}") == 400
    fields = [("username", "someone-else"), ("username", MANAGER), ("password", PASSWORDS[MANAGER])]
    assert post(direct, fields, "127.0.3.50") == 429
    assert post(direct, creds(MANAGER, PASSWORDS[MANAGER]), "127.0.3.51") == 429


# -- forwarded addresses ------------------------------------------------------------------------------------
def test_forged_forwarded_for_from_loopback_is_ignored(direct: Address) -> None:
    # uvicorn's default trusts X-Forwarded-For from 127.0.0.1 exactly, so the forger speaks from there.
    for i in range(12):
        status = post(direct, creds(f"guess{i}", WRONG), "127.0.0.1", forwarded=f"198.51.100.{i + 1}")
        assert status in (400, 429), i
    assert post(direct, creds(READER, PASSWORDS[READER]), "127.0.0.1", forwarded="198.51.100.99") == 429
    assert post(direct, creds(READER, PASSWORDS[READER]), "127.0.5.2") == 200  # another real address


def test_twelve_wrong_passwords_for_one_user_lock_it_whatever_the_disguise(direct: Address) -> None:
    for i in range(12):
        fields = [("username", f"decoy{i}"), ("username", MANAGER), ("password", WRONG)]
        post(direct, fields, "127.0.0.1", forwarded=f"203.0.113.{i + 1}")
    assert post(direct, creds(MANAGER, PASSWORDS[MANAGER]), "127.0.0.1", forwarded="203.0.113.77") == 429


def test_trusted_proxy_forwarded_address_is_the_client(proxied: Address) -> None:
    for i in range(5):  # one client behind the proxy guesses five names
        assert post(proxied, creds(f"probe{i}", WRONG), "127.0.0.1", forwarded="203.0.113.5") == 400
    assert post(proxied, creds(READER, PASSWORDS[READER]), "127.0.0.1", forwarded="203.0.113.5") == 429
    # Other clients behind the same proxy are not locked out with it.
    assert post(proxied, creds(READER, PASSWORDS[READER]), "127.0.0.1", forwarded="203.0.113.6") == 200
    # A peer that is not a configured proxy cannot borrow (or shed) an address by naming it.
    assert post(proxied, creds(READER, PASSWORDS[READER]), "127.0.7.1", forwarded="203.0.113.5") == 200


def test_untrusted_peer_behind_a_trusted_proxy_setup_is_still_its_own_address(proxied: Address) -> None:
    for i in range(5):
        assert post(proxied, creds(f"peer{i}", WRONG), "127.0.8.1", forwarded=f"192.0.2.{i + 1}") == 400
    assert post(proxied, creds(READER, PASSWORDS[READER]), "127.0.8.1", forwarded="192.0.2.99") == 429


# -- units ----------------------------------------------------------------------------------------------
def test_login_form_is_read_like_fastapi_reads_it() -> None:
    from ui.throttle import FormRefused, read_login_form

    scope = {"type": "http", "method": "POST", "path": "/login", "query_string": b""}

    def read(body: bytes, kind: str) -> tuple[tuple[str, ...], int]:
        form = asyncio.run(read_login_form(scope | {"headers": [(b"content-type", kind.encode())]}, body))
        return form.names, form.passwords

    assert read(b"username=a&username=%20b+&password=x", "application/x-www-form-urlencoded") == (
        ("a", "b"),
        1,
    )
    assert read(b"username=a&password=x", "Application/X-WWW-Form-Urlencoded; charset=utf-8") == (("a",), 1)
    assert read(b'{"username": "a", "password": "x"}', "application/json") == ((), 0)
    file_part = (
        b'--B\r\nContent-Disposition: form-data; name="username"; filename="u.txt"\r\n\r\nadmin\r\n--B--\r\n'
    )
    with pytest.raises(FormRefused):
        read(file_part, "multipart/form-data; boundary=B")
    with pytest.raises(FormRefused):
        read(b"&".join(b"f%d=1" % i for i in range(100)), "application/x-www-form-urlencoded")


def test_trusted_proxy_addresses_are_checked() -> None:
    from ui.security import forwarded_allow_ips

    assert forwarded_allow_ips([]) == ""
    assert forwarded_allow_ips(["127.0.0.1", "10.0.0.0/8", "[::1]"]) == "127.0.0.1/32,10.0.0.0/8,::1/128"
    with pytest.raises(ValueError, match="--trusted-proxy"):
        forwarded_allow_ips(["*"])


def test_serve_refuses_a_trusted_proxy_that_is_not_an_address(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from assistant.cli import main

    assert main(["serve", "--trusted-proxy", "proxy.example", "--index", str(tmp_path / "idx")]) == 2
    assert "--trusted-proxy 'proxy.example' 不是 IP 地址或网段" in capsys.readouterr().err
