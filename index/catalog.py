"""The catalog (文档目录): documents, their text and their chunks in one SQLite file.

The catalog is the source of truth for what the knowledge base holds. A document is committed
here in one transaction after its vectors are in Chroma, so a crash at any point leaves either the
old or the new version of a document, never half of one; vectors Chroma holds that the catalog does
not name are orphans, ignored by retrieval and removed by the next ingest.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from corpus.types import Chunk, DocMeta, SourceDoc
from index.bm25_store import state_stamp
from index.manifest import Manifest, read_manifest, write_manifest

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY, source TEXT NOT NULL, path TEXT, fmt TEXT,
    title TEXT, issuer TEXT, date TEXT, doc_number TEXT, source_url TEXT, author TEXT,
    extra TEXT, text TEXT NOT NULL, fingerprint TEXT NOT NULL, n_chunks INTEGER, ingested_at REAL
);
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, ordinal INTEGER, section TEXT,
    start INTEGER, "end" INTEGER, text TEXT, tokens TEXT
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id, ordinal);
CREATE TABLE IF NOT EXISTS state (k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS embed_queue (chunk_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, ordinal INTEGER);
CREATE INDEX IF NOT EXISTS embed_queue_doc ON embed_queue(doc_id, ordinal);
"""


@dataclass(frozen=True, slots=True)
class DocRecord:
    """A document as the catalog lists it (文档记录)."""

    doc_id: str
    source: str
    title: str
    issuer: str
    date: str
    doc_number: str
    fingerprint: str
    n_chunks: int
    ingested_at: float


@dataclass(frozen=True, slots=True)
class StoredChunk:
    """A chunk with the metadata of its document, as retrieval returns it."""

    chunk: Chunk
    title: str
    issuer: str
    date: str
    tokens: tuple[str, ...]


def _stored(r: tuple[Any, ...]) -> StoredChunk:
    """A row of ``iter_chunks``' query as a chunk with its document's metadata."""
    chunk = Chunk(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7])
    return StoredChunk(chunk, r[8] or "", r[9] or "", r[10] or "", tuple(r[11].split()))


class CatalogStore(Protocol):
    """What the knowledge base needs from a catalog: :class:`Catalog` (SQLite, embedded mode) or
    :class:`index.catalog_chroma.ChromaCatalog` (records in a Chroma server, server mode)."""

    orphan_grace: float  # seconds an unreferenced vector is spared (another writer may be about to commit it)
    location: str

    def stamp(self) -> str: ...
    def read_manifest(self) -> Manifest | None: ...
    def write_manifest(self, manifest: Manifest) -> None: ...
    def fingerprint(self, doc_id: str) -> str | None: ...
    def chunk_ids(self, doc_id: str | None = None) -> list[str]: ...
    def replace_document(
        self, doc: SourceDoc, fingerprint: str, chunks: list[Chunk], tokens: list[list[str]]
    ) -> None: ...
    def remove_document(self, doc_id: str) -> bool: ...
    def documents(self) -> list[DocRecord]: ...
    def find_document(self, key: str) -> DocRecord | None: ...
    def document_text(self, doc_id: str) -> str | None: ...
    def document_meta(self, doc_id: str) -> DocMeta | None: ...
    def iter_chunks(self, ids: Iterable[str] | None = None) -> Iterator[StoredChunk]: ...
    def iter_tokens(self) -> Iterator[tuple[str, tuple[str, ...]]]: ...
    def counts(self) -> tuple[int, int]: ...
    def close(self) -> None: ...


