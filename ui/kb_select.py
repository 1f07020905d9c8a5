"""The 知识库 dropdown (知识库选择) of a server with several knowledge bases (``serve --kb NAME=PATH``).

Each knowledge base gets its own panel in each of the 问答 (conversations, chat, viewer), 知识库,
检索测试 and 出题 tabs, built once over its own :class:`ui.service.WebService` and checked by its own
:class:`ui.guard.Guard`; the dropdown (above the tabs) shows the chosen one's panels and hides the
others', and offers a signed-in user only the knowledge bases they may read. Every handler keeps
the service it was built with, so a question, a source opened in the viewer, a saved conversation, an
upload, a hit test or a quiz (its document list, generation and export) can only ever reach the
knowledge base whose panel it came from: conversations are stored in that knowledge base's index
folder and listed in its panel, so opening one continues it there. Gradio leaves hidden panels out of
the page, so the element ids of the visible one stay unique.

With one knowledge base nothing here is used and the page is as before (:func:`ui.app.build_app`).
The open API (``/api``, ``/v1``) lets each call name its knowledge base (:mod:`ui.api_kbs`), and so do the
Gradio API endpoints (``/ask``, ``/search`` …, for ``gradio_client``: :mod:`ui.gradio_api`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from typing import Any

import gradio as gr

from ui.access import READ
from ui.chat_tab import build_chat_panel
from ui.guard import Guard
from ui.kb_tab import TABS, build_kb_tabs
from ui.knowledge_bases import ServedKb
from ui.quiz_tab import build_quiz_panel

__all__ = ["PICKER_ID", "ServedKb", "build_kb_select", "readable", "shown"]

PICKER_ID = "pa-kb-select"


def readable(kbs: Sequence[ServedKb], user: str | None) -> list[str]:
    """The names of the knowledge bases ``user`` may read, in the server's order."""
    return [kb.name for kb in kbs if kb.access.role(user) is not None]


def shown(kbs: Sequence[ServedKb], chosen: str | None) -> list[bool]:
    """Which knowledge base's panels are visible for ``chosen`` (the first one for an unknown name)."""
    names = [kb.name for kb in kbs]
    index = names.index(chosen) if chosen in names else 0
    return [i == index for i in range(len(kbs))]


def build_kb_select(demo: gr.Blocks, kbs: Sequence[ServedKb], who: gr.Markdown) -> None:
    """The 知识库 dropdown and the tabs of a server with several knowledge bases, inside ``demo``.

    问答, 知识库, 检索测试 and 出题 each hold one panel per knowledge base (hidden but the chosen one's):
    the tabs themselves never change, so the one the user is on stays selected when the choice changes."""
    guards = [Guard(kb.service, kb.access, quiet_outsiders=True) for kb in kbs]
    names = [kb.name for kb in kbs]
    panels: list[Any] = []
    last = gr.BrowserState("", storage_key=f"{PICKER_ID}-last")  # the browser's last choice (localStorage)
    picker = gr.Dropdown(  # above the tabs: the 知识库 page and 检索测试 say which one they show too
        choices=names, value=names[0], label="知识库", interactive=True, elem_id=PICKER_ID,
        info="问答、出处、对话记录、知识库页、检索测试和出题都使用所选的知识库",
    )  # fmt: skip
    with gr.Tabs():
        chat_tab = gr.Tab("问答", id="chat")
        tabs = {key: gr.Tab(label, id=key) for key, label in TABS.items()}
        tabs["quiz"] = quiz_tab = gr.Tab("出题", id="quiz")
        for i, (kb, guard) in enumerate(zip(kbs, guards, strict=True)):

            @contextmanager
            def place(key: str, i: int = i) -> Iterator[None]:
                tab = chat_tab if key == "chat" else tabs[key]
                with (
                    tab,
                    gr.Column(visible=i == 0, elem_classes=["pa-kb-panel", f"pa-kb-{key}-{i}"]) as panel,
                ):
                    panels.append((i, panel))
                    yield

            with place("chat"):
                build_chat_panel(kb.service, guard)
            build_kb_tabs(demo, kb.service, guard, who, place)
            with place("quiz"):  # its document list follows uploads, and the dropdown's choice
                build_quiz_panel(
                    kb.service.assistant, partial(guard, need=READ), (quiz_tab.select, picker.input)
                )

    def layout(chosen: str | None) -> list[Any]:
        flags = shown(kbs, chosen)
        return [gr.Column(visible=flags[i]) for i, _panel in panels]

    def choose(chosen: str | None, request: gr.Request) -> list[Any]:
        """The dropdown changed: the chosen knowledge base's panels, after its role check; the browser
        remembers the choice."""
        index = names.index(chosen) if chosen in names else 0
        guards[index](request, READ)
        return [*layout(names[index]), names[index]]

    def on_load(remembered: str | None, request: gr.Request) -> list[Any]:
        """The dropdown offers the knowledge bases the signed-in user may read; a reload comes back to
        the one chosen last (its conversations are in its panel)."""
        user = getattr(request, "username", None)
        allowed = readable(kbs, user) or names[:1]  # none readable: the guards refuse every request
        pick = remembered if remembered in allowed else allowed[0]
        return [gr.Dropdown(choices=allowed, value=pick), *layout(pick)]

    outputs = [panel for _i, panel in panels]
    private: dict[str, Any] = {"api_visibility": "private"}
    picker.input(choose, [picker], [*outputs, last], api_name="choose_kb", **private)
    demo.load(on_load, [last], [picker, *outputs], api_name="kb_choices", **private)
