"""Disabled documents (文档停用): the flag store, and retrieval that never returns a disabled document.

Real SQLite, and for retrieval a tiny real knowledge base (jieba, Chroma under ``tmp_path``, the bundled
embedder) of three short documents, built once for the module.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant import Assistant, Filters, Settings
from index.doc_state import DocStates, doc_states_for
from index.layout import DOC_STATE_TABLE, IndexLayout

SEED = "种业振兴办法\n\n第一条 国家加强种业振兴，保护种质资源，支持育种创新。\n\n第二条 县级人民政府设立种业振兴专项资金。\n"
WATER = "农田水利办法\n\n第一条 县级人民政府负责农田水利设施的建设和管护，保障灌溉用水。\n"
SEED_COPY = "种子管理通知\n\n各乡镇：种业振兴专项资金由县级人民政府设立，用于保护种质资源。\n"
QUESTION = "县级人民政府设立什么专项资金？"


# -- the store ---------------------------------------------------------------------------------------
def test_no_flags_reads_as_nothing_disabled_and_writes_nothing(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.sqlite"
    assert DocStates(catalog).disabled() == frozenset()
    assert not catalog.exists(), "asking must not create the catalog"
    sqlite3.connect(catalog).execute("CREATE TABLE documents (doc_id TEXT)").connection.close()
    states = DocStates(catalog)
    assert states.disabled() == frozenset()
    tables = {r[0] for r in sqlite3.connect(catalog).execute("SELECT name FROM sqlite_master")}
    assert DOC_STATE_TABLE not in tables, "reading must not add the table (a read-only index stays as it was)"
    states.close()


def test_disable_enable_round_trip_survives_reopening(tmp_path: Path) -> None:
    path = IndexLayout(tmp_path).catalog
    states = DocStates(path)
    assert states.set_enabled("d1", False, "张主任") is True
    assert states.set_enabled("d1", False) is False  # already disabled: no change
    assert states.set_enabled("d2", False) is True
    states.close()
    again = doc_states_for(tmp_path, server=False)
    assert again.disabled() == {"d1", "d2"} and not again.is_enabled("d1")
    assert again.set_enabled("d1", True) is True and again.set_enabled("d1", True) is False
    again.forget("d2")
    assert again.disabled() == frozenset()
    again.close()
    assert doc_states_for(tmp_path, server=True).path == tmp_path / "doc-state.sqlite"


# -- retrieval ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    root = tmp_path_factory.mktemp("doc-state")
    docs = root / "docs"
    docs.mkdir()
    for name, text in (("a-seed.txt", SEED), ("b-water.txt", WATER), ("c-notice.txt", SEED_COPY)):
        (docs / name).write_text(text, encoding="utf-8")
    a = Assistant(Settings(index_dir=root / "index"))
    assert a.ingest([docs]).ok
    yield a
    a.close()


def _doc(a: Assistant, source: str) -> str:
    rec = a.find_document(source)
    assert rec is not None
    return rec.doc_id


def _docs_of(hits: list) -> set[str]:  # type: ignore[type-arg]
    return {h.chunk.source for h in hits}


def test_a_disabled_document_is_never_retrieved_or_cited(assistant: Assistant) -> None:
    seed = _doc(assistant, "a-seed.txt")
    before = assistant.retriever.retrieve(QUESTION, k=10)
    answer = assistant.ask(QUESTION)
    assert "a-seed.txt" in _docs_of(before) and answer.found
    assert "a-seed.txt" in {c.source for c in answer.citations}
    assert assistant.set_document_enabled(seed, False, "tester")
    try:
        assert assistant.disabled_documents() == {seed}
        hits = assistant.retriever.retrieve(QUESTION, k=10)
        assert hits and "a-seed.txt" not in _docs_of(hits)
        assert _docs_of(hits) == _docs_of(before) - {"a-seed.txt"}  # the others are still found
        filtered = assistant.retriever.retrieve(QUESTION, k=10, filters=Filters(issuer=""))
        by_title = assistant.retriever.retrieve(QUESTION, k=10, filters=Filters(docs=("种业振兴办法",)))
        assert "a-seed.txt" not in _docs_of(filtered) and by_title == []
        for mode in ("bm25", "dense"):
            assistant.retriever.mode = mode
            assert "a-seed.txt" not in _docs_of(assistant.retriever.retrieve(QUESTION, k=10))
        assistant.retriever.mode = "hybrid"
        again = assistant.ask(QUESTION)
        cited = {c.source for c in again.citations} | {c.source for c in again.related}
        assert "a-seed.txt" not in cited
        assert all(h.chunk.source != "a-seed.txt" for h in again.retrieved)
        assert "a-seed.txt" not in _docs_of(assistant.search(QUESTION, 10))
    finally:
        assistant.retriever.mode = "hybrid"
        assert assistant.set_document_enabled(seed, True)
    after = assistant.retriever.retrieve(QUESTION, k=10)
    assert [(h.chunk.chunk_id, h.score) for h in after] == [(h.chunk.chunk_id, h.score) for h in before]


def test_unknown_documents_cannot_be_flagged(assistant: Assistant) -> None:
    with pytest.raises(KeyError):
        assistant.set_document_enabled("no-such-doc", False)
    assert assistant.disabled_documents() == frozenset()


def test_duplicate_content_names_the_stored_document(assistant: Assistant, tmp_path: Path) -> None:
    copy = tmp_path / "water-again.txt"
    copy.write_text(WATER, encoding="utf-8")
    same = assistant.duplicate_of(copy, "water-again.txt")
    assert same is not None and same.source == "b-water.txt"
    assert assistant.duplicate_of(copy, "b-water.txt") is None  # the same name is an update
    other = tmp_path / "other.txt"
    other.write_text(WATER + "第二条 新增一条。\n", encoding="utf-8")
    assert assistant.duplicate_of(other, "other.txt") is None
    broken = tmp_path / "empty.txt"
    broken.write_text("   ", encoding="utf-8")
    assert assistant.duplicate_of(broken, "empty.txt") is None  # unreadable: the ingest says why
