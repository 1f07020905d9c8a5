"""Content-addressed identifiers (内容哈希标识): the same input always gets the same id."""

from __future__ import annotations

import hashlib


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def doc_id_for(source: str) -> str:
    """A document is identified by the file name it was ingested under, so a changed file replaces it."""
    return "d" + hashlib.sha256(source.encode("utf-8")).hexdigest()[:15]


def chunk_id_for(doc_id: str, section: str, start: int, text: str) -> str:
    # The start offset is part of the id: the same sentence may legitimately occur twice in one section.
    digest = hashlib.sha256(f"{doc_id}\x1f{section}\x1f{start}\x1f{text}".encode()).hexdigest()
    return "c" + digest[:23]
