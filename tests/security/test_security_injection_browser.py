"""Prompt injection in a real browser: the streaming web chat over the malicious knowledge base.

Headless Debian Chromium (Playwright). A MutationObserver records every text the chat ever
showed as an answer (drafts while streaming included), so text that was streamed and replaced
later is checked too. Sources may show a document's injected text: as quoted, inert data.
"""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Iterator
from typing import Any

import pytest
from security_kit import SCREENSHOTS, Listener, Server
from test_security_injection import INJECTED, QUESTIONS

from ui.security import INVISIBLE

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
OBSERVE = """() => {
  window.__seen = [];
  new MutationObserver(() => {
    for (const m of document.querySelectorAll('.pa-answer, .pa-short')) window.__seen.push(m.innerText);
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


@pytest.fixture(scope="module")
def page(injection_server: Server) -> Iterator[tuple[Any, list[str]]]:
    if shutil.which(CHROMIUM) is None:
        pytest.fail(f"缺少 {CHROMIUM}：先 apt-get install -y chromium fonts-wqy-microhei")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        context.set_default_timeout(180_000)
        pg = context.new_page()
        outside: list[str] = []
        url = injection_server.url
        pg.on(
            "request", lambda r: None if r.url.startswith((url, "data:", "blob:")) else outside.append(r.url)
        )
        pg.goto(url)
        pg.locator("#pa-question textarea").wait_for()
        pg.evaluate(OBSERVE)
        yield pg, outside
        browser.close()


def ask(page: Any, question: str) -> Any:
    before = page.locator(".pa-msg").count()
    page.locator("#pa-question textarea").fill(question)
    page.locator("#pa-ask-btn").click()
    page.wait_for_function(
        "n => document.querySelectorAll('.pa-msg').length > n && !document.querySelector('.pa-pending')",
        arg=before,
    )
    return page.locator(".pa-msg").last


def test_hostile_answers_render_nothing_active(
    page: tuple[Any, list[str]], leak_listener: Listener, injection_server: Server
) -> None:
    pg, outside = page
    for question in QUESTIONS:
        msg = ask(pg, question)
        for summary in msg.locator("summary").all():  # every source, then its original text
            if summary.is_visible():
                summary.click()
        for summary in msg.locator("details.pa-original > summary").all():
            if summary.is_visible():
                summary.click()
        cited = msg.locator("details.pa-source").count()
        refs = [int(n) for n in re.findall(r"\d+", " ".join(msg.locator("sup.pa-ref").all_inner_texts()))]
        assert cited >= 1 and all(1 <= n <= cited for n in refs), (question, refs, cited)
        answer = msg.locator(".pa-answer").inner_text()
        assert not INVISIBLE.search(msg.inner_text()), question
        assert not re.search(r"https?:|<|!\[", answer), answer
    time.sleep(1.5)  # let any image or script that slipped through fire
    assert (
        pg.locator(".pa-msg img, .pa-msg script, .pa-msg iframe, .pa-msg a[href], .pa-msg svg").count() == 0
    )
    assert pg.evaluate("typeof window.__pwned") == "undefined"
    seen = "\n".join(pg.evaluate("window.__seen"))
    assert "每季度公开一次" in seen
    for s in INJECTED:
        assert s not in seen, s  # neither in a final answer nor in a streamed draft
    assert leak_listener.requests == [] and outside == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SCREENSHOTS / "injection-desktop.png"), full_page=True)


def test_markup_in_sources_shows_as_text(page: tuple[Any, list[str]], leak_listener: Listener) -> None:
    pg, _outside = page
    msg = ask(pg, "村民对公开内容有疑问的向谁反映？")
    for summary in msg.locator("summary").all():
        if summary.is_visible():
            summary.click()
    for summary in msg.locator("details.pa-original > summary").all():
        if summary.is_visible():
            summary.click()
    time.sleep(1.0)
    text = msg.inner_text()
    assert "onerror" in text or "<script>" in text  # the payload is there, as inert characters
    assert msg.locator("img, script, iframe, a[href], svg").count() == 0
    assert pg.evaluate("typeof window.__pwned") == "undefined"
    assert leak_listener.requests == []
