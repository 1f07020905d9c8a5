"""The web chat in a real browser: Debian's Chromium driven by Playwright (headless).

Screenshots (desktop 1280 px, phone 390 px) go to ``artifacts/screenshots/``.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ui_testkit import HOSTILE_QUESTION, UNCOVERED_QUESTION, Listener, Server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]  # fmt: skip
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
ANSWER_TIMEOUT = 120_000  # ms; the embedder is slow on a busy machine


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if shutil.which(CHROMIUM) is None:
        pytest.fail(f"缺少 {CHROMIUM}：先 apt-get install -y chromium fonts-wqy-microhei")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def open_page(browser: Any, url: str, viewport: dict[str, int]) -> tuple[Any, Any, list[str]]:
    """A fresh page; ``outside`` collects every request that leaves the app's origin."""
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    context.set_default_timeout(ANSWER_TIMEOUT)
    page = context.new_page()
    outside: list[str] = []
    page.on("request", lambda r: None if r.url.startswith((url, "data:", "blob:")) else outside.append(r.url))
    response = page.goto(url)
    page.locator("#pa-question textarea").wait_for()
    return page, response, outside


def ask(page: Any, question: str) -> Any:
    """Ask in the chat; return the locator of the new assistant message."""
    before = page.locator(".pa-msg:not(:has(.pa-pending))").count()
    page.locator("#pa-question textarea").fill(question)
    page.locator("#pa-ask-btn").click()
    page.wait_for_function(
        "n => document.querySelectorAll('.pa-msg').length > n && !document.querySelector('.pa-pending')",
        arg=before,
    )
    return page.locator(".pa-msg").last


def show(page: Any, message: Any) -> None:
    message.evaluate("el => el.scrollIntoView({block: 'start'})")
    time.sleep(0.3)


def test_ask_expand_source_and_read_original_desktop_and_phone(
    browser: Any, ui_server: Server, screenshots: Path
) -> None:
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page, _response, outside = open_page(browser, ui_server.url, viewport)
        msg = ask(page, "重点帮扶县主要任务是什么？")
        assert "巩固拓展脱贫攻坚成果" in msg.locator(".pa-answer").inner_text()
        source = msg.locator("details.pa-source").first
        assert source.locator(".pa-quote").is_hidden()  # collapsed until tapped
        source.locator("summary").first.click()
        quote = source.locator(".pa-quote").inner_text()
        assert "重点帮扶县" in quote
        show(page, msg)
        page.screenshot(path=str(screenshots / f"chat-{name}.png"))
        source.locator("details.pa-original > summary").click()
        marked = source.locator(".pa-context mark").inner_text()
        assert marked.replace("\n", "") == quote.replace("\n", "")
        assert "出处" in page.locator("#pa-copy textarea").input_value()
        assert page.evaluate("document.fonts.check('16px \"WenQuanYi Micro Hei\"')")
        # follow-up within the same conversation: both exchanges stay on screen
        follow = ask(page, "社会救助暂行办法什么时候施行？")
        assert "2014年5月1日" in follow.inner_text()
        assert page.locator(".pa-msg").count() == 2
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= viewport["width"] + 1, f"page scrolls sideways at {viewport['width']} px"
        assert outside == []
        page.context.close()


def test_refusal_is_shown_plainly(browser: Any, ui_server: Server, screenshots: Path) -> None:
    page, _response, _outside = open_page(browser, ui_server.url, PHONE)
    msg = ask(page, UNCOVERED_QUESTION)
    assert "未找到依据" in msg.locator(".pa-refusal").inner_text()
    _id, answer = ui_server.service.ask(UNCOVERED_QUESTION)
    if answer.related:  # nearest passages, labelled as such
        assert msg.locator(".pa-tag").first.inner_text() == "可能相关"
    show(page, msg)
    page.screenshot(path=str(screenshots / "refusal-phone.png"))
    page.context.close()


def test_hostile_document_runs_nothing_and_fetches_nothing(
    browser: Any, ui_server: Server, leak_listener: Listener, screenshots: Path
) -> None:
    page, response, outside = open_page(browser, ui_server.url, DESKTOP)
    csp = response.headers.get("content-security-policy", "")
    assert "default-src 'self'" in csp and "img-src 'self' data: blob:" in csp
    msg = ask(page, HOSTILE_QUESTION)
    for summary in msg.locator("summary").all():  # open every source and its original text
        if summary.is_visible():
            summary.click()
    for summary in msg.locator("details.pa-original > summary").all():
        if summary.is_visible():
            summary.click()
    time.sleep(1.5)
    text = msg.inner_text()
    assert "村委会西侧仓库" in text
    assert "window.__pwned=1" in text  # the payload is there, as inert characters
    assert msg.locator("img, script, a[href], iframe").count() == 0
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert leak_listener.requests == []
    assert outside == []
    show(page, msg)
    page.screenshot(path=str(screenshots / "hostile-desktop.png"))
    page.context.close()


def test_upload_gbk_document_then_ask_about_it(
    browser: Any, ui_server: Server, tmp_path: Path, screenshots: Path
) -> None:
    doc = tmp_path / "yumi-buzhu.txt"
    doc.write_bytes(
        "玉米生产者补贴办法\n\n第一条 玉米生产者补贴标准为每亩八十五元，由乡镇财政所统一发放。\n".encode(
            "gbk"
        )
    )
    page, _response, _outside = open_page(browser, ui_server.url, PHONE)
    page.get_by_role("tab", name="知识库").click()
    page.locator("#pa-files input[type=file]").set_input_files(str(doc))
    page.locator("#pa-files").get_by_text(doc.name).first.wait_for()
    page.locator("#pa-upload-btn").click()
    page.wait_for_function(
        "() => (document.querySelector('#pa-kb-status textarea') || {}).value?.includes('新增 1')"
    )
    assert page.locator("#pa-docs").get_by_text(doc.name).count() >= 1
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    page.screenshot(path=str(screenshots / "kb-phone.png"), full_page=True)
    page.get_by_role("tab", name="问答").click()
    msg = ask(page, "玉米生产者补贴标准是多少？")
    assert "八十五元" in msg.locator(".pa-answer").inner_text()
    assert "《玉米生产者补贴办法》" in msg.inner_text()
    page.context.close()
    assert ui_server.service.delete(doc.name) is not None


def test_knowledge_base_and_hit_testing_desktop(browser: Any, ui_server: Server, screenshots: Path) -> None:
    page, _response, _outside = open_page(browser, ui_server.url, DESKTOP)
    page.get_by_role("tab", name="知识库").click()
    page.locator("#pa-docs").get_by_text("fangxun-anpai.txt").first.wait_for()
    page.screenshot(path=str(screenshots / "kb-desktop.png"), full_page=True)
    page.get_by_role("tab", name="检索测试").click()
    box = page.get_by_label("问题")
    box.fill("山西省的县分为哪几类？")
    box.press("Enter")
    page.get_by_text("shanxi-juji-wuda-nengli.txt").first.wait_for()
    page.screenshot(path=str(screenshots / "hits-desktop.png"), full_page=True)
    page.context.close()
