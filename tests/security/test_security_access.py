"""Per-knowledge-base roles, checked on the server: real logins, gradio_client and raw HTTP."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from security_kit import MANAGER, OUTSIDER, PASSWORDS, READER, Server

from index.audit import AUDIT_FILE

pytestmark = pytest.mark.slow


def client_for(server: Server, user: str) -> Any:
    from gradio_client import Client

    return Client(server.url, auth=(user, PASSWORDS[user]), verbose=False)


@pytest.fixture(scope="module")
def reader(access_server: Server) -> Any:
    return client_for(access_server, READER)


@pytest.fixture(scope="module")
def manager(access_server: Server) -> Any:
    return client_for(access_server, MANAGER)


def audit(server: Server) -> list[dict[str, Any]]:
    return server.service.audit.entries()


def test_reader_may_ask_search_list_and_rate(reader: Any) -> None:
    data = reader.predict("防汛物资由谁采购？", None, api_name="/ask")
    assert data["found"] and data["citations"]
    assert reader.predict("防汛物资由谁采购？", 3, api_name="/search")
    assert len(reader.predict(api_name="/documents")) == 8
    assert reader.predict(data["answer_id"], "up", "", api_name="/feedback")["id"] >= 1


def test_reader_is_refused_every_write(reader: Any, access_server: Server, tmp_path: Path) -> None:
    from gradio_client import handle_file
    from gradio_client.exceptions import AppError

    doc = tmp_path / "reader-upload.txt"
    doc.write_text("读者上传\n\n第一条 读者不应能上传文件。\n", encoding="utf-8")
    some_doc = reader.predict(api_name="/documents")[0]["doc_id"]
    before = len(access_server.service.documents())
    calls: list[tuple[tuple[Any, ...], str]] = [
        (([handle_file(doc)],), "/upload"),
        ((some_doc,), "/delete"),
        ((), "/reindex"),
        (("csv",), "/export_feedback"),
    ]
    for args, name in calls:
        with pytest.raises(AppError, match="只读权限"):
            reader.predict(*args, api_name=name)
    assert len(access_server.service.documents()) == before
    assert not (access_server.service.uploads_dir / doc.name).exists()
    denied = [e for e in audit(access_server) if e["user"] == READER and e["result"] == "denied"]
    assert {e["action"] for e in denied} >= {"upload", "delete", "reindex"}
    assert any(e["documents"] == [doc.name] for e in denied if e["action"] == "upload")


def test_raw_http_call_by_a_reader_is_refused(access_server: Server) -> None:
    """The same check without gradio_client: sign in with a form, call /upload over plain HTTP."""
    import http.cookiejar

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = f"username={READER}&password={urllib.parse.quote(PASSWORDS[READER])}".encode()
    opener.open(urllib.request.Request(access_server.url + "login", data=form))
    body = json.dumps({"data": [None]}).encode()
    req = urllib.request.Request(
        access_server.url + "gradio_api/call/reindex", data=body, headers={"Content-Type": "application/json"}
    )
    event_id = json.loads(opener.open(req).read())["event_id"]
    stream = opener.open(access_server.url + f"gradio_api/call/reindex/{event_id}").read().decode()
    event, data = stream.strip().split("\n")[:2]
    assert event == "event: error" and "只读权限" in json.loads(data.removeprefix("data: "))["error"], stream


def test_outsider_cannot_sign_in_and_strangers_get_401(access_server: Server) -> None:
    with pytest.raises(Exception):  # noqa: B017 - gradio_client's error type varies across versions
        client_for(access_server, OUTSIDER)
    form = f"username={OUTSIDER}&password={urllib.parse.quote(PASSWORDS[OUTSIDER])}".encode()
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(urllib.request.Request(access_server.url + "login", data=form))
    assert err.value.code == 400
    body = json.dumps({"data": ["防汛物资由谁采购？", None]}).encode()
    req = urllib.request.Request(
        access_server.url + "gradio_api/call/ask", data=body, headers={"Content-Type": "application/json"}
    )
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req)
    assert err.value.code in (401, 403)


def test_manager_uploads_reindexes_and_deletes_with_an_audit_trail(
    manager: Any, access_server: Server, tmp_path: Path
) -> None:
    from gradio_client import handle_file

    doc = tmp_path / "guanli-shangchuan.txt"
    doc.write_text("管理员上传的通知\n\n第一条 村级事务由村民委员会办理。\n", encoding="utf-8")
    status, _table, _choices = manager.predict([handle_file(doc)], api_name="/upload")
    assert "新增 1" in status, status
    status, _table, _choices = manager.predict(api_name="/reindex")
    assert "重新索引完成" in status
    docs = {d["source"]: d["doc_id"] for d in manager.predict(api_name="/documents")}
    status, _table, _choices = manager.predict(docs[doc.name], api_name="/delete")
    assert f"已删除 {doc.name}" in status
    assert manager.predict("csv", api_name="/export_feedback").endswith(".csv")
    mine = [e for e in audit(access_server) if e["user"] == MANAGER]
    assert [(e["action"], e["result"]) for e in mine][-3:] == [
        ("upload", "ok"),
        ("reindex", "ok"),
        ("delete", "ok"),
    ]
    assert mine[-3]["documents"] == [doc.name] and mine[-3]["added"] == [doc.name]
    assert mine[-1]["documents"] == [doc.name]
    assert (access_server.service.settings.index_dir / AUDIT_FILE).stat().st_mode & 0o077 == 0


@pytest.mark.browser
def test_reader_sees_no_management_controls(access_server: Server, browser: Any) -> None:
    from browser_kit import fill_login, open_page

    page, _response, _watch = open_page(browser, access_server.url, wait_for_chat=False, locale="en-US")
    for user, visible in ((READER, False), (MANAGER, True)):
        page.goto(access_server.url)
        fill_login(page, user, PASSWORDS[user])
        page.get_by_role("button", name="Login").click()
        page.locator("#pa-who").get_by_text(user).wait_for()
        page.get_by_role("tab", name="知识库").click()
        page.locator("#pa-docs").get_by_text("m01-ignore-question.txt").first.wait_for()
        assert page.locator("#pa-upload-btn").is_visible() is visible
        page.context.clear_cookies()
    page.context.close()
