"""Building test knowledge bases: the one ingest every fixture uses, and private copies for writers."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pytest

    from index.reports import IngestReport


def build_index(target: Path, sources: Sequence[Path]) -> IngestReport:
    """Ingest ``sources`` into the index folder ``target`` with the real assistant; fails on any bad file."""
    from assistant import Assistant, Settings

    assistant = Assistant(Settings(index_dir=target))
    try:
        report = assistant.ingest(list(sources))
    finally:
        assistant.close()
    assert report.ok, report.failed
    return report


def writable_copy(index: Path, target: Path) -> Path:
    """A private copy of a read-only test index, for a test (or server) that writes into it."""
    shutil.copytree(index, target, ignore=shutil.ignore_patterns("write.lock", "in-use.lock"))
    return target


def cache_is_current(cache: Path) -> bool:
    """Whether a cached index was built with the current chunker settings and default embedder."""
    from corpus.chunker import ChunkSettings
    from index.embedder import DEFAULT_EMBEDDER
    from index.manifest import read_manifest

    manifest = read_manifest(cache)
    return (
        manifest is not None
        and manifest.chunker == ChunkSettings().to_dict()
        and manifest.embedder == DEFAULT_EMBEDDER
    )


def record_embeddings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text the bundled embedder (the instance knowledge bases share) embeds from now on, in order."""
    from index.embedder import DEFAULT_EMBEDDER, make_embedder

    seen: list[str] = []
    embedder = make_embedder(DEFAULT_EMBEDDER)
    real = embedder.embed_documents

    def counting(texts: list[str]) -> object:
        seen.extend(texts)
        return real(texts)

    monkeypatch.setattr(embedder, "embed_documents", counting)
    return seen
