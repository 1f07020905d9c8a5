"""Clickable sources: marker HTML, the document viewer's page and highlight, article labels, access.

Pure rendering and paging, checked on hostile text (Markdown and HTML look-alikes must show literally)
and on exact offsets: the marked text is ``document[start:end]``, character for character.
"""

from __future__ import annotations

import html as htmllib
import re
from types import SimpleNamespace

import gradio as gr
import pytest

from assistant.types import Answer, Citation
from index.catalog import DocRecord
from ui import render
from ui.access import Access
from ui.guard import Guard
from ui.viewer import PAGE_CHARS, open_view, page_of, page_starts, show, window

AID = "0123456789abcdef0123456789abcdef"
HOSTILE = '<img src=x onerror="alert(1)">![x](http://127.0.0.1:9/leak)**粗体**[1](二)`code`'
HEAD = "社会救助暂行办法\n\n第一章　总则\n\n第一条　为了加强社会救助，制定本办法。\n\n"
ARTICLE = "第二条　社会救助制度坚持托底线、救急难、可持续。" + HOSTILE + "\n\n"
FILLER = "".join(f"第{n}条之说明　本条文字用于撑满页面，不含条号。\n" for n in range(1, 2200))
TAIL = "第十三章　附则\n\n附则说明文字。\n第七十条　本办法自2014年5月1日起施行。\n"
DOC = HEAD + ARTICLE + FILLER + TAIL
ALLOWED_TAGS = {"div", "span", "details", "summary", "blockquote", "mark", "br", "sup", "strong"}


class Docs:
    """The knowledge base as rendering and the viewer see it (one document, one remembered answer)."""

    def __init__(self, answer: Answer | None = None) -> None:
        self.answers = {AID: answer} if answer else {}

    def doc_record(self, doc_id: str) -> DocRecord | None:
        return DocRecord(doc_id, "jiuzhu.txt", "社会救助暂行办法", "国务院", "2014-02-21", "", "fp", 9, 0.0)

    def doc_text(self, doc_id: str) -> str | None:
        return DOC if doc_id == "d1" else None

    def answer(self, answer_id: str) -> Answer | None:
        return self.answers.get(answer_id)


def cite(n: int, start: int, end: int, section: str = "第一章　总则") -> Citation:
    return Citation(n, "d1", "jiuzhu.txt", "社会救助暂行办法", section, start, end, DOC[start:end])


def hostile_cite() -> Citation:
    start = DOC.index("社会救助制度坚持")
    return cite(1, start, start + len("社会救助制度坚持托底线、救急难、可持续。") + len(HOSTILE))


def tags(html: str) -> set[str]:
    return set(re.findall(r"<\s*([a-zA-Z]+)", html))


def text_of(html: str) -> str:
    return htmllib.unescape(re.sub(r"<[^>]+>", "", html.replace("<br>", "\n")))


def test_markers_open_the_viewer_and_show_the_quote_escaped() -> None:
    c = hostile_cite()
    answer = Answer("社会救助制度坚持什么？", True, c.quote + "[1]", None, "other", citations=(c,))
    out = render.answer_html(answer, Docs(), AID)
    assert tags(out) <= ALLOWED_TAGS, tags(out)
    assert "](" not in out and "http://" not in out and "<img" not in out and "**" not in out
    assert out.startswith(f'<div class="pa-msg pa-a-{AID}">')
    marker = re.search(r'<span class="pa-cite pa-c1" tabindex="0" role="button">(.*?)</span></span>', out)
    assert marker is not None
    assert marker.group(1).startswith('<sup class="pa-ref">[1]</sup><span class="pa-tip">')
    tip = text_of(marker.group(1).split('<span class="pa-tip">')[1])
    assert tip == c.quote  # the whole (short) quote, literally
    long = render.tip("一" * 200 + "\n二")
    assert long == "一" * render.TIP_CHARS + "…"
    assert '<span class="pa-open pa-c1" tabindex="0" role="button">在全文中查看</span>' in out
    # the section label gains its article number from the document's headings
    assert "第一章　总则 &#62; 第二条" in out


def test_without_a_valid_answer_id_nothing_is_clickable() -> None:
    c = hostile_cite()
    answer = Answer("问", True, "答[1]", None, "other", citations=(c,))
    for bad in ("", 'x" onclick="alert(1)', AID.upper(), AID + "0"):
        out = render.answer_html(answer, Docs(), bad)
        assert out.startswith('<div class="pa-msg">') and "pa-cite" not in out and "pa-open" not in out
        assert "onclick" not in out
    assert '<sup class="pa-ref">[1]</sup>' in render.answer_html(answer, Docs())


