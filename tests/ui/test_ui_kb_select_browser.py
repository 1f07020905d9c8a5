"""Two knowledge bases in one server (``serve --kb A=… --kb B=…``) in headless Chromium: the 知识库
dropdown sends the question to the chosen one, whose document the answer cites and the viewer opens;
its conversations stay with it (a reload comes back to it); its 知识库 page and 检索测试 list its
documents only. A signed-in user is offered only the knowledge bases they may read, without error toasts
from the others' hidden panels. With one knowledge base the page has no dropdown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_kit import DESKTOP, ask, login, open_page, settle
from index_kit import writable_copy
from ui_testkit import Server, free_port

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DOC_A = (
    "jiaxian-nongji.txt",
    "title: 甲县农机购置补贴实施办法\nissuer: 甲县农业农村局\ndate: 2023-03-01\n---\n"
    "甲县农机购置补贴实施办法\n\n第一条　为了推进农业机械化，制定本办法。\n\n"
    "第二条　购置拖拉机的农户，每台补贴不超过三万元。\n",
)
DOC_B = (
    "yixian-yanglao.txt",
    "title: 乙县高龄老人养老服务补贴办法\nissuer: 乙县民政局\ndate: 2024-05-10\n---\n"
    "乙县高龄老人养老服务补贴办法\n\n第一条　为了保障高龄老人生活，制定本办法。\n\n"
    "第二条　年满八十周岁的老人，每人每月发放养老服务补贴二百元。\n",
)
QUESTION_B = "年满八十周岁的老人每月发放多少养老服务补贴？"
KBS = ["nongji", "yanglao"]  # the --kb order: the dropdown's, and its panels' numbers


def _docs(tmp_path_factory: pytest.TempPathFactory, name: str, doc: tuple[str, str]) -> Path:
    folder = tmp_path_factory.mktemp(f"kb-docs-{name}")
    (folder / doc[0]).write_text(doc[1], encoding="utf-8")
    return folder


PERMISSIONS = '[users]\nli = { yanglao = "read" }\nwang = { "*" = "manage" }\n'
PASSWORDS = {"li": "li-密码-2024", "wang": "wang-密码-2024"}


def _serve(
    built_index: Callable[..., Path], tmp_path_factory: pytest.TempPathFactory, login: bool
) -> Iterator[Server]:
    """``serve --kb nongji=… --kb yanglao=…`` as the command line builds it (serve_plans), launched here;
    with ``login``, the users of :data:`PASSWORDS` and the roles of :data:`PERMISSIONS`."""
    from assistant.cli import build_parser
    from ui.access import Access, parse_permissions
    from ui.app import launch
    from ui.auth import hash_password
    from ui.kb_select import ServedKb
    from ui.knowledge_bases import serve_plans
    from ui.service import WebService

    argv = ["serve", "--data", str(tmp_path_factory.mktemp("kb-web"))]
    for name, doc in zip(KBS, (DOC_A, DOC_B), strict=True):
        built = built_index(f"kb-{name}", [_docs(tmp_path_factory, name, doc)])
        argv += ["--kb", f"{name}={writable_copy(built, tmp_path_factory.mktemp(f'kb-{name}') / 'index')}"]
    plans = serve_plans(build_parser().parse_args(argv))
    access = [parse_permissions(PERMISSIONS, p.name) if login else Access(p.name) for p in plans]
    users = {name: hash_password(password) for name, password in PASSWORDS.items()} if login else None
    services = [WebService(p.settings, p.data_dir, fill_vectors=False) for p in plans]
    more = [ServedKb(plans[1].name, services[1], access[1])]
    port = free_port()
    demo = launch(
        services[0], access=access[0], more_kbs=more, users=users, port=port, prevent_thread_lock=True,
        quiet=True,
    )  # fmt: skip
    yield Server(f"http://127.0.0.1:{port}/", services, demo)
    demo.close()
    for service in services:
        service.close()


@pytest.fixture(scope="module")
def two_kb_server(
    built_index: Callable[..., Path], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    yield from _serve(built_index, tmp_path_factory, login=False)


@pytest.fixture(scope="module")
def two_kb_login_server(
    built_index: Callable[..., Path], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    yield from _serve(built_index, tmp_path_factory, login=True)


def choose(page: Any, name: str, tab: str = "chat") -> None:
    """Pick ``name`` in the 知识库 dropdown; wait until its panel is the one in the open ``tab`` (chat, kb,
    hits) and the other knowledge base's has left the page."""
    page.locator("#pa-kb-select input").click()
    page.get_by_role("option", name=name).click()
    index = KBS.index(name)
    page.locator(f".pa-kb-{tab}-{index}").wait_for()
    page.locator(f".pa-kb-{tab}-{1 - index}").wait_for(state="detached")


