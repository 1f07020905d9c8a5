"""Fingerprints (指纹) that tell whether a document or the whole corpus changed since it was indexed.

A document's fingerprint covers its text, its metadata and the chunker settings, so re-ingesting an
unchanged file does no work while a new title or chunk size re-chunks it. The corpus fingerprint, kept
in the manifest and checked by the doctor and the migration, is one hash over the sorted document
fingerprints: it does not depend on the order documents were ingested in.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

from corpus.chunker import ChunkSettings
from corpus.types import SourceDoc

__all__ = ["corpus_fingerprint", "document_fingerprint"]


def document_fingerprint(doc: SourceDoc, settings: ChunkSettings) -> str:
    """The catalog's fingerprint of ``doc`` as chunked with ``settings`` (文件指纹)."""
    chunker = json.dumps(settings.to_dict(), sort_keys=True)
    meta = json.dumps([doc.meta.title, doc.meta.issuer, doc.meta.date, list(doc.skip)], ensure_ascii=False)
    return hashlib.sha256(f"{doc.fingerprint}\x1f{chunker}\x1f{meta}".encode()).hexdigest()


def corpus_fingerprint(document_fingerprints: Iterable[str]) -> str:
    """The manifest's corpus fingerprint (语料指纹) over the fingerprints of every stored document."""
    return hashlib.sha256("".join(sorted(document_fingerprints)).encode()).hexdigest()
