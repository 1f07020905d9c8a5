"""Hostile document text in every tab, in a real browser: it must show as the characters it is.

A knowledge base whose file name, titles, issuers, sections and text carry markup (``<img
src="/logout">``, ``onerror`` handlers, ``<script>``, Markdown links and images pointing at the leak
listener, ``&#x27;`` and apostrophes) is served with login on. Headless Chromium signs in and opens
every tab: the chat (answer and sources), 知识库 (documents table and dropdown), 检索测试 and 出题
(preview and review table). Nothing may fetch, run, open a dialog or sign the user out, the policy
may report no violation (the page boots under a CSP without 'unsafe-inline' scripts), and the
hostile text must be visible literally.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from browser_kit import Watch, ask, login, open_page, settle
from security_kit import PASSWORDS, READER, SCREENSHOTS, Listener, free_port

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TIMEOUT = 60_000  # ms; the embedder and the quiz check are slow on a busy machine

FILE = "村民's <b>防汛.txt"
TITLE = '<img src="/logout">村级防汛&#x27;通知&#x27;'
ISSUER = "<script>window.__pwned=1</script>某某镇人民政府"
SECTION = '第一章 <img src=x onerror="window.__pwned=2">总则'
SHOWN_SECTION = '第一章 <img src=x onerror="window'  # section names are shortened
OTHER_TITLE = "社会救助办法<b>加粗</b>"
# Recorded in the page before any of its scripts: CSP violations and what tried to leave the page.
WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


def write_docs(target: Path, leak: str) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    (target / FILE).write_text(
        f"title: {TITLE}\nissuer: {ISSUER}\ndate: 2024-06-01\n---\n村级防汛工作通知\n\n"
        f"{SECTION}\n\n"
        '第一条 防汛物资储备点设在村委会西侧仓库<img src="/logout">，储备编织袋不少于2000条。\n\n'
        "第二条 汛期为每年6月1日至9月30日，村民's 值班电话每日24小时有人值守[点此](javascript:window.__pwned=3)。\n\n"
        f"第二章 物资 ![](http://{leak}/leak-section)\n\n"
        f"第三条 防汛物资由镇防汛办公室统一采购，采购资金不超过5万元，&#x27;专款专用&#x27;。![x](http://{leak}/leak-md)\n\n"
        f'第四条 村民委员会应当在每年5月31日前完成隐患排查<img src="http://{leak}/leak-img">，排查结果报镇人民政府备案。\n\n'
        "第五条 转移安置点由村党支部书记负责，安置点应当储备不少于3天的食品和饮用水<script>window.__pwned=4</script>。\n",
        encoding="utf-8",
    )
    (target / "shehui.txt").write_text(
        f"title: {OTHER_TITLE}\nissuer: 国务院\ndate: 2014-02-21\n---\n社会救助办法\n\n"
        "第一条 最低生活保障标准由省级人民政府确定，每年调整一次。\n\n"
        "第二条 申请最低生活保障，由共同生活的家庭成员向户籍所在地的乡镇人民政府提出书面申请。\n\n"
        "第三条 乡镇人民政府应当自受理申请之日起30个工作日内完成审核。\n",
        encoding="utf-8",
    )
    return target


@dataclass
class Session:
    """The signed-in page and what the browser did besides rendering."""

    page: Any
    watch: Watch

    def check_inert(self, leak: Listener) -> None:
        settle(self.page)
        assert self.watch.dialogs == []
        assert self.page.evaluate("typeof window.__pwned") == "undefined"
        assert [r for r in self.watch.requests if "/logout" in r or not r.startswith(self.watch.url)] == []
        assert [p for p in leak.requests if "leak-" in p] == []
        assert self.page.evaluate("fetch('config').then(r => r.status)") == 200, "signed out"
        assert self.page.evaluate("window.__csp") == []


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, leak_listener: Listener, users: dict[str, str]
) -> Iterator[str]:
    from assistant.config import Settings
    from ui.app import launch
    from ui.service import WebService

    root = tmp_path_factory.mktemp("escape")
    docs = write_docs(root / "docs", f"127.0.0.1:{leak_listener.port}")
    service = WebService(Settings(index_dir=root / "index"), root / "web", sources=[docs])
    report = service.reindex()
    assert len(report.added) == 2 and not report.failed, report
    port = free_port()
    demo = launch(service, port=port, users=users, prevent_thread_lock=True, quiet=True)
    yield f"http://127.0.0.1:{port}/"
    demo.close()
    service.close()


@pytest.fixture(scope="module")
def session(server: str, browser: Any) -> Iterator[Session]:
    page, _response, watch = open_page(
        browser, server, timeout=TIMEOUT, init_script=WATCH, wait_for_chat=False
    )
    login(page, READER, PASSWORDS[READER])  # the login page runs under the CSP too
    yield Session(page, watch)
    page.context.close()


def test_chat_answer_and_sources_show_document_text_literally(
    session: Session, leak_listener: Listener
) -> None:
    msg = ask(session.page, "汛期为每年几月几日？", open_sources=True)
    text = msg.inner_text()
    assert "村民's 值班电话" in text.split("出处")[0]  # an apostrophe, not &#x27;
    assert TITLE in text and SHOWN_SECTION in text and "[点此](javascript:window.__pwned=3)" in text
    msg = ask(session.page, "防汛物资由谁采购？", open_sources=True)
    text = msg.inner_text()
    assert "&#x27;专款专用&#x27;" in text and f"![x](http://127.0.0.1:{leak_listener.port}/leak-md)" in text
    assert msg.locator("img, script, iframe, a[href], svg").count() == 0
    session.check_inert(leak_listener)


def test_knowledge_base_table_and_dropdown_show_titles_literally(
    session: Session, leak_listener: Listener
) -> None:
    from playwright.sync_api import expect

    page = session.page
    page.get_by_role("tab", name="知识库").click()
    table = page.locator("#pa-docs")
    expect(table).to_contain_text(TITLE)
    text = table.inner_text()
    assert FILE in text and ISSUER in text and OTHER_TITLE in text
    page.get_by_label("选择文件").click()
    options = page.locator("[data-testid=dropdown-option]")
    options.first.wait_for()
    assert f"{TITLE}（{FILE}）" in [t.strip().lstrip("✓").strip() for t in options.all_inner_texts()]
    page.keyboard.press("Escape")
    session.check_inert(leak_listener)


def test_hit_testing_table_shows_sections_and_text_literally(
    session: Session, leak_listener: Listener
) -> None:
    page = session.page
    page.get_by_role("tab", name="检索测试").click()
    box = page.get_by_label("问题")
    box.fill("防汛物资储备点")
    box.press("Enter")
    page.wait_for_function("t => document.body.innerText.includes(t)", arg=SHOWN_SECTION)  # visible text only
    assert '村委会西侧仓库<img src="/logout">' in page.locator("body").inner_text()
    session.check_inert(leak_listener)


def test_quiz_preview_and_review_show_items_literally(session: Session, leak_listener: Listener) -> None:
    page = session.page
    page.get_by_role("tab", name="出题").click()
    page.get_by_label("题量").fill("6")
    page.get_by_role("button", name="生成试题").click()
    page.get_by_text("候选", exact=False).first.wait_for()
    session.check_inert(leak_listener)  # before: a previewed <img src="/logout"> signed out
    preview = page.locator(".pa-quiz")
    stem = f"根据《{TITLE}》第"
    assert stem in preview.inner_text() and "村民's" in preview.inner_text()
    assert preview.locator("img, script, iframe, a[href], svg").count() == 0
    assert stem in page.locator("body").inner_text().replace(preview.inner_text(), "")  # the review table
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "escape-quiz.png"), full_page=True)
