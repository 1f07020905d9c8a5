"""Saved conversations (对话记录) of the web chat, per user, in a SQLite file of the index folder.

Each conversation has an id, its user, a title (the first question, editable), created/updated times
and its turns (question, and the answer as a JSON object: text, found, citations …, which
:mod:`assistant.conversations` turns back into an ``Answer`` so follow-up questions resolve against a
restored conversation). Every read and write names the user: one user never sees, renames or deletes
another's conversation, and an unknown id and another user's id get the same answer (none).

Sizes are bounded (:class:`ConversationLimits`); an over-limit request is refused with a Chinese
message (:class:`ConversationRejected`) and changes nothing. One short-lived connection per call keeps
the store safe to share between the web server's worker threads.
"""

from __future__ import annotations

import json
import sqlite3
import time
import unicodedata
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corpus.errors import PolicyAssistantError
from index.errors import IndexFailure

__all__ = [
    "CONVERSATION_LIMITS",
    "Conversation",
    "ConversationLimits",
    "ConversationRejected",
    "ConversationStore",
    "StoredTurn",
    "title_from",
]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY, user TEXT NOT NULL, title TEXT NOT NULL,
    created REAL NOT NULL, updated REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS conversations_by_user ON conversations (user, updated);
CREATE TABLE IF NOT EXISTS conversation_turns (
    conversation TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL, question TEXT NOT NULL, answer TEXT NOT NULL, created REAL NOT NULL,
    PRIMARY KEY (conversation, seq)
);
"""


class ConversationRejected(PolicyAssistantError, ValueError):
    """A conversation request over a limit or of the wrong shape; the message is for the user."""


@dataclass(frozen=True, slots=True)
class ConversationLimits:
    conversations_per_user: int = 200  # 每个用户最多保存的对话数
    turns_per_conversation: int = 100  # 每个对话最多保存的轮数
    title_chars: int = 40  # 对话标题的字数
    answer_chars: int = 200_000  # one stored answer as JSON (text and citations)


CONVERSATION_LIMITS = ConversationLimits()


@dataclass(frozen=True, slots=True)
class StoredTurn:
    """One saved exchange (对话轮次): the question and the answer as a JSON object."""

    question: str
    answer: dict[str, Any]
    created: float


@dataclass(frozen=True, slots=True)
class Conversation:
    """A saved conversation (对话); ``turns`` is filled by :meth:`ConversationStore.get` only."""

    id: str
    user: str
    title: str
    created: float
    updated: float
    n_turns: int = 0
    turns: tuple[StoredTurn, ...] = ()


def title_from(question: str, limits: ConversationLimits = CONVERSATION_LIMITS) -> str:
    """A conversation's first title: its first question on one line, shortened with … to fit."""
    line = "".join(ch for ch in " ".join(question.split()) if unicodedata.category(ch)[0] != "C")
    line = line or "新对话"
    return line if len(line) <= limits.title_chars else line[: limits.title_chars - 1] + "…"


def check_title(title: Any, limits: ConversationLimits = CONVERSATION_LIMITS) -> str:
    """A title typed by the user, stripped; :class:`ConversationRejected` when empty or too long."""
    if not isinstance(title, str):
        raise ConversationRejected("对话标题应为文字")
    title = " ".join(title.split())
    if not title:
        raise ConversationRejected("对话标题不能为空")
    if any(unicodedata.category(ch) == "Cc" for ch in title):
        raise ConversationRejected("对话标题不能含控制字符")
    if len(title) > limits.title_chars:
        raise ConversationRejected(f"对话标题太长（{len(title)} 字），最多 {limits.title_chars} 字")
    return title


def _user(user: str | None) -> str:
    """Without a login (local use) every browser is the same user, the empty name."""
    return user or ""


