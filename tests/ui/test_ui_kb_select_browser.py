"""Two knowledge bases in one server (``serve --kb A=… --kb B=…``) in headless Chromium: the 知识库
dropdown sends the question to the chosen one, whose document the answer cites and the viewer opens;
its conversations stay with it (a reload comes back to it); its 知识库 page and 检索测试 list its
documents only, and so does its 出题 tab. A signed-in user is offered only the knowledge bases they may read, without error toasts
from the others' hidden panels. With one knowledge base the page has no dropdown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_kit import DESKTOP, ask, login, open_page, settle
from kb_select_kit import KBS, PASSWORDS, QUESTION_B, serve_two_kbs
from ui_testkit import Server

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def two_kb_server(
    built_index: Callable[..., Path], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    yield from serve_two_kbs(built_index, tmp_path_factory, login=False)


@pytest.fixture(scope="module")
def two_kb_login_server(
    built_index: Callable[..., Path], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    yield from serve_two_kbs(built_index, tmp_path_factory, login=True)


def choose(page: Any, name: str, tab: str = "chat") -> None:
    """Pick ``name`` in the 知识库 dropdown; wait until its panel is the one in the open ``tab`` (chat, kb,
    hits, quiz) and the other knowledge base's has left the page."""
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


def test_the_quiz_tab_follows_the_chosen_knowledge_base(browser: Any, two_kb_server: Server) -> None:
    """出题 lists, quizzes on and exports the chosen knowledge base's documents (it served the first one's)."""
    from playwright.sync_api import expect

    page, _response, watch = open_page(browser, two_kb_server.url, DESKTOP)
    choose(page, "yanglao")
    page.get_by_role("tab", name="出题").click()
    quiz = page.locator(".pa-kb-quiz-1")
    quiz.wait_for()
    assert page.locator(".pa-kb-quiz-0").count() == 0
    quiz.get_by_label("出题文件（不选则全部）").click()
    options = page.get_by_role("option")
    expect(options).to_have_count(1)
    expect(options).to_contain_text("乙县高龄老人养老服务补贴办法")
    page.keyboard.press("Escape")
    quiz.get_by_label("题量").fill("3")
    quiz.get_by_role("button", name="生成试题").click()
    quiz.locator(".pa-item").first.wait_for()
    text = quiz.locator(".pa-quiz").inner_text()
    assert "乙县高龄老人养老服务补贴办法" in text and "甲县" not in text and "拖拉机" not in text

    choose(page, "nongji", "quiz")  # the tab stays; its panel is A's, listing A's document
    expect(page.get_by_role("tab", name="出题")).to_have_attribute("aria-selected", "true")
    page.locator(".pa-kb-quiz-0").get_by_label("出题文件（不选则全部）").click()
    expect(page.get_by_role("option")).to_have_count(1)
    expect(page.get_by_role("option")).to_contain_text("甲县农机购置补贴实施办法")
    page.keyboard.press("Escape")
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
