"""The web chat (网页问答): Gradio Blocks over :class:`ui.service.WebService`.

This package is the only place that imports gradio. Endpoints the API offers (``gradio_client``):
``/ask``, ``/search``, ``/feedback``, ``/documents`` (plain functions) and ``/upload``, ``/delete``,
``/reindex``, ``/cancel`` (stops a running upload or re-index), ``/export_feedback`` (the knowledge-base
tab's events). Chat events are private.

Every handler, public or private, takes the ``gr.Request`` and checks the signed-in user's role
(:mod:`ui.access`) before it does anything: read for questions, search, feedback and quizzes;
manage for upload, delete, re-index, cancel and feedback export. Refused writes are audited.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # before gradio is imported

import gradio as gr
import pandas as pd
from starlette.middleware import Middleware

from assistant.engine import Turn
from assistant.limits import LIMITS, InputRejected, check_history
from index.knowledge_base import IngestStep
from ui import render
from ui.access import MANAGE, READ, ROLE_NAMES, Access, AccessDenied, Role
from ui.api import ApiDispatchMiddleware, build_api
from ui.api_keys import ApiKeys, RateLimiter
from ui.auth import checker
from ui.limits import (
    FEEDBACK_FORMATS,
    RATINGS,
    WEB,
    check_answer_id,
    check_choice,
    check_doc_key,
    check_files,
    check_int,
    check_text,
)
from ui.quiz_tab import build_quiz_tab
from ui.security import SecurityHeadersMiddleware, forwarded_allow_ips, is_loopback
from ui.service import ALLOWED_SUFFIXES, ServiceError, WebService, answer_payload
from ui.style import CSS, FONTS, MONO_FONTS
from ui.throttle import LoginThrottle, LoginThrottleMiddleware

log = logging.getLogger(__name__)

EXAMPLES = ("重点帮扶县主要任务是什么？", "山西省的县分为哪几类？", "社会救助暂行办法什么时候施行？")
HISTORY_TURNS = LIMITS.history_turns  # earlier exchanges passed to the assistant for follow-up questions
QUEUE_SIZE = 64
CONCURRENCY = 4  # extractive answering is CPU-light: several questions at once
WRITE_GROUP = "kb-write"  # delete / re-index: one at a time
# Uploads are not queued behind a running one (Gradio would show its English "queue: 1/1" for a minute):
# the service answers a second upload at once that another is being imported (BUSY_JOB).
UPLOAD_GROUP = "kb-upload"


class StartupRefused(RuntimeError):
    """The server would be unsafe as configured (e.g. a public address without login)."""


# -- access ---------------------------------------------------------------------------------------------
class Guard:
    """The server-side role check every handler runs first."""

    def __init__(self, service: WebService, access: Access) -> None:
        self.service = service
        self.access = access

    def __call__(
        self,
        request: gr.Request | None,
        need: Role,
        action: str | None = None,
        documents: tuple[str, ...] = (),
    ) -> str | None:
        """The user name; ``gr.Error`` when the role does not allow ``need`` (a write is audited)."""
        user = getattr(request, "username", None) if request is not None else None
        try:
            self.access.require(user, need)
        except AccessDenied as exc:
            log.warning("refused %s for %s (%s)", action or need, user, exc)
            if action:
                self.service.refused(user, action, documents)
            raise gr.Error(render.toast(str(exc)), title="无权操作") from exc
        return user


# -- chat -------------------------------------------------------------------------------------------------
def _messages(turns: list[dict[str, str]]) -> list[dict[str, str]]:
    msgs = []
    for t in turns:
        msgs.append({"role": "user", "content": render.question_html(t["question"])})
        msgs.append({"role": "assistant", "content": t["html"]})
    return msgs


def _chat_handlers(service: WebService, guard: Guard) -> dict[str, Any]:
    def respond(question: str, turns: list[dict[str, str]], request: gr.Request) -> Iterator[tuple[Any, ...]]:
        guard(request, READ)
        question = (question or "").strip()
        if not question:
            yield gr.skip(), gr.skip(), gr.skip(), gr.skip()
            return
        turns = list(turns or [])[-WEB.chat_turns :]  # a long session keeps its recent exchanges
        asked = [*_messages(turns), {"role": "user", "content": render.question_html(question)}]
        yield (
            [*asked, {"role": "assistant", "content": render.pending_html("正在查找")}],
            turns,
            gr.skip(),
            "",
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
            )
            return
        except Exception:
            log.exception("answering %r failed", question)
            msg = render.error_html("服务出错，未能回答。请稍后重试或联系管理员。")
            yield [*asked, {"role": "assistant", "content": msg}], turns, gr.skip(), ""
            return
        turns.append(
            {"question": question, "answer_id": answer_id, "html": render.answer_html(answer, service)}
        )
        yield _messages(turns), turns, render.answer_plain(answer, service), ""

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

    def clear() -> tuple[list[Any], list[Any], str, str]:
        """新对话 and the chat's own trash icon: forget the conversation, not only the screen."""
        return [], [], "", ""

    def rate_last(rating: str) -> Any:
        def handler(turns: list[dict[str, str]], comment: str, request: gr.Request) -> str:
            guard(request, READ)
            return render.text_html(rate(turns, len(turns) - 1, rating, comment))

        return handler

    return {
        "respond": respond,
        "on_like": on_like,
        "clear": clear,
        "up": rate_last("up"),
        "down": rate_last("down"),
    }


