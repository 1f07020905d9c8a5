"""The catalog in a Chroma server (服务器目录): server mode keeps no local source of truth.

With ``--chroma-url`` several app processes, possibly on different machines, share one knowledge
base, so the catalog lives in the server beside the vectors, in its own collection
``pa-<kb>-catalog`` (records only, never searched: Chroma wants an embedding per record and one
dimension per collection, so each carries the placeholder ``[1.0]`` and the chunk vectors stay apart):

* one record per document, id = doc id: ``document`` is JSON ``{"text": full text, "tokens": [one
  space-joined jieba token string per chunk]}``, ``metadata`` holds ``kind="doc"``, the document
  fields (source, title, issuer, date, doc_number, ...), ``fingerprint``, ``n_chunks``,
  ``ingested_at`` and ``chunks``: JSON ``[[chunk_id, section, start, end], ...]`` in reading order.
  The record is self-contained, so writing it is the commit point of a document version: a single
  record upsert is atomic in Chroma. Vectors are written before it and dropped after it, so a crash
  leaves the old or the new version, never half of one; vectors no record names are orphans that
  retrieval ignores and a later ingest removes. (Keeping the chunk table on the vector records instead
  would break this: chunk ids are content hashes shared by the old and the new version of a document,
  so rewriting their metadata before the commit would change the committed version.)
* ``__manifest__``: how the knowledge base was built (embedder, chunker, vector collection), so a
  second machine opening it is checked against the same settings.
* ``__state__``: a random token rewritten after every commit or removal. It is the cheap stamp (one
  get by id) each process compares before a question; when it changed, the document list is
  re-read and the keyword index is rebuilt from these records, so every process searches the same
  documents as Chroma.

Several writers are allowed (no local lock). Two processes writing the same document race by last
writer wins: each record is written whole. Vector deletions of a racing writer may remove vectors the
winner needs; the knowledge base re-embeds committed chunks that lack vectors at the end of every
ingest, and its orphan sweep spares vectors younger than :data:`ORPHAN_GRACE` seconds (another writer
may be about to commit them; clocks of the writing machines should agree to well within that).
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

from corpus.types import Chunk, DocMeta, SourceDoc
from index.catalog import DocRecord, StoredChunk
from index.chroma_store import ChromaRecords, collection_name
from index.manifest import Manifest

ORPHAN_GRACE = 600.0
_MANIFEST = "__manifest__"
_STATE = "__state__"


@dataclass(frozen=True, slots=True)
class _Entry:
    """A committed document version as the document list holds it (no text, no tokens)."""

    record: DocRecord
    meta: DocMeta
    chunks: tuple[tuple[str, str, int, int], ...]  # (chunk_id, section, start, end) in reading order


@dataclass(frozen=True, slots=True)
class _Body:
    fingerprint: str
    text: str
    tokens: tuple[str, ...]  # space-joined per chunk


class _Snapshot:
    def __init__(self, stamp: str, entries: dict[str, _Entry]) -> None:
        self.stamp = stamp
        self.entries = entries
        self.where = {
            cid: (doc_id, i) for doc_id, e in entries.items() for i, (cid, *_) in enumerate(e.chunks)
        }


class ChromaCatalog:
    """The :class:`index.catalog.CatalogStore` of server mode, on records in a Chroma server."""

    orphan_grace = ORPHAN_GRACE

    def __init__(self, url: str, kb: str = "default") -> None:
        self._records = ChromaRecords(url=url, collection=collection_name(kb, "catalog"))
        self.location = url
        self._lock = threading.RLock()
        self._snapshot = _Snapshot("", {})
        self._bodies: dict[str, _Body] = {}  # document texts fetched so far, by doc id

    def close(self) -> None:
        self._bodies.clear()

    # -- state and manifest --------------------------------------------------------------------------------
    def stamp(self) -> str:
        rows = self._records.get([_STATE])
        return str(rows[0][2].get("token", "")) if rows else ""

    def _bump(self) -> None:
        self._records.upsert(
            [_STATE], [""], [{"kind": "state", "token": uuid.uuid4().hex, "at": time.time()}]
        )

    def read_manifest(self) -> Manifest | None:
        rows = self._records.get([_MANIFEST])
        if not rows:
            return None
        data = json.loads(str(rows[0][2]["json"]))
        return Manifest(**{k: data[k] for k in Manifest.__dataclass_fields__ if k in data})

    def write_manifest(self, manifest: Manifest) -> None:
        payload = json.dumps(asdict(manifest), ensure_ascii=False)
        self._records.upsert([_MANIFEST], [""], [{"kind": "manifest", "json": payload}])

    # -- writing ------------------------------------------------------------------------------------------
    def replace_document(
        self, doc: SourceDoc, fingerprint: str, chunks: list[Chunk], tokens: list[list[str]]
    ) -> None:
        """Commit a document version: one self-contained record, then a new state token."""
        m = doc.meta
        body = {"text": doc.text, "tokens": [" ".join(t) for t in tokens]}
        table = [[c.chunk_id, c.section, c.start, c.end] for c in sorted(chunks, key=lambda c: c.ordinal)]
        meta: dict[str, Any] = {
            "kind": "doc", "source": doc.source, "path": doc.path, "fmt": doc.fmt, "title": m.title,
            "issuer": m.issuer, "date": m.date, "doc_number": m.doc_number, "source_url": m.source_url,
            "author": m.author, "extra": json.dumps(dict(m.extra), ensure_ascii=False),
            "fingerprint": fingerprint, "n_chunks": len(chunks), "ingested_at": time.time(),
            "chunks": json.dumps(table, ensure_ascii=False),
        }  # fmt: skip
        self._records.upsert([doc.doc_id], [json.dumps(body, ensure_ascii=False)], [meta])
        self._bump()

    def remove_document(self, doc_id: str) -> bool:
        found = bool(self._records.get([doc_id], metadatas=False))
        self._records.delete([doc_id])
        self._bump()
        return found

    # -- reading ------------------------------------------------------------------------------------------
    def _current(self) -> _Snapshot:
        """The document list as of the server's state token (re-read only when the token changed)."""
        with self._lock:
            stamp = self.stamp()  # read before the records: a later commit changes it again
            if stamp != self._snapshot.stamp or not stamp:
                rows = self._records.get(where={"kind": "doc"})
                self._snapshot = _Snapshot(stamp, {doc_id: _entry(doc_id, meta) for doc_id, _, meta in rows})
            return self._snapshot

    def fingerprint(self, doc_id: str) -> str | None:
        entry = self._current().entries.get(doc_id)
        return entry.record.fingerprint if entry else None

    def chunk_ids(self, doc_id: str | None = None) -> list[str]:
        snap = self._current()
        if doc_id is None:
            return [cid for e in snap.entries.values() for cid, *_ in e.chunks]
        entry = snap.entries.get(doc_id)
        return [cid for cid, *_ in entry.chunks] if entry else []

    def documents(self) -> list[DocRecord]:
        return sorted((e.record for e in self._current().entries.values()), key=lambda r: r.source)

    def find_document(self, key: str) -> DocRecord | None:
        """By doc id, file name or exact title."""
        return next((d for d in self.documents() if key in (d.doc_id, d.source, d.title)), None)

    def document_text(self, doc_id: str) -> str | None:
        entry = self._current().entries.get(doc_id)
        body = self._body(entry) if entry else None
        return body.text if body else None

    def document_meta(self, doc_id: str) -> DocMeta | None:
        entry = self._current().entries.get(doc_id)
        return entry.meta if entry else None

    def _body(self, entry: _Entry) -> _Body | None:
        doc_id = entry.record.doc_id
        with self._lock:
            body = self._bodies.get(doc_id)
        if body is None or body.fingerprint != entry.record.fingerprint:
            rows = self._records.get([doc_id], documents=True)
            if not rows or rows[0][2].get("fingerprint") != entry.record.fingerprint:
                return None  # replaced or removed since the list was read: the next question sees it
            data = json.loads(rows[0][1] or "{}")
            body = _Body(entry.record.fingerprint, data["text"], tuple(data["tokens"]))
            with self._lock:
                self._bodies[doc_id] = body
        return body

    def iter_chunks(self, ids: Iterable[str] | None = None) -> Iterator[StoredChunk]:
        """Chunks of committed documents with their document's metadata (all, or the given ids)."""
        if ids is None:
            # Every document with its text in one pass (the keyword index is built from this); texts
            # are not kept, so a process holds only the documents its answers quote.
            rows = self._records.get(where={"kind": "doc"}, documents=True)
            for doc_id, document, meta in sorted(rows, key=lambda r: str(r[2].get("source", ""))):
                entry = _entry(doc_id, meta)
                data = json.loads(document or "{}")
                whole = _Body(entry.record.fingerprint, data["text"], tuple(data["tokens"]))
                yield from _stored(entry, whole, range(len(entry.chunks)))
            return
        snap = self._current()
        by_doc: dict[str, list[int]] = {}
        for cid in ids:
            if cid in snap.where:  # chunks no committed record names (orphans) are not there
                doc_id, i = snap.where[cid]
                by_doc.setdefault(doc_id, []).append(i)
        for doc_id, ordinals in by_doc.items():
            entry = snap.entries[doc_id]
            body = self._body(entry)
            if body is not None:
                yield from _stored(entry, body, ordinals)

    def iter_tokens(self) -> Iterator[tuple[str, tuple[str, ...]]]:
        """(chunk_id, tokens) of every committed chunk, a document at a time."""
        for s in self.iter_chunks():
            yield s.chunk.chunk_id, s.tokens

    def counts(self) -> tuple[int, int]:
        entries = self._current().entries.values()
        return len(entries), sum(len(e.chunks) for e in entries)


def _entry(doc_id: str, meta: dict[str, Any]) -> _Entry:
    def s(key: str) -> str:
        return str(meta.get(key) or "")

    record = DocRecord(
        doc_id, s("source"), s("title"), s("issuer"), s("date"), s("doc_number"), s("fingerprint"),
        int(meta.get("n_chunks") or 0), float(meta.get("ingested_at") or 0.0),
    )  # fmt: skip
    extra = tuple(json.loads(s("extra") or "{}").items())
    doc_meta = DocMeta(
        s("title"), s("issuer"), s("date"), s("doc_number"), s("source_url"), s("author"), extra
    )
    table = tuple((str(c), str(sec), int(a), int(b)) for c, sec, a, b in json.loads(s("chunks") or "[]"))
    return _Entry(record, doc_meta, table)


def _stored(entry: _Entry, body: _Body, ordinals: Iterable[int]) -> Iterator[StoredChunk]:
    rec = entry.record
    for i in ordinals:
        cid, section, start, end = entry.chunks[i]
        chunk = Chunk(cid, rec.doc_id, rec.source, section, start, end, body.text[start:end], i)
        yield StoredChunk(chunk, rec.title, rec.issuer, rec.date, tuple(body.tokens[i].split()))