class Catalog:
    orphan_grace = 0.0  # one writer at a time (the write lock): every orphan is a leftover

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.location = str(path.parent)
        self._conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.executescript(_SCHEMA)
        self._lock = threading.RLock()  # the write connection (one writer at a time)
        # Reads use connections of their own: in WAL mode a reader sees the last commit and never waits
        # for a write transaction, so questions keep being answered while a document is being stored.
        self._idle: list[sqlite3.Connection] = []
        self._readers: list[sqlite3.Connection] = []
        self._pool_lock = threading.Lock()
        self._closed = False
        if self._conn.execute("SELECT v FROM state WHERE k='stamp'").fetchone() is None:
            # A catalog from before the state table: start from the hash of its chunk ids, which is
            # what its saved keyword index was stamped with.
            self._conn.execute(
                "INSERT OR IGNORE INTO state VALUES ('stamp', ?)", (state_stamp(self.chunk_ids()),)
            )

    def close(self) -> None:
        with self._pool_lock:
            self._closed = True
            readers, self._readers, self._idle = self._readers, [], []
        for conn in readers:
            conn.close()
        self._conn.close()

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """A read connection from the pool (opened when none is idle)."""
        with self._pool_lock:
            conn = self._idle.pop() if self._idle else None
        if conn is None:
            conn = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
            conn.execute("PRAGMA query_only=1")
            with self._pool_lock:
                self._readers.append(conn)
        try:
            yield conn
        finally:
            with self._pool_lock:
                if self._closed:
                    conn.close()
                else:
                    self._idle.append(conn)

    def stamp(self) -> str:
        """Changes with every committed write (the keyword index is rebuilt then).

        A token rewritten inside each write transaction: reading it is one row, where hashing every
        chunk id cost 156 ms per question at 100k chunks (docs/benchmarks.md).
        """
        with self._read() as conn:
            row = conn.execute("SELECT v FROM state WHERE k='stamp'").fetchone()
        return str(row[0]) if row else ""

    def read_manifest(self) -> Manifest | None:
        return read_manifest(self.path.parent)

    def write_manifest(self, manifest: Manifest) -> None:
        write_manifest(self.path.parent, manifest)

    @contextmanager
    def _tx(self, *, stamp: bool = True) -> Iterator[sqlite3.Connection]:
        """One write transaction; ``stamp=False`` for the vector queue, which the keyword index ignores."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
                if stamp:
                    self._conn.execute(
                        "INSERT OR REPLACE INTO state VALUES ('stamp', ?)", (uuid.uuid4().hex,)
                    )
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def fingerprint(self, doc_id: str) -> str | None:
        with self._read() as conn:
            row = conn.execute("SELECT fingerprint FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return row[0] if row else None

    def chunk_ids(self, doc_id: str | None = None) -> list[str]:
        with self._read() as conn:
            if doc_id is None:
                rows = conn.execute("SELECT chunk_id FROM chunks").fetchall()
            else:
                rows = conn.execute("SELECT chunk_id FROM chunks WHERE doc_id=?", (doc_id,)).fetchall()
        return [r[0] for r in rows]

    def replace_document(
        self,
        doc: SourceDoc,
        fingerprint: str,
        chunks: list[Chunk],
        tokens: list[list[str]],
        pending: Iterable[str] = (),
    ) -> None:
        """Swap in a document and its chunks atomically, with the chunk ids still ``pending`` vectors
        queued in the same transaction (待算向量队列, see :mod:`index.embed_queue`)."""
        m = doc.meta
        wanted = set(pending)
        with self._tx() as conn:
            conn.execute("DELETE FROM embed_queue WHERE doc_id=?", (doc.doc_id,))
            conn.executemany(
                "INSERT OR REPLACE INTO embed_queue VALUES (?,?,?)",
                [(c.chunk_id, c.doc_id, c.ordinal) for c in chunks if c.chunk_id in wanted],
            )
            conn.execute("DELETE FROM chunks WHERE doc_id=?", (doc.doc_id,))
            conn.execute("DELETE FROM documents WHERE doc_id=?", (doc.doc_id,))
            conn.execute(
                "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (doc.doc_id, doc.source, doc.path, doc.fmt, m.title, m.issuer, m.date, m.doc_number,
                 m.source_url, m.author, json.dumps(dict(m.extra), ensure_ascii=False), doc.text,
                 fingerprint, len(chunks), time.time()),
            )  # fmt: skip
            conn.executemany(
                'INSERT INTO chunks VALUES (?,?,?,?,?,?,?,?)',
                [(c.chunk_id, c.doc_id, c.ordinal, c.section, c.start, c.end, c.text, " ".join(t))
                 for c, t in zip(chunks, tokens, strict=True)],
            )  # fmt: skip

    def remove_document(self, doc_id: str) -> bool:
        with self._tx() as conn:
            conn.execute("DELETE FROM embed_queue WHERE doc_id=?", (doc_id,))
            conn.execute("DELETE FROM chunks WHERE doc_id=?", (doc_id,))
            return conn.execute("DELETE FROM documents WHERE doc_id=?", (doc_id,)).rowcount > 0

    def documents(self) -> list[DocRecord]:
        with self._read() as conn:
            rows = conn.execute(
                "SELECT doc_id, source, title, issuer, date, doc_number, fingerprint, n_chunks, ingested_at "
                "FROM documents ORDER BY source"
            ).fetchall()
        return [DocRecord(*r) for r in rows]

    def find_document(self, key: str) -> DocRecord | None:
        """By doc id, file name or exact title."""
        return next((d for d in self.documents() if key in (d.doc_id, d.source, d.title)), None)

    def document_text(self, doc_id: str) -> str | None:
        with self._read() as conn:
            row = conn.execute("SELECT text FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return row[0] if row else None

    def document_meta(self, doc_id: str) -> DocMeta | None:
        with self._read() as conn:
            row = conn.execute(
                "SELECT title, issuer, date, doc_number, source_url, author, extra FROM documents WHERE doc_id=?",
                (doc_id,),
            ).fetchone()
        if row is None:
            return None
        extra = tuple(json.loads(row[6] or "{}").items())
        return DocMeta(row[0], row[1], row[2], row[3], row[4], row[5], extra)

    def iter_chunks(self, ids: Iterable[str] | None = None) -> Iterator[StoredChunk]:
        """Chunks joined with their document's metadata, in catalog order (all, or the given ids)."""
        sql = (
            'SELECT c.chunk_id, c.doc_id, d.source, c.section, c.start, c."end", c.text, c.ordinal, '
            "d.title, d.issuer, d.date, c.tokens FROM chunks c JOIN documents d USING (doc_id)"
        )
        if ids is None:
            yield from self._iter_all_chunks(sql)
            return
        with self._read() as conn:
            wanted = list(ids)
            rows = []
            for i in range(0, len(wanted), 500):
                part = wanted[i : i + 500]
                marks = ",".join("?" * len(part))
                rows += conn.execute(sql + f" WHERE c.chunk_id IN ({marks})", part).fetchall()
        for r in rows:
            yield _stored(r)

    def _iter_all_chunks(self, sql: str, docs_per_page: int = 64) -> Iterator[StoredChunk]:
        """Every chunk, a few documents at a time in one read snapshot: reading all at once held every
        chunk's text and tokens in memory (285 MB at 100k chunks, on each ingest's sentence check)."""
        with self._read() as conn:
            conn.execute("BEGIN")  # one snapshot across the pages: a commit meanwhile is not half seen
            try:
                docs = [r[0] for r in conn.execute("SELECT doc_id FROM documents ORDER BY source, doc_id")]
                for i in range(0, len(docs), docs_per_page):
                    part = docs[i : i + docs_per_page]
                    marks = ",".join("?" * len(part))
                    page = conn.execute(
                        sql + f" WHERE c.doc_id IN ({marks}) ORDER BY d.source, d.doc_id, c.ordinal", part
                    ).fetchall()
                    for r in page:
                        yield _stored(r)
            finally:
                conn.execute("COMMIT")

    def iter_tokens(self, page: int = 2000) -> Iterator[tuple[str, tuple[str, ...]]]:
        """(chunk_id, tokens) of every chunk, read a page at a time: what the keyword index is built from,
        without holding every chunk's text in memory."""
        last = 0
        while True:
            with self._read() as conn:
                rows = conn.execute(
                    "SELECT c.rowid, c.chunk_id, c.tokens FROM chunks c JOIN documents d USING (doc_id) "
                    "WHERE c.rowid > ? ORDER BY c.rowid LIMIT ?",
                    (last, page),
                ).fetchall()
            if not rows:
                return
            last = rows[-1][0]
            for _, cid, tokens in rows:
                yield cid, tuple(tokens.split())

    def dangling_chunks(self) -> list[tuple[str, str]]:
        """(chunk_id, doc_id) of chunk rows without a document row (only a damaged file has any)."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT chunk_id, doc_id FROM chunks WHERE doc_id NOT IN (SELECT doc_id FROM documents)"
            ).fetchall()
        return [(r[0], r[1]) for r in rows]

    def counts(self) -> tuple[int, int]:
        with self._read() as conn:
            docs = conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
            chunks = conn.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
        return int(docs), int(chunks)

    # -- the vector queue (待算向量队列): chunk ids committed before their vectors, see index.embed_queue --
    def queued_count(self) -> int:
        with self._read() as conn:
            return int(conn.execute("SELECT COUNT(*) FROM embed_queue").fetchone()[0])

    def queued_ids(self) -> set[str]:
        with self._read() as conn:
            return {r[0] for r in conn.execute("SELECT chunk_id FROM embed_queue")}

    def queued_by_doc(self) -> dict[str, int]:
        with self._read() as conn:
            rows = conn.execute("SELECT doc_id, COUNT(*) FROM embed_queue GROUP BY doc_id").fetchall()
        return {r[0]: int(r[1]) for r in rows}

    def queued_batch(self, limit: int) -> list[str]:
        """Up to ``limit`` queued chunk ids of one document (the one queued first), in reading order, so
        a batch is what a waiting ingest would have embedded for that document."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT chunk_id FROM embed_queue WHERE doc_id = "
                "(SELECT doc_id FROM embed_queue ORDER BY rowid LIMIT 1) ORDER BY ordinal LIMIT ?",
                (limit,),
            ).fetchall()
        return [r[0] for r in rows]

    def enqueue(self, chunks: Iterable[Chunk]) -> None:
        """Queue committed chunks that lack vectors (e.g. vectors lost in a crash)."""
        with self._tx(stamp=False) as conn:
            conn.executemany(
                "INSERT OR IGNORE INTO embed_queue VALUES (?,?,?)",
                [(c.chunk_id, c.doc_id, c.ordinal) for c in chunks],
            )

    def dequeue(self, ids: Iterable[str]) -> None:
        """Take chunk ids whose vectors are stored off the queue (the commit point of a batch)."""
        with self._tx(stamp=False) as conn:
            conn.executemany("DELETE FROM embed_queue WHERE chunk_id=?", [(cid,) for cid in ids])

    def source_doc(self, doc_id: str) -> SourceDoc | None:
        """The document as it was ingested (text, file name, path, format, metadata; not its skip ranges,
        which only shaped the chunks): what a migration copies to another catalog."""
        with self._read() as conn:
            row = conn.execute(
                "SELECT source, path, fmt, text FROM documents WHERE doc_id=?", (doc_id,)
            ).fetchone()
        meta = self.document_meta(doc_id)
        if row is None or meta is None:
            return None
        return SourceDoc(row[0], row[1] or "", row[2] or "", row[3], meta)
