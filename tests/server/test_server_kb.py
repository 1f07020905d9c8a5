"""The knowledge base in server mode, in process: parity with embedded mode, crash safety, orphans.

Each test uses its own knowledge-base name, so the tests share one ``chroma run`` server without
seeing each other's documents.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from server_testkit import DOCS, LAW, WATER, write_docs

from assistant.config import Settings
from assistant.engine import Assistant
from assistant.retrieve import Filters, HybridRetriever
from corpus.ids import doc_id_for
from index.catalog_chroma import ChromaCatalog
from index.knowledge_base import KnowledgeBase

pytestmark = pytest.mark.slow

QUESTIONS = (
    "如何防止农户返贫？",
    "重点帮扶县发展什么产业？",
    "一户可以有几处宅基地？",
    "乡村振兴促进办法是哪个机关发布的？",
    "高铁票价怎么定？",  # not in the documents: a refusal in both modes
)


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    return write_docs(tmp_path / "corpus", DOCS)


def open_kb(root: Path, url: str, name: str) -> KnowledgeBase:
    return KnowledgeBase(root, chroma_url=url, name=name)


@pytest.fixture()
def kb_name(request: pytest.FixtureRequest) -> str:
    """A knowledge base of the test's own on the shared server."""
    return request.node.name.removeprefix("test_")[:32]


@pytest.fixture()
def server_kb(chroma_url: str, tmp_path: Path, kb_name: str) -> Iterator[KnowledgeBase]:
    kb = open_kb(tmp_path / "server-index", chroma_url, kb_name)
    yield kb
    kb.close()


def comparable(answer: dict[str, Any]) -> dict[str, Any]:
    answer = dict(answer, latency_ms=None)
    answer["retrieved"] = [(h["chunk_id"], h["start"], h["end"], h["score"]) for h in answer["retrieved"]]
    return answer


def test_embedded_and_server_mode_give_the_same_answers_and_citations(
    corpus: Path, tmp_path: Path, server_kb: KnowledgeBase
) -> None:
    embedded = Assistant(Settings(index_dir=tmp_path / "embedded"))
    server = Assistant(Settings(index_dir=server_kb.index_dir, chroma_url=server_kb.chroma_url), server_kb)
    try:
        assert embedded.ingest([corpus]).added == server.ingest([corpus]).added
        assert embedded.kb.stats() == server.kb.stats()
        assert embedded.kb.documents() != [] and [
            (d.doc_id, d.title, d.issuer, d.date, d.fingerprint, d.n_chunks) for d in embedded.kb.documents()
        ] == [(d.doc_id, d.title, d.issuer, d.date, d.fingerprint, d.n_chunks) for d in server.kb.documents()]
        for question in QUESTIONS:
            mine, theirs = embedded.ask(question).to_dict(), server.ask(question).to_dict()
            assert comparable(mine) == comparable(theirs), question
        assert embedded.ask(QUESTIONS[0]).found and not server.ask(QUESTIONS[-1]).found
        filters = Filters(docs=("law.txt",))
        assert [h.to_dict() for h in embedded.search("宅基地", 3, filters)] == [
            h.to_dict() for h in server.search("宅基地", 3, filters)
        ]
        law = doc_id_for("law.txt")
        assert embedded.document_text(law) == server.document_text(law)
        assert embedded.kb.catalog.document_meta(law) == server.kb.catalog.document_meta(law)
    finally:
        embedded.close()


