"""The knowledge-base page (知识库): the documents table with 文号/修订日期/状态, enable/disable, the
chunk view, the time left of an upload and the duplicate warning.

Pure rendering is tested directly; the handlers run against a WebService over a tiny real knowledge
base (jieba, Chroma under ``tmp_path``, the bundled embedder), called as Gradio would call them.
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import gradio as gr
import pytest
from browser_kit import ANSWER_TIMEOUT, DESKTOP, ask, open_page

from assistant import Chunk, DocRecord, IngestReport, IngestStep, Settings
from ui import render
from ui.access import Access
from ui.guard import Guard
from ui.ingest_board import Eta, IngestBoard, board_rows, eta_text
from ui.kb_tab import _kb_handlers
from ui.service import WebService

LAW = "中华人民共和国乡村振兴促进法\n\n第一章 总则\n\n第一条 为了全面实施乡村振兴战略，制定本法。\n\n第二条 本法适用于乡村振兴活动。\n"
NOTICE = "关于做好防汛工作的通知\n\n各村：请于汛前完成物资储备，村委会负责巡查。\n"
HOSTILE = "<img src=x onerror=alert(1)>"


def rec(doc_id: str = "d1", title: str = "乡村振兴促进法", number: str = "主席令第七十七号") -> DocRecord:
    return DocRecord(
        doc_id, "xiangcun.txt", title, "全国人民代表大会常务委员会", "2021-04-29", number, "fp", 12, 0.0
    )


# -- rendering ---------------------------------------------------------------------------------------
def test_rows_show_number_revision_and_state() -> None:
    rows = render.document_rows(
        [rec("d1"), rec("d2", title="", number=""), rec("d3")],
        revised={"d1": "2023-06-01"},
        disabled={"d2"},
        status={"d3": "向量 12/40", "d2": "向量 1/2"},
    )
    head = render.DOC_HEADERS
    assert all(len(r) == len(head) for r in rows)
    first = dict(zip(head, rows[0], strict=True))
    assert first["标题"] == "乡村振兴促进法" and first["文号"] == "主席令第七十七号"
    assert first["修订日期"] == "2023-06-01" and first["状态"] == render.READY_LABEL
    second = dict(zip(head, rows[1], strict=True))
    assert second["标题"] == "xiangcun.txt" and second["状态"] == "已停用"  # disabled beats embedding
    assert second["文号"] == "" and second["修订日期"] == ""
    assert dict(zip(head, rows[2], strict=True))["状态"] == "向量 12/40"
    assert render.doc_label(rec(), disabled=True).startswith("[已停用] ")


def test_a_document_stating_no_date_shows_it_as_unstated() -> None:
    """A scraped page with an empty 时间 line: 未注明, never a blank a reader takes for missing data."""
    undated = DocRecord("d4", "shanxi.txt", "聚焦五大能力", "农村工作通讯-中国农村网", "", "", "fp", 21, 0.0)
    rows = [dict(zip(render.DOC_HEADERS, r, strict=True)) for r in render.document_rows([undated, rec()])]
    assert rows[0]["日期"] == render.UNDATED_LABEL == "未注明"
    assert rows[1]["日期"] == "2021-04-29"


def test_chunk_view_lists_passages_in_order_with_sections_escaped() -> None:
    chunks = [
        Chunk("c2", "d1", "xiangcun.txt", "第一章 总则 > 第二条", 40, 52, "本法适用于乡村振兴活动。", 1),
        Chunk("c1", "d1", "xiangcun.txt", "第一章 总则 > 第一条", 10, 30, f"第一条 {HOSTILE}", 0),
    ]
    out = render.chunks_html(rec(), chunks)
    assert "<img" not in out
    text = htmllib.unescape(re.sub(r"<[^>]+>", "\n", out))
    assert text.index("#1 · 第一章 总则 > 第一条") < text.index("#2 · 第一章 总则 > 第二条")
    assert HOSTILE in text and "2 块" in text


def test_time_left_follows_the_embedding_rate() -> None:
    now = [100.0]
    eta = Eta(clock=lambda: now[0])
    step = IngestStep("a.txt", 1, 2, "embed", 0, 40)
    assert eta.left(IngestStep("a.txt", 1, 2, "read")) is None
    assert eta.left(step) is None  # the first report starts the clock
    now[0] = 110.0
    assert eta.left(IngestStep("a.txt", 1, 2, "embed", 10, 40)) == pytest.approx(30.0)
    assert eta_text(30.0) == "，约剩 30 秒" and eta_text(150) == "，约剩 2 分钟" and eta_text(None) == ""
    assert eta.left(IngestStep("b.txt", 2, 2, "embed", 8, 8)) is None  # a new file starts again


def test_the_board_shows_each_file_of_an_upload_until_it_is_stored() -> None:
    now = [0.0]
    board = IngestBoard(clock=lambda: now[0])
    board.start(["a.txt", "b.txt"])
    assert board.active and board.items() == [("a.txt", "排队中"), ("b.txt", "排队中")]
    board.step(IngestStep("a.txt", 1, 2, "read"))
    board.step(IngestStep("a.txt", 1, 2, "embed", 0, 40))
    now[0] = 10.0
    assert board.step(IngestStep("a.txt", 1, 2, "embed", 10, 40)) == "向量 10/40，约剩 30 秒"
    rows = board_rows(board.items(), stored={"b.txt"})  # b.txt: an update, shown on its stored row
    head = render.DOC_HEADERS
    assert [dict(zip(head, r, strict=True))["状态"] for r in rows] == ["向量 10/40，约剩 30 秒"]
    assert dict(zip(head, rows[0], strict=True))["标题"] == "a.txt"
    failure = SimpleNamespace(path="/tmp/up/b.txt", reason="b.txt: 文档没有文字内容")
    board.finish(IngestReport(added=("a.txt",), failed=(failure,)), [("c.txt", "不支持的格式 .exe")])  # type: ignore[arg-type]
    assert not board.active
    assert board.items() == [("b.txt", "失败：b.txt: 文档没有文字内容"), ("c.txt", "失败：不支持的格式 .exe")]


# -- handlers over a real service --------------------------------------------------------------------
@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebService]:
    root = tmp_path_factory.mktemp("kb-page")
    docs = root / "docs"
    docs.mkdir()
    (docs / "xiangcun-fa.txt").write_text(LAW, encoding="utf-8")
    (docs / "fangxun.txt").write_text(NOTICE, encoding="utf-8")
    svc = WebService(Settings(index_dir=root / "index"), root / "web")
    assert svc.assistant.ingest([docs]).ok
    yield svc
    svc.close()


@pytest.fixture
def kb(service: WebService) -> dict[str, Any]:
    return _kb_handlers(service, Guard(service, Access("default", {"boss": "manage", "reader": "read"})))


def user(name: str) -> Any:
    return SimpleNamespace(username=name)


def column(table: Any, name: str) -> list[str]:
    return list(table[name])


def test_a_manager_disables_and_enables_a_document_and_it_is_audited(
    service: WebService, kb: dict[str, Any]
) -> None:
    law = service.assistant.find_document("xiangcun-fa.txt")
    assert law is not None
    msg, table, _choices = kb["set_enabled"](law.doc_id, False, user("boss"))
    assert "已停用" in msg and "启用" in msg
    states = dict(zip(column(table, "文件名"), column(table, "状态"), strict=True))
    assert states == {"xiangcun-fa.txt": "已停用", "fangxun.txt": render.READY_LABEL}
    assert service.assistant.disabled_documents() == {law.doc_id}
    assert all(h.chunk.doc_id != law.doc_id for h in service.search("乡村振兴活动适用什么法", 10))
    msg, table, _choices = kb["set_enabled"]("xiangcun-fa.txt", True, user("boss"))  # a file name works
    assert "已启用" in msg and "已停用" not in column(table, "状态")
    entries = [e for e in service.audit.entries() if e["action"] in ("enable", "disable")]
    assert [(e["action"], e["user"], e["documents"], e["result"]) for e in entries[-2:]] == [
        ("disable", "boss", ["xiangcun-fa.txt"], "ok"),
        ("enable", "boss", ["xiangcun-fa.txt"], "ok"),
    ]


def test_a_reader_cannot_disable_and_the_refusal_is_audited(service: WebService, kb: dict[str, Any]) -> None:
    with pytest.raises(gr.Error):
        kb["set_enabled"]("fangxun.txt", False, user("reader"))
    assert service.assistant.disabled_documents() == frozenset()
    last = service.audit.entries()[-1]
    assert (last["action"], last["user"], last["result"]) == ("disable", "reader", "denied")
    assert "未找到文件" in kb["set_enabled"]("nope.txt", False, user("boss"))[0]


def test_every_reader_sees_a_documents_passages_in_order(service: WebService, kb: dict[str, Any]) -> None:
    law = service.assistant.find_document("xiangcun-fa.txt")
    assert law is not None
    out = kb["chunks"](law.doc_id, user("reader"))
    text = htmllib.unescape(re.sub(r"<[^>]+>", "\n", out))
    assert "《中华人民共和国乡村振兴促进法》" in text
    assert text.index("第一条 为了全面实施") < text.index("第二条 本法适用")
    labels = [line for line in text.split("\n") if line.startswith("#")]
    assert [lab.split(" · ")[0] for lab in labels] == [f"#{n}" for n in range(1, len(labels) + 1)]
    assert any("第一章 总则" in lab for lab in labels)  # each passage under its section label
    assert "请先选择文件" in kb["chunks"]("", user("reader"))


def test_uploading_the_same_content_under_another_name_names_the_stored_document(
    service: WebService, tmp_path: Path
) -> None:
    copy = tmp_path / "fangxun-copy.txt"
    copy.write_text(NOTICE, encoding="utf-8")
    before = {d.source for d in service.documents()}
    result = service.upload([("fangxun-copy.txt", copy)], user="boss")
    assert "内容与已入库的《关于做好防汛工作的通知》（fangxun.txt）相同" in result.summary()
    assert {d.source for d in service.documents()} == before  # nothing imported


def test_a_refused_upload_stays_in_the_table_with_its_reason(
    service: WebService, kb: dict[str, Any], tmp_path: Path
) -> None:
    copy = tmp_path / "xiangcun-copy.txt"
    copy.write_text(LAW, encoding="utf-8")
    status, table, _choices = kb["upload"]([str(copy)], user("boss"), progress=lambda *a, **k: None)
    assert "内容与已入库的《中华人民共和国乡村振兴促进法》" in status
    states = dict(zip(column(table, "文件名"), column(table, "状态"), strict=True))
    assert states["xiangcun-copy.txt"].startswith("失败：内容与已入库的")
    assert states["xiangcun-fa.txt"] == render.READY_LABEL


# -- in the browser ----------------------------------------------------------------------------------
LAW_FILE = "2014-02-21_shehui-jiuzhu-zanxing-banfa.txt"  # in the ui_server's knowledge base
LAW_QUESTION = "社会救助暂行办法什么时候施行？"


def _toggle(page: Any, button: str, expect: str) -> None:
    page.get_by_role("tab", name="知识库").click()
    pick = page.locator("#pa-doc-pick input")
    pick.fill(LAW_FILE)  # the dropdown takes a file name as typed (API callers pass ids the same way)
    pick.press("Enter")
    page.locator(button).click()
    page.wait_for_function(
        "t => (document.querySelector('#pa-kb-status textarea') || {}).value?.includes(t)",
        arg=expect,
        timeout=ANSWER_TIMEOUT,
    )
    page.get_by_role("tab", name="问答").click()


@pytest.mark.browser
def test_a_disabled_document_is_not_cited_until_enabled_again(browser: Any, ui_server: Any) -> None:
    page, _response, _outside = open_page(browser, ui_server.url, DESKTOP)
    try:
        cited = ask(page, LAW_QUESTION)
        assert "2014年5月1日" in cited.inner_text() and "社会救助暂行办法" in cited.inner_text()
        _toggle(page, "#pa-disable-btn", "已停用")
        page.get_by_role("tab", name="知识库").click()
        page.wait_for_function("() => document.querySelector('#pa-docs').innerText.includes('已停用')")
        page.get_by_role("tab", name="问答").click()
        off = ask(page, LAW_QUESTION)
        assert "2014年5月1日" not in off.inner_text()
        assert "社会救助暂行办法》" not in " ".join(off.locator(".pa-source .pa-title").all_inner_texts())
        _toggle(page, "#pa-enable-btn", "已启用")
        page.get_by_role("tab", name="知识库").click()  # 查看分块: the passages in order, article labels
        page.locator("#pa-chunk-view").click()
        page.locator("#pa-chunk-pick input").click()
        page.get_by_role("option").filter(has_text="社会救助暂行办法").first.click()
        page.locator("#pa-chunks .pa-chunk").first.wait_for(timeout=ANSWER_TIMEOUT)
        labels = page.locator("#pa-chunks .pa-chunk .pa-meta").all_inner_texts()
        assert [lab.split(" · ")[0] for lab in labels] == [f"#{n}" for n in range(1, len(labels) + 1)]
        assert any("第一章" in lab for lab in labels), labels
        page.get_by_role("tab", name="问答").click()
        again = ask(page, LAW_QUESTION)
        assert "2014年5月1日" in again.inner_text()
    finally:
        rec = ui_server.service.assistant.find_document(LAW_FILE)
        ui_server.service.assistant.set_document_enabled(rec.doc_id, True)
        page.context.close()
