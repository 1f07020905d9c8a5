"""The 标注 / 精选答案 section of the knowledge-base page: the manager's list of curated answers.

A manager turns a 👎 with a correction (the chat's 评价回答) into a curated answer, or writes one
directly: the question, the answer, and the span it cites — one of the rated answer's citations, or a
document and a quote that must appear in it word for word. The list shows each entry with its
question, answer, source, status (已失效 when the cited text changed or the file was removed: such
an entry is not served), author and date. Saves and deletes are audited (:class:`ui.feedback.CurationDesk`).

The section is shown to managers only; every handler checks the role on the server anyway.
"""

from __future__ import annotations

import json
from typing import Any

import gradio as gr
import pandas as pd

from assistant import CuratedEntry, InputRejected, PolicyAssistantError
from ui import render
from ui.access import MANAGE, READ
from ui.feedback import CurationDesk
from ui.guard import Guard
from ui.service import WebService

CURATED_HEADERS = ["编号", "问题", "答案", "出处", "状态", "作者", "日期"]
STATUS_LABELS = {
    "ok": "有效",
    "changed": "已失效：原文已改动",
    "removed": "已失效：文件已删除",
    "disabled": "暂停：文件已停用",
}
NEW = "（新建）"


def desk_of(service: WebService) -> CurationDesk:
    return CurationDesk(service.assistant.curated, service.audit, service.feedback)


def curated_rows(desk: CurationDesk) -> list[list[str | int]]:
    """The list (精选答案列表), newest first; stale entries say why."""
    rows: list[list[str | int]] = []
    for e in reversed(desk.curated.entries()):
        where = f"《{e.title or e.source}》{e.section}".strip()
        rows.append(
            [
                e.id,
                render.plain(e.question),
                render.plain(e.answer),
                render.plain(f"{where}：“{e.quote[:60]}”"),
                STATUS_LABELS[desk.curated.status(e)],
                render.plain(e.author),
                render.when(e.updated),
            ]
        )
    return rows


def _entry_label(e: CuratedEntry) -> str:
    return render.plain(f"{e.id}. {e.question[:40]}")


def _cite_choices(citations: Any) -> list[tuple[str, str]]:
    """The rated answer's citations as dropdown choices; the value carries the span (JSON)."""
    out = []
    for c in citations:
        label = f"[{c.get('n', '')}] 《{c.get('title') or c.get('source', '')}》{c.get('quote', '')[:30]}"
        out.append((render.plain(label), json.dumps(c, ensure_ascii=False)))
    return out


def _parse_id(value: Any, what: str) -> int | None:
    if value in (None, "", NEW):
        return None
    try:
        return int(str(value).split(".", 1)[0])
    except ValueError as exc:
        raise InputRejected(f"{what}应为编号，收到 {str(value)[:40]!r}") from exc


