"""Document states (文档启用状态): which stored documents are switched off (已停用) without being deleted.

A disabled document keeps its text, chunks and vectors, so enabling it again is instant; retrieval
(:mod:`assistant.retrieve`) leaves its passages out, so it is never cited. The flags live in a small
table of their own in the catalog database (its own ``CREATE TABLE IF NOT EXISTS``, created on the
first write: opening an index to ask questions never writes to it), so a backup carries them along.
A knowledge base kept in a Chroma server has no local catalog; its flags are kept in a small file of
the index folder instead (per machine, not shared with other servers' processes).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from index.layout import DOC_STATE_TABLE, IndexLayout

__all__ = ["DocStates", "doc_states_for"]

_SCHEMA = (
    f"CREATE TABLE IF NOT EXISTS {DOC_STATE_TABLE} "
    "(doc_id TEXT PRIMARY KEY, disabled_at REAL NOT NULL, disabled_by TEXT)"
)


class DocStates:
    """The disabled documents of one knowledge base (停用标记), read on every question, so cheap."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None

    def _connect(self, create: bool) -> sqlite3.Connection | None:
        if self._conn is None:
            if not self.path.is_file() and not create:
                return None
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
            conn.execute("PRAGMA busy_timeout=5000")  # the catalog's writer holds the file briefly
            self._conn = conn
        if create:
            self._conn.execute(_SCHEMA)
        return self._conn

    def disabled(self) -> frozenset[str]:
        """Ids of the disabled documents (empty when none was ever disabled)."""
        with self._lock:
            conn = self._connect(create=False)
            if conn is None:
                return frozenset()
            try:
                rows = conn.execute(f"SELECT doc_id FROM {DOC_STATE_TABLE}").fetchall()
            except sqlite3.OperationalError as exc:
                if "no such table" in str(exc):
                    return frozenset()
                raise
        return frozenset(r[0] for r in rows)

    def is_enabled(self, doc_id: str) -> bool:
        return doc_id not in self.disabled()

    def set_enabled(self, doc_id: str, enabled: bool, user: str | None = None) -> bool:
        """Enable or disable ``doc_id``; whether its state changed."""
        with self._lock:
            conn = self._connect(create=True)
            assert conn is not None
            if enabled:
                cur = conn.execute(f"DELETE FROM {DOC_STATE_TABLE} WHERE doc_id=?", (doc_id,))
            else:
                cur = conn.execute(
                    f"INSERT OR IGNORE INTO {DOC_STATE_TABLE} VALUES (?,?,?)", (doc_id, time.time(), user)
                )
        return cur.rowcount > 0

    def forget(self, doc_id: str) -> None:
        """Drop the flag of a deleted document (a file uploaded again under its name starts enabled)."""
        if doc_id in self.disabled():
            self.set_enabled(doc_id, True)

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


def doc_states_for(index_dir: Path, server: bool) -> DocStates:
    """The document states of the index in ``index_dir`` (``server``: its catalog is in a Chroma server)."""
    layout = IndexLayout(index_dir)
    return DocStates(layout.doc_state if server else layout.catalog)
