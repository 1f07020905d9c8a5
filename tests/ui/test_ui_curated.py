"""Curated answers on the web (标注 / 精选答案): a 👎 correction becomes an answer served first, audited,
refused to read-only users, flagged when stale.

The fast tests use a real web service over an empty index whose catalog holds one document (the
curated path never embeds); the slow one runs through the launched app on the shared test index.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import gradio as gr
import pytest
from curated_kit import QUESTION, QUOTE, TEXT
from ui_testkit import Server

from assistant import Settings
from corpus.types import Chunk, DocMeta, SourceDoc
from ui import render
from ui.access import Access
from ui.curated_tab import curated_handlers, curated_rows, desk_of
from ui.guard import Guard
from ui.service import WebService

ACCESS = Access("default", {"reader": "read", "boss": "manage"})


def _put(service: WebService, text: str) -> SourceDoc:
    """Store a document in the real catalog (the curated path reads only the catalog's text)."""
    doc = SourceDoc("dibao.txt", "", "txt", text, DocMeta(title="某某县农村最低生活保障实施办法"))
    chunk = Chunk(f"{doc.doc_id}-0", doc.doc_id, doc.source, "第三条", 0, len(text), text, 0)
    service.assistant.kb.catalog.replace_document(doc, doc.fingerprint, [chunk], [[text]])
    return doc


@pytest.fixture
def service(tmp_path: Path) -> Iterator[WebService]:
    web = WebService(Settings(index_dir=tmp_path / "index"), tmp_path / "web")
    _put(web, TEXT)
    yield web
    web.close()


def who(user: str) -> Any:
    return SimpleNamespace(username=user)


def _curate_entries(service: WebService) -> list[dict[str, Any]]:
    return [e for e in service.audit.entries() if e["action"] == "curate"]


def test_read_only_user_is_refused_and_the_refusal_audited(service: WebService) -> None:
    h = curated_handlers(service, Guard(service, ACCESS))
    with pytest.raises(gr.Error):
        h["save"]("（新建）", QUESTION, "向乡镇政府申请。", None, "dibao.txt", QUOTE, None, who("reader"))
    assert service.assistant.curated.entries() == []
    status, *_ = h["save"](
        "（新建）", QUESTION, "向乡镇政府申请。", None, "dibao.txt", QUOTE, None, who("boss")
    )
    assert "已保存精选答案" in status
    (entry,) = service.assistant.curated.entries()
    with pytest.raises(gr.Error):
        h["delete"](str(entry.id), who("reader"))
    assert service.assistant.curated.entries() == [entry]
    h["delete"](str(entry.id), who("boss"))
    assert service.assistant.curated.entries() == []
    got = [(e["user"], e["result"], e.get("op")) for e in _curate_entries(service)]
    assert got == [
        ("reader", "denied", None),
        ("boss", "ok", "add"),
        ("reader", "denied", None),
        ("boss", "ok", "delete"),
    ]
    assert _curate_entries(service)[1]["documents"] == ["dibao.txt"]


def test_a_quote_not_in_the_document_is_refused_in_words(service: WebService) -> None:
    h = curated_handlers(service, Guard(service, ACCESS))
    with pytest.raises(gr.Error, match="须与原文逐字相同"):
        h["save"](
            "（新建）",
            QUESTION,
            "向县民政局申请。",
            None,
            "dibao.txt",
            "应当向县民政局提出书面申请",
            None,
            who("boss"),
        )
    assert service.assistant.curated.entries() == [] and _curate_entries(service) == []


def test_thumbs_down_correction_becomes_the_answer_served_first(service: WebService) -> None:
    cite = {"n": 1, "doc_id": _put(service, TEXT).doc_id, "source": "dibao.txt", "title": "某某县农村最低生活保障实施办法",
            "section": "第三条", "start": TEXT.index(QUOTE), "end": TEXT.index(QUOTE) + len(QUOTE), "quote": QUOTE}  # fmt: skip
    fid = service.feedback.add(
        question=QUESTION, answer="向县民政局申请。[1]", citations=[cite], rating="down",
        comment="应向户籍所在地的乡镇人民政府提出书面申请。", answer_id="a1",
    )  # fmt: skip
    h = curated_handlers(service, Guard(service, ACCESS))
    question, answer, cites, got_fid, _, entry = h["from_feedback"](fid, who("boss"))
    assert (question, answer, got_fid, entry) == (
        QUESTION,
        "应向户籍所在地的乡镇人民政府提出书面申请。",
        fid,
        "（新建）",
    )
    assert json.loads(cites["value"])["quote"] == QUOTE
    h["save"](entry, question, answer, cites["value"], None, "", got_fid, who("boss"))
    (saved,) = service.assistant.curated.entries()
    assert (
        saved.feedback_id == fid
        and saved.author == "boss"
        and (saved.start, saved.end) == (cite["start"], cite["end"])
    )

    _, served = service.ask("问一下：申请农村最低生活保障，应当向哪里提出申请")
    assert served.debug.get("curated") is True and served.citations[0].quote == QUOTE
    *pieces, (_, streamed) = service.stream(QUESTION)  # the streaming path serves it too, whole
    assert streamed.debug.get("curated") is True and pieces == [streamed.answer]
    html = render.answer_html(served, service, "0" * 32)
    assert render.CURATED_LABEL in html and "应向户籍所在地的乡镇人民政府提出书面申请。" in html

    _put(service, TEXT.replace("第二条", "第二条（已修订）"))  # the quote moved: the entry is stale
    assert "已失效：原文已改动" in curated_rows(desk_of(service))[0]
    assert service.assistant.curated.answer(QUESTION) is None


def test_manager_edits_an_entry_and_the_edit_is_audited(service: WebService) -> None:
    h = curated_handlers(service, Guard(service, ACCESS))
    h["save"]("（新建）", QUESTION, "向乡镇政府申请。", None, "dibao.txt", QUOTE, None, who("boss"))
    (entry,) = service.assistant.curated.entries()
    question, answer, cites, _, _ = h["pick"](f"{entry.id}. {entry.question}", who("boss"))
    assert (question, answer) == (QUESTION, "向乡镇政府申请。")
    h["save"](
        str(entry.id),
        question,
        "向户籍所在地的乡镇人民政府书面申请。",
        cites["value"],
        None,
        "",
        None,
        who("boss"),
    )
    (edited,) = service.assistant.curated.entries()
    assert (
        edited.id == entry.id
        and edited.answer == "向户籍所在地的乡镇人民政府书面申请。"
        and edited.author == "boss"
    )
    assert [e.get("op") for e in _curate_entries(service)] == ["add", "edit"]
    served = service.assistant.curated.answer(QUESTION)
    assert served is not None and served.answer.startswith("向户籍所在地的乡镇人民政府书面申请。")


@pytest.mark.slow
def test_curated_answer_through_the_running_app(ui_server: Server) -> None:
    """The launched app: ask, 👎 with a correction, the manager saves it, the same and a near-identical
    question get it (badge), a different question does not; deleting it restores the usual answer."""
    service = ui_server.service
    question = "社会救助暂行办法自什么时候起施行？"
    answer_id, before = service.ask(question)
    assert before.found and not before.debug.get("curated")
    service.record_feedback(answer_id, "down", "自2014年5月1日起施行。")
    fid = service.feedback.corrections()[0].id
    fns = {f.name: f.fn for f in ui_server.demo.fns.values() if f.name.startswith("curated_")}
    q, a, cites, got_fid, _, entry = fns["curated_from_feedback"](fid, None)
    status, *_ = fns["curated_save"](entry, q, a, cites["value"], None, "", got_fid, None)
    saved = service.assistant.curated.entries()[-1]
    try:
        assert "已保存" in status and saved.question == question
        for asked in (question, "请问 社会救助暂行办法自什么时候起施行"):
            _, got = service.ask(asked)
            assert got.debug.get("curated") is True and got.answer.startswith("自2014年5月1日起施行。"), asked
        _, other = service.ask("社会救助暂行办法的目的是什么？")
        assert not other.debug.get("curated")
        assert any(e["action"] == "curate" and e.get("op") == "add" for e in service.audit.entries())
    finally:
        fns["curated_delete"](str(saved.id), None)
    _, after = service.ask(question)
    assert not after.debug.get("curated") and after.answer == before.answer


@pytest.mark.browser
def test_badge_in_the_chat_and_the_list_on_the_knowledge_base_page(browser: Any, ui_server: Server) -> None:
    from browser_kit import DESKTOP, ask, open_page
    from playwright.sync_api import expect

    service = ui_server.service
    desk = desk_of(service)
    span = desk.span(None, "2014-02-21_shehui-jiuzhu-zanxing-banfa.txt", "本办法自2014年5月1日起施行")
    saved = desk.save("boss", "社会救助暂行办法从哪天开始施行？", "自2014年5月1日起施行。", span)
    try:
        page, _response, _outside = open_page(browser, ui_server.url, DESKTOP)
        msg = ask(page, "请问，社会救助暂行办法从哪天开始施行")
        expect(msg.locator(".pa-curated-badge")).to_have_text(render.CURATED_LABEL)
        expect(msg).to_contain_text("自2014年5月1日起施行。")
        page.get_by_role("tab", name="知识库").click()
        page.locator("#pa-curated").get_by_text("标注 / 精选答案").click()
        expect(page.locator("#pa-curated-list")).to_contain_text("社会救助暂行办法从哪天开始施行？")
        expect(page.locator("#pa-curated-list")).to_contain_text("有效")
        page.context.close()
    finally:
        desk.delete("boss", saved.id)
