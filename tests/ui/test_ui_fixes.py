"""Fixes of issue 16's "Broken" list: each test failed on the code before its fix.

Handlers are taken from the running app's Blocks (``demo.fns``) and called directly, as Gradio would;
only the chat's trash icon needs the browser (the event is fired by the component itself).
"""

from __future__ import annotations

import html as htmllib
import re
from pathlib import Path
from typing import Any

import gradio as gr
import pytest
from browser_kit import DESKTOP, PHONE, ask, open_page
from test_ui_render import Docs, cite, no_markup, quiz_item
from ui_testkit import Server

from assistant.types import Answer
from quiz.types import ItemCitation, QuizItem
from ui import render
from ui.feedback import FeedbackStore
from ui.quiz_tab import SEED_LABEL, export_files

pytestmark = pytest.mark.slow


def handler(server: Server, name: str) -> Any:
    """The function the app registered under ``name`` (the inner function's name)."""
    fns = [f for f in server.demo.fns.values() if f.name == name]
    assert len(fns) == 1, f"{name}: {len(fns)} handlers"
    return fns[0]


def block(server: Server, elem_id: str) -> Any:
    return next(b for b in server.demo.blocks.values() if getattr(b, "elem_id", None) == elem_id)


# -- 2. the chat's trash icon forgets the conversation --------------------------------------------------
def test_chat_clear_event_resets_the_conversation_state(ui_server: Server) -> None:
    chat = block(ui_server, "pa-chat")
    wired = [f for f in ui_server.demo.fns.values() if (chat._id, "clear") in f.targets]
    assert wired, "the chat's trash icon is not wired"
    assert any(isinstance(o, gr.State) for o in wired[0].outputs)
    reset = wired[0].fn()
    # Screen, follow-up turns, copy box and rating status are emptied; the current conversation id is
    # forgotten too, so the next question starts a new saved conversation.
    assert reset[:5] == ([], [], "", "", "")


@pytest.mark.browser
def test_trash_icon_then_follow_up_starts_a_new_conversation(browser: Any, ui_server: Server) -> None:
    page, _response, _outside = open_page(browser, ui_server.url, DESKTOP)
    ask(page, "重点帮扶县主要任务是什么？")
    assert page.locator(".pa-msg").count() == 1
    trash = page.locator("#pa-chat button[aria-label='清空对话']")  # the chat's own trash icon (zh-CN)
    trash.click()
    page.wait_for_function("() => document.querySelectorAll('.pa-msg').length === 0")
    follow = ask(page, "社会救助暂行办法什么时候施行？")
    assert "2014年5月1日" in follow.inner_text()
    # before the fix the old exchange came back with the answer (it was still in the state)
    assert page.locator(".pa-msg").count() == 1
    assert "重点帮扶县" not in page.locator("#pa-chat").inner_text()
    page.context.close()


# -- 8. feedback: one row per answer, the icon's acknowledgement is visible -----------------------------
def test_rating_the_same_answer_twice_keeps_one_row(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "fb.sqlite")
    first = store.add(question="问", answer="答", citations=[], rating="up", comment="有用", answer_id="a1")
    again = store.add(question="问", answer="答", citations=[], rating="down", answer_id="a1")
    other = store.add(question="问", answer="答", citations=[], rating="up", answer_id="a2")
    rows = store.rows()
    assert first == again != other and len(rows) == 2
    assert (rows[0].rating, rows[0].comment) == ("down", "有用")  # the last word counts, comment kept
    store.close()


def test_like_icon_then_button_record_one_row_and_the_icon_is_acknowledged(ui_server: Server) -> None:
    service = ui_server.service
    answer_id, _answer = service.ask("山西省的县分为哪几类？")
    turns = [{"question": "山西省的县分为哪几类？", "answer_id": answer_id, "html": ""}]
    on_like = handler(ui_server, "on_like").fn
    status, panel = on_like(turns, "", gr.LikeData(None, {"index": 1, "value": "", "liked": False}), None)
    assert "差评" in htmllib.unescape(status)
    assert isinstance(panel, gr.Accordion) and panel.open is True  # the status is inside it: shown
    button = block(ui_server, "pa-down-btn")
    down = next(f.fn for f in ui_server.demo.fns.values() if (button._id, "click") in f.targets)
    down(turns, "出处不对", None)
    mine = [r for r in service.feedback.rows() if r.answer_id == answer_id]
    assert [(r.rating, r.comment) for r in mine] == [("down", "出处不对")]


