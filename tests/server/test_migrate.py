"""Migration of an embedded knowledge base to a real ``chroma run`` server (迁移到服务器).

The source is a copy of the session's corpus index (the migration takes the source's write lock, so
the shared fixture is never touched); each test migrates into a knowledge base of its own name.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from server_testkit import DOCS, LAW, run_cli, write_docs

from assistant.cli import main
from assistant.config import Settings
from assistant.engine import Assistant
from corpus.chunker import ChunkSettings
from index import doctor
from index.catalog_chroma import ChromaCatalog
from index.chroma_store import ChromaStore, collection_name
from index.embedder import DEFAULT_EMBEDDER
from index.errors import IndexLocked
from index.knowledge_base import KnowledgeBase
from index.layout import IndexLayout
from index.lock import WriteLock
from index.manifest import Manifest, read_manifest
from index.migrate import MigrateError, MigrateReport, migrate
from index.sentence_vectors import sentence_collection
from index.sqlite_vectors import SqliteVectorStore

pytestmark = pytest.mark.slow

CORPUS_KB = "migrated-corpus"


def copy_index(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("write.lock"))
    return dst


@pytest.fixture(scope="module")
def source(corpus_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_index(corpus_index, tmp_path_factory.mktemp("migrate-source") / "index")


@pytest.fixture(scope="module")
def first_run(source: Path, chroma_url: str) -> tuple[MigrateReport, list[tuple[str, int, int, int]]]:
    """The corpus migrated once into :data:`CORPUS_KB`, with the progress calls it made."""
    calls: list[tuple[str, int, int, int]] = []
    with pytest.MonkeyPatch.context() as mp:
        no_embedder(mp)
        report = migrate(source, chroma_url, CORPUS_KB, progress=lambda *a: calls.append(a))
    return report, calls


@pytest.fixture(scope="module")
def small_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An embedded index of the three small documents (copy it before changing it)."""
    root = tmp_path_factory.mktemp("migrate-small")
    kb = KnowledgeBase(root / "index")
    try:
        assert kb.ingest([write_docs(root / "corpus", DOCS)]).ok
    finally:
        kb.close()
    return root / "index"


def server_kb(root: Path, url: str, name: str) -> KnowledgeBase:
    return KnowledgeBase(root, chroma_url=url, name=name)


def snapshot(kb: KnowledgeBase) -> dict[str, object]:
    """Everything a migration must carry over but the vectors, in comparable form."""
    docs = kb.documents()
    return {
        "documents": [(d.doc_id, d.source, d.title, d.issuer, d.date, d.doc_number, d.fingerprint, d.n_chunks)
                      for d in docs],
        "texts": {d.doc_id: kb.catalog.document_text(d.doc_id) for d in docs},
        "meta": {d.doc_id: kb.catalog.document_meta(d.doc_id) for d in docs},
        "chunks": {s.chunk.chunk_id: (s.chunk, s.title, s.tokens) for s in kb.catalog.iter_chunks()},
    }  # fmt: skip


def assert_same_vectors(src: KnowledgeBase, dst: KnowledgeBase) -> None:
    """Each chunk has its source vector on the server. The upload is exact (base64 float32); reading
    back from a Chroma server may round the last bit of a component, as for any server-mode ingest."""
    ids = sorted(src.catalog.chunk_ids())
    assert dst.vectors.all_ids() == set(ids) == set(dst.catalog.chunk_ids())
    mine, theirs = src.vectors.vectors(ids), dst.vectors.vectors(ids)
    for cid in ids:
        np.testing.assert_array_max_ulp(mine[cid], theirs[cid], maxulp=2)