def curated_handlers(service: WebService, guard: Guard) -> dict[str, Any]:
    desk = desk_of(service)

    def listing() -> tuple[Any, ...]:
        entries = desk.curated.entries()
        fixes = service.feedback.corrections()
        return (
            pd.DataFrame(curated_rows(desk), columns=CURATED_HEADERS),
            gr.update(choices=[NEW, *(_entry_label(e) for e in reversed(entries))], value=NEW),
            gr.update(
                choices=[(render.plain(f"{r.id}. {r.question[:30]} — {r.comment[:30]}"), r.id) for r in fixes]
            ),
            gr.update(choices=[(render.doc_label(d), d.doc_id) for d in service.documents()]),
        )

    def curated_load(request: gr.Request) -> tuple[Any, ...]:
        user = guard(request, READ)
        shown = guard.access.role(user) == MANAGE
        return gr.update(visible=shown), *(listing() if shown else (gr.update(),) * 4)

    def curated_from_feedback(feedback_id: Any, request: gr.Request) -> tuple[Any, ...]:
        guard(request, MANAGE)
        try:
            fid = _parse_id(feedback_id, "反馈")
            if fid is None:
                return gr.update(), gr.update(), gr.update(), None, "请先选择一条纠错反馈", gr.update()
            draft = desk.draft(fid)
        except PolicyAssistantError as exc:
            raise gr.Error(render.toast(str(exc))) from exc
        choices = _cite_choices(draft.citations)
        first = choices[0][1] if choices else None
        said = f"已载入反馈 {fid}：请核对答案，选择出处后保存"
        return draft.question, draft.answer, gr.update(choices=choices, value=first), fid, said, NEW

    def curated_pick(value: Any, request: gr.Request) -> tuple[Any, ...]:
        guard(request, MANAGE)
        entry_id = _parse_id(value, "精选答案")
        entry = desk.curated.store.get(entry_id) if entry_id is not None else None
        if entry is None:
            return "", "", gr.update(choices=[], value=None), None, ""
        cite = {k: getattr(entry, k) for k in ("doc_id", "source", "title", "start", "end", "quote")}
        choices = _cite_choices([{"n": 1, **cite}])
        return entry.question, entry.answer, gr.update(choices=choices, value=choices[0][1]), None, ""

    def curated_save(
        entry: Any,
        question: str,
        answer: str,
        cite: Any,
        document: Any,
        quote: str,
        fid: Any,
        request: gr.Request,
    ) -> tuple[Any, ...]:
        user = guard(request, MANAGE, "curate")
        try:
            entry_id = _parse_id(entry, "精选答案")
            # a file and a quote typed in win over the rated answer's citation chosen by default
            citation = json.loads(cite) if cite and not (document and (quote or "").strip()) else None
            span = desk.span(citation, str(document or ""), quote or "")
            saved = desk.save(
                user,
                question or "",
                answer or "",
                span,
                entry_id=entry_id,
                feedback_id=_parse_id(fid, "反馈"),
            )
        except (PolicyAssistantError, json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise gr.Error(render.toast(str(exc)), title="未保存") from exc
        return f"已保存精选答案 {saved.id}：{saved.question}", *listing()

    def curated_delete(entry: Any, request: gr.Request) -> tuple[Any, ...]:
        user = guard(request, MANAGE, "curate")
        try:
            entry_id = _parse_id(entry, "精选答案")
        except InputRejected as exc:
            raise gr.Error(render.toast(str(exc))) from exc
        if entry_id is None:
            return "请先选择要删除的精选答案", *listing()
        old = desk.delete(user, entry_id)
        said = f"已删除精选答案 {entry_id}" if old else f"精选答案 {entry_id} 不存在（可能已被删除）"
        return said, *listing()

    return {
        "load": curated_load,
        "from_feedback": curated_from_feedback,
        "pick": curated_pick,
        "save": curated_save,
        "delete": curated_delete,
    }


def build_curated_section(demo: gr.Blocks, service: WebService, guard: Guard) -> None:
    """The 标注 / 精选答案 accordion, inside the 知识库 tab; shown to managers on page load."""
    h = curated_handlers(service, guard)
    with gr.Accordion("标注 / 精选答案", open=False, visible=False, elem_id="pa-curated") as section:
        gr.Markdown(
            "精选答案由管理员审核：同一问题（或几乎相同的问法）优先给出精选答案，并标明“已审核答案”。"
            "所引原文改动或文件删除后，该答案自动停用并在下表标为已失效。"
        )
        table = gr.Dataframe(
            headers=CURATED_HEADERS, interactive=False, wrap=True, label="精选答案", elem_id="pa-curated-list"
        )
        with gr.Row():
            fixes = gr.Dropdown(label="从纠错反馈（👎 附意见）生成", choices=[], scale=3, min_width=200)
            fix_btn = gr.Button("载入反馈", scale=1, min_width=72, elem_id="pa-curated-from-feedback")
        entry = gr.Dropdown(label="精选答案（新建，或选择已有的编辑/删除）", choices=[NEW], value=NEW)
        question = gr.Textbox(label="问题", elem_id="pa-curated-question")
        answer = gr.Textbox(label="答案", lines=3, elem_id="pa-curated-answer")
        cite = gr.Dropdown(label="出处：原回答的引用（若下方选了文件并填了引文，则以引文为准）", choices=[])
        with gr.Row():
            document = gr.Dropdown(label="或：文件", choices=[], scale=1, min_width=160)
            quote = gr.Textbox(label="引文（须与原文逐字相同）", scale=2, elem_id="pa-curated-quote")
        fid = gr.State(None)
        with gr.Row():
            save_btn = gr.Button("保存", variant="primary", min_width=72, elem_id="pa-curated-save")
            delete_btn = gr.Button("删除", variant="stop", min_width=72, elem_id="pa-curated-delete")
        status = gr.Textbox(label="结果", interactive=False, elem_id="pa-curated-status")

    private: dict[str, Any] = {"api_visibility": "private"}
    listed = [table, entry, fixes, document]
    fix_btn.click(h["from_feedback"], [fixes], [question, answer, cite, fid, status, entry], **private)
    entry.input(h["pick"], [entry], [question, answer, cite, fid, status], **private)
    save_btn.click(
        h["save"], [entry, question, answer, cite, document, quote, fid], [status, *listed], **private
    )
    delete_btn.click(h["delete"], [entry], [status, *listed], **private)
    demo.load(h["load"], None, [section, *listed], **private)
