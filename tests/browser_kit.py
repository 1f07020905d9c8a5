"""Driving the web chat in headless Chromium (Debian's, through Playwright): one way for every browser test.

Playwright's own browser download cannot work here, so the system Chromium is launched by path. The
sync API allows one Playwright per thread, so a module takes the ``browser`` fixture (tests/conftest.py)
rather than starting its own. A :class:`Watch` records what the page did besides rendering: every
request, the requests that left the app's origin, and the dialogs it opened.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]  # fmt: skip
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
ANSWER_TIMEOUT = 120_000  # ms; the embedder is slow on a busy machine
# An image or script that slipped through acts within a frame or two; an absence cannot be awaited,
# so the checks for one give the page this long after it has painted (ms).
SETTLE_MS = 500
LOGIN_PROMPT = "政策通：请输入用户名和密码"


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium for the duration of the block (fails with the install command when missing)."""
    if shutil.which(CHROMIUM) is None:
        pytest.fail(f"缺少 {CHROMIUM}：先 apt-get install -y chromium fonts-wqy-microhei")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Watch:
    """What a page did besides rendering."""

    page: Any
    url: str
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    @property
    def outside(self) -> list[str]:
        """Requests that left the app's origin (data: and blob: URLs stay inside the page)."""
        return [r for r in self.requests if not r.startswith((self.url, "data:", "blob:"))]


def open_page(
    browser: Any,
    url: str,
    viewport: dict[str, int] = DESKTOP,
    *,
    timeout: int = ANSWER_TIMEOUT,
    init_script: str | None = None,
    wait_for_chat: bool = True,
    locale: str = "zh-CN",
) -> tuple[Any, Any, Watch]:
    """A fresh context and page at ``url``: ``(page, response, watch)``; dialogs are recorded and dismissed.

    ``locale`` is the browser's language: Gradio's own texts (the login page's) follow it."""
    context = browser.new_context(viewport=viewport, locale=locale)
    context.set_default_timeout(timeout)
    if init_script:
        context.add_init_script(init_script)
    page = context.new_page()
    watch = Watch(page, url)
    page.on("request", lambda r: watch.requests.append(r.url))

    def dialog(d: Any) -> None:
        watch.dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", dialog)
    response = page.goto(url)
    if wait_for_chat:
        page.locator("#pa-question textarea").wait_for()
    return page, response, watch


def fill_login(page: Any, user: str, password: str) -> None:
    """Type into Gradio's login form (it runs under the same CSP as the app)."""
    page.locator("input[type=password]").wait_for()
    page.locator("input[type=text], input[name=username]").first.fill(user)
    page.locator("input[type=password]").fill(password)


def login(page: Any, user: str, password: str) -> None:
    """Sign in on the login page ``page`` shows and wait for the chat."""
    page.get_by_text(LOGIN_PROMPT).wait_for()
    fill_login(page, user, password)
    page.locator("input[type=password]").press("Enter")
    page.locator("#pa-question textarea").wait_for()


def ask(page: Any, question: str, *, open_sources: bool = False) -> Any:
    """Ask in the chat; return the locator of the new, finished assistant message.

    ``open_sources`` then opens every source and each one's original text."""
    before = page.locator(".pa-msg:not(:has(.pa-pending))").count()
    page.locator("#pa-question textarea").fill(question)
    page.locator("#pa-ask-btn").click()
    page.wait_for_function(
        "n => document.querySelectorAll('.pa-msg').length > n && !document.querySelector('.pa-pending')",
        arg=before,
    )
    msg = page.locator(".pa-msg").last
    if open_sources:
        for selector in ("details.pa-source > summary", "details.pa-original > summary"):
            for summary in msg.locator(selector).all():
                if summary.is_visible():
                    summary.click()
    return msg


def painted(page: Any) -> None:
    """Wait until the page has painted what it has (two animation frames)."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def settle(page: Any) -> None:
    """Give anything hostile the page rendered the chance to fetch or run, before checking it did not."""
    painted(page)
    page.wait_for_timeout(SETTLE_MS)


def show(page: Any, message: Any) -> None:
    """Scroll ``message`` to the top of the view for a screenshot."""
    message.evaluate("el => el.scrollIntoView({block: 'start'})")
    painted(page)