def no_embedder(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any embedding would fail: a migration copies vectors, it never computes one."""
    monkeypatch.setattr(
        "index.knowledge_base.make_embedder", lambda spec: pytest.fail("migration loaded an embedder")
    )


def test_corpus_is_copied_whole_without_embedding_and_a_second_run_copies_nothing(
    source: Path,
    chroma_url: str,
    tmp_path: Path,
    first_run: tuple[MigrateReport, list[tuple[str, int, int, int]]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    report, calls = first_run
    src = KnowledgeBase(source)
    dst = server_kb(tmp_path / "server", chroma_url, CORPUS_KB)
    try:
        n_docs, n_chunks = src.catalog.counts()
        assert n_docs > 5 and len(report.copied) == n_docs and report.unchanged == report.pruned == ()
        assert report.chunks_copied == report.vectors_copied == report.chunks_total == n_chunks
        assert (report.documents_total, report.vectors_total) == (n_docs, n_chunks)
        assert [c[1:3] for c in calls] == [(i, n_docs) for i in range(1, n_docs + 1)]
        assert calls[-1][3] == n_chunks
        assert src.stats() == dst.stats() == {
            "documents": n_docs, "chunks": n_chunks, "vectors": n_chunks, "keyword": n_chunks,
        }  # fmt: skip
        assert snapshot(src) == snapshot(dst)
        assert_same_vectors(src, dst)
        assert src.sentences is not None and dst.sentences is not None
        assert dst.sentences.store.all_ids() == src.sentences.store.all_ids() != set()  # sentence vectors too
        # The same build record; only the vector collection is named after the server knowledge base.
        source_manifest, server_manifest = read_manifest(source), dst.catalog.read_manifest()
        assert source_manifest is not None and server_manifest is not None
        assert server_manifest.collection == collection_name(CORPUS_KB, DEFAULT_EMBEDDER)
        assert replace(server_manifest, collection=source_manifest.collection) == source_manifest
        assert doctor.check(dst).ok, doctor.check(dst).summary()

        no_embedder(monkeypatch)
        stamp = dst.catalog.stamp()
        again = migrate(source, chroma_url, CORPUS_KB)
        assert again.copied == () and sorted(again.unchanged) == sorted(report.copied)
        assert again.chunks_copied == again.vectors_copied == 0
        assert dst.catalog.stamp() == stamp  # no record written: other processes keep their keyword index
        assert dst.catalog.read_manifest() == server_manifest
        print(
            f"\nmigrated {n_docs} documents, {n_chunks} chunks in {report.seconds:.1f} s; again {again.seconds:.1f} s"
        )
    finally:
        src.close()
        dst.close()


def test_server_answers_the_whole_dev_set_like_the_embedded_index(
    source: Path,
    chroma_url: str,
    tmp_path: Path,
    dev_set: Path,
    first_run: tuple[MigrateReport, list[tuple[str, int, int, int]]],
) -> None:
    questions = [
        json.loads(line)["question"] for line in dev_set.read_text(encoding="utf-8").splitlines() if line
    ]
    assert len(questions) > 50
    embedded = Assistant(Settings(index_dir=source))
    settings = Settings(index_dir=tmp_path / "server", chroma_url=chroma_url)
    server = Assistant(settings, server_kb(settings.index_dir, chroma_url, CORPUS_KB))
    t0 = time.perf_counter()
    try:
        differ = []
        for question in questions:
            mine, theirs = embedded.ask(question), server.ask(question)
            key = [
                (a.answer, a.found, [(c.doc_id, c.start, c.end) for c in a.citations]) for a in (mine, theirs)
            ]
            if key[0] != key[1]:
                differ.append((question, *key))
        assert not differ, differ[:3]
        assert any(server.ask(q).found for q in questions[:5])
    finally:
        embedded.close()
        server.close()
    print(f"\n{len(questions)} dev questions answered by both modes in {time.perf_counter() - t0:.1f} s")


def test_another_embedder_or_chunker_on_the_server_is_refused_naming_both_sides(
    source: Path, chroma_url: str
) -> None:
    chunker = ChunkSettings().to_dict()
    for name, manifest in (
        ("other-embedder", Manifest("st:/models/bge-m3", 1024, chunker, collection_name("x", "bge"))),
        ("other-chunker", Manifest(DEFAULT_EMBEDDER, 384, ChunkSettings(max_tokens=40).to_dict(), "c")),
    ):
        catalog = ChromaCatalog(chroma_url, name)
        catalog.write_manifest(manifest)
        with pytest.raises(MigrateError) as info:
            migrate(source, chroma_url, name)
        message = str(info.value)
        for part in (chroma_url, name, str(source), DEFAULT_EMBEDDER, manifest.embedder, "--to-kb"):
            assert part in message, (part, message)
        if name == "other-chunker":
            assert "'max_tokens': 40" in message and "'max_tokens': 100" in message
        assert catalog.documents() == [] and catalog.read_manifest() == manifest  # nothing written


def test_removed_documents_are_kept_unless_pruned(
    small_index: Path, chroma_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = "migrate-prune"
    index = copy_index(small_index, tmp_path / "index")
    assert sorted(migrate(index, chroma_url, name).copied) == sorted(DOCS)

    # The office keeps working locally for a while: one file removed, one changed.
    kb = KnowledgeBase(index)
    try:
        assert kb.remove("guide.md") is not None
        changed = write_docs(tmp_path / "changed", {"law.txt": LAW.replace("特色产业", "特色种养业")})
        assert kb.ingest([changed]).updated == ("law.txt",)
    finally:
        kb.close()

    no_embedder(monkeypatch)  # the changed law.txt travels with the vectors its local ingest computed
    dst = server_kb(tmp_path / "server", chroma_url, name)
    try:
        report = migrate(index, chroma_url, name)
        assert (report.copied, report.unchanged, report.pruned, report.kept) == (
            ("law.txt",), ("opinion.txt",), (), ("guide.md",)
        )  # fmt: skip
        assert sorted(d.source for d in dst.documents()) == sorted(DOCS)
        # The old version's vectors went with it, as after an ingest.
        assert dst.vectors.all_ids() == set(dst.catalog.chunk_ids())
        law = dst.catalog.find_document("law.txt")
        assert law is not None and "特色种养业" in (dst.catalog.document_text(law.doc_id) or "")

        pruned = migrate(index, chroma_url, name, prune=True)
        assert (pruned.copied, pruned.pruned, pruned.kept) == ((), ("guide.md",), ())
        src = KnowledgeBase(index)
        try:
            assert snapshot(src) == snapshot(dst)
            assert_same_vectors(src, dst)
        finally:
            src.close()
        assert dst.stats()["vectors"] == dst.stats()["chunks"] == pruned.chunks_total
        assert doctor.check(dst).ok, doctor.check(dst).summary()
    finally:
        dst.close()


def test_sentence_vectors_of_an_index_built_before_sentences_sqlite_are_migrated_from_chroma_as_they_are(
    small_index: Path, chroma_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An index whose sentence vectors are still a Chroma collection: read from there, the source untouched."""
    source = copy_index(small_index, tmp_path / "legacy")
    manifest = read_manifest(source)
    assert manifest is not None
    layout = IndexLayout(source)
    rows = SqliteVectorStore(layout.sentences, space=manifest.collection)
    ids = sorted(rows.all_ids())
    found = rows.vectors(ids)
    rows.close()
    chunks = ChromaStore(path=layout.chroma, collection=manifest.collection)
    chunks.sibling(sentence_collection(manifest.collection)).upsert(
        ids, np.stack([found[i] for i in ids]), ["d"] * len(ids)
    )
    layout.sentences.unlink()
    for side in ("-wal", "-shm"):
        Path(f"{layout.sentences}{side}").unlink(missing_ok=True)

    no_embedder(monkeypatch)
    migrate(source, chroma_url, "migrated-legacy")
    dst = server_kb(tmp_path / "server", chroma_url, "migrated-legacy")
    try:
        assert dst.sentences is not None and dst.sentences.store.all_ids() == set(ids) != set()
    finally:
        dst.close()
    assert not layout.sentences.exists()  # the source is left as it was
    assert chunks.has_collection(sentence_collection(manifest.collection))


def test_a_source_being_written_is_refused(small_index: Path, chroma_url: str, tmp_path: Path) -> None:
    index = copy_index(small_index, tmp_path / "index")
    with WriteLock(index), pytest.raises(IndexLocked):
        migrate(index, chroma_url, "migrate-locked")


@pytest.fixture()
def cli_source(small_index: Path, tmp_path: Path) -> Iterator[Path]:
    yield copy_index(small_index, tmp_path / "index")


def test_cli_migrates_and_prints_a_summary(cli_source: Path, chroma_url: str, tmp_path: Path) -> None:
    name = "migrate-cli"
    target = ("--to-chroma-url", chroma_url, "--to-kb", name)
    out = run_cli("migrate", "--index", cli_source, *target, "--quiet")
    assert "复制 3 个文件，未变 0，删除 0" in out.stdout, out.stdout
    assert f"Chroma 服务器 {chroma_url} 上的知识库 {name}" in out.stdout
    again = run_cli("migrate", "--index", cli_source, *target, "--quiet")
    assert "复制 0 个文件，未变 3" in again.stdout and "0 个向量" in again.stdout

    # A process on "another machine" (its own local folder) finds every document on the server.
    kb = server_kb(tmp_path / "elsewhere", chroma_url, name)
    try:
        assert sorted(d.source for d in kb.documents()) == sorted(DOCS)
        assert kb.keyword_search("宅基地", 1)
    finally:
        kb.close()


def test_cli_errors_exit_2_with_a_clear_message(
    cli_source: Path, chroma_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def fails(*args: str | Path) -> str:
        assert main(["migrate", *map(str, args), "--quiet"]) == 2
        return capsys.readouterr().err

    assert "不是知识库索引目录" in fails("--index", tmp_path / "nothing", "--to-chroma-url", chroma_url)
    ChromaCatalog(chroma_url, "migrate-cli-other").write_manifest(
        Manifest("st:/models/bge-m3", 1024, ChunkSettings().to_dict(), "c")
    )
    refused = fails("--index", cli_source, "--to-chroma-url", chroma_url, "--to-kb", "migrate-cli-other")
    assert "无法迁移" in refused and "st:/models/bge-m3" in refused and DEFAULT_EMBEDDER in refused
    assert "chroma run" in fails("--index", cli_source, "--to-chroma-url", "http://127.0.0.1:9")
