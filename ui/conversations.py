"""The conversation sidebar (我的对话) of the 问答 tab and 猜你想问 under the latest answer.

Every question asked in the chat is saved in the signed-in user's current conversation (created
with the first question, titled after it) in the knowledge base's conversation store
(:class:`assistant.ConversationStore`, ``conversations.sqlite`` in the index folder), so the list
survives a reload and a server restart. Clicking a conversation restores its exchanges on screen and
as the follow-up context (the saved answers are rebuilt, :func:`assistant.answer_from_record`).
Rename, delete (after a confirmation) and export (Markdown, Word) act on the open conversation.

The store filters every read and write by the user the guard names, so a conversation id sent by
another user's page finds nothing. Handlers here return plain values; :mod:`ui.chat_tab` wires them.
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from assistant import (
    Answer,
    ConversationRejected,
    ConversationStore,
    IndexLayout,
    PolicyAssistantError,
    answer_from_record,
    answer_record,
    suggest_questions,
)
from ui import render
from ui.access import READ
from ui.conversation_export import export_name, to_docx, to_markdown
from ui.guard import Guard
from ui.service import WebService

log = logging.getLogger(__name__)

SUGGESTION_BUTTONS = 3
SUGGESTION_OUTPUTS = SUGGESTION_BUTTONS + 1  # the 猜你想问 heading, then the buttons
ChatTurn = dict[str, str]  # what the chat keeps of an exchange: question, answer_id, html


def conversation_store(service: WebService) -> ConversationStore:
    """The conversation store of the knowledge base the service answers from."""
    return ConversationStore(IndexLayout(service.settings.index_dir).conversations)


def remember(service: WebService, answer: Answer) -> str:
    """Register a restored answer with the service (the viewer and 👍/👎 look answers up by id)."""
    public = getattr(service, "remember", None)
    if public is not None:
        return str(public(answer))
    return service._remember(answer)[0]


@dataclass(frozen=True, slots=True)
class Restored:
    """A conversation opened from the sidebar: what the chat needs to continue it."""

    conversation_id: str
    title: str
    turns: list[ChatTurn]
    last: Answer | None


class Conversations:
    """The sidebar's logic over one store; every method takes the user the guard returned."""

    def __init__(self, service: WebService, store: ConversationStore | None = None) -> None:
        self.service = service
        self.store = store or conversation_store(service)
        self.out_dir = Path(tempfile.mkdtemp(prefix="pa-conversations-"))

    # -- the list -----------------------------------------------------------------------------------
    def choices(self, user: str | None) -> list[tuple[str, str]]:
        """(label, id) of the user's conversations, the most recent first."""
        return [
            (render.plain(f"{c.title} · {time.strftime('%m-%d %H:%M', time.localtime(c.updated))}"), c.id)
            for c in self.store.conversations(user)
        ]

    def listing(self, user: str | None, current: str | None) -> Any:
        """The sidebar's radio list, ``current`` selected."""
        choices = self.choices(user)
        known = {value for _label, value in choices}
        return gr.Radio(choices=choices, value=current if current in known else None)

    # -- saving -------------------------------------------------------------------------------------
    def save(self, user: str | None, conversation_id: str, question: str, answer: Answer) -> tuple[str, str]:
        """Save one exchange; ``(conversation id, note)``. The note is empty unless it was not saved
        (a limit reached, the conversation deleted elsewhere): the answer is shown either way."""
        try:
            if not conversation_id:
                conversation_id = self.store.create(user, question).id
            self.store.add_turn(user, conversation_id, question, answer_record(answer))
        except ConversationRejected as exc:
            return conversation_id, str(exc)
        except PolicyAssistantError as exc:
            log.warning("saving a conversation turn failed: %s", exc)
            return conversation_id, "本次问答未能保存到对话记录（存储出错），请联系管理员"
        return conversation_id, ""

    # -- opening ------------------------------------------------------------------------------------
    def restore(self, user: str | None, conversation_id: str) -> Restored | None:
        """The user's conversation rebuilt for the chat, or None when the user has no such conversation."""
        conv = self.store.get(user, conversation_id)
        if conv is None:
            return None
        turns: list[ChatTurn] = []
        last = None
        for t in conv.turns:
            answer = answer_from_record(t.question, t.answer)
            answer_id = remember(self.service, answer)
            html = render.answer_html(answer, self.service, answer_id)
            turns.append({"question": t.question, "answer_id": answer_id, "html": html})
            last = answer
        return Restored(conv.id, conv.title, turns, last)

    def suggestions(self, answer: Answer | None) -> list[str]:
        """猜你想问 for the latest answer (questions about its document's neighbouring sections)."""
        if answer is None:
            return []
        try:
            return suggest_questions(answer, self.service.doc_text, self.service.assistant.document_chunks)
        except PolicyAssistantError:  # a document deleted meanwhile: no suggestions, the answer stands
            return []

    # -- managing -----------------------------------------------------------------------------------
    def rename(self, user: str | None, conversation_id: str, title: str) -> str:
        if not conversation_id:
            return "请先在左侧选择一个对话"
        try:
            conv = self.store.rename(user, conversation_id, title)
        except ConversationRejected as exc:
            return str(exc)
        return f"已改名为「{conv.title}」"

    def title(self, user: str | None, conversation_id: str) -> str | None:
        conv = self.store.get(user, conversation_id) if conversation_id else None
        return conv.title if conv else None

    def delete(self, user: str | None, conversation_id: str) -> str:
        title = self.title(user, conversation_id)
        if title is None or not self.store.delete(user, conversation_id):
            return "找不到这个对话（可能已被删除）"
        return f"已删除对话「{title}」"

    def export(self, user: str | None, conversation_id: str, fmt: str) -> tuple[Path | None, str]:
        """The conversation written as ``fmt`` (md or docx) for download: ``(path, message)``."""
        conv = self.store.get(user, conversation_id) if conversation_id else None
        if conv is None:
            return None, "请先提问或在左侧选择一个对话，再导出"
        answers = [answer_from_record(t.question, t.answer) for t in conv.turns]
        folder = Path(tempfile.mkdtemp(dir=self.out_dir))  # one folder per download: names may repeat
        path = folder / export_name(conv.title, f".{fmt}")
        if fmt == "docx":
            to_docx(conv.title, answers, self.service, path)
        else:
            path.write_text(to_markdown(conv.title, answers, self.service), encoding="utf-8")
        return path, f"已导出「{conv.title}」（{len(answers)} 轮问答，含出处）"


