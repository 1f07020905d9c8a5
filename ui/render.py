"""Rendering (渲染): every piece of document text the web pages show goes through this module.

Two kinds of Gradio component show it, and each tab uses the matching helper here:

* Markup components (the chat's messages, ``gr.Markdown`` status lines, the quiz preview) run their
  value through a Markdown renderer that passes HTML on. A value from here is one line of HTML (an
  HTML block to Markdown, so no Markdown is parsed inside it) and text inside it goes through
  :func:`esc`: escaped for HTML *and* for Markdown in one pass (``<``, ``'``, brackets, ``!``, ``:``
  and friends become numeric character references), so ``<img src="/logout">`` or ``![x](http://…)``
  shows as those characters and an apostrophe shows as an apostrophe.
* Text components (``gr.Dataframe`` cells of datatype ``str``, dropdown labels, text boxes) show
  strings as text nodes; their values go through :func:`plain` (invisible format characters removed).

Error toasts (``gr.Error``) render their message as sanitized HTML: messages go through :func:`toast`.
Pure functions: no Gradio import, unit-tested directly.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Protocol

from assistant import Answer, Chunk, Citation, DocRecord, Hit
from quiz import TYPE_NAMES, QuizItem
from ui.security import mask_quoted_markers, scrub_answer, strip_invisible

CONTEXT_CHARS = 500
REFUSAL_LABEL = "未找到依据"
RELATED_LABEL = "可能相关"
CURATED_LABEL = "已审核答案"

# HTML's five and the characters Markdown (marked, GFM, KaTeX) gives meaning to, as numeric character
# references, in ONE pass: escaping HTML first and Markdown after would escape the ``#`` of ``&#x27;``.
_ENTITIES = str.maketrans({c: f"&#{ord(c)};" for c in "&<>\"'[]()!*_`~#|$\\:/{}+-=^"})
_MARKER = re.compile(r"&#91;(\d{1,3})&#93;")
_ANSWER_ID = re.compile(r"[0-9a-f]{32}")  # ui.service answer ids (uuid4 hex): safe inside a class name
TIP_CHARS = 120  # the quote a marker shows on hover / tap
# Headings that open an article (第X条) or a part above it (编/章/节), at the start of a line: a span
# belongs to the article whose heading comes last before it, unless a part heading comes after that.
_NUM = "零〇一二三四五六七八九十百千两\\d"
_ARTICLE = re.compile(rf"^[ \t\u3000]*(第[{_NUM}]+(?:条(?:之[{_NUM}]+)?(?=[ \t\u3000]|$)|[编章节]))", re.M)
_HAS_ARTICLE = re.compile(rf"第[{_NUM}]+条")


class DocLookup(Protocol):
    """What rendering needs from the knowledge base."""

    def doc_record(self, doc_id: str) -> DocRecord | None: ...

    def doc_text(self, doc_id: str) -> str | None: ...


def esc(text: str) -> str:
    """Escape text for an HTML block inside Markdown; newlines become ``<br>`` (no raw newline survives)."""
    escaped = strip_invisible(text).translate(_ENTITIES)
    return escaped.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>")


def plain(text: object) -> str:
    """Text for a component that shows strings as text (Dataframe ``str`` cells, dropdown labels)."""
    return strip_invisible(str(text))


def text_html(text: str, cls: str = "pa-text") -> str:
    """A status line, note or error for a ``gr.Markdown``: the text, literally (lines kept)."""
    return f'<div class="{cls}">{esc(text)}</div>'


def toast(text: str) -> str:
    """A ``gr.Error`` message (Gradio renders it as sanitized HTML): shown literally."""
    return html.escape(strip_invisible(text), quote=False)


def highlight(text: str, span: str | None) -> str:
    """``text`` escaped, with the first occurrence of ``span`` wrapped in ``<mark>``."""
    if span:
        at = text.find(span)
        if at >= 0:
            return f"{esc(text[:at])}<mark>{esc(span)}</mark>{esc(text[at + len(span) :])}"
    return esc(text)


def context_html(text: str, start: int, end: int, width: int = CONTEXT_CHARS) -> str:
    """The document around ``text[start:end]`` (±``width`` characters), the cited span marked."""
    lo, hi = max(0, start - width), min(len(text), end + width)
    before = ("…" if lo > 0 else "") + text[lo:start]
    after = text[end:hi] + ("…" if hi < len(text) else "")
    return f'<div class="pa-context">{esc(before)}<mark>{esc(text[start:end])}</mark>{esc(after)}</div>'


def _title(c: Citation, rec: DocRecord | None) -> str:
    return f"《{c.title or (rec.title if rec else '') or c.source}》"


def article_at(text: str, offset: int) -> str | None:
    """The article (第X条) whose text holds ``offset``, from the document's own headings."""
    found = None
    for m in _ARTICLE.finditer(text):
        if m.start(1) > offset:
            break
        found = m.group(1)
    return found if found and "条" in found else None


