"""Tests for index.catalog (文档目录): documents and chunks in SQLite, replaced atomically."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from corpus.chunker import chunk_document
from corpus.tokenize import Tokenizer
from corpus.types import Chunk, DocMeta, SourceDoc
from index.catalog import Catalog

TOK = Tokenizer()

TEXT = "一、总体要求\n抓好粮食生产，确保粮食安全。\n\n二、保障措施\n加强耕地保护。\n"
META = DocMeta(
    title="关于春耕的通知",
    issuer="农业农村部",
    date="2024-03-01",
    doc_number="农发〔2024〕1号",
    extra=(("主题", "春耕"),),
)


def make_doc(source: str = "通知.txt", text: str = TEXT, meta: DocMeta = META) -> SourceDoc:
    return SourceDoc(source=source, path=f"/data/{source}", fmt="txt", text=text, meta=meta)


def chunks_and_tokens(doc: SourceDoc) -> tuple[list[Chunk], list[list[str]]]:
    chunks = chunk_document(doc, TOK.count)
    return chunks, [TOK.tokens(c.text) for c in chunks]


@pytest.fixture()
def catalog(tmp_path: Path) -> Iterator[Catalog]:
    cat = Catalog(tmp_path / "sub" / "catalog.sqlite")
    yield cat
    cat.close()


def store(catalog: Catalog, doc: SourceDoc, fingerprint: str = "fp1") -> list[Chunk]:
    chunks, tokens = chunks_and_tokens(doc)
    catalog.replace_document(doc, fingerprint, chunks, tokens)
    return chunks


def test_a_stored_document_comes_back_with_text_meta_and_chunks(catalog: Catalog) -> None:
    doc = make_doc()
    chunks = store(catalog, doc)
    assert catalog.counts() == (1, len(chunks)) and len(chunks) == 2
    [rec] = catalog.documents()
    assert (rec.doc_id, rec.source, rec.title, rec.issuer, rec.date) == (
        doc.doc_id,
        "通知.txt",
        "关于春耕的通知",
        "农业农村部",
        "2024-03-01",
    )
    assert rec.n_chunks == 2 and rec.fingerprint == "fp1" and rec.ingested_at > 0
    assert catalog.document_text(doc.doc_id) == TEXT
    assert catalog.document_meta(doc.doc_id) == META
    assert catalog.fingerprint(doc.doc_id) == "fp1"
    stored = list(catalog.iter_chunks())
    assert [s.chunk for s in stored] == chunks
    assert stored[0].title == "关于春耕的通知" and stored[0].issuer == "农业农村部"
    assert stored[0].tokens == tuple(TOK.tokens(chunks[0].text))


def test_iter_chunks_by_ids_and_chunk_ids_by_document(catalog: Catalog) -> None:
    a = store(catalog, make_doc("a.txt"))
    b = store(catalog, make_doc("b.txt", text="第一条 本办法自发布之日起施行。\n"))
    assert set(catalog.chunk_ids()) == {c.chunk_id for c in a + b}
    assert catalog.chunk_ids(b[0].doc_id) == [b[0].chunk_id]
    got = {s.chunk.chunk_id for s in catalog.iter_chunks([a[1].chunk_id, b[0].chunk_id, "missing"])}
    assert got == {a[1].chunk_id, b[0].chunk_id}


def test_iter_chunks_handles_more_ids_than_one_sql_batch(catalog: Catalog) -> None:
    chunks = store(catalog, make_doc())
    wanted = [f"x{i}" for i in range(1200)] + [chunks[0].chunk_id]
    assert [s.chunk.chunk_id for s in catalog.iter_chunks(wanted)] == [chunks[0].chunk_id]


def test_replacing_a_document_swaps_all_its_chunks(catalog: Catalog) -> None:
    old = store(catalog, make_doc(), "fp1")
    new = store(catalog, make_doc(text="一、新要求\n全面推进乡村振兴。\n"), "fp2")
    assert catalog.counts() == (1, 1)
    assert catalog.chunk_ids(new[0].doc_id) == [new[0].chunk_id]
    assert not set(catalog.chunk_ids()) & {c.chunk_id for c in old}
    assert catalog.fingerprint(new[0].doc_id) == "fp2"


def test_a_failed_replace_leaves_the_old_version_whole(catalog: Catalog) -> None:
    doc = make_doc()
    old = store(catalog, doc, "fp1")
    chunks, tokens = chunks_and_tokens(make_doc(text="一、新要求\n全面推进乡村振兴。\n"))
    with pytest.raises(ValueError):
        # tokens do not match chunks: the insert fails inside the transaction
        catalog.replace_document(doc, "fp2", chunks, [*tokens, ["多余"]])
    assert catalog.fingerprint(doc.doc_id) == "fp1"
    assert catalog.chunk_ids(doc.doc_id) == [c.chunk_id for c in old]


def test_remove_and_find_by_id_file_name_or_title(catalog: Catalog) -> None:
    doc = make_doc()
    store(catalog, doc)
    assert catalog.find_document(doc.doc_id) == catalog.find_document("通知.txt")
    assert catalog.find_document("关于春耕的通知") is not None
    assert catalog.find_document("不存在.txt") is None
    assert catalog.remove_document(doc.doc_id) is True
    assert catalog.counts() == (0, 0)
    assert catalog.remove_document(doc.doc_id) is False
    assert catalog.document_text(doc.doc_id) is None and catalog.document_meta(doc.doc_id) is None


def test_catalog_persists_across_connections(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite"
    first = Catalog(path)
    store(first, make_doc())
    first.close()
    second = Catalog(path)
    try:
        assert second.counts() == (1, 2)
        assert second.document_text(make_doc().doc_id) == TEXT
    finally:
        second.close()
