"""Curated answers (精选答案 / 标注): answers a manager wrote or approved, stored with the span they cite.

The store is ``curated.sqlite`` in the index folder (:data:`index.layout.CURATED`), next to the
catalog, so the command line and the web server see the same answers and a backup carries them.
Each entry keeps the question, the answer text, the cited span (document id, file name, title,
section, ``start``/``end`` and the quote that was ``text[start:end]`` when it was saved), who saved
it, when, and the feedback row it came from (if any). Whether the span still holds is decided by the
reader against the current document text (:mod:`assistant.curated`), never stored.

Opening the store does not create the file: an index without curated answers stays byte-for-byte as
it was, and reading it costs one ``stat``.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.errors import IndexFailure
from index.layout import IndexLayout

__all__ = ["CuratedEntry", "CuratedStore", "CuratedStoreError"]

MAX_QUESTION = 500
MAX_ANSWER = 4000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS curated (
    id INTEGER PRIMARY KEY AUTOINCREMENT, question TEXT NOT NULL, answer TEXT NOT NULL,
    doc_id TEXT NOT NULL, source TEXT NOT NULL, title TEXT NOT NULL, section TEXT NOT NULL,
    start INTEGER NOT NULL, end INTEGER NOT NULL, quote TEXT NOT NULL,
    author TEXT NOT NULL, created REAL NOT NULL, updated REAL NOT NULL,
    feedback_id INTEGER
);
"""
_COLUMNS = (
    "id, question, answer, doc_id, source, title, section, start, end, quote, author, created, updated, "
    "feedback_id"
)


class CuratedStoreError(IndexFailure, ValueError):
    """A curated answer that cannot be stored; the message names the field and the problem."""


@dataclass(frozen=True, slots=True)
class CuratedEntry:
    """One curated answer (精选答案) and the span it cites (``quote`` was ``text[start:end]``)."""

    question: str
    answer: str
    doc_id: str
    source: str
    title: str
    section: str
    start: int
    end: int
    quote: str
    author: str = ""
    id: int = 0
    created: float = 0.0
    updated: float = 0.0
    feedback_id: int | None = None


class CuratedStore:
    """The curated answers of one index folder (``curated.sqlite``), created on the first save."""

    def __init__(self, index_dir: Path) -> None:
        self.path = IndexLayout(index_dir).curated
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._writes = 0  # this process's own commits, which SQLite's data_version does not count

    def _connect(self, create: bool) -> sqlite3.Connection | None:
        if self._conn is None and (create or self.path.is_file()):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
            conn.executescript(_SCHEMA)
            self._conn = conn
        return self._conn

    def version(self) -> tuple[int, int] | None:
        """Changes whenever the entries may have changed, here or in another process (``PRAGMA
        data_version``); None while no curated answer was ever saved. Lets a reader cache the list."""
        with self._lock:
            conn = self._connect(create=False)
            if conn is None:
                return None
            return int(conn.execute("PRAGMA data_version").fetchone()[0]), self._writes

    def entries(self) -> list[CuratedEntry]:
        """Every curated answer, oldest first; empty when none was ever saved."""
        with self._lock:
            conn = self._connect(create=False)
            if conn is None:
                return []
            rows = conn.execute(f"SELECT {_COLUMNS} FROM curated ORDER BY id").fetchall()
        return [_entry(r) for r in rows]

    def get(self, entry_id: int) -> CuratedEntry | None:
        with self._lock:
            conn = self._connect(create=False)
            row = None
            if conn is not None:
                row = conn.execute(f"SELECT {_COLUMNS} FROM curated WHERE id = ?", (entry_id,)).fetchone()
        return _entry(row) if row is not None else None

    def add(self, entry: CuratedEntry) -> CuratedEntry:
        """Store a new curated answer; the stored entry (with its id and times) is returned."""
        _check(entry)
        now = time.time()
        with self._lock:
            conn = self._connect(create=True)
            assert conn is not None
            cur = conn.execute(
                "INSERT INTO curated (question, answer, doc_id, source, title, section, start, end, quote, "
                "author, created, updated, feedback_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (entry.question.strip(), entry.answer.strip(), entry.doc_id, entry.source, entry.title,
                 entry.section, entry.start, entry.end, entry.quote, entry.author, now, now, entry.feedback_id),
            )  # fmt: skip
            entry_id = int(cur.lastrowid or 0)
            self._writes += 1
        stored = self.get(entry_id)
        assert stored is not None
        return stored

    def update(self, entry: CuratedEntry) -> CuratedEntry:
        """Replace the question, answer and span of entry ``entry.id`` (the author and creation stay)."""
        _check(entry)
        with self._lock:
            conn = self._connect(create=False)
            n = 0
            if conn is not None:
                n = conn.execute(
                    "UPDATE curated SET question=?, answer=?, doc_id=?, source=?, title=?, section=?, start=?, "
                    "end=?, quote=?, updated=? WHERE id=?",
                    (entry.question.strip(), entry.answer.strip(), entry.doc_id, entry.source, entry.title,
                     entry.section, entry.start, entry.end, entry.quote, time.time(), entry.id),
                ).rowcount  # fmt: skip
                self._writes += 1
        if not n:
            raise CuratedStoreError(f"精选答案 {entry.id} 不存在（可能已被删除）")
        stored = self.get(entry.id)
        assert stored is not None
        return stored

    def delete(self, entry_id: int) -> CuratedEntry | None:
        """Remove an entry; the removed entry, or None when there was none."""
        old = self.get(entry_id)
        if old is not None:
            with self._lock:
                conn = self._connect(create=False)
                assert conn is not None
                conn.execute("DELETE FROM curated WHERE id = ?", (entry_id,))
                self._writes += 1
        return old

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


def _check(entry: CuratedEntry) -> None:
    if not entry.question.strip():
        raise CuratedStoreError("精选答案的问题不能为空")
    if len(entry.question) > MAX_QUESTION:
        raise CuratedStoreError(f"精选答案的问题过长：{len(entry.question)} 字，上限 {MAX_QUESTION} 字")
    if not entry.answer.strip():
        raise CuratedStoreError("精选答案的回答不能为空")
    if len(entry.answer) > MAX_ANSWER:
        raise CuratedStoreError(f"精选答案的回答过长：{len(entry.answer)} 字，上限 {MAX_ANSWER} 字")
    if not entry.doc_id or not (0 <= entry.start < entry.end) or len(entry.quote) != entry.end - entry.start:
        raise CuratedStoreError(
            f"精选答案的引用无效：文件 {entry.source or entry.doc_id or '（未指定）'} [{entry.start}, {entry.end})，"
            f"引文 {len(entry.quote)} 字"
        )


def _entry(row: Any) -> CuratedEntry:
    """A row in :data:`_COLUMNS` order (id first) as an entry."""
    q, a, doc_id, source, title, section, start, end, quote, author = row[1:11]
    return CuratedEntry(
        q, a, doc_id, source, title, section, start, end, quote, author,
        id=row[0], created=row[11], updated=row[12], feedback_id=row[13],
    )  # fmt: skip