def section_label(section: str, text: str | None, start: int) -> str:
    """A citation's section path, with the article number added when the path lacks it
    (e.g. 第七章　城乡融合 > 第五十五条): people look a rule up by its article."""
    if text is None or _HAS_ARTICLE.search(section) or not 0 <= start < len(text):
        return section
    article = article_at(text, start)
    if article is None:
        return section
    return f"{section} > {article}" if section else article


def _where(c: Citation, rec: DocRecord | None, text: str | None = None) -> str:
    """Section (with its article number), issuer and date of a citation, as far as known."""
    parts = [section_label(c.section, text, c.start)] + ([rec.issuer, rec.date] if rec else [])
    return " · ".join(p for p in parts if p)


def source_html(
    c: Citation, docs: DocLookup, span: str | None, label: str = "", openable: bool = False
) -> str:
    """One collapsible source: document, issuer, date, section, quote (answer span marked), context.

    A passage shown with a refusal (``label`` 可能相关) shows the start of its text in the summary.
    """
    rec = docs.doc_record(c.doc_id)
    text = docs.doc_text(c.doc_id)
    tag = f'<span class="pa-tag">{esc(label)}</span>' if label else f'<span class="pa-n">[{c.n}]</span>'
    summary = [f'{tag} <span class="pa-title">{esc(_title(c, rec))}</span>']
    if where := _where(c, rec, text):
        summary.append(f'<span class="pa-sum-meta">{esc(where)}</span>')
    if label:
        snippet = " ".join(c.quote.split())
        summary.append(
            f'<span class="pa-snippet">{esc(snippet[:60] + ("…" if len(snippet) > 60 else ""))}</span>'
        )
    body = [
        f'<div class="pa-meta">{esc(c.source)} · 第 {c.start}–{c.end} 字</div>',
        f'<blockquote class="pa-quote">{highlight(c.quote, span)}</blockquote>',
    ]
    if text is not None and 0 <= c.start <= c.end <= len(text):
        body.append(
            '<details class="pa-original"><summary>查看原文（前后各 500 字）</summary>'
            f"{context_html(text, c.start, c.end)}</details>"
        )
        if openable:
            body.append(_open_html(c))
    return f'<details class="pa-source"><summary>{"".join(summary)}</summary>{"".join(body)}</details>'


def tip(quote: str) -> str:
    """The start of a quote, on one line, for a marker's hover / tap tip."""
    line = " ".join(strip_invisible(quote).split())
    return line[:TIP_CHARS] + ("…" if len(line) > TIP_CHARS else "")


def marker_html(n: int, quote: str | None) -> str:
    """Citation marker ``[n]``; with its quote it is a control (``pa-cite pa-c<n>``) that shows the quote
    on hover or tap and, clicked, opens the cited document (``ui.viewer``'s script reads the class)."""
    ref = f'<sup class="pa-ref">[{n}]</sup>'
    if quote is None:
        return ref
    return (
        f'<span class="pa-cite pa-c{n}" tabindex="0" role="button">{ref}'
        f'<span class="pa-tip">{esc(tip(quote))}</span></span>'
    )


def answer_body_html(text: str, quotes: Sequence[str] = (), cites: Sequence[Citation] = ()) -> str:
    """Answer text: links/images removed, escaped, citation markers as superscripts.

    ``[n]`` inside quoted document text (``quotes``) stays plain text, never a marker; a marker of
    one of ``cites`` can be clicked (:func:`marker_html`).
    """
    body = esc(mask_quoted_markers(scrub_answer(text), quotes))
    by_n = {c.n: c.quote for c in cites}
    return _MARKER.sub(lambda m: marker_html(int(m.group(1)), by_n.get(int(m.group(1)))), body)


def _open_html(c: Citation) -> str:
    return f'<span class="pa-open pa-c{c.n}" tabindex="0" role="button">在全文中查看</span>'


def _msg(parts: Sequence[str], answer_id: str) -> str:
    """The message's ``div``; its class names the answer, which the viewer asks the server about."""
    cls = f"pa-msg pa-a-{answer_id}" if _ANSWER_ID.fullmatch(answer_id) else "pa-msg"
    return f'<div class="{cls}">{"".join(parts)}</div>'


