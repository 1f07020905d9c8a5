"""Sentence vectors (句向量, index/sentence_vectors.py): one vector per reading unit, stored at ingest.

Real jieba, Chroma ``PersistentClient`` under ``tmp_path`` and the bundled embedder on one small law;
the embedder is watched by patching ``embed_documents`` on the instance the knowledge base uses.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from index_kit import record_embeddings

from corpus.sentences import reading_units
from index.jobs import CancelToken
from index.knowledge_base import KnowledgeBase
from index.sentence_vectors import sentence_collection, unit_id, units_of
from index.sqlite_vectors import SqliteVectorStore

LAW = (
    "村务监督办法\n\n"
    "第一条 村民委员会每届任期五年，届满应当及时举行换届选举。\n\n"
    "第二条 村务监督委员会由三至五人组成，设主任一名。\n成员由村民会议推选产生。\n\n"
    "第三条 村务公开的事项应当在村务公开栏公布，公布时间不少于十日。\n\n"
    "第四条 本办法自二〇二六年一月一日起施行。\n"
)


@pytest.fixture
def law(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "cunwu-jiandu.txt").write_text(LAW, encoding="utf-8")
    return folder


@pytest.fixture
def kb(tmp_path: Path) -> Iterator[KnowledgeBase]:
    kb = KnowledgeBase(tmp_path / "index")
    yield kb
    kb.close()


@pytest.fixture
def embedded(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text the bundled embedder embeds in this process, in order."""
    return record_embeddings(monkeypatch)


def unit_ids(kb: KnowledgeBase) -> set[str]:
    return {u.id for u in units_of(kb.catalog.iter_chunks())}


def test_units_are_the_readers_sentences_split_at_line_breaks() -> None:
    text = "第二条 村务监督委员会由三至五人组成，设主任一名。\n成员由村民会议推选产生。"
    assert [text[s:e] for s, e in reading_units(text)] == [
        "第二条 村务监督委员会由三至五人组成，设主任一名。",
        "成员由村民会议推选产生。",
    ]
    assert unit_id("abc", 3, 9) == "abc:3:9"
    assert sentence_collection("x" * 70).endswith("-sent") and len(sentence_collection("x" * 70)) <= 63


def test_an_ingest_that_waits_stores_every_unit_once_and_a_removal_drops_them(
    kb: KnowledgeBase, law: Path, embedded: list[str]
) -> None:
    report = kb.ingest([law])
    assert report.ok and kb.pending_sentences() == 0
    assert kb.sentences is not None
    stored = kb.sentences.store.all_ids()
    assert stored == unit_ids(kb) and len(stored) > report.chunks_total  # a chunk holds several units
    units = [t for t in embedded if "\n" not in t]  # passages are embedded under their title line
    assert sorted(units) == sorted({u.text for u in units_of(kb.catalog.iter_chunks())})

    embedded.clear()
    assert kb.ingest([law]).unchanged == ("cunwu-jiandu.txt",) and embedded == []  # nothing twice

    assert kb.remove("cunwu-jiandu.txt") is not None
    assert kb.sentences.store.count() == 0 and kb.pending_sentences() == 0


def test_cosines_are_the_embedders_and_a_unit_without_a_vector_has_none(kb: KnowledgeBase, law: Path) -> None:
    kb.ingest([law])
    chunk = next(s.chunk for s in kb.catalog.iter_chunks() if "公布时间" in s.chunk.text)
    (start, end) = next((s, e) for s, e in reading_units(chunk.text) if "公布时间" in chunk.text[s:e])
    question = kb.embedder.embed_query("村务公开要公布多少天？")
    expected = float(kb.embedder.embed_documents([chunk.text[start:end]])[0] @ question)
    cosines = kb.sentence_cosines(question, [(chunk.chunk_id, start, end, ""), ("missing", 0, 3, "")])
    assert cosines is not None and cosines[1] is None
    # 2e-3: the default embedder scales its int8 activations per batch, so a unit embedded among others
    # (as stored) and alone (as here) differ by up to ~1e-3; another unit's vector is 0.05 or more off.
    assert cosines[0] == pytest.approx(expected, abs=2e-3)
    assert kb.sentence_cosines(question, [("missing", 0, 3, "")]) is None


