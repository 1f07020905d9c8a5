"""Clickable sources in a real browser (headless Chromium at /usr/bin/chromium, via Playwright).

A reader signs in, asks on the small test corpus, clicks ``[1]``: the viewer opens with the cited span
highlighted (exactly the citation's quote) and scrolled into view, under the CSP (no violation); hover
shows the quote. At 390×844 the markers and 👍/👎 are at least 40 px. Screenshots of the chat with the
viewer open (desktop 1366×768, phone 390×844) go to ``docs/screenshots/`` for the README.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ui_testkit import REPO, Server, free_port

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
TIMEOUT = 120_000  # ms; the embedder is slow on a busy machine
DOCS_SHOTS = REPO / "docs" / "screenshots"
READER, PASSWORD = "cunganbu", "读者密码-viewer-2024"
QUESTION = "社会救助暂行办法什么时候施行？"
# A long document (two viewer pages) whose cited article sits far below the top of its page.
LONG_NAME = "cungui-minyue.txt"
LONG_QUESTION = "村民饲养藏獒有什么要求？"
LONG_RULE = "村民饲养藏獒应当全天拴养，并到村委会登记犬只编号。"


def long_document() -> str:
    lines = ["某某村村规民约", ""]
    for n in range(1, 301):
        rule = (
            LONG_RULE
            if n == 100
            else f"村民应当遵守本村约定的第{n}项公共事务安排，共同维护村里的公共秩序和环境卫生。"
        )
        lines += [f"第{n}条　{rule}", ""]
    return "\n".join(lines)


# Collects CSP violations before any page script runs.
WATCH = (
    "window.__csp = []; document.addEventListener('securitypolicyviolation', "
    "e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
)


@pytest.fixture(scope="module")
def server(ui_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Login on; the permissions file lets the reader read (ask, and so open documents)."""
    from assistant.config import Settings
    from ui.access import parse_permissions
    from ui.app import launch
    from ui.auth import hash_password
    from ui.service import WebService

    index = tmp_path_factory.mktemp("viewer-index") / "index"
    shutil.copytree(ui_index, index, ignore=shutil.ignore_patterns("write.lock"))
    service = WebService(Settings(index_dir=index), tmp_path_factory.mktemp("viewer-web"))
    access = parse_permissions(f'[users]\n{READER} = {{ default = "read" }}\n')
    long_doc = tmp_path_factory.mktemp("viewer-long") / LONG_NAME
    long_doc.write_text(long_document(), encoding="utf-8")
    assert service.upload([(LONG_NAME, long_doc)]).report is not None
    port = free_port()
    demo = launch(
        service, port=port, users={READER: hash_password(PASSWORD)}, access=access,
        prevent_thread_lock=True, quiet=True,
    )  # fmt: skip
    yield Server(f"http://127.0.0.1:{port}/", service, demo)
    demo.close()
    service.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if shutil.which(CHROMIUM) is None:
        pytest.fail(f"缺少 {CHROMIUM}：先 apt-get install -y chromium fonts-wqy-microhei")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def sign_in(browser: Any, url: str, viewport: dict[str, int]) -> tuple[Any, list[str]]:
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    context.set_default_timeout(TIMEOUT)
    context.add_init_script(WATCH)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text))
    page.goto(url)
    page.locator("input[type=password]").wait_for()
    page.locator("input[type=text], input[name=username]").first.fill(READER)
    page.locator("input[type=password]").fill(PASSWORD)
    page.locator("input[type=password]").press("Enter")
    page.locator("#pa-question textarea").wait_for()
    return page, console


def ask(page: Any, question: str) -> Any:
    before = page.locator(".pa-msg").count()
    page.locator("#pa-question textarea").fill(question)
    page.locator("#pa-ask-btn").click()
    page.wait_for_function(
        "n => document.querySelectorAll('.pa-msg').length > n && !document.querySelector('.pa-pending')",
        arg=before,
    )
    return page.locator(".pa-msg").last


def cited(server: Server, msg: Any, n: int = 1) -> Any:
    """The citation ``[n]`` of the message, as the server recorded it (the message's class names it)."""
    match = re.search(r"pa-a-([0-9a-f]{32})", msg.get_attribute("class") or "")
    assert match, "the message does not name its answer"
    answer = server.service.answer(match.group(1))
    return next(c for c in answer.citations if c.n == n)


