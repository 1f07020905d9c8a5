"""The document viewer (原文查看): a chat answer's ``[n]`` opens the cited document at the cited span.

The page's script (:data:`ui.assets.VIEWER_JS`, served from this origin by :class:`AssetsMiddleware`,
as the CSP allows no inline script) turns a click or tap on a marker into a request
``<answer id>:<n>`` in a hidden text box; :func:`build_viewer`'s handler checks the user's role
(read, like a question), looks the citation up in the server's own record of that answer (the page
names no document and no offset the server would trust) and shows the document one page at a time,
the span marked and scrolled into view. All text goes through :func:`ui.render.viewer_html`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Any

import gradio as gr

from assistant import Citation
from ui import render
from ui.access import READ
from ui.assets import VIEWER_JS
from ui.guard import Guard
from ui.security import ASGIApp, Receive, Scope, Send
from ui.service import WebService

PAGE_CHARS = 12_000  # a law (~30k characters) is three pages; the 3,500-law corpus has far longer ones
REQUEST = re.compile(r"([0-9a-f]{32}):(\d{1,3})(?:\|\d{1,9})?")
ASSET_PATH = "/pa-static/viewer.js"
# Relative, so the page finds it behind a reverse proxy's path prefix too.
HEAD = f'<script src="{ASSET_PATH.lstrip("/")}" defer></script>'
EXPIRED = "这个回答已不在服务器的记录中（服务重启或对话太久），请重新提问后再查看原文"
GONE = "原文已不在知识库中（可能已被删除或重新索引），请重新提问"


# -- paging (pure) ----------------------------------------------------------------------------------------
def page_starts(text: str, size: int = PAGE_CHARS) -> list[int]:
    """Where each page starts: about ``size`` characters a page, cut after a line end when there is one."""
    starts = [0]
    while len(text) - starts[-1] > size:
        at = starts[-1]
        cut = text.rfind("\n", at + size // 2, at + size)
        starts.append(cut + 1 if cut >= 0 else at + size)
    return starts


def page_of(starts: list[int], offset: int) -> int:
    return max(0, bisect_right(starts, offset) - 1)


def window(text: str, starts: list[int], page: int, c: Citation) -> tuple[int, int]:
    """The characters page ``page`` shows; the page holding the span's start stretches to its end,
    so the marked text is never cut by a page break."""
    lo = starts[page]
    hi = starts[page + 1] if page + 1 < len(starts) else len(text)
    if lo <= c.start < hi:
        hi = max(hi, min(c.end, len(text)))
    return lo, hi


# -- the viewer ---------------------------------------------------------------------------------------
def _lookup(service: WebService, answer_id: str, n: int) -> tuple[Citation, str] | str:
    answer = service.answer(answer_id)
    if answer is None:
        return EXPIRED
    cite = next((c for c in (*answer.citations, *answer.related) if c.n == n), None)
    if cite is None:
        return f"这个回答没有出处 [{n}]"
    text = service.doc_text(cite.doc_id)
    if text is None or not 0 <= cite.start <= cite.end <= len(text):
        return GONE
    return cite, text


def show(service: WebService, answer_id: str, n: int, page: int | None) -> tuple[str, dict[str, Any]]:
    """The viewer's HTML and state for citation ``n`` of an answer (``page`` None: the span's page)."""
    found = _lookup(service, answer_id, n)
    if isinstance(found, str):
        return render.text_html(found, "pa-text pa-error"), {}
    cite, text = found
    starts = page_starts(text)
    page = page_of(starts, cite.start) if page is None else min(max(page, 0), len(starts) - 1)
    html = render.viewer_html(cite, service, text, window(text, starts, page, cite), page, len(starts))
    return html, {"answer": answer_id, "n": n, "page": page, "pages": len(starts)}


def open_view(service: WebService, guard: Guard, req: str, request: gr.Request | None) -> tuple[Any, ...]:
    """The viewer for a request ``<answer id>:<n>|<count>`` from the page: (HTML, state, column)."""
    guard(request, READ)  # a user who may not ask may not read documents either
    m = REQUEST.fullmatch((req or "").strip())
    if m is None:
        return gr.skip(), gr.skip(), gr.skip()
    html, view = show(service, m.group(1), int(m.group(2)), None)
    return html, view, gr.Column(visible=True)


def build_viewer(service: WebService, guard: Guard) -> gr.Textbox:
    """The viewer column (hidden until a marker is clicked); returns the hidden request box, which
    must be placed where it is always in the page (it is created here, inside the current context)."""
    state = gr.State({})
    with gr.Column(scale=2, min_width=300, visible=False, elem_id="pa-viewer-col") as column:
        with gr.Row(elem_id="pa-viewer-bar"):
            prev_btn = gr.Button("上一页", size="sm", min_width=64, elem_id="pa-viewer-prev")
            next_btn = gr.Button("下一页", size="sm", min_width=64, elem_id="pa-viewer-next")
            close_btn = gr.Button("关闭原文", size="sm", min_width=64, elem_id="pa-viewer-close")
        doc = gr.Markdown(elem_id="pa-viewer", latex_delimiters=[], sanitize_html=True)
    # Always in the page (visible=False would leave it out), never shown; its change event opens the viewer.
    request_box = gr.Textbox(visible="hidden", elem_id="pa-view-req", show_label=False)

    def open_doc(req: str, request: gr.Request) -> tuple[Any, ...]:
        return open_view(service, guard, req, request)

    def turn(delta: int) -> Any:
        def handler(view: dict[str, Any], request: gr.Request) -> tuple[Any, ...]:
            guard(request, READ)
            if not view:
                return gr.skip(), gr.skip()
            return show(service, str(view["answer"]), int(view["n"]), int(view["page"]) + delta)

        return handler

    private: dict[str, Any] = {"api_visibility": "private"}
    request_box.change(open_doc, [request_box], [doc, state, column], **private)
    prev_btn.click(turn(-1), [state], [doc, state], **private)
    next_btn.click(turn(1), [state], [doc, state], **private)
    close_btn.click(lambda: gr.Column(visible=False), None, [column], **private)
    return request_box


# -- the script, served from this origin ---------------------------------------------------------------
class AssetsMiddleware:
    """Serves the viewer's script at :data:`ASSET_PATH` (``script-src 'self'``; no inline script)."""

    body = VIEWER_JS.encode()

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != ASSET_PATH or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        headers = [
            (b"content-type", b"text/javascript; charset=utf-8"),
            (b"content-length", str(len(self.body)).encode()),
            (b"cache-control", b"no-cache"),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": self.body if scope["method"] == "GET" else b""})