def test_the_chosen_knowledge_base_answers_cites_and_keeps_its_conversations(
    browser: Any, two_kb_server: Server
) -> None:
    from playwright.sync_api import expect

    service_a, service_b = two_kb_server.service
    page, _response, watch = open_page(browser, two_kb_server.url, DESKTOP)
    picker = page.locator("#pa-kb-select")
    expect(picker).to_be_visible()
    assert page.locator("#pa-kb-select input").input_value() == "nongji"

    refused = ask(page, QUESTION_B)  # the first knowledge base does not hold the answer
    assert "乙县高龄老人养老服务补贴办法" not in refused.inner_text()
    assert service_a.assistant.documents()[0].title == "甲县农机购置补贴实施办法"

    choose(page, "yanglao")
    assert page.locator(".pa-msg").count() == 0  # B's own chat: A's exchange is not its context
    msg = ask(page, QUESTION_B)
    text = msg.inner_text()
    assert "二百元" in text and "乙县高龄老人养老服务补贴办法" in text and "甲县农机" not in text
    assert page.locator("#pa-view-req").count() == 1  # hidden panels are not on the page: ids stay unique
    msg.locator(".pa-cite.pa-c1").first.click()  # the viewer opens B's document from B's service
    page.locator("#pa-viewer mark.pa-cited").wait_for()
    viewer = page.locator("#pa-viewer").inner_text()
    assert "乙县高龄老人养老服务补贴办法" in viewer and "二百元" in viewer and "拖拉机" not in viewer

    listing = page.locator("#pa-conv-list")
    expect(listing).to_contain_text(QUESTION_B)
    (conv_b,) = _conversations(service_b)
    assert conv_b.title == QUESTION_B and conv_b.n_turns == 1
    assert [c.n_turns for c in _conversations(service_a)] == [1]  # A keeps the refused question

    choose(page, "nongji")  # A's panel again, with its own exchange and its own list
    expect(page.locator(".pa-msg")).to_have_count(1)
    assert "二百元" not in page.locator(".pa-msg").first.inner_text()
    choose(page, "yanglao")
    page.reload()  # the page comes back to the knowledge base chosen last …
    page.locator(".pa-kb-chat-1").wait_for()
    expect(page.locator("#pa-kb-select input")).to_have_value("yanglao")
    assert page.locator(".pa-kb-chat-0").count() == 0  # … and reopening B's conversation continues it with B
    listing.locator("label").filter(has_text=QUESTION_B).first.click()
    page.wait_for_function("() => document.querySelectorAll('.pa-msg').length === 1")
    follow = ask(page, "这是哪个文件规定的？")
    assert "乙县高龄老人养老服务补贴办法" in follow.inner_text()
    assert [c.n_turns for c in _conversations(service_b)] == [2]

    page.get_by_role("tab", name="知识库").click()  # its page lists B's document only
    docs = page.locator("#pa-docs")
    expect(docs).to_contain_text("乙县高龄老人养老服务补贴办法")
    assert "甲县农机" not in docs.inner_text()
    assert page.locator(".pa-kb-kb-1").count() == 1 and page.locator(".pa-kb-kb-0").count() == 0
    page.get_by_role("tab", name="检索测试").click()
    hits = page.locator(".pa-kb-hits-1")
    hits.get_by_label("问题").fill("养老服务补贴")
    hits.get_by_role("button", name="检索").click()
    expect(hits).to_contain_text("yixian-yanglao.txt")
    expect(hits).to_contain_text("第二条")  # the section label with its article (issue 16)
    assert "jiaxian-nongji.txt" not in hits.inner_text()
    choose(page, "nongji", "hits")  # the tab stays; its content is A's now
    expect(page.get_by_role("tab", name="检索测试")).to_have_attribute("aria-selected", "true")
    assert watch.dialogs == []
    page.context.close()


def _conversations(service: Any) -> list[Any]:
    from ui.conversations import conversation_store

    return conversation_store(service).conversations(None)


def test_one_knowledge_base_shows_no_dropdown(browser: Any, ui_server: Server) -> None:
    page, _response, _watch = open_page(browser, ui_server.url, DESKTOP)
    assert page.locator("#pa-kb-select").count() == 0
    assert page.get_by_role("tab", name="知识库").count() == 1
    page.context.close()


def test_the_dropdown_offers_only_what_the_user_may_read(browser: Any, two_kb_login_server: Server) -> None:
    from playwright.sync_api import expect

    page, _response, _watch = open_page(browser, two_kb_login_server.url, DESKTOP, wait_for_chat=False)
    login(page, "li", PASSWORDS["li"])  # reads yanglao only
    page.locator(".pa-kb-chat-1").wait_for()  # the one li may read is chosen and shown
    expect(page.locator("#pa-kb-select input")).to_have_value("yanglao")
    assert page.locator(".pa-kb-chat-0").count() == 0
    msg = ask(page, QUESTION_B)
    assert "乙县高龄老人养老服务补贴办法" in msg.inner_text()
    page.locator("#pa-kb-select input").click()
    options = page.get_by_role("option")
    expect(options).to_have_count(1)
    expect(options).to_contain_text("yanglao")
    page.keyboard.press("Escape")
    settle(page)
    # nongji's panels are on the page too (hidden): their page-load events were refused without a toast
    assert page.locator(".toast-body").count() == 0
    page.context.close()