def open_viewer(page: Any, msg: Any) -> Any:
    msg.locator(".pa-cite.pa-c1").first.click()
    mark = page.locator("#pa-viewer mark.pa-cited")
    mark.wait_for()
    page.wait_for_function(  # the script scrolls after the viewer renders
        """() => { const m = document.querySelector('#pa-viewer mark.pa-cited');
                   const v = document.getElementById('pa-viewer');
                   if (!m || !v) return false;
                   const a = m.getBoundingClientRect(), b = v.getBoundingClientRect();
                   return a.top >= b.top - 1 && a.bottom <= b.bottom + 1
                          && a.top >= 0 && a.bottom <= window.innerHeight; }"""
    )
    return mark


def assert_no_csp_violation(page: Any, console: list[str]) -> None:
    assert page.evaluate("window.__csp") == []
    assert not [m for m in console if "Content Security Policy" in m], console


def test_marker_opens_the_document_at_the_highlighted_quote(browser: Any, server: Server) -> None:
    DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
    page, console = sign_in(browser, server.url, DESKTOP)
    msg = ask(page, QUESTION)
    c = cited(server, msg)
    marker = msg.locator(".pa-cite.pa-c1").first
    marker.hover()  # desktop: hover shows the quote
    tip = marker.locator(".pa-tip")
    tip.wait_for(state="visible")
    assert tip.inner_text().strip() == " ".join(c.quote.split())[:120]
    mark = open_viewer(page, msg)
    assert mark.inner_text() == c.quote  # exactly document[start:end]
    text = server.service.doc_text(c.doc_id)
    assert text is not None and text[c.start : c.end] == c.quote
    head = page.locator("#pa-viewer .pa-viewer-head").inner_text()
    assert "社会救助暂行办法" in head and "第七十条" in head
    # the whole document (one page here): text before the cited article is there too
    assert "第一条" in page.locator("#pa-viewer .pa-doc").inner_text()
    assert_no_csp_violation(page, console)
    page.mouse.move(0, 0)
    page.screenshot(path=str(DOCS_SHOTS / "chat-viewer-desktop.png"))
    page.locator("#pa-viewer-close").click()
    page.locator("#pa-viewer").wait_for(state="hidden")
    page.context.close()


def test_long_document_opens_on_the_cited_page_scrolled_to_the_span(browser: Any, server: Server) -> None:
    page, console = sign_in(browser, server.url, DESKTOP)
    msg = ask(page, LONG_QUESTION)
    c = cited(server, msg)
    assert c.source == LONG_NAME and LONG_RULE in c.quote
    mark = open_viewer(page, msg)  # waits until the span is inside the viewer's box and the window
    assert mark.inner_text() == c.quote
    viewer = page.locator("#pa-viewer")
    assert viewer.evaluate("v => v.scrollHeight > v.clientHeight && v.scrollTop > 0")  # it had to scroll
    head = page.locator("#pa-viewer .pa-viewer-head").inner_text()
    assert "第 1/2 页" in head and "第100条" in head
    page.locator("#pa-viewer-next").click()
    page.wait_for_function(
        "() => document.querySelector('#pa-viewer .pa-viewer-head')?.innerText.includes('第 2/2 页')"
    )
    assert page.locator("#pa-viewer mark").count() == 0 and "第300条" in viewer.inner_text()
    page.locator("#pa-viewer-prev").click()
    page.locator("#pa-viewer mark.pa-cited").wait_for()
    assert "第 1/2 页" in page.locator("#pa-viewer .pa-viewer-head").inner_text()
    assert_no_csp_violation(page, console)
    page.context.close()


def test_phone_tap_targets_and_viewer(browser: Any, server: Server) -> None:
    DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
    page, console = sign_in(browser, server.url, PHONE)
    msg = ask(page, QUESTION)
    c = cited(server, msg)
    page.get_by_text("评价回答").click()  # the 👍 有用 / 👎 没用 buttons are in this panel
    page.locator("#pa-up-btn").wait_for()
    boxes = {
        "marker": msg.locator(".pa-cite").first.bounding_box(),
        "👍": page.locator("#pa-chat button[aria-label='赞']").last.bounding_box(),
        "👎": page.locator("#pa-chat button[aria-label='踩']").last.bounding_box(),
        "有用": page.locator("#pa-up-btn").bounding_box(),
        "没用": page.locator("#pa-down-btn").bounding_box(),
    }
    small = {k: b for k, b in boxes.items() if b is None or b["width"] < 40 or b["height"] < 40}
    assert not small, f"tap targets under 40 px at 390 px: {small}"
    mark = open_viewer(page, msg)  # tap: the quote shows (focus) and the viewer opens below the chat
    assert msg.locator(".pa-cite .pa-tip").first.is_visible()
    assert mark.inner_text() == c.quote
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    assert_no_csp_violation(page, console)
    page.screenshot(path=str(DOCS_SHOTS / "chat-viewer-phone.png"))
    page.context.close()