@pytest.mark.browser
def test_thumbs_down_icon_is_acknowledged_on_screen(browser: Any, ui_server: Server) -> None:
    from playwright.sync_api import expect

    page, _response, _outside = open_page(browser, ui_server.url, DESKTOP)
    ask(page, "山西省的县分为哪几类？")
    page.locator("#pa-chat button[aria-label='踩']").last.click()
    expect(page.get_by_text("已记录对第 1 个回答的差评")).to_be_visible(timeout=20_000)
    page.context.close()


# -- 3. the Word paper comes with its answer key -------------------------------------------------------
def test_word_export_offers_the_paper_and_the_answer_key(ui_server: Server, tmp_path: Path) -> None:
    files = export_files([quiz_item(), quiz_item("judge")], "docx", tmp_path)
    assert [Path(f).name for f in files] == ["quiz.docx", "quiz-答案.docx"]
    assert all(Path(f).is_file() for f in files)
    assert [Path(f).name for f in export_files([quiz_item()], "xlsx", tmp_path)] == ["quiz.xlsx"]
    assert block(ui_server, "pa-quiz-file").file_count == "multiple"  # the download box takes both


# -- 4. the quiz tab's document list follows uploads ----------------------------------------------------
def test_quiz_document_list_shows_a_document_uploaded_after_start(ui_server: Server, tmp_path: Path) -> None:
    doc = tmp_path / "xinzeng-tongzhi.txt"
    doc.write_text("新增学习通知\n\n第一条 各单位应当于每月五日前报送学习台账。\n", encoding="utf-8")
    result = ui_server.service.upload([(doc.name, doc)])
    assert result.report is not None and result.report.added, result.summary()
    try:
        refreshed = handler(ui_server, "refresh_docs").fn(["no-such-file.txt"], None)
        assert (render.plain("新增学习通知"), doc.name) in [tuple(c) for c in refreshed.choices]
        assert not refreshed.value  # a choice no longer in the list is dropped
    finally:
        assert ui_server.service.delete(doc.name) is not None


# -- 10. the quiz speaks a trainer's language -----------------------------------------------------------
def test_quiz_preview_names_document_and_article_without_offsets(ui_server: Server) -> None:
    cite_ = ItemCitation(
        "fangxun.txt", "第一章 第三条", 793, 842, "储备点设在村委会", title="村级防汛工作安排"
    )
    item = QuizItem("judge", "储备点设在村委会。", (), ("对",), "对", cite_)
    text = htmllib.unescape(re.sub(r"<[^>]+>", "", render.quiz_preview_html([item])))
    assert "出处：《村级防汛工作安排》 第一章 第三条" in text
    assert "793" not in text and "842" not in text
    labels = [str(getattr(b, "label", "")) for b in ui_server.demo.blocks.values()]
    assert SEED_LABEL in labels and not any("随机种子" in label for label in labels)


# -- 1. an answer marker followed by "(" keeps the text -------------------------------------------------
def test_marker_followed_by_parenthesis_keeps_the_text() -> None:
    text = "对符合条件的给予补贴[1](二)对救助对象[2](三)给予帮扶。"
    body = render.answer_body_html(text)
    no_markup(body)
    assert htmllib.unescape(re.sub(r"<[^>]+>", "", body)) == text
    assert '<sup class="pa-ref">[1]</sup>&#40;二&#41;对救助' in body
    whole = render.answer_html(
        Answer("问", True, "补贴[1](二)对救助对象。", None, "other", citations=(cite(),)), Docs()
    )
    no_markup(whole)
    assert "补贴[1](二)对救助对象" in htmllib.unescape(re.sub(r"<[^>]+>", "", whole))


# -- 6. delete asks first; duplicate content is reported --------------------------------------------------
def test_delete_button_asks_before_deleting(ui_server: Server) -> None:
    rec = next(d for d in ui_server.service.documents() if d.source == "fangxun-anpai.txt")
    button = block(ui_server, "pa-delete-btn")
    first = next(f for f in ui_server.demo.fns.values() if (button._id, "click") in f.targets)
    status, row = first.fn(rec.doc_id, None)
    assert "确定删除 fangxun-anpai.txt" in status and row.visible is True
    assert ui_server.service.doc_record(rec.doc_id) is not None  # nothing deleted yet
    confirm = block(ui_server, "pa-confirm-delete-btn")
    confirmed = next(f for f in ui_server.demo.fns.values() if (confirm._id, "click") in f.targets)
    assert confirmed.api_name == "delete"  # the API keeps deleting in one call
    keep = block(ui_server, "pa-keep-btn")
    hidden, said = next(f.fn for f in ui_server.demo.fns.values() if (keep._id, "click") in f.targets)()
    assert hidden.visible is False and said == "未删除"


