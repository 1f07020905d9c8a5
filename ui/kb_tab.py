"""The 知识库 and 检索测试 tabs: upload, delete (with confirmation), re-index, cancel, feedback export
and hit testing. Management controls are shown to managers only; the handlers check the role anyway.

Endpoints the API offers (``gradio_client``): ``/upload``, ``/delete``, ``/reindex``, ``/cancel`` (stops
a running upload or re-index), ``/set_enabled`` (启用/停用 a document without deleting it) and
``/export_feedback``. The documents table shows each document's 文号, dates and state (已停用, vectors
still being computed, 可用); every reader can open a document's passages (查看分块).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd

from assistant import DocRecord, IngestStep, InputRejected
from ui import render
from ui.access import MANAGE, READ, ROLE_NAMES
from ui.curated_tab import build_curated_section
from ui.guard import Guard
from ui.guard import rejected as _rejected
from ui.ingest_board import Eta, IngestBoard, board_rows, eta_text, vector_state
from ui.limits import FEEDBACK_FORMATS, WEB, check_choice, check_doc_key, check_files, check_int
from ui.service import ServiceError, WebService
from ui.upload_checks import ALLOWED_SUFFIXES

WRITE_GROUP = "kb-write"  # delete / re-index: one at a time
# Uploads are not queued behind a running one (Gradio would show its English "queue: 1/1" for a minute):
# the service answers a second upload at once that another is being imported (BUSY_JOB).
UPLOAD_GROUP = "kb-upload"


def _revised(service: WebService, records: list[DocRecord]) -> dict[str, str]:
    """修订日期 of the documents that have one (laws: ``extra['revised']`` of the catalog's metadata)."""
    out = {}
    for r in records:
        meta = service.assistant.document_meta(r.doc_id)
        revised = dict(meta.extra).get("revised", "") if meta else ""
        if revised:
            out[r.doc_id] = revised
    return out


def _vector_status(service: WebService) -> dict[str, str]:
    """Doc id → e.g. 关键词可检索，向量 12/40，约剩 30 秒 for documents whose vectors the background
    filler has not finished (ui.ingest_board.vector_state; a ready document shows 可用, or 已停用)."""
    error = service.fill_error
    return {
        doc_id: vector_state(v, service.vector_eta(v.pending), error)
        for doc_id, v in service.vector_status().items()
        if v.state != "ready"
    }


def _doc_table(service: WebService, board: IngestBoard | None = None) -> pd.DataFrame:
    """The 已入库文件 table; with ``board``, the files of the running upload with their state too."""
    records = service.documents()
    status = _vector_status(service)
    pending = board.items() if board else []
    by_name = {r.source: r.doc_id for r in records}
    status.update({by_name[name]: state for name, state in pending if name in by_name})
    rows = render.document_rows(
        records,
        revised=_revised(service, records),
        disabled=service.assistant.disabled_documents(),
        status=status,
    )
    rows = board_rows(pending, by_name) + rows  # files not stored yet come first
    return pd.DataFrame(rows, columns=render.DOC_HEADERS)


def _doc_choices(service: WebService) -> Any:
    off = service.assistant.disabled_documents()
    labels = [(render.doc_label(d, d.doc_id in off), d.doc_id) for d in service.documents()]
    return gr.update(choices=labels, value=None)


PHASES = {"read": "正在读取、切分", "embed": "正在计算向量", "store": "正在写入索引"}


def _progress_fn(progress: gr.Progress, board: IngestBoard | None = None) -> Any:
    """Progress within each file (读取/切分 → 计算向量 → 写入索引), the bar counting embedded chunks, so
    one long document does not sit at 0% for a minute, with the time left once a batch gave the rate;
    each file's state also goes on ``board`` (the documents table shows it)."""
    eta = Eta()

    def report(s: IngestStep) -> None:
        if board is not None:
            board.step(s)
        within = s.done / s.total if s.phase == "embed" and s.total else 1.0 if s.phase == "store" else 0.0
        of = f"（第 {s.file_no}/{s.files} 个文件）"
        counted = f" {s.done}/{s.total} 块{eta_text(eta.left(s))}" if s.phase == "embed" else ""
        progress(
            (s.file_no - 1 + within) / s.files, desc=f"{PHASES.get(s.phase, s.phase)}：{s.name}{counted}{of}"
        )

    return report


def _kb_handlers(service: WebService, guard: Guard) -> dict[str, Any]:
    board = IngestBoard()  # the files of the running upload or re-index, shown in the table meanwhile

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
        named = [(Path(f).name, Path(f)) for f in files]
        mine = not service.job_running()  # a second upload is refused at once: the board stays the first's
        if mine:
            board.start(name for name, _ in named)
        try:
            result = service.upload(named, step=_progress_fn(progress, board), user=user)
        except BaseException:
            if mine:
                board.finish(None)
            raise
        if mine:
            board.finish(result.report, result.rejected)
        return result.summary(), _doc_table(service, board), _doc_choices(service)

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

    def lookup(doc_id: str | None) -> tuple[str | None, DocRecord | None]:
        """The document key from the page, checked (a malformed one is rejected), and its record."""
        try:
            key = check_doc_key(doc_id)
        except InputRejected as exc:
            raise _rejected(exc) from exc
        return key, (service.doc_record(key) if key else None)

    def ask_delete(doc_id: str | None, request: gr.Request) -> tuple[str, Any]:
        """The 删除 button only asks (删除确认); 确认删除 runs :func:`delete` (the ``/delete`` endpoint)."""
        guard(request, MANAGE)
        doc_id, rec = lookup(doc_id)
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
        board.start(())
        try:
            r = service.reindex(step=_progress_fn(progress, board), user=user)
        except ServiceError as exc:
            board.finish(None)
            return str(exc), _doc_table(service), _doc_choices(service)
        board.finish(r)
        msg = f"重新索引完成：{r.summary('short')}"
        if r.cancelled:
            msg += f"\n已取消：{len(r.cancelled)} 个文件未处理（取消前已导入的文件保留）"
        return msg, _doc_table(service), _doc_choices(service)

    def cancel(request: gr.Request) -> str:
        """Stop the running upload or re-index (取消); not in the write group, so it never waits for it."""
        guard(request, MANAGE)
        if service.cancel():
            return (  # WebService.cancel: what is committed stays, keyword-searchable, vectors still filled
                "正在取消：尚未写入的文件不入库；已写入的文件保留（可按关键词检索，向量继续在后台补齐，"
                "不需要的文件请删除）"
            )
        return "没有正在进行的导入或重新索引"

    def set_enabled(doc_id: str | None, enabled: bool, request: gr.Request) -> tuple[Any, ...]:
        """启用/停用: a disabled document stays stored but is never retrieved or cited; audited."""
        action = "enable" if enabled else "disable"
        try:
            doc_id = check_doc_key(doc_id)
        except InputRejected as exc:
            guard(request, MANAGE, action)
            raise _rejected(exc) from exc
        user = guard(request, MANAGE, action, (doc_id,))
        rec = service.assistant.find_document(doc_id) if doc_id else None
        if rec is None:
            msg = "请先在下拉框中选择文件" if not doc_id else f"未找到文件 {doc_id}"
            return msg, _doc_table(service), _doc_choices(service)
        changed = service.assistant.set_document_enabled(rec.doc_id, bool(enabled), user)
        result = "ok" if changed else "unchanged"
        service.audit.record(user, action, [rec.source], result, doc_id=rec.doc_id)
        name = f"《{rec.title or rec.source}》"
        if enabled:
            msg = f"已启用 {name}，可以检索和引用" if changed else f"{name} 本来就是启用的"
        else:
            msg = (
                f"已停用 {name}：保留在库中，但不再检索和引用；点“启用”即可恢复"
                if changed
                else f"{name} 已是停用状态"
            )
        return msg, _doc_table(service), _doc_choices(service)

    def show_chunks(doc_id: str | None, request: gr.Request) -> str:
        """查看分块: a document's passages in order with their section labels (what is searchable of it)."""
        guard(request, READ)
        doc_id, rec = lookup(doc_id)
        if rec is None:
            return render.text_html("请先选择文件" if not doc_id else f"未找到文件 {doc_id}")
        chunks = service.assistant.document_chunks(rec.doc_id)
        return render.chunks_html(rec, chunks, service.doc_text(rec.doc_id))

    def refresh(busy: bool) -> tuple[Any, bool]:
        """The timer's tick: the table again while vectors are being computed, and once after."""
        now = board.active or service.job_running() or bool(_vector_status(service))
        if not now and not busy:
            return gr.skip(), False
        return _doc_table(service, board), now

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
        return pd.DataFrame(render.hit_rows(hits, service.doc_text), columns=render.HIT_HEADERS)

    def on_load(request: gr.Request) -> tuple[Any, ...]:
        user = guard(request, READ)
        role = guard.access.role(user)
        who = render.text_html(f"当前用户：{user}（{ROLE_NAMES[role]}）") if user and role else ""
        manage = role == MANAGE
        shown = gr.update(visible=manage)
        return _doc_table(service), _doc_choices(service), shown, shown, who, _doc_choices(service)

    return {
        "upload": upload,
        "delete": delete,
        "ask_delete": ask_delete,
        "reindex": reindex,
        "cancel": cancel,
        "set_enabled": set_enabled,
        "chunks": show_chunks,
        "refresh": refresh,
        "export": export_feedback,
        "hits": hit_test,
        "load": on_load,
    }


TABS = {"kb": "知识库", "hits": "检索测试"}  # tab id → label


def own_tab(key: str) -> AbstractContextManager[Any]:
    return gr.Tab(TABS[key], id=key)


def build_kb_tabs(
    demo: gr.Blocks,
    service: WebService,
    guard: Guard,
    who: gr.Markdown,
    place: Callable[[str], AbstractContextManager[Any]] = own_tab,
) -> None:
    """The 知识库 and 检索测试 tabs, inside an open ``gr.Tabs``; on page load, the table and the role.

    ``place(key)`` opens where each tab's content goes (:data:`TABS`): by default a tab of its own;
    with several knowledge bases, this one's panel inside the shared tab (:mod:`ui.kb_select`)."""
    kb = _kb_handlers(service, guard)
    with place("kb"):
        with gr.Column(elem_id="pa-manage-upload") as manage_upload:
            files = gr.File(
                label="上传文件：" + " ".join(sorted(ALLOWED_SUFFIXES)) + f"，单个不超过 {service.max_upload_bytes // 2**20} MB，GBK 编码亦可",
                file_count="multiple", file_types=sorted(ALLOWED_SUFFIXES), type="filepath",
                elem_id="pa-files",
            )  # fmt: skip
            with gr.Row():
                upload_btn = gr.Button("导入知识库", variant="primary", scale=3, elem_id="pa-upload-btn")
                cancel_btn = gr.Button("取消", variant="stop", scale=1, min_width=72, elem_id="pa-cancel-btn")
            kb_status = gr.Textbox(label="状态", lines=2, interactive=False, elem_id="pa-kb-status")
        doc_table = gr.Dataframe(
            headers=render.DOC_HEADERS, interactive=False, wrap=True,
            label="已入库文件", elem_id="pa-docs",
        )  # fmt: skip
        with gr.Column(elem_id="pa-manage-docs") as manage_docs:
            with gr.Row():
                doc_pick = gr.Dropdown(
                    label="选择文件", choices=[], scale=3, min_width=200, allow_custom_value=True,
                    elem_id="pa-doc-pick",
                )  # fmt: skip  # API callers pass a doc id without loading the page's choices
                delete_btn = gr.Button("删除", variant="stop", scale=1, min_width=72, elem_id="pa-delete-btn")
                disable_btn = gr.Button("停用", scale=1, min_width=72, elem_id="pa-disable-btn")
                enable_btn = gr.Button("启用", scale=1, min_width=72, elem_id="pa-enable-btn")
                reindex_btn = gr.Button("重新索引", scale=1, min_width=72)
            with gr.Row(visible=False, elem_id="pa-confirm-delete") as confirm_row:
                confirm_btn = gr.Button(
                    "确认删除", variant="stop", min_width=72, elem_id="pa-confirm-delete-btn"
                )
                keep_btn = gr.Button("不删除", min_width=72, elem_id="pa-keep-btn")
            enabled_flag = gr.Checkbox(visible=False)  # the /set_enabled endpoint's second input
            with gr.Accordion("导出用户反馈", open=False):
                with gr.Row():
                    export_fmt = gr.Radio(["xlsx", "csv"], value="xlsx", label="格式", min_width=160)
                    export_btn = gr.Button("导出", size="sm", min_width=72)
                export_file = gr.File(label="下载", interactive=False)
        with gr.Accordion("查看分块", open=False, elem_id="pa-chunk-view"):
            chunk_pick = gr.Dropdown(label="要查看的文件", choices=[], elem_id="pa-chunk-pick")
            chunk_html = gr.Markdown(elem_id="pa-chunks")  # gr.HTML evaluates JS, which the CSP forbids
        build_curated_section(demo, service, guard)  # 标注 / 精选答案 (ui.curated_tab, H13)
        busy = gr.State(False)
        ticker = gr.Timer(2.0)
    with place("hits"):
        hit_q = gr.Textbox(label="问题", placeholder="看看检索到哪些段落、得分多少")
        hit_k = gr.Slider(1, 30, value=10, step=1, label="段落数")
        hit_btn = gr.Button("检索", variant="primary")
        hit_table = gr.Dataframe(headers=render.HIT_HEADERS, interactive=False, wrap=True, label="检索结果")

    private: dict[str, Any] = {"api_visibility": "private"}
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
    toggle: dict[str, Any] = {"fn": kb["set_enabled"], "outputs": kb_out, **write}
    enabled_flag.change(inputs=[doc_pick, enabled_flag], **toggle, api_name="set_enabled")
    # Private listeners still take an API name (from the function's name unless given): name them apart.
    disable_btn.click(inputs=[doc_pick, gr.State(False)], **toggle, **private, api_name="disable_document")
    enable_btn.click(inputs=[doc_pick, gr.State(True)], **toggle, **private, api_name="enable_document")
    chunk_pick.change(kb["chunks"], [chunk_pick], [chunk_html], **private)
    ticker.tick(kb["refresh"], [busy], [doc_table, busy], **private, show_progress="hidden")
    export_btn.click(kb["export"], [export_fmt], [export_file], api_name="export_feedback")
    hit_btn.click(kb["hits"], [hit_q, hit_k], [hit_table], **private)
    hit_q.submit(kb["hits"], [hit_q, hit_k], [hit_table], **private)
    demo.load(kb["load"], None, [doc_table, doc_pick, manage_upload, manage_docs, who, chunk_pick], **private)