# -- knowledge base ------------------------------------------------------------------------------------
def _doc_table(service: WebService) -> pd.DataFrame:
    return pd.DataFrame(render.document_rows(service.documents()), columns=render.DOC_HEADERS)


def _doc_choices(service: WebService) -> Any:
    return gr.update(choices=[(render.doc_label(d), d.doc_id) for d in service.documents()], value=None)


PHASES = {"read": "正在读取、切分", "embed": "正在计算向量", "store": "正在写入索引"}


def _progress_fn(progress: gr.Progress) -> Any:
    """Progress within each file (读取/切分 → 计算向量 → 写入索引), the bar counting embedded chunks, so
    one long document does not sit at 0% for a minute."""

    def report(s: IngestStep) -> None:
        within = s.done / s.total if s.phase == "embed" and s.total else 1.0 if s.phase == "store" else 0.0
        of = f"（第 {s.file_no}/{s.files} 个文件）"
        counted = f" {s.done}/{s.total} 块" if s.phase == "embed" else ""
        progress((s.file_no - 1 + within) / s.files, desc=f"{PHASES[s.phase]}：{s.name}{counted}{of}")

    return report


def _kb_handlers(service: WebService, guard: Guard) -> dict[str, Any]:
    def upload(
        files: list[str] | None,
        request: gr.Request,
        progress: gr.Progress = gr.Progress(),  # noqa: B008
    ) -> tuple[Any, ...]:
        try:
            files = check_files(files)
        except InputRejected as exc:
            guard(request, MANAGE, "upload")
            raise _rejected(exc) from exc
        user = guard(request, MANAGE, "upload", tuple(Path(f).name for f in files))
        if not files:
            return "请先选择文件", _doc_table(service), _doc_choices(service)
        progress(0, desc="正在读取文件…")
        result = service.upload(
            [(Path(f).name, Path(f)) for f in files], step=_progress_fn(progress), user=user
        )
        return result.summary(), _doc_table(service), _doc_choices(service)

    def delete(doc_id: str | None, request: gr.Request) -> tuple[Any, ...]:
        try:
            doc_id = check_doc_key(doc_id)
        except InputRejected as exc:
            guard(request, MANAGE, "delete")
            raise _rejected(exc) from exc
        user = guard(request, MANAGE, "delete", (doc_id,))
        if not doc_id:
            return "请先在下拉框中选择要删除的文件", _doc_table(service), _doc_choices(service)
        try:
            rec = service.delete(doc_id, user=user)
        except ServiceError as exc:
            return str(exc), _doc_table(service), _doc_choices(service)
        msg = f"已删除 {rec.source}（{rec.n_chunks} 块）" if rec else f"未找到文件 {doc_id}"
        return msg, _doc_table(service), _doc_choices(service)

    def ask_delete(doc_id: str | None, request: gr.Request) -> tuple[str, Any]:
        """The 删除 button only asks (删除确认); 确认删除 runs :func:`delete` (the ``/delete`` endpoint)."""
        guard(request, MANAGE)
        try:
            doc_id = check_doc_key(doc_id)
        except InputRejected as exc:
            raise _rejected(exc) from exc
        rec = service.doc_record(doc_id) if doc_id else None
        if rec is None:
            return ("请先在下拉框中选择要删除的文件" if not doc_id else f"未找到文件 {doc_id}"), gr.Row(
                visible=False
            )
        return (
            f"确定删除 {rec.source}（{rec.title or '无标题'}，{rec.n_chunks} 块）吗？删除后需重新上传才能恢复。"
            "请点“确认删除”，或点“不删除”。",
            gr.Row(visible=True),
        )

    def reindex(request: gr.Request, progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
        user = guard(request, MANAGE, "reindex")
        progress(0, desc="正在重新读取文件…")
        try:
            r = service.reindex(step=_progress_fn(progress), user=user)
        except ServiceError as exc:
            return str(exc), _doc_table(service), _doc_choices(service)
        msg = (
            f"重新索引完成：新增 {len(r.added)}，更新 {len(r.updated)}，未变 {len(r.unchanged)}，"
            f"失败 {len(r.failed)}；共 {r.chunks_total} 块，用时 {r.seconds:.1f} 秒"
        )
        if r.cancelled:
            msg += f"\n已取消：{len(r.cancelled)} 个文件未处理（取消前已导入的文件保留）"
        return msg, _doc_table(service), _doc_choices(service)

    def cancel(request: gr.Request) -> str:
        """Stop the running upload or re-index (取消); not in the write group, so it never waits for it."""
        guard(request, MANAGE)
        if service.cancel():
            return "正在取消：当前这批向量算完即停止，已导入的文件保留，未完成的文件不入库"
        return "没有正在进行的导入或重新索引"

    def export_feedback(fmt: str, request: gr.Request) -> str:
        guard(request, MANAGE)
        try:
            fmt = check_choice(fmt, "format", FEEDBACK_FORMATS)
        except InputRejected as exc:
            raise _rejected(exc) from exc
        out = Path(tempfile.mkdtemp(prefix="pa-feedback-")) / f"feedback-{time.strftime('%Y%m%d-%H%M%S')}"
        if fmt == "xlsx":
            return str(service.feedback.export_xlsx(out.with_suffix(".xlsx")))
        return str(service.feedback.export_csv(out.with_suffix(".csv")))

    def hit_test(question: str, k: float, request: gr.Request) -> pd.DataFrame:
        guard(request, READ)
        try:
            hits = service.search(question, check_int(k, "k", 1, WEB.hit_test_k))
        except (ServiceError, InputRejected) as exc:
            raise gr.Error(render.toast(str(exc))) from exc
        return pd.DataFrame(render.hit_rows(hits), columns=render.HIT_HEADERS)

    def on_load(request: gr.Request) -> tuple[Any, ...]:
        user = guard(request, READ)
        role = guard.access.role(user)
        who = render.text_html(f"当前用户：{user}（{ROLE_NAMES[role]}）") if user and role else ""
        manage = role == MANAGE
        shown = gr.update(visible=manage)
        return _doc_table(service), _doc_choices(service), shown, shown, who

    return {
        "upload": upload,
        "delete": delete,
        "ask_delete": ask_delete,
        "reindex": reindex,
        "cancel": cancel,
        "export": export_feedback,
        "hits": hit_test,
        "load": on_load,
    }


# -- plain API endpoints ------------------------------------------------------------------------------
def _rejected(exc: Exception) -> gr.Error:
    """A refused input as the error an API caller sees (never ``{"error": null}``)."""
    return gr.Error(render.toast(str(exc)), title="输入有误")


def _api(service: WebService, guard: Guard) -> None:
    def ask(question: str, request: gr.Request, history: list[str] | None = None) -> dict[str, Any]:
        """Answer a question from the documents; ``history`` lists earlier questions of the conversation."""
        guard(request, READ)
        try:
            answer_id, answer = service.ask(question, [Turn(q) for q in check_history(history)])
        except (ServiceError, InputRejected) as exc:
            raise _rejected(exc) from exc
        return answer_payload(answer_id, answer, service.doc_record)

    def search(question: str, request: gr.Request, k: int = 10) -> list[dict[str, Any]]:
        """Ranked passages with their fused scores and the ranks from each retriever."""
        guard(request, READ)
        try:
            hits = service.search(question, check_int(k, "k", 1, WEB.search_k))
        except (ServiceError, InputRejected) as exc:
            raise _rejected(exc) from exc
        return [h.to_dict() | {"bm25_rank": h.bm25_rank, "dense_rank": h.dense_rank} for h in hits]

    def feedback(answer_id: str, rating: str, request: gr.Request, comment: str = "") -> dict[str, Any]:
        """Rate an answer (rating "up" or "down") with an optional comment."""
        guard(request, READ)
        try:
            answer_id = check_answer_id(answer_id)
            rating = check_choice(rating, "rating", RATINGS)
            comment = check_text(comment, "comment", WEB.comment_chars)
            return {"id": service.record_feedback(answer_id, rating, comment)}
        except ValueError as exc:  # InputRejected, ServiceError
            raise _rejected(exc) from exc

    def documents(request: gr.Request) -> list[dict[str, Any]]:
        """The documents in the knowledge base."""
        guard(request, READ)
        return [{k: getattr(d, k) for k in d.__slots__} for d in service.documents()]

    for fn in (ask, search, feedback, documents):
        gr.api(fn, api_name=fn.__name__)


# -- layout -------------------------------------------------------------------------------------------
def build_app(service: WebService, access: Access | None = None) -> gr.Blocks:
    guard = Guard(service, access or Access())
    chat, kb = _chat_handlers(service, guard), _kb_handlers(service, guard)
    with gr.Blocks(title="政策通", analytics_enabled=False) as demo:
        gr.Markdown("# 政策通\n只依据已入库的政策文件回答，每个答案都附原文出处。", elem_id="pa-title")
        who = gr.Markdown(elem_id="pa-who")
        turns = gr.State([])
        with gr.Tabs():
            with gr.Tab("问答", id="chat"):
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
                    ask_btn = gr.Button(
                        "提问", variant="primary", scale=1, min_width=72, elem_id="pa-ask-btn"
                    )
                gr.Examples([[q] for q in EXAMPLES], inputs=[question], label="示例问题（点一下填入）")
                new_btn = gr.Button("新对话（清空上下文）", size="sm")
                copy_box = gr.Textbox(
                    label="复制答案（含出处）", lines=2, max_lines=8, interactive=False, buttons=["copy"],
                    elem_id="pa-copy",
                )  # fmt: skip
                with gr.Accordion("评价回答", open=False) as rate_panel:
                    comment = gr.Textbox(
                        label="意见（可选）", lines=2, placeholder="哪里不对？正确的出处是？"
                    )
                    with gr.Row():
                        up_btn = gr.Button("👍 有用", size="sm", min_width=80, elem_id="pa-up-btn")
                        down_btn = gr.Button("👎 没用", size="sm", min_width=80, elem_id="pa-down-btn")
                    rate_status = gr.Markdown()
            with gr.Tab("知识库", id="kb"):
                # Management controls are shown to managers only; the handlers check the role anyway.
                with gr.Column(elem_id="pa-manage-upload") as manage_upload:
                    files = gr.File(
                        label="上传文件：" + " ".join(sorted(ALLOWED_SUFFIXES)) + f"，单个不超过 {service.max_upload_bytes // 2**20} MB，GBK 编码亦可",
                        file_count="multiple", file_types=sorted(ALLOWED_SUFFIXES), type="filepath",
                        elem_id="pa-files",
                    )  # fmt: skip
                    with gr.Row():
                        upload_btn = gr.Button(
                            "导入知识库", variant="primary", scale=3, elem_id="pa-upload-btn"
                        )
                        cancel_btn = gr.Button(
                            "取消", variant="stop", scale=1, min_width=72, elem_id="pa-cancel-btn"
                        )
                    kb_status = gr.Textbox(label="状态", lines=2, interactive=False, elem_id="pa-kb-status")
                doc_table = gr.Dataframe(
                    headers=render.DOC_HEADERS, interactive=False, wrap=True,
                    label="已入库文件", elem_id="pa-docs",
                )  # fmt: skip
                with gr.Column(elem_id="pa-manage-docs") as manage_docs:
                    with gr.Row():
                        doc_pick = gr.Dropdown(
                            label="选择文件", choices=[], scale=3, min_width=200, allow_custom_value=True
                        )  # API callers pass a doc id without loading the page's choices
                        delete_btn = gr.Button(
                            "删除", variant="stop", scale=1, min_width=72, elem_id="pa-delete-btn"
                        )
                        reindex_btn = gr.Button("重新索引", scale=1, min_width=72)
                    with gr.Row(visible=False, elem_id="pa-confirm-delete") as confirm_row:
                        confirm_btn = gr.Button(
                            "确认删除", variant="stop", min_width=72, elem_id="pa-confirm-delete-btn"
                        )
                        keep_btn = gr.Button("不删除", min_width=72, elem_id="pa-keep-btn")
                    with gr.Accordion("导出用户反馈", open=False):
                        with gr.Row():
                            export_fmt = gr.Radio(["xlsx", "csv"], value="xlsx", label="格式", min_width=160)
                            export_btn = gr.Button("导出", size="sm", min_width=72)
                        export_file = gr.File(label="下载", interactive=False)
            with gr.Tab("检索测试", id="hits"):
                hit_q = gr.Textbox(label="问题", placeholder="看看检索到哪些段落、得分多少")
                hit_k = gr.Slider(1, 30, value=10, step=1, label="段落数")
                hit_btn = gr.Button("检索", variant="primary")
                hit_table = gr.Dataframe(
                    headers=render.HIT_HEADERS, interactive=False, wrap=True, label="检索结果"
                )
            build_quiz_tab(service.assistant, lambda r: guard(r, READ))  # 出题: generate, review, export

        private: dict[str, Any] = {"api_visibility": "private"}
        chat_io: dict[str, Any] = {
            "inputs": [question, turns],
            "outputs": [chatbot, turns, copy_box, question],
        }
        ask_btn.click(chat["respond"], **chat_io, **private)
        question.submit(chat["respond"], **chat_io, **private)
        clear_out = [chatbot, turns, copy_box, rate_status]
        new_btn.click(chat["clear"], outputs=clear_out, **private)
        chatbot.clear(chat["clear"], outputs=clear_out, **private)
        chatbot.like(chat["on_like"], inputs=[turns, comment], outputs=[rate_status, rate_panel], **private)
        up_btn.click(chat["up"], [turns, comment], [rate_status], **private)
        down_btn.click(chat["down"], [turns, comment], [rate_status], **private)

        kb_out = [kb_status, doc_table, doc_pick]
        write: dict[str, Any] = {"concurrency_limit": 1, "concurrency_id": WRITE_GROUP}
        upload: dict[str, Any] = {"concurrency_limit": 2, "concurrency_id": UPLOAD_GROUP}
        upload_btn.click(kb["upload"], [files], kb_out, api_name="upload", **upload)
        hide_confirm: dict[str, Any] = {"fn": lambda: gr.Row(visible=False), "outputs": [confirm_row]}
        delete_btn.click(kb["ask_delete"], [doc_pick], [kb_status, confirm_row], **private)
        confirm_btn.click(kb["delete"], [doc_pick], kb_out, api_name="delete", **write).then(
            **hide_confirm, **private
        )
        keep_btn.click(lambda: (gr.Row(visible=False), "未删除"), None, [confirm_row, kb_status], **private)
        doc_pick.change(**hide_confirm, **private)  # the question named the file chosen before
        reindex_btn.click(kb["reindex"], None, kb_out, api_name="reindex", **write)
        cancel_btn.click(kb["cancel"], None, [kb_status], api_name="cancel")  # outside the write group
        export_btn.click(kb["export"], [export_fmt], [export_file], api_name="export_feedback")
        hit_btn.click(kb["hits"], [hit_q, hit_k], [hit_table], **private)
        hit_q.submit(kb["hits"], [hit_q, hit_k], [hit_table], **private)
        demo.load(kb["load"], None, [doc_table, doc_pick, manage_upload, manage_docs, who], **private)
        _api(service, guard)
    _name_missing_inputs(demo)
    return demo


def _name_missing_inputs(demo: gr.Blocks) -> None:
    """A call with too few values is refused by Gradio with a ``ValueError``, which an API caller sees as
    ``{"error": null}`` (the server hides exception texts); say what is missing instead."""
    validate = demo.validate_inputs

    def validate_inputs(block_fn: Any, inputs: list[Any]) -> None:
        try:
            validate(block_fn, inputs)
        except ValueError as exc:
            raise gr.Error(
                f"缺少参数：接口 {block_fn.api_name or block_fn.name} 需要 {len(block_fn.inputs)} 个参数，"
                f"收到 {len(inputs)} 个",
                title="输入有误",
            ) from exc

    demo.validate_inputs = validate_inputs  # type: ignore[method-assign]


def launch(
    service: WebService,
    *,
    host: str = "127.0.0.1",
    port: int = 7860,
    users: Mapping[str, str] | None = None,
    access: Access | None = None,
    throttle: LoginThrottle | None = None,
    trusted_proxies: Sequence[str] = (),
    api_keys: ApiKeys | None = None,
    api_limiter: RateLimiter | None = None,
    prevent_thread_lock: bool = False,
    quiet: bool = False,
) -> gr.Blocks:
    """Start the server. Any address other than loopback requires users (login).

    ``access`` limits the knowledge base to the users it names (they need to sign in, so it
    requires ``users``); ``throttle`` (default: 5 failures, then 30 s doubling) guards the login.
    ``trusted_proxies`` (``--trusted-proxy``) are the reverse proxies whose ``X-Forwarded-For`` names
    the client; from any other peer, loopback included, the header is ignored.
    ``api_keys`` (``--api-keys``) open the API (:mod:`ui.api`) to key holders; without them it
    answers loopback clients only, and only when there is no web login.
    """
    access = access or Access()
    if not is_loopback(host) and not users:
        raise StartupRefused(
            f"拒绝在 {host} 上无登录启动：除 127.0.0.1 外的地址会被局域网中其他人访问。"
            "请用 --auth 用户文件（或环境变量 POLICY_ASSISTANT_USERS）开启登录，或改用 --host 127.0.0.1"
        )
    if access.limited and not users:
        raise StartupRefused("权限文件需要登录才能生效：请同时用 --auth 指定用户文件")
    try:
        allow_ips = forwarded_allow_ips(trusted_proxies)
    except ValueError as exc:
        raise StartupRefused(str(exc)) from exc
    # Gradio builds uvicorn's Config itself; uvicorn reads this when launch() creates it (default:
    # trust loopback, which would let any local client pose as a new address on every login try).
    os.environ["FORWARDED_ALLOW_IPS"] = allow_ips
    middleware = [Middleware(SecurityHeadersMiddleware)]
    if users:
        middleware.append(Middleware(LoginThrottleMiddleware, throttle=throttle or LoginThrottle()))
    # The open API (/v1, /api; ui.api) answers beside Gradio, never through its queue or its login.
    api = build_api(service, access, keys=api_keys, limiter=api_limiter, web_login=bool(users))
    middleware.append(Middleware(ApiDispatchMiddleware, api=api))
    demo = build_app(service, access)
    demo.queue(max_size=QUEUE_SIZE, default_concurrency_limit=CONCURRENCY)
    allowed = (lambda name: access.role(name) is not None) if access.limited else None
    demo.launch(
        server_name=host, server_port=port, share=False, prevent_thread_lock=prevent_thread_lock, quiet=quiet,
        auth=checker(users, allowed) if users else None, auth_message="政策通：请输入用户名和密码",
        max_file_size=service.max_upload_bytes, ssr_mode=False, pwa=False, mcp_server=False,
        enable_monitoring=False, footer_links=[], show_error=False,
        theme=gr.themes.Default(font=list(FONTS), font_mono=list(MONO_FONTS)), css=CSS,
        app_kwargs={"middleware": middleware},
    )  # fmt: skip
    return demo
