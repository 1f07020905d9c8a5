"""Login: hashed users file, refusal to listen publicly without it, and the API closed to strangers."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ui_testkit import SCREENSHOTS, Server, free_port

from ui.auth import AuthError, add_user, checker, hash_password, load_users, verify_password

USER, PASSWORD = "cunganbu", "正确的密码-2024"


def test_password_hash_round_trip_and_salting() -> None:
    a, b = hash_password(PASSWORD), hash_password(PASSWORD)
    assert a != b and a.startswith("scrypt$") and PASSWORD not in a
    assert verify_password(PASSWORD, a) and not verify_password("wrong", a)
    assert not verify_password(PASSWORD, "garbage")


def test_users_file_and_environment(tmp_path: Path) -> None:
    users_file = tmp_path / "users.txt"
    add_user(users_file, USER, PASSWORD)
    add_user(users_file, "zhenzhang", "另一个密码")
    add_user(users_file, USER, "新密码")  # replaces, does not duplicate
    assert users_file.stat().st_mode & 0o077 == 0
    env = f"admin:{hash_password('管理员密码')}"
    users = load_users(users_file, env)
    assert set(users) == {USER, "zhenzhang", "admin"}
    check = checker(users)
    assert check(USER, "新密码") and not check(USER, PASSWORD)
    assert check("admin", "管理员密码") and not check("nobody", "管理员密码")


def test_plain_text_passwords_are_refused(tmp_path: Path) -> None:
    users_file = tmp_path / "users.txt"
    users_file.write_text("zhangsan:123456\n", encoding="utf-8")
    with pytest.raises(AuthError, match="不接受明文密码"):
        load_users(users_file)


def test_serve_refuses_public_address_without_login(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from assistant.cli import main

    assert main(["serve", "--host", "0.0.0.0", "--index", str(tmp_path / "idx")]) == 2
    assert "拒绝在 0.0.0.0 上无登录启动" in capsys.readouterr().err


def test_launch_refuses_public_address_without_users(ui_server: Server) -> None:
    from ui.app import StartupRefused, launch

    with pytest.raises(StartupRefused, match="--auth"):
        launch(ui_server.service, host="0.0.0.0", port=free_port(), prevent_thread_lock=True)


@pytest.fixture(scope="module")
def auth_server(ui_server: Server) -> Iterator[str]:
    """The same shared service behind a second server with login on."""
    from ui.app import launch

    port = free_port()
    demo = launch(
        ui_server.service,
        port=port,
        users={USER: hash_password(PASSWORD)},
        prevent_thread_lock=True,
        quiet=True,
    )
    yield f"http://127.0.0.1:{port}/"
    demo.close()


@pytest.mark.slow
def test_api_refuses_unauthenticated_requests(auth_server: str) -> None:
    from gradio_client import Client

    for path in ("config", "gradio_api/info"):
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(auth_server + path)
        assert err.value.code in (401, 403)
    body = json.dumps({"data": ["重点帮扶县主要任务是什么？", None]}).encode()
    request = urllib.request.Request(
        auth_server + "gradio_api/call/ask", data=body, headers={"Content-Type": "application/json"}
    )
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(request)
    assert err.value.code in (401, 403)
    with pytest.raises(Exception):  # noqa: B017 - gradio_client raises different types across versions
        Client(auth_server, verbose=False)
    with pytest.raises(Exception):  # noqa: B017
        Client(auth_server, auth=(USER, "wrong"), verbose=False)


@pytest.mark.slow
def test_api_works_after_login(auth_server: str) -> None:
    from gradio_client import Client

    client = Client(auth_server, auth=(USER, PASSWORD), verbose=False)
    result = client.predict("重点帮扶县主要任务是什么？", None, api_name="/ask")
    assert result["found"] is True and result["citations"]


@pytest.mark.slow
@pytest.mark.browser
def test_login_in_the_browser(auth_server: str, browser: Any) -> None:
    from browser_kit import LOGIN_PROMPT, PHONE, ask, fill_login, open_page

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page, response, _watch = open_page(browser, auth_server, PHONE, wait_for_chat=False, locale="en-US")
    assert "content-security-policy" in response.headers
    page.get_by_text(LOGIN_PROMPT).wait_for()
    fill_login(page, USER, "wrong")
    page.keyboard.press("Enter")
    page.get_by_text("Incorrect Credentials", exact=False).or_(page.get_by_text("错误")).first.wait_for()
    fill_login(page, USER, PASSWORD)  # the form was cleared
    page.screenshot(path=str(SCREENSHOTS / "login-phone.png"))
    page.get_by_role("button", name="Login").click()
    page.locator("#pa-question textarea").wait_for()
    msg = ask(page, "重点帮扶县主要任务是什么？")
    assert "巩固拓展脱贫攻坚成果" in msg.inner_text()
    page.context.close()