def answer_html(answer: Answer, docs: DocLookup, answer_id: str = "") -> str:
    """The whole assistant message: answer (or 未找到依据) followed by its sources.

    With ``answer_id`` (``ui.service``) markers and sources open the cited document in the viewer.
    """
    openable = bool(_ANSWER_ID.fullmatch(answer_id))
    if not answer.found:
        parts = [
            f'<div class="pa-answer pa-refusal"><strong>{REFUSAL_LABEL}</strong>：{answer_body_html(answer.answer)}</div>'
        ]
        if answer.related:
            parts.append(f'<div class="pa-related-head">以下条文{RELATED_LABEL}，仅供参考：</div>')
            parts.extend(source_html(c, docs, None, RELATED_LABEL, openable) for c in answer.related)
        return _msg(parts, answer_id)
    # a manager's curated answer (精选答案, assistant.curated) says so before its text
    parts = [f'<div class="pa-curated-badge">{CURATED_LABEL}</div>'] if answer.debug.get("curated") else []
    quotes = [c.quote for c in answer.citations]
    cites = answer.citations if openable else ()
    if answer.short_answer:
        parts.append(f'<div class="pa-short">{answer_body_html(answer.short_answer, quotes, cites)}</div>')
    parts.append(f'<div class="pa-answer">{answer_body_html(answer.answer, quotes, cites)}</div>')
    if answer.citations:
        parts.append('<div class="pa-sources-head">出处（点开查看原文）</div>')
        parts.extend(source_html(c, docs, answer.short_answer, "", openable) for c in answer.citations)
    return _msg(parts, answer_id)


def pending_html(text: str) -> str:
    """A streaming answer before its citations are checked."""
    return f'<div class="pa-msg"><div class="pa-answer pa-pending">{answer_body_html(text)}▍</div></div>'


def error_html(message: str) -> str:
    return f'<div class="pa-msg"><div class="pa-answer pa-error">{esc(message)}</div></div>'


def question_html(question: str) -> str:
    return f'<div class="pa-q">{esc(question)}</div>'


def answer_plain(answer: Answer, docs: DocLookup) -> str:
    """Plain text of an answer with its sources, for copying into a report or a message."""
    lines = [f"问：{answer.question}"]
    if answer.found:
        lines.append(
            f"答：{mask_quoted_markers(scrub_answer(answer.answer), [c.quote for c in answer.citations])}"
        )
        cites: Sequence[Citation] = answer.citations
        head = "出处："
    else:
        lines.append(f"答：{REFUSAL_LABEL}。{scrub_answer(answer.answer)}")
        cites = answer.related
        head = f"{RELATED_LABEL}的条文（仅供参考）："
    if cites:
        lines.append(head)
    for c in cites:
        rec = docs.doc_record(c.doc_id)
        where = " ".join(x for x in (_title(c, rec), _where(c, rec, docs.doc_text(c.doc_id))) if x)
        lines.append(f"[{c.n}] {strip_invisible(where)}\n    “{strip_invisible(c.quote).strip()}”")
    return "\n".join(lines)


# -- document viewer (原文查看) ------------------------------------------------------------------------
def viewer_html(
    c: Citation, docs: DocLookup, text: str, window: tuple[int, int], page: int, pages: int
) -> str:
    """One page of the cited document, ``text[window[0]:window[1]]``, escaped, the cited span
    ``text[c.start:c.end]`` marked (``mark.pa-cited``) when it is on this page."""
    rec = docs.doc_record(c.doc_id)
    lo, hi = window
    head = [f'<span class="pa-title">{esc(_title(c, rec))}</span>']
    if where := _where(c, rec, text):
        head.append(f'<span class="pa-sum-meta">{esc(where)}</span>')
    if pages > 1:
        head.append(f'<span class="pa-sum-meta">第 {page + 1}/{pages} 页</span>')
    if lo <= c.start and c.end <= hi:
        body = (
            f'{esc(text[lo : c.start])}<mark class="pa-cited">{esc(text[c.start : c.end])}</mark>'
            f"{esc(text[c.end : hi])}"
        )
    else:
        body = esc(text[lo:hi])
    return f'<div class="pa-viewer-doc"><div class="pa-viewer-head">{"".join(head)}</div><div class="pa-doc">{body}</div></div>'


# -- quizzes -------------------------------------------------------------------------------------------
EMPTY_QUIZ = "（暂无题目）"


def quiz_item_html(n: int, item: QuizItem) -> str:
    """One previewed item: number and type, stem, options, key and source span."""
    parts = [
        f'<div class="pa-stem"><strong>{n}. {esc(f"[{TYPE_NAMES.get(item.type, item.type)}]")}</strong> {esc(item.stem)}</div>'
    ]
    if item.type in ("single", "multi"):
        options = "　".join(f"{chr(65 + i)}. {o}" for i, o in enumerate(item.options))
        parts.append(f'<div class="pa-options">{esc(options)}</div>')
    c = item.citation
    where = " ".join(
        x for x in (f"《{c.title or c.source}》", c.section) if x
    )  # no offsets: trainers read it
    key = f"答案：{item.answer_text}｜出处：{where}"
    parts.append(f'<div class="pa-key">{esc(key)}</div>')
    return f'<div class="pa-item">{"".join(parts)}</div>'


