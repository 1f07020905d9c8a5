"""Limits of the web server's inputs (网页输入上限), beyond the question limits of :mod:`assistant.limits`.

Each check returns the value in the type the handler needs, or raises
:class:`assistant.limits.InputRejected` with a message that names the parameter and the limit; the
handlers turn it into ``gr.Error`` so an API caller gets that message, not ``{"error": null}``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from assistant import InputRejected


@dataclass(frozen=True, slots=True)
class WebLimits:
    search_k: int = 50  # passages one /search may return (检索段落数)
    hit_test_k: int = 30  # the 检索测试 slider
    comment_chars: int = 2000  # a feedback comment (评价意见)
    doc_key_chars: int = 255  # a document id or file name to delete
    upload_files: int = 20  # files in one upload
    quiz_items: int = 200  # items in one quiz (题量)
    quiz_docs: int = 100  # documents chosen for one quiz
    quiz_sections_chars: int = 200  # the 章节 text box
    quiz_seed: int = 2**31 - 1
    chat_turns: int = 100  # exchanges one browser session keeps (older ones drop off the screen)


WEB = WebLimits()
RATINGS = ("up", "down")
FEEDBACK_FORMATS = ("xlsx", "csv")
ANSWER_ID_CHARS = 64  # WebService gives out uuid4().hex (32)


def check_int(value: Any, name: str, low: int, high: int) -> int:
    """An integer in ``[low, high]``; a float with no fraction (a slider's 10.0) counts."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputRejected(f"参数 {name} 应为 {low}–{high} 之间的整数，收到的是 {_shown(value)}")
    if isinstance(value, float) and not value.is_integer():
        raise InputRejected(f"参数 {name} 应为整数，收到的是 {value}")
    if not low <= value <= high:
        raise InputRejected(f"参数 {name} 应在 {low}–{high} 之间，收到的是 {int(value)}")
    return int(value)


def check_text(value: Any, name: str, limit: int, *, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InputRejected(f"参数 {name} 应为文字，收到的是 {_shown(value)}")
    if len(value) > limit:
        raise InputRejected(f"参数 {name} 太长（{len(value)} 字），最多 {limit} 字")
    if required and not value.strip():
        raise InputRejected(f"参数 {name} 不能为空")
    return value


def check_choice(value: Any, name: str, choices: Sequence[str]) -> str:
    if not isinstance(value, str) or value not in choices:
        raise InputRejected(f"参数 {name} 应为 {' 或 '.join(choices)} 之一，收到的是 {_shown(value)}")
    return value


def check_answer_id(value: Any, name: str = "answer_id") -> str:
    """Text of at most 64 characters; whether such an answer exists is the service's question."""
    if not isinstance(value, str) or not value.strip() or len(value) > ANSWER_ID_CHARS:
        raise InputRejected(f"参数 {name} 应为回答编号（见 /ask 返回的 answer_id），收到的是 {_shown(value)}")
    return value.strip()


def check_doc_key(value: Any, name: str = "doc_id", limits: WebLimits = WEB) -> str:
    """A document id or file name; empty text when none was chosen."""
    value = check_text(value, name, limits.doc_key_chars).strip()
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise InputRejected(f"参数 {name} 含控制字符，应为文件编号或文件名")
    return value


def check_files(value: Any, name: str = "files", limits: WebLimits = WEB) -> list[str]:
    """Uploaded file paths (Gradio has stored them); at most ``upload_files`` in one request."""
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, Sequence) or not all(isinstance(f, str) for f in value):
        raise InputRejected(f"参数 {name} 应为文件列表，收到的是 {_shown(value)}")
    if len(value) > limits.upload_files:
        raise InputRejected(
            f"一次最多上传 {limits.upload_files} 个文件（参数 {name}），收到 {len(value)} 个，请分批上传"
        )
    return list(value)


def check_list(value: Any, name: str, limit: int) -> list[str]:
    if value is None:
        return []
    if (
        isinstance(value, str)
        or not isinstance(value, Sequence)
        or not all(isinstance(v, str) for v in value)
    ):
        raise InputRejected(f"参数 {name} 应为文字列表，收到的是 {_shown(value)}")
    if len(value) > limit:
        raise InputRejected(f"参数 {name} 最多 {limit} 项，收到 {len(value)} 项")
    return list(value)


def _shown(value: Any) -> str:
    text = repr(value)
    return f"{type(value).__name__} {text[:40]}{'…' if len(text) > 40 else ''}"
