"""Sentence vectors (句向量, index/sentence_vectors.py): one vector per reading unit, stored at ingest.

Real jieba, Chroma ``PersistentClient`` under ``tmp_path`` and the bundled embedder on one small law;
the embedder is watched by patching ``embed_documents`` on the instance the knowledge base uses.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from index_kit import record_embeddings

from corpus.sentences import reading_units
from index.jobs import CancelToken
from index.knowledge_base import KnowledgeBase
from index.sentence_vectors import sentence_collection, unit_id, units_of

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
