"""政策通 (policy-assistant): the public API (公开接口) of the question-answering assistant.

``ui/``, ``evaluation/`` and ``quiz/`` import only these names (``from assistant import …``); the
modules behind them may change without notice (tests/test_imports.py holds them to it). Plug-in
commands also use :mod:`assistant.cli_options`.

``import assistant`` stays light: each name is imported from its module on first use (PEP 562
``__getattr__``), so ``from assistant import InputRejected`` does not load the knowledge base.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.answer_types import ANSWER_TYPES, AnswerType, AnswerTypes
    from assistant.config import Settings
    from assistant.conversations import answer_from_record, answer_record, history_from
    from assistant.curated import CuratedAnswers, CuratedEntry, CuratedError
    from assistant.engine import Assistant
    from assistant.extract import figures
    from assistant.limits import (
        HISTORY_TURNS,
        LIMITS,
        QUESTION_CHARS,
        InputRejected,
        check_history,
        check_question,
    )
    from assistant.llm import build_chat_model, sanitize
    from assistant.policy import AnswerPolicy
    from assistant.rerank import Reranker
    from assistant.retrieve import Filters
    from assistant.suggest import suggest_questions
    from assistant.types import Answer, Citation, Hit, Turn
    from corpus.errors import PolicyAssistantError
    from corpus.loaders import SUPPORTED
    from corpus.names import name_problem
    from corpus.types import Chunk
    from index.audit import AuditLog, audit_log, cli_user, ingest_result
    from index.catalog import DocRecord
    from index.conversations import CONVERSATION_LIMITS, Conversation, ConversationRejected, ConversationStore
    from index.embed_queue import DocVectors, DrainProgress, EmbedFailed
    from index.errors import IndexLocked, IndexMissing, ManifestMismatch
    from index.jobs import CancelToken
    from index.knowledge_base import IngestReport, IngestStep, ProgressFn, StepFn
    from index.layout import IndexLayout

# name → the module that defines it (the one place to change when a definition moves)
_EXPORTS = {
    # asking
    "Assistant": "assistant.engine",
    "Settings": "assistant.config",
    "Answer": "assistant.types",
    "Citation": "assistant.types",
    "Hit": "assistant.types",
    "Turn": "assistant.types",
    "Filters": "assistant.retrieve",
    # saved conversations of the web chat (对话记录), per user; 猜你想问 from the cited document
    "ConversationStore": "index.conversations",
    "Conversation": "index.conversations",
    "ConversationRejected": "index.conversations",
    "CONVERSATION_LIMITS": "index.conversations",
    "answer_record": "assistant.conversations",
    "answer_from_record": "assistant.conversations",
    "history_from": "assistant.conversations",
    "suggest_questions": "assistant.suggest",
    # curated answers (精选答案) a manager saved, served first
    "CuratedAnswers": "assistant.curated",
    "CuratedEntry": "assistant.curated",
    "CuratedError": "assistant.curated",
    # extension points: answer types (题型), the answer policy's numbers, a reranking model
    "ANSWER_TYPES": "assistant.answer_types",
    "AnswerType": "assistant.answer_types",
    "AnswerTypes": "assistant.answer_types",
    "AnswerPolicy": "assistant.policy",
    "Reranker": "assistant.rerank",
    # input limits (输入限制), the same for every front end
    "InputRejected": "assistant.limits",
    "LIMITS": "assistant.limits",
    "HISTORY_TURNS": "assistant.limits",
    "QUESTION_CHARS": "assistant.limits",
    "check_question": "assistant.limits",
    "check_history": "assistant.limits",
    # errors: every error meant for the user derives from PolicyAssistantError
    "PolicyAssistantError": "corpus.errors",
    "IndexLocked": "index.errors",
    "ManifestMismatch": "index.errors",
    "IndexMissing": "index.errors",
    # documents and ingest (文件与入库)
    "DocRecord": "index.catalog",
    "Chunk": "corpus.types",
    "IndexLayout": "index.layout",
    "IngestReport": "index.knowledge_base",
    "IngestStep": "index.knowledge_base",
    "ProgressFn": "index.knowledge_base",
    "StepFn": "index.knowledge_base",
    "CancelToken": "index.jobs",
    "DocVectors": "index.embed_queue",
    "DrainProgress": "index.embed_queue",
    "EmbedFailed": "index.embed_queue",
    "SUPPORTED": "corpus.loaders",
    "name_problem": "corpus.names",
    # audit log of writes (审计日志)
    "AuditLog": "index.audit",
    "audit_log": "index.audit",
    "cli_user": "index.audit",
    "ingest_result": "index.audit",
    # checks shared with the quiz: figures in a text, model output cleaned of markup; the one chat model
    "figures": "assistant.extract",
    "sanitize": "assistant.llm",
    "build_chat_model": "assistant.llm",
}

__all__ = [
    "ANSWER_TYPES",
    "CONVERSATION_LIMITS",
    "HISTORY_TURNS",
    "LIMITS",
    "QUESTION_CHARS",
    "SUPPORTED",
    "Answer",
    "AnswerPolicy",
    "AnswerType",
    "AnswerTypes",
    "Assistant",
    "AuditLog",
    "CancelToken",
    "Chunk",
    "Citation",
    "Conversation",
    "ConversationRejected",
    "ConversationStore",
    "CuratedAnswers",
    "CuratedEntry",
    "CuratedError",
    "DocRecord",
    "DocVectors",
    "DrainProgress",
    "EmbedFailed",
    "Filters",
    "Hit",
    "IndexLayout",
    "IndexLocked",
    "IndexMissing",
    "IngestReport",
    "IngestStep",
    "InputRejected",
    "ManifestMismatch",
    "PolicyAssistantError",
    "ProgressFn",
    "Reranker",
    "Settings",
    "StepFn",
    "Turn",
    "answer_from_record",
    "answer_record",
    "audit_log",
    "build_chat_model",
    "check_history",
    "check_question",
    "cli_user",
    "figures",
    "history_from",
    "ingest_result",
    "name_problem",
    "sanitize",
    "suggest_questions",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'assistant' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
