"""Rendering, scrubbing, the feedback store and the service's upload checks (no server, no browser)."""

from __future__ import annotations

import asyncio
import html as htmllib
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.types import Answer, Citation
from index.catalog import DocRecord
from quiz.types import ItemCitation, QuizItem
from ui import render
from ui.feedback import FeedbackError, FeedbackStore
from ui.security import CSP, LINK_REMOVED, SecurityHeadersMiddleware, add_nonce, is_loopback, scrub_answer

DOC = (
    "前言。" * 300
    + "防汛物资储备点设在村委会西侧仓库<script>alert(1)</script>![x](http://evil/leak)。"
    + "后记。" * 300
)
START = DOC.index("防汛")
END = DOC.index("。", START) + 1


class Docs:
    def doc_record(self, doc_id: str) -> DocRecord | None:
        return DocRecord(
            doc_id, "fangxun.txt", "村级防汛工作安排", "某某镇人民政府", "2024-06-01", "", "fp", 3, 0.0
        )

    def doc_text(self, doc_id: str) -> str | None:
        return DOC


def cite(n: int = 1) -> Citation:
    return Citation(n, "d1", "fangxun.txt", "村级防汛工作安排", "一、物资储备", START, END, DOC[START:END])


def answer(found: bool = True, short: str | None = "村委会西侧仓库") -> Answer:
    if not found:
        return Answer("火星基地在哪？", False, "现有文件中未找到相关规定。", None, "other", related=(cite(),))
    return Answer("储备点在哪？", True, DOC[START:END] + "[1]", short, "location", citations=(cite(),))


def no_markup(html: str) -> None:
    """Only the tags rendering itself writes may appear; document text never forms a tag or a link."""
    tags = set(re.findall(r"<\s*([a-zA-Z]+)", html))
    assert tags <= {"div", "span", "details", "summary", "blockquote", "mark", "br", "sup", "strong"}, tags
    assert "](" not in html and "http://" not in html and "\n" not in html


def test_answer_html_escapes_and_marks_the_span() -> None:
    html = render.answer_html(answer(), Docs())
    no_markup(html)
    assert "&#60;script&#62;" in html
    assert "<mark>村委会西侧仓库</mark>" in html
    assert '<sup class="pa-ref">[1]</sup>' in html
    assert "某某镇人民政府" in html and "2024&#45;06&#45;01" in html and "一、物资储备" in html
    assert "查看原文" in html and html.count("<mark>") == 2  # the span in the quote, the quote in the context


def test_refusal_is_plain_and_lists_related_passages() -> None:
    html = render.answer_html(answer(found=False), Docs())
    no_markup(html)
    assert "未找到依据" in html and "可能相关" in html and "pa-refusal" in html
    assert "<mark>" in html  # the related passage's place in its document


def test_context_is_500_characters_each_side() -> None:
    html = render.context_html(DOC, START, END)
    before, rest = html.split("<mark>")
    marked, after = rest.split("</mark>")
    assert before.endswith(render.esc(DOC[START - 500 : START])) and before.startswith(
        '<div class="pa-context">…'
    )
    assert marked == render.esc(DOC[START:END])
    assert after == render.esc(DOC[END : END + 500]) + "…</div>"
    assert render.context_html("短文", 0, 2) == '<div class="pa-context"><mark>短文</mark></div>'


def test_scrub_answer_removes_images_links_and_urls() -> None:
    text = (
        "见![图](http://x/a.png)和[通知](https://gov.cn/n)，另见 www.example.com 与 <img src=http://y>。[1]"
    )
    out = scrub_answer(text)
    assert "http" not in out and "www." not in out and "<img" not in out and "!" not in out
    assert "通知" in out and out.endswith("。[1]") and LINK_REMOVED in out


@given(st.text(max_size=200))
def test_escaped_text_never_forms_markup(text: str) -> None:
    out = render.esc(text)
    assert "<" not in out.replace("<br>", "") and ">" not in out.replace("<br>", "")
    assert not set("[]()!`*_:$") & set(out)


@given(st.text(max_size=200))
def test_escaped_text_reads_back_as_itself(text: str) -> None:
    """One level of escaping: the browser shows exactly the text (apostrophes too, not ``&#x27;``)."""
    shown = htmllib.unescape(render.esc(text).replace("<br>", "\n"))
    assert shown == render.plain(text).replace("\r\n", "\n").replace("\r", "\n")


def test_quotes_and_entities_in_documents_show_as_typed() -> None:
    for text in ("村民's 意见", 'say "hi"', "&#x27; &amp; &lt;", "A & B"):
        assert htmllib.unescape(render.esc(text)) == text, render.esc(text)
    assert render.toast("<img src=/logout> & 'x'") == "&lt;img src=/logout&gt; &amp; 'x'"


HOSTILE = '<img src="/logout">[x](javascript:alert(1)) ![](http://127.0.0.1:9/leak) <script>alert(1)</script>'


def quiz_item(kind: str = "single") -> QuizItem:
    cite = ItemCitation(f"{HOSTILE}.txt", f"第一章 {HOSTILE}", 3, 9, HOSTILE, title=HOSTILE)
    options = (HOSTILE, "**粗体**", "&#x27;", "村民's")
    return QuizItem(kind, f"题干 {HOSTILE}", options, ("A",), HOSTILE, cite)


