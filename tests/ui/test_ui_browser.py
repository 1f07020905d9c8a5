"""The web chat in a real browser: Debian's Chromium driven by Playwright (headless).

Screenshots (desktop 1280 px, phone 390 px) go to ``artifacts/screenshots/``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browser_kit import DESKTOP, PHONE, ask, open_page, settle, show
from ui_testkit import HOSTILE_QUESTION, UNCOVERED_QUESTION, Listener, Server

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_ask_expand_source_and_read_original_desktop_and_phone(
    browser: Any, ui_server: Server, screenshots: Path
) -> None:
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page, _response, watch = open_page(browser, ui_server.url, viewport)
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
        assert watch.outside == []
        page.context.close()


def test_refusal_is_shown_plainly(browser: Any, ui_server: Server, screenshots: Path) -> None:
    page, _response, _watch = open_page(browser, ui_server.url, PHONE)
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
    page, response, watch = open_page(browser, ui_server.url, DESKTOP)
    csp = response.headers.get("content-security-policy", "")
    assert "default-src 'self'" in csp and "img-src 'self' data: blob:" in csp
    msg = ask(page, HOSTILE_QUESTION, open_sources=True)  # every source and its original text
    settle(page)
    text = msg.inner_text()
    assert "村委会西侧仓库" in text
    assert "window.__pwned=1" in text  # the payload is there, as inert characters
    assert msg.locator("img, script, a[href], iframe").count() == 0
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert leak_listener.requests == []
    assert watch.outside == [] and watch.dialogs == []
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
    page, _response, _watch = open_page(browser, ui_server.url, PHONE)
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
    from playwright.sync_api import expect

    page, _response, _watch = open_page(browser, ui_server.url, DESKTOP)
    page.get_by_role("tab", name="知识库").click()
    docs = page.locator("#pa-docs")
    expect(docs).to_contain_text("fangxun-anpai.txt")
    listed = docs.inner_text()
    assert "shanxi-juji-wuda-nengli.txt" in listed and "2014-02-21_shehui-jiuzhu-zanxing-banfa.txt" in listed
    page.screenshot(path=str(screenshots / "kb-desktop.png"), full_page=True)
    page.get_by_role("tab", name="检索测试").click()
    box = page.get_by_label("问题")
    box.fill("山西省的县分为哪几类？")
    box.press("Enter")
    expect(page.get_by_text("shanxi-juji-wuda-nengli.txt").first).to_be_visible()
    page.screenshot(path=str(screenshots / "hits-desktop.png"), full_page=True)
    page.context.close()