def quiz_preview_html(items: Sequence[QuizItem]) -> str:
    """The 出题 tab's preview (a ``gr.Markdown``): every item, document text shown literally."""
    if not items:
        return text_html(EMPTY_QUIZ)
    return f'<div class="pa-quiz">{"".join(quiz_item_html(n, it) for n, it in enumerate(items, 1))}</div>'


# -- tables (Gradio Dataframes of datatype "str" show cells as text nodes: no HTML, no Markdown) -------
# Title first (a phone shows the first columns), then what people cite a document by: 文号, issuer, dates.
DOC_HEADERS = ["标题", "状态", "文号", "发文机关", "日期", "修订日期", "块数", "入库时间", "文件名"]
HIT_HEADERS = ["名次", "得分", "关键词名次", "向量名次", "文件", "章节", "段落"]
DISABLED_LABEL = "已停用"
READY_LABEL = "可用"
UNDATED_LABEL = "未注明"  # a document whose text states no date (a scraped page with an empty 时间 line)


def when(ts: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(ts)) if ts else ""


def document_rows(
    records: Iterable[DocRecord],
    *,
    revised: Mapping[str, str] | None = None,
    disabled: Collection[str] = (),
    status: Mapping[str, str] | None = None,
) -> list[list[str | int]]:
    """The 已入库文件 table: ``revised`` (doc id → 修订日期), ``disabled`` ids (shown 已停用) and
    ``status`` (doc id → e.g. 向量 12/40 while its vectors are computed; absent: 可用)."""
    rows: list[list[str | int]] = []
    for r in records:
        state = DISABLED_LABEL if r.doc_id in disabled else (status or {}).get(r.doc_id) or READY_LABEL
        rows.append(
            [
                plain(r.title or r.source),
                plain(state),
                plain(r.doc_number),
                plain(r.issuer),
                plain(r.date or UNDATED_LABEL),
                plain((revised or {}).get(r.doc_id, "")),
                r.n_chunks,
                when(r.ingested_at),
                plain(r.source),
            ]
        )
    return rows


def doc_label(record: DocRecord, disabled: bool = False) -> str:
    """A document in a dropdown: title first (a phone cuts the end), then the file name."""
    shown = f"{record.title}（{record.source}）" if record.title else record.source
    return plain(f"[{DISABLED_LABEL}] {shown}" if disabled else shown)


def chunks_html(record: DocRecord, chunks: Sequence[Chunk], text: str | None = None) -> str:
    """The 分块 view of one document: its passages in order, each with its section label (the article
    number added from the document ``text`` when the label lacks it) and offsets."""
    title = esc(f"《{record.title or record.source}》")
    head = (
        f'<div class="pa-viewer-head"><span class="pa-title">{title}</span>'
        f'<span class="pa-sum-meta">{esc(f"{record.source} · {len(chunks)} 块")}</span></div>'
    )
    parts = []
    for c in sorted(chunks, key=lambda c: c.ordinal):
        section = section_label(c.section, text, c.start) or "（无章节）"
        where = f"#{c.ordinal + 1} · {section} · 第 {c.start}–{c.end} 字"
        parts.append(
            f'<div class="pa-chunk"><div class="pa-meta">{esc(where)}</div>'
            f'<div class="pa-chunk-text">{esc(c.text)}</div></div>'
        )
    body = "".join(parts) or esc("（没有可检索的段落）")
    return f'<div class="pa-chunks" style="max-height:70vh;overflow-y:auto">{head}{body}</div>'


def hit_rows(hits: Iterable[Hit], text_of: Callable[[str], str | None]) -> list[list[str | int | float]]:
    """The 检索测试 table; ``text_of`` (doc id → the document's text) adds the article number (第X条) to a
    section label that lacks it, as the chat's sources do (:func:`section_label`)."""

    def rank(r: int | None) -> str:
        return "" if r is None else str(r)

    return [
        [
            i,
            round(h.score, 5),
            rank(h.bm25_rank),
            rank(h.dense_rank),
            plain(h.chunk.source),
            plain(section_label(h.chunk.section, text_of(h.chunk.doc_id), h.chunk.start)),
            plain(h.chunk.text),
        ]
        for i, h in enumerate(hits, start=1)
    ]
