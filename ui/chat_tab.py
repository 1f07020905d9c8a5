"""The 问答 tab (网页问答): the chat, its feedback controls and the document viewer (:mod:`ui.viewer`),
the saved-conversation sidebar and 猜你想问 (:mod:`ui.conversations`).

Chat events are private (not API endpoints); every handler checks the user's role first (:mod:`ui.guard`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import gradio as gr

from assistant import LIMITS, InputRejected, Turn
from ui import render
from ui.access import READ
from ui.conversations import (
    SUGGESTION_BUTTONS,
    SUGGESTION_OUTPUTS,
    Conversations,
    build_sidebar,
    suggestion_buttons,
    wire_sidebar,
)
from ui.guard import Guard
from ui.limits import WEB, check_text
from ui.service import ServiceError, WebService
from ui.viewer import build_viewer

log = logging.getLogger(__name__)

EXAMPLES = ("重点帮扶县主要任务是什么？", "山西省的县分为哪几类？", "社会救助暂行办法什么时候施行？")
HISTORY_TURNS = LIMITS.history_turns  # earlier exchanges passed to the assistant for follow-up questions
# respond's outputs after the chat's: conversation id, sidebar list, 猜你想问 (heading, buttons), note
SAVED_OUTPUTS = 3 + SUGGESTION_OUTPUTS


def _messages(turns: list[dict[str, str]]) -> list[dict[str, str]]:
    msgs = []
    for t in turns:
        msgs.append({"role": "user", "content": render.question_html(t["question"])})
        msgs.append({"role": "assistant", "content": t["html"]})
    return msgs


def _chat_handlers(service: WebService, guard: Guard, convs: Conversations) -> dict[str, Any]:
    def respond(
        question: str, turns: list[dict[str, str]], conv_id: str, request: gr.Request
    ) -> Iterator[tuple[Any, ...]]:
        """Outputs: chatbot, turns, copy box, question box, then SAVED_OUTPUTS of the conversation."""
        user = guard(request, READ)
        question = (question or "").strip()
        if not question:
            yield (gr.skip(),) * (4 + SAVED_OUTPUTS)
            return
        turns = list(turns or [])[-WEB.chat_turns :]  # a long session keeps its recent exchanges
        asked = [*_messages(turns), {"role": "user", "content": render.question_html(question)}]
        pending = (gr.skip(), gr.skip(), *suggestion_buttons([]), gr.skip())  # conversation unchanged
        yield (
            [*asked, {"role": "assistant", "content": render.pending_html("正在查找")}],
            turns,
            gr.skip(),
            "",
            *pending,
        )
        history = [Turn(t["question"], service.answer(t["answer_id"])) for t in turns[-HISTORY_TURNS:]]
        try:
            if service.streaming:
                result = None
                for item in service.stream(question, history):
                    if isinstance(item, str):
                        yield (
                            [*asked, {"role": "assistant", "content": render.pending_html(item)}],
                            turns,
                            gr.skip(),
                            "",
                            *pending,
                        )
                    else:
                        result = item
                if result is None:
                    raise ServiceError("回答中断，请重试")
                answer_id, answer = result
            else:
                answer_id, answer = service.ask(question, history)
        except ServiceError as exc:
            yield (
                [*asked, {"role": "assistant", "content": render.error_html(str(exc))}],
                turns,
                gr.skip(),
                "",
                *pending,
            )
            return
        except Exception:
            log.exception("answering %r failed", question)
            msg = render.error_html("服务出错，未能回答。请稍后重试或联系管理员。")
            yield [*asked, {"role": "assistant", "content": msg}], turns, gr.skip(), "", *pending
            return
        turns.append(
            {
                "question": question,
                "answer_id": answer_id,
                "html": render.answer_html(answer, service, answer_id),
            }
        )
        conv_id, note = convs.save(user, conv_id, question, answer)
        yield (
            _messages(turns),
            turns,
            render.answer_plain(answer, service),
            "",
            conv_id,
            convs.listing(user, conv_id),
            *suggestion_buttons(convs.suggestions(answer)),
            render.text_html(note, "pa-text pa-error") if note else "",
        )

    def rate(turns: list[dict[str, str]], index: int, rating: str, comment: str) -> str:
        """(Called by the handlers below, which check the role.)"""
        if not turns:
            return "还没有回答可以评价"
        index = min(max(index, 0), len(turns) - 1)
        try:
            comment = check_text(comment, "comment", WEB.comment_chars)
            service.record_feedback(turns[index]["answer_id"], rating, comment)
        except (ServiceError, InputRejected) as exc:
            return str(exc)
        return f"已记录对第 {index + 1} 个回答的{'好评' if rating == 'up' else '差评'}，谢谢！"

    def on_like(
        turns: list[dict[str, str]], comment: str, data: gr.LikeData, request: gr.Request
    ) -> tuple[str, Any]:
        """The 👍/👎 icons: the acknowledgement is shown in the 评价回答 panel, opened so it can be seen
        (and a comment added); a later rating of the same answer replaces it (FeedbackStore.add)."""
        guard(request, READ)
        idx = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        liked = data.liked is True or data.liked == "Like"
        status = render.text_html(rate(turns, int(idx) // 2, "up" if liked else "down", comment))
        return status, gr.Accordion(open=True)

    def clear() -> tuple[Any, ...]:
        """新对话 and the chat's own trash icon: forget the conversation, not only the screen (the saved
        conversation stays in the sidebar; the next question starts a new one)."""
        return [], [], "", "", "", gr.Radio(value=None), *suggestion_buttons([]), ""

    def rate_last(rating: str) -> Any:
        def handler(turns: list[dict[str, str]], comment: str, request: gr.Request) -> str:
            guard(request, READ)
            return render.text_html(rate(turns, len(turns) - 1, rating, comment))

        return handler

    def open_conversation(selected: str | None, request: gr.Request) -> tuple[Any, ...]:
        """A conversation clicked in the sidebar: its exchanges on screen and as follow-up context.
        Outputs: chatbot, turns, copy box, conversation id, title box, suggestions, status."""
        user = guard(request, READ)
        restored = convs.restore(user, selected) if isinstance(selected, str) and selected else None
        if restored is None:
            note = render.text_html("找不到这个对话（可能已被删除）", "pa-text pa-error")
            return (gr.skip(),) * (5 + SUGGESTION_OUTPUTS) + (note, convs.listing(user, None))
        return (
            _messages(restored.turns),
            restored.turns,
            "",
            restored.conversation_id,
            restored.title,
            *suggestion_buttons(convs.suggestions(restored.last)),
            "",
            gr.skip(),
        )

    return {
        "respond": respond,
        "open": open_conversation,
        "on_like": on_like,
        "clear": clear,
        "up": rate_last("up"),
        "down": rate_last("down"),
    }


def build_chat_tab(service: WebService, guard: Guard) -> None:
    """The 问答 tab, inside an open ``gr.Tabs``: the saved conversations, the chat, the viewer beside it
    (on a phone each below the other)."""
    with gr.Tab("问答", id="chat"):
        build_chat_panel(service, guard)


def build_chat_panel(service: WebService, guard: Guard) -> None:
    """The 问答 tab's content over one knowledge base (:mod:`ui.kb_select` builds one per knowledge base)."""
    convs = Conversations(service)
    chat = _chat_handlers(service, guard, convs)
    with gr.Row(elem_id="pa-chat-row", equal_height=False):
        turns = gr.State([])  # inside the tab: a State directly under gr.Tabs would be counted as a tab
        conv_id = gr.State("")  # the open conversation's id ("" until the first question saves one)
        bar = build_sidebar()
        with gr.Column(scale=3, min_width=340, elem_id="pa-chat-col"):
            chatbot = gr.Chatbot(
                elem_id="pa-chat", height=520, show_label=False, latex_delimiters=[], sanitize_html=True,
                allow_tags=False, buttons=[], group_consecutive_messages=False,
                placeholder="请在下方输入问题，例如：重点帮扶县主要任务是什么？",
            )  # fmt: skip
            with gr.Row(elem_id="pa-ask-row"):
                question = gr.Textbox(
                    show_label=False, placeholder="请输入问题，可以接着上一个问题追问", lines=1, max_lines=4,
                    scale=5, min_width=180, elem_id="pa-question",
                )  # fmt: skip
                ask_btn = gr.Button("提问", variant="primary", scale=1, min_width=72, elem_id="pa-ask-btn")
            with gr.Row(elem_id="pa-suggest-row"):
                suggest_head = gr.Markdown("猜你想问：", visible=False, elem_id="pa-suggest-head")
                buttons = [
                    gr.Button(
                        visible=False, size="sm", elem_classes=["pa-suggest"], elem_id=f"pa-suggest-{i}"
                    )
                    for i in range(SUGGESTION_BUTTONS)
                ]
                suggestions = [suggest_head, *buttons]
            gr.Examples([[q] for q in EXAMPLES], inputs=[question], label="示例问题（点一下填入）")
            new_btn = gr.Button("新对话（清空上下文）", size="sm")
            copy_box = gr.Textbox(
                label="复制答案（含出处）", lines=2, max_lines=8, interactive=False, buttons=["copy"],
                elem_id="pa-copy",
            )  # fmt: skip
            with gr.Accordion("评价回答", open=False) as rate_panel:
                comment = gr.Textbox(label="意见（可选）", lines=2, placeholder="哪里不对？正确的出处是？")
                with gr.Row():
                    up_btn = gr.Button("👍 有用", size="sm", min_width=80, elem_id="pa-up-btn")
                    down_btn = gr.Button("👎 没用", size="sm", min_width=80, elem_id="pa-down-btn")
                rate_status = gr.Markdown()
        build_viewer(service, guard)

    private: dict[str, Any] = {"api_visibility": "private"}
    saved = [conv_id, bar.listing, *suggestions, bar.status]
    chat_out = [chatbot, turns, copy_box, question, *saved]
    ask_btn.click(chat["respond"], [question, turns, conv_id], chat_out, **private)
    question.submit(chat["respond"], [question, turns, conv_id], chat_out, **private)
    for button in buttons:  # 猜你想问: the button's text is the question
        button.click(chat["respond"], [button, turns, conv_id], chat_out, **private)
    clear_out = [chatbot, turns, copy_box, rate_status, *saved]
    for trigger in (new_btn.click, chatbot.clear):
        trigger(chat["clear"], outputs=clear_out, **private)
    open_out = [chatbot, turns, copy_box, conv_id, bar.title_box, *suggestions, bar.status, bar.listing]
    bar.listing.input(chat["open"], [bar.listing], open_out, **private)
    wire_sidebar(bar, convs, guard, conv_id, clear_out, chat["clear"])
    chatbot.like(chat["on_like"], inputs=[turns, comment], outputs=[rate_status, rate_panel], **private)
    up_btn.click(chat["up"], [turns, comment], [rate_status], **private)
    down_btn.click(chat["down"], [turns, comment], [rate_status], **private)
