"""The 出题 tab of the web chat: generate, preview, edit, delete and regenerate items, then export.

``build_quiz_tab(assistant)`` adds the tab inside an open ``gr.Blocks``/``gr.Tabs`` context; a server
with several knowledge bases (:mod:`ui.kb_select`) puts one :func:`build_quiz_panel` per knowledge base
in its 出题 tab instead. All quiz logic lives in :mod:`quiz` (this module only wires widgets to it).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant import InputRejected
from quiz import (
    ITEM_TYPES,
    REVIEW_COLUMNS,
    TYPE_NAMES,
    QuizGenerator,
    QuizItem,
    QuizSpec,
    answer_key_path,
    export,
    items_to_rows,
    rows_to_items,
)
from ui import render
from ui.limits import WEB, check_int, check_list, check_text

if TYPE_CHECKING:
    from assistant import Assistant

_TYPE_CHOICES = [(TYPE_NAMES[t], t) for t in ITEM_TYPES]
_DIFFICULTY_CHOICES = [("不限", ""), ("易", "easy"), ("中", "medium"), ("难", "hard")]
SEED_LABEL = "题目组合编号（换个数字，出另一套题）"  # the generator's seed, in a trainer's words
_FORMATS = [
    ("Excel（.xlsx）", "xlsx"),
    ("Word 试卷+答案（.docx）", "docx"),
    ("JSON", "json"),
    ("CSV", "csv"),
    ("Markdown", "md"),
]


def _spec(
    docs: list[str], sections: str, n: float, types: list[str], seed: float, difficulty: str, verify: bool
) -> QuizSpec:
    """The quiz asked for; ``gr.Error`` naming the field when a value is over its limit (ui.limits)."""
    try:
        count = check_int(1 if n is None else n, "题量", 1, WEB.quiz_items)
        docs = check_list(docs, "出题文件", WEB.quiz_docs)
        sections = check_text(sections, "章节", WEB.quiz_sections_chars)
        seed = check_int(1 if seed is None else seed, "题目组合编号", 0, WEB.quiz_seed)
    except InputRejected as exc:
        raise gr.Error(render.toast(str(exc)), title="输入有误") from exc
    chosen = tuple(t for t in ITEM_TYPES if t in (types or ITEM_TYPES))
    return QuizSpec.even(
        count, chosen or ITEM_TYPES, docs=tuple(docs),
        sections=tuple(s for s in sections.replace("，", ",").split(",") if s.strip()),
        difficulty=difficulty or None, seed=seed or 1, verify=bool(verify),
    )  # fmt: skip


def _preview(items: list[QuizItem]) -> str:
    return render.quiz_preview_html(items)  # items quote documents: shown literally, never as markup


_say = render.text_html  # status lines of the tab (they name documents and echo edited cells)


def export_files(items: list[QuizItem], fmt: str, out_dir: Path) -> list[str]:
    """The files to download: the Word paper comes with its answer key (written beside it)."""
    if not items:
        return []
    path = export(items, out_dir / f"quiz.{fmt}")
    key = answer_key_path(path)
    return [str(path), str(key)] if fmt == "docx" and key.is_file() else [str(path)]


def _no_check(request: gr.Request | None) -> None:
    return None


def build_quiz_tab(assistant: Assistant, check: Callable[[gr.Request | None], Any] = _no_check) -> None:
    """Add the 出题 tab (call inside ``with gr.Tabs():``); ``check`` runs first in every handler and
    raises ``gr.Error`` when the signed-in user may not read this knowledge base."""
    with gr.Tab("出题", id="quiz") as tab:
        build_quiz_panel(assistant, check, (tab.select,))


def build_quiz_panel(
    assistant: Assistant, check: Callable[[gr.Request | None], Any], refresh_on: Sequence[Callable[..., Any]]
) -> None:
    """The 出题 widgets over ``assistant``'s documents, inside an open container; ``check`` as for
    :func:`build_quiz_tab`. The document list is read again on each event of ``refresh_on`` (listeners
    such as ``tab.select``): documents are uploaded and deleted while the server runs."""
    generator = QuizGenerator(assistant, assistant)
    out_dir = Path(tempfile.mkdtemp(prefix="pa-quiz-"))
    clicks = {"regenerate": 0}  # each click asks for a fresh item, even for the same number

    def doc_choices() -> list[tuple[str, str]]:
        return [(render.plain(d.title or d.source), d.source) for d in assistant.documents()]

    def refresh_docs(chosen: list[str] | None, request: gr.Request) -> Any:
        """The document list as it is now (documents are uploaded and deleted while the server runs)."""
        check(request)
        choices = doc_choices()
        known = {value for _label, value in choices}
        kept = [c for c in chosen or [] if c in known]
        return gr.Dropdown(choices=choices, value=kept or None)  # None: an empty list warns

    items_state = gr.State([])
    spec_state = gr.State(None)
    with gr.Row():
        docs = gr.Dropdown(choices=doc_choices(), multiselect=True, label="出题文件（不选则全部）", scale=3)
        sections = gr.Textbox(label="章节（可选，逗号分隔，如 第二章）", scale=2)
    with gr.Row():
        n = gr.Number(value=20, precision=0, minimum=1, maximum=200, label="题量")
        types = gr.CheckboxGroup(choices=_TYPE_CHOICES, value=list(ITEM_TYPES), label="题型")
        difficulty = gr.Dropdown(choices=_DIFFICULTY_CHOICES, value="", label="难度")
        seed = gr.Number(value=1, precision=0, minimum=0, label=SEED_LABEL)
        verify = gr.Checkbox(value=True, label="用问答助手复核答案")
    generate_btn = gr.Button("生成试题", variant="primary")
    report = gr.Markdown()
    preview = gr.Markdown(_preview([]))
    table = gr.Dataframe(
        headers=list(REVIEW_COLUMNS),
        type="array",
        interactive=True,
        wrap=True,
        label="审核（可直接修改后点“保存修改”）",
        elem_id="pa-quiz-review",
    )
    with gr.Row():
        save_btn = gr.Button("保存修改")
        index = gr.Number(value=1, precision=0, minimum=1, label="题号")
        delete_btn = gr.Button("删除此题", variant="stop")
        regen_btn = gr.Button("重新生成此题")
    with gr.Row():
        fmt = gr.Dropdown(choices=_FORMATS, value="xlsx", label="导出格式")
        export_btn = gr.Button("导出")
        file = gr.File(label="下载", file_count="multiple", elem_id="pa-quiz-file")

    def on_generate(
        d: list[str], s: str, k: float, t: list[str], sd: float, diff: str, v: bool, request: gr.Request
    ) -> tuple[Any, ...]:
        check(request)
        spec = _spec(d, s, k, t, sd, diff, v)
        quiz = generator.generate(spec)
        items = list(quiz.items)
        notes = "".join(f"\n\n提示：{x}" for x in quiz.report.notes)
        return items, spec, _say(quiz.report.summary() + notes), _preview(items), items_to_rows(items)

    def on_save(items: list[QuizItem], rows: list[list[Any]], request: gr.Request) -> tuple[Any, ...]:
        check(request)
        new, errors = rows_to_items(items, rows or [])
        msg = "已保存修改" if not errors else "以下修改未保存：\n" + "\n".join(f"- {e}" for e in errors)
        return new, _say(msg), _preview(new), items_to_rows(new)

    def on_delete(items: list[QuizItem], i: float, request: gr.Request) -> tuple[Any, ...]:
        check(request)
        k = int(i or 0) - 1
        if not 0 <= k < len(items):
            return items, _say(f"题号应在 1–{len(items)} 之间"), _preview(items), items_to_rows(items)
        new = items[:k] + items[k + 1 :]
        return new, _say(f"已删除第 {k + 1} 题"), _preview(new), items_to_rows(new)

    def on_regenerate(
        items: list[QuizItem], spec: QuizSpec | None, i: float, request: gr.Request
    ) -> tuple[Any, ...]:
        check(request)
        k = int(i or 0) - 1
        if spec is None or not 0 <= k < len(items):
            return items, _say("请先生成试题，并填写有效题号"), _preview(items), items_to_rows(items)
        clicks["regenerate"] += 1
        item = generator.regenerate(items, k, spec, attempt=clicks["regenerate"])
        if item is None:
            return (
                items,
                _say("没有可替换的新题（换一些文件或题型再试）"),
                _preview(items),
                items_to_rows(items),
            )
        new = [*items[:k], item, *items[k + 1 :]]
        return new, _say(f"已重新生成第 {k + 1} 题"), _preview(new), items_to_rows(new)

    def on_export(items: list[QuizItem], f: str, request: gr.Request) -> list[str] | None:
        check(request)
        return export_files(items, f, out_dir) or None

    outputs = [items_state, report, preview, table]
    generate_btn.click(
        on_generate,
        [docs, sections, n, types, seed, difficulty, verify],
        [items_state, spec_state, report, preview, table],
    )
    save_btn.click(on_save, [items_state, table], outputs)
    delete_btn.click(on_delete, [items_state, index], outputs)
    regen_btn.click(on_regenerate, [items_state, spec_state, index], outputs)
    export_btn.click(on_export, [items_state, fmt], file)
    for listener in refresh_on:
        listener(refresh_docs, [docs], [docs])
