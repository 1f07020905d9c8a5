"""Vectors read by id from one SQLite file (按编号读取的向量表): a local index's sentence vectors.

The evidence reader needs the vectors of a few hundred known sentences per question, never a nearest
neighbour search among them. A Chroma collection answers that by loading its whole HNSW segment into
memory on the first read: at 100k passages (about 370k sentences) that was 780 MB of a serving
process's memory for vectors read a hundred at a time (docs/benchmarks.md). A table keyed by id reads
those rows from disk and keeps only SQLite's page cache resident.

Same four calls as :class:`index.chroma_store.ChromaStore` uses for sentence vectors (``upsert``,
``vectors``, ``all_ids``, ``delete``), so :class:`index.sentence_vectors.SentenceVectors` takes either:
this file in a local index, a Chroma collection beside the passages in server mode (where every
process reaches the server, not this folder). Vectors are stored as float32 bytes, unchanged.
WAL lets the web server read while an ``embed`` worker in another process writes.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from index.errors import StoreError

__all__ = ["SqliteVectorStore"]

_BATCH = 500  # ids per SELECT ... IN (...), under SQLite's default variable limit

# A rowid table: a 1.5 KB vector fits in a leaf cell (8 KB pages hold five), where a WITHOUT ROWID table
# spilled each row to an overflow page (4.6 KB a row on disk, 1.5 GB at 337k sentences).
_SCHEMA = """
CREATE TABLE IF NOT EXISTS vectors (id TEXT NOT NULL UNIQUE, doc_id TEXT NOT NULL, vec BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
"""


@contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """One write transaction: committed whole, or rolled back on any error."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


class SqliteVectorStore:
    """float32 vectors with a ``doc_id`` each, by id, in the SQLite file ``path``.

    ``space`` names the vector space the rows belong to (the chunk collection, which names the
    embedder): a file written in another space is emptied on open, as a new collection would start
    empty, so vectors of two models are never compared.
    """

    def __init__(self, path: Path, *, space: str = "") -> None:
        self.path = Path(path)
        self.location = str(self.path)
        self._lock = threading.Lock()  # one connection shared by the server's threads
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
            # Before WAL: a new file takes the page size, an old one keeps its own.
            self._conn.execute("PRAGMA page_size=8192")
            self._conn.execute("PRAGMA busy_timeout=10000")  # another process's batch commits briefly
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.executescript(_SCHEMA)
            self._claim(space)
        except sqlite3.Error as exc:
            raise StoreError(f"无法打开句向量文件 {self.path}：{exc}") from exc

    def _claim(self, space: str) -> None:
        conn = self._conn
        if conn.execute("SELECT v FROM meta WHERE k = 'space'").fetchone() == (space,):
            return  # the usual open: no write transaction, so a reader never waits for a writer here
        with _transaction(conn):
            row = conn.execute("SELECT v FROM meta WHERE k = 'space'").fetchone()
            if row is None or row[0] != space:
                if row is not None:
                    conn.execute("DELETE FROM vectors")
                conn.execute("INSERT OR REPLACE INTO meta (k, v) VALUES ('space', ?)", (space,))

    @contextmanager
    def _use(self, what: str) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                yield self._conn
            except sqlite3.Error as exc:
                raise StoreError(f"{what}句向量失败（{self.path}）：{exc}") from exc

    def upsert(self, ids: Sequence[str], vectors: np.ndarray, doc_ids: Sequence[str]) -> None:
        """Store (or replace) the rows in one transaction: a kill loses the whole call or nothing."""
        matrix = np.ascontiguousarray(vectors, dtype=np.float32)
        rows = [(i, d, matrix[n].tobytes()) for n, (i, d) in enumerate(zip(ids, doc_ids, strict=True))]
        with self._use("写入") as conn, _transaction(conn):
            conn.executemany("INSERT OR REPLACE INTO vectors (id, doc_id, vec) VALUES (?, ?, ?)", rows)

    def vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """The stored vectors of those ``ids`` that have one."""
        out: dict[str, np.ndarray] = {}
        with self._use("读取") as conn:
            for i in range(0, len(ids), _BATCH):
                part = list(ids[i : i + _BATCH])
                marks = ",".join("?" * len(part))
                for uid, blob in conn.execute(f"SELECT id, vec FROM vectors WHERE id IN ({marks})", part):
                    out[uid] = np.frombuffer(blob, dtype=np.float32)
        return out

    def all_ids(self) -> set[str]:
        with self._use("读取") as conn:
            return {row[0] for row in conn.execute("SELECT id FROM vectors")}

    def delete(self, ids: Sequence[str]) -> None:
        with self._use("删除") as conn, _transaction(conn):
            conn.executemany("DELETE FROM vectors WHERE id = ?", [(i,) for i in ids])

    def count(self) -> int:
        with self._use("读取") as conn:
            return int(conn.execute("SELECT COUNT(*) FROM vectors").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._conn.close()