def suggestion_buttons(questions: list[str]) -> list[Any]:
    """The 猜你想问 heading and buttons for ``questions`` (all hidden when there are none)."""
    return [gr.Markdown(visible=bool(questions))] + [
        gr.Button(value=questions[i], visible=True) if i < len(questions) else gr.Button(visible=False)
        for i in range(SUGGESTION_BUTTONS)
    ]


def user_of(guard: Guard, request: gr.Request | None) -> str | None:
    """The signed-in user (None without a login), after the role check every handler runs."""
    return guard(request, READ)


# -- layout and the sidebar's own events --------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Sidebar:
    """The components of the 我的对话 column."""

    listing: Any
    title_box: Any
    rename_btn: Any
    delete_btn: Any
    confirm_row: Any
    confirm_text: Any
    confirm_btn: Any
    cancel_btn: Any
    md_btn: Any
    docx_btn: Any
    file: Any
    status: Any


def build_sidebar() -> Sidebar:
    """The 我的对话 column (left of the chat; above it on a phone)."""
    with gr.Column(scale=1, min_width=220, elem_id="pa-convs-col"), gr.Accordion("我的对话", open=True):
        listing = gr.Radio(
            choices=[], show_label=False, elem_id="pa-conv-list", info="点一下打开，可接着追问"
        )
        status = gr.Markdown(elem_id="pa-conv-status")
        with gr.Accordion("改名 · 删除 · 导出（当前对话）", open=False, elem_id="pa-conv-manage"):
            title_box = gr.Textbox(label="对话标题", max_lines=1, elem_id="pa-conv-title")
            with gr.Row():
                rename_btn = gr.Button("改名", size="sm", min_width=64, elem_id="pa-conv-rename")
                delete_btn = gr.Button(
                    "删除", size="sm", min_width=64, variant="stop", elem_id="pa-conv-delete"
                )
            with gr.Row(visible=False, elem_id="pa-conv-confirm") as confirm_row:
                confirm_text = gr.Markdown()
                confirm_btn = gr.Button("确认删除", size="sm", variant="stop", elem_id="pa-conv-confirm-btn")
                cancel_btn = gr.Button("取消", size="sm", elem_id="pa-conv-cancel-btn")
            with gr.Row():
                md_btn = gr.Button("导出 Markdown", size="sm", min_width=64, elem_id="pa-conv-md")
                docx_btn = gr.Button("导出 Word", size="sm", min_width=64, elem_id="pa-conv-docx")
            file = gr.File(label="下载", interactive=False, visible=False, elem_id="pa-conv-file")
    return Sidebar(
        listing, title_box, rename_btn, delete_btn, confirm_row, confirm_text, confirm_btn, cancel_btn,
        md_btn, docx_btn, file, status,
    )  # fmt: skip