def test_a_crash_before_the_document_record_leaves_no_half_document(
    corpus: Path,
    tmp_path: Path,
    server_kb: KnowledgeBase,
    chroma_url: str,
    kb_name: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server_kb.ingest([corpus])
    law = doc_id_for("law.txt")
    old_law_chunks = server_kb.catalog.chunk_ids(law)
    old_law_text = server_kb.catalog.document_text(law)

    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("killed between the vectors and the document record")

    # A new document and a new version of an old one: their vectors are written, their records never.
    write_docs(corpus, {"water.md": WATER, "law.txt": LAW.replace("发展特色产业", "发展特色种养业")})
    monkeypatch.setattr(server_kb.catalog, "replace_document", crash)
    for name in ("law.txt", "water.md"):
        with pytest.raises(RuntimeError):
            server_kb.ingest([corpus / name])
    monkeypatch.undo()
    water = doc_id_for("water.md")
    written = server_kb.vectors.all_ids() - set(server_kb.catalog.chunk_ids())
    water_vectors = {cid for cid, _ in server_kb.dense_search("农田水利设施", 5, doc_ids=[water])}
    assert water_vectors and water_vectors < written  # the new law chunks are the rest

    # Another process sees the old state exactly: no water.md, the old law.txt whole.
    other = open_kb(tmp_path / "other", chroma_url, kb_name)
    try:
        assert sorted(d.source for d in other.documents()) == sorted(DOCS)
        assert other.catalog.chunk_ids(law) == old_law_chunks
        assert other.catalog.document_text(law) == old_law_text
        assert other.chunks(written) == {}
        assert not {cid for cid, _ in other.keyword_search("农田水利设施 种养业", 50)} & written
        for mode in ("hybrid", "dense", "bm25"):
            for question in ("小型农田水利设施由谁管护？", "重点帮扶县发展特色种养业"):
                hits = HybridRetriever(other, mode=mode).retrieve(question, k=10)
                assert not {h.chunk.chunk_id for h in hits} & written, (mode, question)
                assert water not in {h.chunk.doc_id for h in hits}
        stats = other.stats()
        assert stats["documents"] == 3 and stats["chunks"] == stats["keyword"] < stats["vectors"]

        # The next ingest commits both documents and reuses the vectors the crashed one had embedded.
        report = other.ingest([corpus])
        assert report.added == ("water.md",) and report.updated == ("law.txt",)
        assert report.chunks_embedded == 0
        assert other.keyword_search("种养业", 1)[0][0] in set(other.catalog.chunk_ids(law))
    finally:
        other.close()


def test_orphans_are_swept_once_old_enough_and_missing_vectors_are_restored(
    corpus: Path, server_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    server_kb.ingest([corpus])
    committed = set(server_kb.catalog.chunk_ids())
    vector = np.ones((1, server_kb.embedder.dim), dtype=np.float32) / np.sqrt(server_kb.embedder.dim)
    # Fresh unreferenced vectors may belong to a writer about to commit: the sweep spares them.
    server_kb.vectors.upsert(["c-in-flight"], vector, [doc_id_for("law.txt")])
    assert server_kb.ingest([corpus]).chunks_embedded == 0
    assert server_kb.vectors.existing(["c-in-flight"]) == {"c-in-flight"}
    # Once older than the grace period they are removed.
    monkeypatch.setattr(server_kb.catalog, "orphan_grace", 0.0)
    server_kb.ingest([corpus])
    assert server_kb.vectors.all_ids() == committed

    # A racing writer deleted a vector a committed chunk still uses: the next ingest embeds it again.
    lost = sorted(committed)[0]
    server_kb.vectors.delete([lost])
    server_kb.ingest([corpus])
    assert server_kb.vectors.all_ids() == committed
    hits = server_kb.dense_search(server_kb.chunks([lost])[lost].chunk.text, 1)
    assert hits[0][0] == lost


def test_state_stamp_is_one_record_and_changes_with_every_commit(
    corpus: Path, server_kb: KnowledgeBase
) -> None:
    catalog = server_kb.catalog
    assert isinstance(catalog, ChromaCatalog)
    before = catalog.stamp()
    server_kb.ingest([corpus])
    after_ingest = catalog.stamp()
    assert after_ingest != before
    server_kb.ingest([corpus])  # unchanged: nothing committed
    assert catalog.stamp() == after_ingest
    keyword = server_kb.bm25
    assert server_kb.bm25 is keyword  # unchanged stamp: the keyword index is not rebuilt
    server_kb.remove("guide.md")
    assert catalog.stamp() != after_ingest
    assert server_kb.bm25 is not keyword and len(server_kb.bm25) == server_kb.stats()["chunks"]
