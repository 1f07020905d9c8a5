"""Input limits (输入上限): how much one request may ask the assistant to read.

Every entry point (the CLI, the web chat, the HTTP APIs) checks questions and conversation history
against these limits before any work starts, so one oversized request cannot hold a worker for
minutes and stall everyone else. Messages are for end users (Chinese) and name the parameter and
the limit. The web layer adds its own (upload count and size, quiz sizes) in ``ui.limits``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from corpus.errors import PolicyAssistantError

QUESTION_CHARS = 500  # one question (问题)
HISTORY_TURNS = 6  # earlier exchanges used to resolve a follow-up (追问)
HISTORY_ENTRIES = 50  # entries an API caller may send as ``history`` (only the last HISTORY_TURNS are used)
HISTORY_CHARS = 10_000  # all history entries together


class InputRejected(PolicyAssistantError, ValueError):
    """A request over a limit or of the wrong shape; the message names the parameter and the limit."""


@dataclass(frozen=True, slots=True)
class QuestionLimits:
    question_chars: int = QUESTION_CHARS
    history_turns: int = HISTORY_TURNS
    history_entries: int = HISTORY_ENTRIES
    history_chars: int = HISTORY_CHARS


LIMITS = QuestionLimits()


def check_question(question: Any, name: str = "question", limits: QuestionLimits = LIMITS) -> str:
    """The question stripped; :class:`InputRejected` if it is not text, empty or too long."""
    if question is None:
        question = ""
    if not isinstance(question, str):
        raise InputRejected(f"参数 {name} 应为文字，收到的是 {_kind(question)}")
    question = question.strip()
    if not question:
        raise InputRejected("请输入问题")
    if len(question) > limits.question_chars:
        raise InputRejected(
            f"问题太长（参数 {name} 有 {len(question)} 字，最多 {limits.question_chars} 字），请精简后再问"
        )
    return question


def check_history(history: Any, name: str = "history", limits: QuestionLimits = LIMITS) -> list[str]:
    """Earlier questions of a conversation, checked; only the last ``history_turns`` are returned.

    ``None`` is no history. Each entry is a question (at most ``question_chars``); there may be at most
    ``history_entries`` of them and ``history_chars`` characters in all.
    """
    if history is None:
        return []
    if isinstance(history, str) or not isinstance(history, Sequence):
        raise InputRejected(f'参数 {name} 应为问题列表（如 ["上一个问题"]），收到的是 {_kind(history)}')
    if len(history) > limits.history_entries:
        raise InputRejected(f"参数 {name} 最多 {limits.history_entries} 条，收到 {len(history)} 条")
    total = 0
    out = []
    for i, entry in enumerate(history, start=1):
        if not isinstance(entry, str):
            raise InputRejected(f"参数 {name} 第 {i} 条应为文字，收到的是 {_kind(entry)}")
        if len(entry) > limits.question_chars:
            raise InputRejected(
                f"参数 {name} 第 {i} 条太长（{len(entry)} 字），每条最多 {limits.question_chars} 字"
            )
        total += len(entry)
        out.append(entry.strip())
    if total > limits.history_chars:
        raise InputRejected(f"参数 {name} 合计 {total} 字，最多 {limits.history_chars} 字")
    return [q for q in out if q][-limits.history_turns :]


def _kind(value: Any) -> str:
    names = {
        str: "文字",
        int: "整数",
        float: "小数",
        bool: "真假值",
        list: "列表",
        dict: "对象",
        tuple: "列表",
    }
    return names.get(type(value), type(value).__name__)