def test_quiz_preview_shows_item_text_literally() -> None:
    out = render.quiz_preview_html([quiz_item(), quiz_item("judge")])
    no_markup(out)
    assert "\n" not in out and "javascript:" not in out and "**" not in out
    text = htmllib.unescape(re.sub(r"<[^>]+>", "", out))
    assert text.count(HOSTILE) >= 4 and "村民's" in text and "&#x27;" in text and "**粗体**" in text
    assert render.quiz_preview_html([]) == render.text_html(render.EMPTY_QUIZ)


def test_status_lines_and_table_cells_are_literal() -> None:
    line = render.text_html(f"以下修改未保存：\n- 第 1 题「题干」：{HOSTILE}")
    no_markup(line.replace("<br>", ""))
    assert htmllib.unescape(re.sub(r"<[^>]+>", "", line.replace("<br>", "\n"))).endswith(HOSTILE)
    rec = DocRecord("d", "a\u200b.txt", HOSTILE, "", "", "", "fp", 1, 0.0)
    row = render.document_rows([rec])[0]
    assert row[0] == HOSTILE and row[render.DOC_HEADERS.index("文件名")] == "a.txt"  # as typed, title first
    assert render.doc_label(rec) == f"{HOSTILE}（a.txt）"


def test_csp_allows_no_inline_script() -> None:
    script_src = next(d for d in CSP.split("; ") if d.startswith("script-src"))
    assert script_src == "script-src 'self'"
    page = b'<script>a()</script><script type="module" src="x.js"></script><scripts><SCRIPT>b()</SCRIPT>'
    assert add_nonce(page, "N") == (
        b'<script nonce="N">a()</script><script nonce="N" type="module" src="x.js"></script>'
        b'<scripts><script nonce="N">b()</SCRIPT>'
    )


def test_only_gradio_page_gets_a_nonce() -> None:
    async def serve(path: str, kind: bytes, body: bytes) -> tuple[dict[bytes, bytes], bytes]:
        async def app(scope: object, receive: object, send: object) -> None:
            start = {"type": "http.response.start", "status": 200, "headers": [(b"content-type", kind)]}
            await send(start)  # type: ignore[operator]
            await send({"type": "http.response.body", "body": body[:5], "more_body": True})  # type: ignore[operator]
            await send({"type": "http.response.body", "body": body[5:]})  # type: ignore[operator]

        sent: list[dict[str, object]] = []

        async def send(message: dict[str, object]) -> None:
            sent.append(message)

        scope = {"type": "http", "method": "GET", "path": path}
        await SecurityHeadersMiddleware(app)(scope, None, send)  # type: ignore[arg-type]
        headers = dict(sent[0]["headers"])  # type: ignore[call-overload]
        return headers, b"".join(m.get("body", b"") for m in sent[1:])  # type: ignore[misc]

    page = b"<html><script>boot()</script></html>"
    headers, body = asyncio.run(serve("/", b"text/html; charset=utf-8", page))
    nonce = re.search(rb'nonce="([^"]+)"', body)
    assert nonce and f"'nonce-{nonce.group(1).decode()}'".encode() in headers[b"content-security-policy"]
    assert headers[b"content-length"] == str(len(body)).encode()
    again, _ = asyncio.run(serve("/", b"text/html", page))
    assert again[b"content-security-policy"] != headers[b"content-security-policy"]  # fresh per page
    for path, kind in (("/gradio_api/file=x.html", b"text/html"), ("/", b"application/json")):
        headers, body = asyncio.run(serve(path, kind, page))
        assert body == page and headers[b"content-security-policy"] == CSP.encode()


def test_plain_copy_text_has_answer_and_sources() -> None:
    text = render.answer_plain(answer(), Docs())
    assert text.startswith("问：储备点在哪？\n答：") and "出处：" in text and "《村级防汛工作安排》" in text
    assert "http://" not in text.split("出处")[0]
    refusal = render.answer_plain(answer(found=False), Docs())
    assert "未找到依据" in refusal and "可能相关" in refusal


def test_is_loopback() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5") and not is_loopback("example.com")


def test_feedback_store_round_trip_and_exports(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    store = FeedbackStore(tmp_path / "fb.sqlite")
    store.add(question="问1", answer="答1", citations=[cite().to_dict()], rating="up", comment="好")
    store.add(question="@问2", answer="答2", citations=[], rating="down", found=False)
    with pytest.raises(FeedbackError):
        store.add(question="q", answer="a", citations=[], rating="meh")
    rows = store.rows()
    assert [r.rating for r in rows] == ["up", "down"] and rows[0].citations[0]["quote"] == DOC[START:END]
    csv_text = store.export_csv(tmp_path / "fb.csv").read_text(encoding="utf-8-sig")
    assert "'@问2" in csv_text and "问1" in csv_text
    sheet = load_workbook(store.export_xlsx(tmp_path / "fb.xlsx")).active
    assert sheet is not None
    assert [r[2] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["问1", "'@问2"]
    store.close()
    reopened = FeedbackStore(tmp_path / "fb.sqlite")  # durable
    assert len(reopened.rows()) == 2
    reopened.close()