def test_upload_of_the_same_content_under_another_name_is_reported(ui_server: Server, tmp_path: Path) -> None:
    text = "重复内容通知\n\n第一条 各村应当每季度公开一次救助资金发放情况。\n"
    first, second = tmp_path / "chongfu-a.txt", tmp_path / "chongfu-b.txt"
    first.write_text(text, encoding="utf-8")
    second.write_text(text, encoding="utf-8")
    service = ui_server.service
    try:
        assert not service.upload([(first.name, first)]).duplicates
        again = service.upload([(second.name, second)])  # refused before any work, the stored one named
        assert again.report is None and not again.duplicates
        assert (
            "未接受：chongfu-b.txt（内容与已入库的《重复内容通知》（chongfu-a.txt）相同）" in again.summary()
        )
        assert service.assistant.find_document("chongfu-b.txt") is None
    finally:
        for name in (first.name, second.name):
            service.delete(name)


# -- 9. phone: touch-sized rating icons, titles first, a readable review table ---------------------------
@pytest.mark.browser
def test_phone_rating_icons_document_titles_and_review_table(browser: Any, ui_server: Server) -> None:
    page, _response, _outside = open_page(browser, ui_server.url, PHONE)
    ask(page, "山西省的县分为哪几类？")
    for label in ("赞", "踩"):
        box = page.locator(f"#pa-chat button[aria-label='{label}']").last.bounding_box()
        assert box["width"] >= 40 and box["height"] >= 40, box  # a fingertip, not 18 px
    page.get_by_role("tab", name="知识库").click()
    page.locator("#pa-docs").get_by_text("村级防汛工作安排").first.wait_for()
    assert page.locator("#pa-docs th").first.inner_text().strip() == "标题"
    title = page.locator("#pa-docs").get_by_text("村级防汛工作安排").first.bounding_box()
    assert title["x"] + title["width"] <= PHONE["width"], title  # seen without scrolling sideways
    page.get_by_role("tab", name="出题").click()
    page.get_by_role("button", name="生成试题").click()
    page.locator(".pa-item").first.wait_for()
    widths = page.locator("#pa-quiz-review th").evaluate_all(
        "hs => hs.map(h => h.getBoundingClientRect().width)"
    )
    assert widths and min(widths) >= 40, widths  # never one character per column
    page.context.close()


@pytest.mark.browser
def test_delete_in_the_browser_asks_then_deletes(browser: Any, ui_server: Server, tmp_path: Path) -> None:
    doc = tmp_path / "shanchu-ceshi.txt"
    doc.write_text("待删除通知\n\n第一条 本通知用于删除确认测试。\n", encoding="utf-8")
    assert ui_server.service.upload([(doc.name, doc)]).report is not None
    try:
        page, _response, _outside = open_page(browser, ui_server.url, DESKTOP)
        page.get_by_role("tab", name="知识库").click()
        pick = page.get_by_label("选择文件")
        pick.click()
        page.get_by_role("option", name="待删除通知（shanchu-ceshi.txt）").click()
        page.locator("#pa-delete-btn").click()
        page.locator("#pa-confirm-delete-btn").wait_for(state="visible", timeout=20_000)
        assert "确定删除 shanchu-ceshi.txt" in page.locator("#pa-kb-status textarea").input_value()
        assert any(d.source == doc.name for d in ui_server.service.documents())  # asked, not deleted
        page.locator("#pa-confirm-delete-btn").click()
        page.wait_for_function(
            "() => (document.querySelector('#pa-kb-status textarea') || {}).value?.startsWith('已删除')"
        )
        page.locator("#pa-confirm-delete-btn").wait_for(state="hidden", timeout=20_000)
        assert not any(d.source == doc.name for d in ui_server.service.documents())
        page.context.close()
    finally:
        ui_server.service.delete(doc.name)
