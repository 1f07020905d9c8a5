"""Several knowledge bases in one server (多知识库): ``serve --kb NAME=PATH`` (repeatable).

Each ``--kb`` names a knowledge base and the index folder it lives in; the name is the one the
permissions file (``--permissions``) and the API keys (``--api-key-role``) give roles on, as
``--kb-name`` does for a single one. The server then keeps one :class:`ui.service.WebService` per
knowledge base (a :class:`ServedKb`, the first one the default), and:

- the page (:mod:`ui.kb_select`) shows a 知识库 dropdown that decides which one the chat, its sources,
  the saved conversations, the 知识库 page, 检索测试 and 出题 act on;
- the open API (:mod:`ui.api_kbs`) takes the knowledge base from the call: ``kb`` in the body of
  ``POST /api/ask`` and ``/api/search`` (``?kb=`` on ``GET /api/documents``), the ``model`` of
  ``/v1/chat/completions`` (``policy-assistant:NAME`` or ``NAME``; ``/v1/models`` lists one per
  knowledge base the key may read), the first one when the call names none;
- the Gradio API endpoints (``/ask``, ``/search``, ``/feedback``, ``/documents``; :mod:`ui.gradio_api`)
  take the name as one more input, last (``kb``, default the first one).

Without ``--kb`` nothing changes: ``--index``/``--kb-name`` name the one.

This module only reads the command line (no Gradio): it is checked before anything is opened, and a
bad value is refused with one Chinese line naming the option and the path.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from assistant import IndexMissing, PolicyAssistantError, Settings
from assistant.cli_options import require_index, settings_from

if TYPE_CHECKING:  # the command line is read before any knowledge base is opened
    from ui.access import Access
    from ui.service import WebService

KB_OPTION = "--kb"
# Letters, digits, Chinese characters, "-" and "_": the name appears in the dropdown, the permissions
# file and the page's tab labels.
_NAME = re.compile(r"^[\w\-\u4e00-\u9fff]{1,40}$")


class KbOptionError(PolicyAssistantError, ValueError):
    """A ``--kb`` value that cannot be served; the message names the option, the name and the path."""


@dataclass(frozen=True, slots=True)
class KbSpec:
    """One ``--kb NAME=PATH``: a knowledge base's name and its index folder."""

    name: str
    index: Path


@dataclass(frozen=True, slots=True)
class KbPlan:
    """What ``serve`` opens for one knowledge base: its settings and where its web data goes."""

    name: str
    settings: Settings
    data_dir: Path | None  # None: the index folder's ``web`` (WebService's default)


@dataclass(frozen=True, slots=True)
class ServedKb:
    """One knowledge base of a running server: its name (the permissions file's), service and roles."""

    name: str
    service: WebService
    access: Access


def parse_kb_specs(values: Sequence[str]) -> tuple[KbSpec, ...]:
    """The ``--kb NAME=PATH`` values in order; :class:`KbOptionError` on a malformed or repeated one."""
    specs: list[KbSpec] = []
    for value in values:
        name, sep, path = value.partition("=")
        name, path = name.strip(), path.strip()
        if not sep or not name or not path:
            raise KbOptionError(
                f"{KB_OPTION} {value!r} 格式不对：应写成 {KB_OPTION} 知识库名=索引目录，"
                f"例如 {KB_OPTION} fupin=/data/fupin-index"
            )
        if not _NAME.match(name):
            raise KbOptionError(
                f"{KB_OPTION} {value!r}：知识库名 {name!r} 无效（只能用字母、数字、汉字、- 和 _，不超过 40 个字）"
            )
        spec = KbSpec(name, Path(path).expanduser())
        for other in specs:
            if other.name == name:
                raise KbOptionError(f"{KB_OPTION}：知识库名 {name} 重复出现，每个知识库要用不同的名字")
            if other.index.resolve() == spec.index.resolve():
                raise KbOptionError(
                    f"{KB_OPTION}：{other.name} 和 {name} 指向同一个索引目录 {spec.index}，"
                    "同一个知识库只能出现一次"
                )
        specs.append(spec)
    return tuple(specs)


def serve_plans(args: argparse.Namespace) -> list[KbPlan]:
    """The knowledge bases ``serve`` opens: one per ``--kb`` (checked to be built indexes), else the one
    ``--index``/``--kb-name`` name. :class:`KbOptionError` says which value is wrong and what to do."""
    values = getattr(args, "kb", None) or []
    if not values:
        settings = settings_from(args)
        return [KbPlan(settings.kb_name, settings, args.data)]
    specs = parse_kb_specs(values)
    clashes = [opt for opt, given in (("--index", args.index), ("--kb-name", args.kb_name)) if given]
    if clashes:
        raise KbOptionError(
            f"{KB_OPTION} 已给出每个知识库的名字和索引目录，不能再同时使用 {' '.join(clashes)}"
        )
    if args.docs:
        raise KbOptionError(
            f"有多个知识库时不能在启动时导入文件（{args.docs[0]}）：请先用 "
            "policy-assistant ingest <文件夹> --index <索引目录> 分别导入，或启动后在网页的 知识库 页上传"
        )
    plans = []
    for spec in specs:
        settings = settings_from(args).with_(index_dir=spec.index, kb_name=spec.name)
        try:
            require_index(settings)
        except IndexMissing as exc:
            raise KbOptionError(f"{KB_OPTION} {spec.name}={spec.index}：{exc}") from exc
        # one --data folder for all: each knowledge base keeps its feedback and uploads in its own subfolder
        data_dir = args.data / spec.name if args.data else None
        plans.append(KbPlan(spec.name, settings, data_dir))
    return plans
