"""Who may call the API: keys, roles, the loopback rule, rate limits, audit, and no crossing with the web login."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from api_testkit import WEB_PASSWORD, WEB_USER, ApiServer
from starlette.testclient import TestClient

from ui.access import Access
from ui.api import build_api
from ui.api_keys import ApiKeyError, hash_key, load_api_keys, parse_role_specs

pytestmark = pytest.mark.slow

QUESTION = {"model": "policy-assistant", "messages": [{"role": "user", "content": "山西省的县分为哪几类？"}]}


def _audit(server: ApiServer) -> list[dict[str, object]]:
    lines = (server.index / "audit.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer pa-not-a-real-key"}, {"Authorization": "Basic eDp5"}]
)
def test_a_call_without_a_valid_key_gets_401(api_server: ApiServer, headers: dict[str, str]) -> None:
    r = httpx.post(api_server.v1 + "/chat/completions", json=QUESTION, headers=headers)
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert r.json()["error"]["type"] == "authentication_error"


def test_a_key_without_a_role_gets_403_and_an_audit_line(api_server: ApiServer) -> None:
    for path, body in (("/v1/chat/completions", QUESTION), ("/api/ask", {"question": "低保怎么审批？"})):
        r = httpx.post(api_server.url + path, json=body, headers=api_server.auth("outsider"))
        assert r.status_code == 403, r.text
        assert r.json()["error"]["code"] == "permission_denied"
        entry = _audit(api_server)[-1]
        assert (entry["user"], entry["action"], entry["result"]) == ("api:outsider", "api", "denied")
        assert entry["endpoint"] == f"POST {path}" and entry["client"] == "127.0.0.1"


def test_rate_limit_gives_429_in_the_openai_shape(api_server: ApiServer) -> None:
    api_server.clock.step = 0.0  # time stands still: the burst of 2 is all the manager key gets
    try:
        url, headers = api_server.url + "/api/documents", api_server.auth("manager")
        statuses = [httpx.get(url, headers=headers).status_code for _ in range(4)]
        refused = httpx.get(url, headers=headers)
    finally:
        api_server.clock.step = 3600.0
    assert statuses[:2] == [200, 200] and statuses[2:] == [429, 429]
    assert refused.json()["error"]["type"] == "rate_limit_error" and int(refused.headers["retry-after"]) >= 1
    limited = [e for e in _audit(api_server) if e["result"] == "rate_limited"]
    assert len(limited) == 1 and limited[0]["user"] == "api:manager"  # once per run of refusals
    assert httpx.get(url, headers=headers).status_code == 200  # the clock moved on: refilled


def test_a_key_is_not_a_web_password_and_a_web_session_is_not_a_key(api_server: ApiServer) -> None:
    with httpx.Client(base_url=api_server.url) as web:
        assert (
            web.post("/login", data={"username": "reader", "password": api_server.keys["reader"]}).status_code
            != 200
        )
        assert web.post("/login", data={"username": WEB_USER, "password": WEB_PASSWORD}).status_code == 200
        assert web.cookies  # signed in to the web chat
        assert web.get("/config").status_code == 200
        assert web.get("/v1/models").status_code == 401
        assert web.post("/api/ask", json={"question": "低保怎么审批？"}).status_code == 401


# -- without a keys file: loopback only, and only when the web chat has no login ---------------------
@pytest.mark.parametrize(
    ("client", "web_login", "status"),
    [(("127.0.0.1", 5000), False, 200), (("::1", 5000), False, 200), (("10.0.0.5", 5000), False, 401),
     (("192.168.1.20", 5000), False, 401), (("127.0.0.1", 5000), True, 401)],
)  # fmt: skip
def test_without_keys_only_loopback_clients_are_answered(
    api_server: ApiServer, client: tuple[str, int], web_login: bool, status: int
) -> None:
    app = build_api(api_server.service, Access("default"), web_login=web_login)
    with TestClient(app, client=client) as tc:
        # The token every OpenAI client sends is ignored when the server has no keys.
        r = tc.get("/v1/models", headers={"Authorization": "Bearer sk-anything"})
    assert r.status_code == status, r.text
    if status == 200:
        assert [m["id"] for m in r.json()["data"]] == ["policy-assistant:default"]
    else:
        assert r.json()["error"]["code"] == "missing_api_key"


# -- the keys file ----------------------------------------------------------------------------------------
def test_added_key_is_printed_once_and_stored_hashed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from assistant.cli import main

    keys = tmp_path / "keys.jsonl"
    argv = ["serve", "--api-keys", str(keys), "--add-api-key", "oa-bot", "--api-key-role", "default=read"]
    assert main(argv) == 0
    key = capsys.readouterr().out.strip()
    assert key.startswith("pa-") and len(key) >= 40
    stored = keys.read_text(encoding="utf-8")
    assert key not in stored and hash_key(key) in stored
    found = load_api_keys(keys).authenticate(key)
    assert found is not None and found.name == "oa-bot" and found.role("default") == "read"
    assert found.role("other") is None
    assert keys.stat().st_mode & 0o077 == 0


def test_bad_keys_file_and_roles_are_clear_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from assistant.cli import main

    keys = tmp_path / "keys.jsonl"
    keys.write_text(
        '{"name": "x", "hash": "pa-plaintext-key", "roles": {"default": "read"}}\n', encoding="utf-8"
    )
    with pytest.raises(ApiKeyError, match="不接受明文密钥"):
        load_api_keys(keys)
    assert main(["serve", "--api-keys", str(keys), "--index", str(tmp_path / "idx")]) == 2
    assert str(keys) in capsys.readouterr().err
    with pytest.raises(ApiKeyError, match="--api-key-role"):
        parse_role_specs(["default=admin"])
    argv = ["serve", "--api-keys", str(tmp_path / "new.jsonl"), "--add-api-key", "bot"]
    assert main(argv) == 2 and "--api-key-role" in capsys.readouterr().err