def test_weighted_cosines_weigh_each_dimension_and_stored_vectors_are_given_back(
    kb: KnowledgeBase, law: Path
) -> None:
    """The learned affinity (assistant.affinity) reads Σ wᵢ·qᵢ·vᵢ from the same stored vectors; weights of
    another dimension (fitted for another embedder) read nothing rather than fail."""
    kb.ingest([law])
    chunk = next(s.chunk for s in kb.catalog.iter_chunks() if "公布时间" in s.chunk.text)
    units = [*[(chunk.chunk_id, s, e, "") for s, e in reading_units(chunk.text)][:3], ("missing", 0, 3, "")]
    question = kb.embedder.embed_query("村务公开要公布多少天？")
    vectors = kb.sentence_unit_vectors(units)
    assert vectors[-1] is None and all(v is not None and v.shape == question.shape for v in vectors[:-1])
    weights = np.linspace(0.0, 2.0, question.size)
    weighted = kb.sentence_cosines(question, units, list(weights))
    plain = kb.sentence_cosines(question, units)
    assert weighted is not None and plain is not None and weighted[-1] is None
    for v, w, c in zip(vectors[:-1], weighted, plain, strict=False):
        assert w == pytest.approx(float(np.sum(weights * question * v)), abs=1e-4)
        assert c == pytest.approx(float(v @ question), abs=1e-5) and w != pytest.approx(c, abs=1e-4)
    assert kb.sentence_cosines(question, units, [1.0] * 7) is None


def test_a_cancelled_fill_resumes_with_only_what_is_missing(
    kb: KnowledgeBase, law: Path, embedded: list[str]
) -> None:
    kb.ingest([law], wait=False)  # passages queued, no sentence vectors yet
    assert kb.sentences is not None and kb.sentences.store.count() == 0
    kb.embed_pending(cancel=None, batch_size=64)  # passages, then every unit
    total = len(unit_ids(kb))
    kb.sentences.store.delete(sorted(unit_ids(kb)))  # as if the unit fill had never run
    kb._backlog = None
    embedded.clear()
    token = CancelToken()
    units = kb.sentences.missing(kb.catalog.iter_chunks())
    first = kb.sentences.fill(
        units, kb.embedder, batch_size=2, cancel=token, on_batch=lambda n: token.cancel()
    )
    assert first == 2 and kb.sentences.store.count() == 2 and kb.pending_sentences() == total - 2
    kept = list(embedded)
    embedded.clear()
    kb.embed_pending()
    assert kb.pending_sentences() == 0 and kb.sentences.store.all_ids() == unit_ids(kb)
    assert sorted(kept + embedded) == sorted(u.text for u in units)  # each unit embedded exactly once


def test_the_background_filler_embeds_passages_first_then_sentences(kb: KnowledgeBase, law: Path) -> None:
    kb.ingest([law], wait=False)
    passages = kb.pending_vectors()
    assert passages > 0 and kb.pending_sentences() == len(unit_ids(kb))
    steps = []
    while (n := kb.embed_one_batch(batch_size=2)) > 0:
        steps.append((n, kb.pending_vectors(), kb.pending_sentences()))
    assert kb.pending_vectors() == 0 and kb.pending_sentences() == 0
    done_passages = next(i for i, (_, left, _) in enumerate(steps) if left == 0)
    # No sentence is embedded while passages are still queued.
    assert all(units == len(unit_ids(kb)) for _, _, units in steps[:done_passages])
    assert sum(n for n, _, _ in steps[done_passages + 1 :]) == len(unit_ids(kb))


def test_sentence_vectors_can_be_switched_off_for_a_library_too_large_to_embed_twice(
    tmp_path: Path, law: Path, embedded: list[str]
) -> None:
    from assistant import Settings
    from assistant.engine import open_knowledge_base

    settings = Settings.from_env({"POLICY_ASSISTANT_SENTENCE_VECTORS": "0"}, index_dir=tmp_path / "index")
    assert settings.sentence_vectors is False
    kb = open_knowledge_base(settings)
    try:
        report = kb.ingest([law])
        assert report.ok and kb.sentences is None and kb.pending_sentences() == 0
        assert all("\n" in t for t in embedded)  # passages only
        assert kb.sentence_cosines(np.ones(kb.embedder.dim), [("x", 0, 1, "")]) is None
    finally:
        kb.close()


# -- where they live: a file read by id (index/sqlite_vectors.py) -----------------------------------------
def test_a_local_index_keeps_sentence_vectors_in_its_own_file_not_in_chroma(
    kb: KnowledgeBase, law: Path
) -> None:
    """Chroma loads a whole HNSW segment into memory on the first read of any of its vectors (780 MB at
    100k passages); the reader only ever needs a few hundred by id, so they are rows of a SQLite file."""
    kb.ingest([law])
    assert isinstance(kb.sentences.store, SqliteVectorStore)  # type: ignore[union-attr]
    assert kb.layout.sentences.is_file() and kb.sentences.store.count() == len(unit_ids(kb))  # type: ignore[union-attr]
    assert not kb.vectors.has_collection(sentence_collection(kb._collection))