class ConversationStore:
    """The conversations of every user of one knowledge base (``IndexLayout.conversations``)."""

    def __init__(
        self,
        path: Path,
        limits: ConversationLimits = CONVERSATION_LIMITS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = path
        self.limits = limits
        self._clock = clock
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with closing(sqlite3.connect(str(path), timeout=30)) as db:
                db.execute("PRAGMA journal_mode = WAL")  # readers never wait for a saving answer
                db.executescript(_SCHEMA)  # its own transaction (executescript commits first)
        except (OSError, sqlite3.Error) as exc:
            raise IndexFailure(f"无法打开对话记录 {path}：{exc}；请检查磁盘空间和文件权限") from exc

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        try:
            with closing(sqlite3.connect(str(self.path), timeout=30, isolation_level=None)) as db:
                db.execute("PRAGMA foreign_keys = ON")
                db.execute(
                    "PRAGMA synchronous = NORMAL"
                )  # with WAL: durable at checkpoints, no fsync per turn
                db.execute("BEGIN IMMEDIATE")
                try:
                    yield db
                except BaseException:
                    db.execute("ROLLBACK")
                    raise
                db.execute("COMMIT")
        except sqlite3.Error as exc:
            raise IndexFailure(f"对话记录 {self.path} 读写失败：{exc}；请检查磁盘空间和文件权限") from exc

    # -- reading --------------------------------------------------------------------------------------
    def conversations(self, user: str | None) -> list[Conversation]:
        """The user's conversations, the most recently used first (without their turns)."""
        with self._tx() as db:
            rows = db.execute(
                "SELECT c.id, c.user, c.title, c.created, c.updated, "
                "(SELECT COUNT(*) FROM conversation_turns t WHERE t.conversation = c.id) "
                "FROM conversations c WHERE c.user = ? ORDER BY c.updated DESC, c.created DESC, c.id",
                (_user(user),),
            ).fetchall()
        return [Conversation(*row) for row in rows]

    def get(self, user: str | None, conversation_id: str) -> Conversation | None:
        """The conversation with its turns in order; None when the user has none with this id."""
        with self._tx() as db:
            head = self._head(db, user, conversation_id)
            if head is None:
                return None
            rows = db.execute(
                "SELECT question, answer, created FROM conversation_turns WHERE conversation = ? ORDER BY seq",
                (conversation_id,),
            ).fetchall()
        turns = tuple(StoredTurn(q, json.loads(a), created) for q, a, created in rows)
        return Conversation(head[0], head[1], head[2], head[3], head[4], len(turns), turns)

    @staticmethod
    def _head(db: sqlite3.Connection, user: str | None, conversation_id: str) -> tuple[Any, ...] | None:
        if not isinstance(conversation_id, str):
            return None
        row: tuple[Any, ...] | None = db.execute(
            "SELECT id, user, title, created, updated FROM conversations WHERE id = ? AND user = ?",
            (conversation_id, _user(user)),
        ).fetchone()
        return row

    # -- writing --------------------------------------------------------------------------------------
    def create(self, user: str | None, first_question: str) -> Conversation:
        """A new, empty conversation titled after its first question; refused at the per-user limit."""
        limit = self.limits.conversations_per_user
        now = self._clock()
        conv = Conversation(uuid.uuid4().hex, _user(user), title_from(first_question, self.limits), now, now)
        with self._tx() as db:
            (count,) = db.execute(
                "SELECT COUNT(*) FROM conversations WHERE user = ?", (conv.user,)
            ).fetchone()
            if count >= limit:
                raise ConversationRejected(
                    f"已保存 {count} 个对话，达到上限 {limit} 个：本次问答未保存，请先删除不需要的对话"
                )
            db.execute(
                "INSERT INTO conversations (id, user, title, created, updated) VALUES (?, ?, ?, ?, ?)",
                (conv.id, conv.user, conv.title, conv.created, conv.updated),
            )
        return conv

    def add_turn(self, user: str | None, conversation_id: str, question: str, answer: dict[str, Any]) -> int:
        """Append one exchange; the number of turns the conversation now has."""
        payload = json.dumps(answer, ensure_ascii=False)
        if len(payload) > self.limits.answer_chars:
            raise ConversationRejected(f"这条回答太长（{len(payload)} 字），未保存到对话记录")
        limit = self.limits.turns_per_conversation
        now = self._clock()
        with self._tx() as db:
            if self._head(db, user, conversation_id) is None:
                raise ConversationRejected("找不到这个对话（可能已被删除），本次问答未保存；请点 新对话")
            (count,) = db.execute(
                "SELECT COUNT(*) FROM conversation_turns WHERE conversation = ?", (conversation_id,)
            ).fetchone()
            if count >= limit:
                raise ConversationRejected(
                    f"这个对话已有 {count} 轮，达到上限 {limit} 轮：本次问答未保存，请点 新对话 继续"
                )
            db.execute(
                "INSERT INTO conversation_turns (conversation, seq, question, answer, created) "
                "VALUES (?, ?, ?, ?, ?)",
                (conversation_id, count, question, payload, now),
            )
            db.execute("UPDATE conversations SET updated = ? WHERE id = ?", (now, conversation_id))
        return int(count) + 1

    def rename(self, user: str | None, conversation_id: str, title: str) -> Conversation:
        """Give the user's conversation a new title (checked: not empty, at most ``title_chars``)."""
        title = check_title(title, self.limits)
        with self._tx() as db:
            head = self._head(db, user, conversation_id)
            if head is None:
                raise ConversationRejected("找不到这个对话（可能已被删除）")
            db.execute("UPDATE conversations SET title = ? WHERE id = ?", (title, conversation_id))
        return Conversation(head[0], head[1], title, head[3], head[4])

    def delete(self, user: str | None, conversation_id: str) -> bool:
        """Delete the user's conversation and its turns; False when the user has none with this id."""
        with self._tx() as db:
            if self._head(db, user, conversation_id) is None:
                return False
            db.execute("DELETE FROM conversation_turns WHERE conversation = ?", (conversation_id,))
            db.execute("DELETE FROM conversations WHERE id = ?", (conversation_id,))
        return True