def wire_sidebar(
    bar: Sidebar,
    convs: Conversations,
    guard: Guard,
    conv_id: Any,
    clear_out: list[Any],
    clear: Callable[[], tuple[Any, ...]],
) -> None:
    """The sidebar's events: the list on page load, rename, delete (asks first) and export.

    ``clear_out``/``clear`` are the chat's 新对话 outputs and handler: deleting the open conversation
    also empties the chat. The list is the 6th of ``clear_out`` and the status its last."""

    def conversation_list(request: gr.Request) -> Any:
        return convs.listing(user_of(guard, request), None)

    def conversation_rename(current: str, title: str, request: gr.Request) -> tuple[Any, Any]:
        user = user_of(guard, request)
        message = convs.rename(user, current, title)
        return render.text_html(message), convs.listing(user, current)

    def conversation_ask_delete(current: str, request: gr.Request) -> tuple[Any, Any, Any]:
        title = convs.title(user_of(guard, request), current)
        if title is None:
            return gr.Row(visible=False), "", render.text_html("请先在左侧选择一个对话")
        question = render.text_html(f"确定删除对话「{title}」？删除后不能恢复。")
        return gr.Row(visible=True), question, ""

    def conversation_keep(request: gr.Request) -> Any:
        user_of(guard, request)
        return gr.Row(visible=False)

    def conversation_delete(current: str, request: gr.Request) -> tuple[Any, ...]:
        user = user_of(guard, request)
        message = convs.delete(user, current)
        values = list(clear())
        values[5] = convs.listing(user, None)
        values[-1] = render.text_html(message)
        return (*values, gr.Row(visible=False))

    def export(fmt: str) -> Callable[..., tuple[Any, Any]]:
        def conversation_export(current: str, request: gr.Request) -> tuple[Any, Any]:
            path, message = convs.export(user_of(guard, request), current, fmt)
            file = gr.File(value=str(path), visible=True) if path else gr.File(value=None, visible=False)
            return file, render.text_html(message)

        return conversation_export

    # Explicit api names: a private listener still takes one, and a plain "delete" or "cancel" would push
    # the knowledge-base tab's public /delete and /cancel to delete_1 / cancel_1.
    def named(name: str) -> dict[str, Any]:
        return {"api_visibility": "private", "api_name": f"conversation_{name}"}

    gr.on(triggers=None, fn=conversation_list, inputs=[], outputs=[bar.listing], **named("list"))  # page load
    rename_io = ([conv_id, bar.title_box], [bar.status, bar.listing])
    bar.rename_btn.click(conversation_rename, *rename_io, **named("rename"))
    bar.title_box.submit(conversation_rename, *rename_io, **named("rename_submit"))
    confirm_io = [bar.confirm_row, bar.confirm_text, bar.status]
    bar.delete_btn.click(conversation_ask_delete, [conv_id], confirm_io, **named("ask_delete"))
    bar.cancel_btn.click(conversation_keep, outputs=[bar.confirm_row], **named("keep"))
    bar.confirm_btn.click(conversation_delete, [conv_id], [*clear_out, bar.confirm_row], **named("delete"))
    bar.md_btn.click(export("md"), [conv_id], [bar.file, bar.status], **named("export_md"))
    bar.docx_btn.click(export("docx"), [conv_id], [bar.file, bar.status], **named("export_docx"))