def test_an_index_whose_sentence_vectors_are_in_chroma_moves_them_into_its_file_without_embedding(
    tmp_path: Path, law: Path, embedded: list[str]
) -> None:
    kb = KnowledgeBase(tmp_path / "index")
    kb.ingest([law])
    question = kb.embedder.embed_query("村务监督委员会由几个人组成")
    chunk = next(kb.catalog.iter_chunks())
    units = [(chunk.chunk.chunk_id, s, e, "") for s, e in reading_units(chunk.chunk.text)]
    before = kb.sentence_cosines(question, units)
    # The layout of an index built before the file existed: the vectors in a collection beside the passages.
    assert kb.sentences is not None
    rows = kb.sentences.store
    ids = sorted(rows.all_ids())
    found = rows.vectors(ids)
    legacy = kb.vectors.sibling(sentence_collection(kb._collection))
    legacy.upsert(ids, np.stack([found[i] for i in ids]), ["d"] * len(ids))
    kb.close()
    kb.layout.sentences.unlink()
    embedded.clear()

    again = KnowledgeBase(tmp_path / "index")
    try:
        assert again.sentences is not None and again.sentences.store.all_ids() == set(ids)
        assert not again.vectors.has_collection(sentence_collection(again._collection))
        assert again.pending_sentences() == 0 and embedded == []  # moved, not embedded again
        assert again.sentence_cosines(question, units) == before
    finally:
        again.close()


def test_the_sentence_file_keeps_float32_vectors_by_id_and_forgets_them_for_another_vector_space(
    tmp_path: Path,
) -> None:
    path = tmp_path / "sentences.sqlite"
    store = SqliteVectorStore(path, space="pa-kb-model-a")
    matrix = np.random.default_rng(0).standard_normal((3, 8)).astype(np.float32)
    store.upsert(["a:0:1", "a:1:2", "b:0:4"], matrix, ["d1", "d1", "d2"])
    store.upsert(["a:0:1"], matrix[2:3], ["d1"])  # replaced, not duplicated
    got = store.vectors(["b:0:4", "a:0:1", "nope"])
    assert set(got) == {"b:0:4", "a:0:1"} and np.array_equal(got["a:0:1"], matrix[2])
    assert store.count() == 3
    store.delete(["a:1:2"])
    assert store.all_ids() == {"a:0:1", "b:0:4"}
    store.close()
    assert SqliteVectorStore(path, space="pa-kb-model-a").count() == 2  # reopened: kept
    assert SqliteVectorStore(path, space="pa-kb-model-b").count() == 0  # another embedder: emptied


def test_a_reader_in_another_process_sees_vectors_committed_while_it_is_open(tmp_path: Path) -> None:
    """The web server reads while an ``embed`` worker (another process) writes: WAL, one commit per call."""
    path = tmp_path / "sentences.sqlite"
    reader = SqliteVectorStore(path, space="s")
    script = (
        "import numpy as np, sys; from index.sqlite_vectors import SqliteVectorStore as S; "
        "s = S(sys.argv[1], space='s'); s.upsert(['x:0:1'], np.ones((1, 4), np.float32), ['d']); s.close()"
    )
    subprocess.run([sys.executable, "-c", script, str(path)], check=True, cwd=Path(__file__).parents[2])
    assert list(reader.vectors(["x:0:1"])["x:0:1"]) == [1.0, 1.0, 1.0, 1.0]
    reader.close()


def test_a_damaged_sentence_file_is_set_aside_and_the_index_still_opens_and_refills(
    tmp_path: Path, law: Path
) -> None:
    kb = KnowledgeBase(tmp_path / "index")
    kb.ingest([law])
    total = len(unit_ids(kb))
    kb.close()
    kb.layout.sentences.write_bytes(b"not a database" * 100)
    for side in ("-wal", "-shm"):
        Path(f"{kb.layout.sentences}{side}").unlink(missing_ok=True)
    again = KnowledgeBase(tmp_path / "index")
    try:
        assert [p.name.split(".damaged-")[0] for p in (tmp_path / "index").glob("*.damaged-*")] == [
            "sentences.sqlite"
        ]
        assert again.pending_sentences() == total  # lost, so computed again; nothing else is touched
        again.embed_pending()
        assert again.pending_sentences() == 0 and again.keyword_search("村务监督委员会由几人组成", 3)
    finally:
        again.close()