def test_viewer_page_marks_exactly_the_cited_span_and_shows_hostile_text_literally() -> None:
    c = hostile_cite()
    starts = page_starts(DOC)
    page = page_of(starts, c.start)
    lo, hi = window(DOC, starts, page, c)
    out = render.viewer_html(c, Docs(), DOC, (lo, hi), page, len(starts))
    assert tags(out) <= ALLOWED_TAGS, tags(out)
    assert "<img" not in out and "](" not in out and "\n" not in out
    body = out.split('<div class="pa-doc">', 1)[1]
    before, rest = body.split('<mark class="pa-cited">', 1)
    marked, after = rest.split("</mark>", 1)
    assert text_of(marked) == DOC[c.start : c.end] == c.quote
    assert text_of(before) == DOC[lo : c.start]
    assert text_of(after.removesuffix("</div></div>")) == DOC[c.end : hi]
    assert f"第 1/{len(starts)} 页" in out and "《社会救助暂行办法》" in out


def test_pages_cover_the_document_and_never_cut_the_cited_span() -> None:
    starts = page_starts(DOC)
    assert len(DOC) > 3 * PAGE_CHARS and len(starts) >= 4
    assert starts[0] == 0 and starts == sorted(set(starts))
    assert all(DOC[s - 1] == "\n" for s in starts[1:])  # pages end at line ends
    assert all(b - a <= PAGE_CHARS for a, b in zip(starts, [*starts[1:], len(DOC)], strict=True))
    across = cite(2, starts[2] - 5, starts[2] + 7)  # a span over a page break
    page = page_of(starts, across.start)
    assert page == 1
    lo, hi = window(DOC, starts, page, across)
    assert lo == starts[1] and hi == across.end
    assert window(DOC, starts, 2, across) == (starts[2], starts[3])  # the next page as usual


def test_article_label_from_the_document_structure() -> None:
    c70 = DOC.index("本办法自2014年5月1日")
    assert render.section_label("第十三章　附则", DOC, c70) == "第十三章　附则 > 第七十条"
    assert render.section_label("第十三章　附则 > 第七十条", DOC, c70) == "第十三章　附则 > 第七十条"
    assert render.section_label("", DOC, DOC.index("为了加强")) == "第一条"
    # after 第十三章 and before 第七十条: in no article (the chapter heading closes 第二条…)
    assert render.section_label("第十三章　附则", DOC, DOC.index("附则说明")) == "第十三章　附则"
    assert render.section_label("第一章　总则", None, 0) == "第一章　总则"


def test_hit_test_table_labels_sections_with_the_article_like_the_sources() -> None:
    """检索测试 shows the same section label as the chat's source for the same passage (issue 16)."""
    from assistant.types import Hit
    from corpus.types import Chunk

    c70 = DOC.index("本办法自2014年5月1日")
    chunk = Chunk("c1", "d1", "jiuzhu.txt", "第十三章　附则", c70, len(DOC), DOC[c70:], 3)
    gone = Chunk("c2", "d9", "gone.txt", "第一章　总则", 0, 5, "已删除文档", 0)  # no text: label as stored
    hits = [Hit(chunk, "社会救助暂行办法", "国务院", "2014-02-21", 0.5, 1, 2), Hit(gone, "", "", "", 0.1)]
    rows = render.hit_rows(hits, Docs().doc_text)
    col = render.HIT_HEADERS.index("章节")
    assert rows[0][col] == "第十三章　附则 > 第七十条"
    assert rows[1][col] == "第一章　总则"
    source = render.source_html(cite(1, c70, c70 + 10, "第十三章　附则"), Docs(), None)
    assert "第十三章　附则 &#62; 第七十条 · 国务院" in source  # the chat's source says the same


def test_show_looks_the_citation_up_in_the_servers_record() -> None:
    c = hostile_cite()
    docs = Docs(Answer("问", True, "答[1]", None, "other", citations=(c,)))
    out, view = show(docs, AID, 1, None)  # type: ignore[arg-type]
    assert view == {"answer": AID, "n": 1, "page": 0, "pages": len(page_starts(DOC))}
    assert '<mark class="pa-cited">' in out
    last, view = show(docs, AID, 1, 99)  # type: ignore[arg-type]
    assert view["page"] == view["pages"] - 1 and "pa-cited" not in last and "第七十条" in text_of(last)
    assert "请重新提问" in show(Docs(), AID, 1, None)[0]  # type: ignore[arg-type]
    assert "没有出处 &#91;2&#93;" in show(docs, AID, 2, None)[0]  # type: ignore[arg-type]


def test_a_user_without_access_cannot_open_documents() -> None:
    c = hostile_cite()
    docs = Docs(Answer("问", True, "答[1]", None, "other", citations=(c,)))
    guard = Guard(docs, Access("fupin", {"reader": "read"}))  # type: ignore[arg-type]
    with pytest.raises(gr.Error):
        open_view(docs, guard, f"{AID}:1|1", SimpleNamespace(username="outsider"))  # type: ignore[arg-type]
    with pytest.raises(gr.Error):
        open_view(docs, guard, f"{AID}:1|1", None)  # type: ignore[arg-type]
    out, view, _column = open_view(docs, guard, f"{AID}:1|3", SimpleNamespace(username="reader"))  # type: ignore[arg-type]
    assert '<mark class="pa-cited">' in out and view["n"] == 1
    skipped = open_view(docs, guard, "../../etc/passwd:1", SimpleNamespace(username="reader"))  # type: ignore[arg-type]
    assert all(isinstance(x, dict) and x.get("__type__") == "update" for x in skipped)
