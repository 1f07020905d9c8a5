"""Curated answers (精选答案): the store, question matching both ways, span checks and stale detection.

Fast: a real SQLite catalog holding one small document (no embedder, no Chroma) and the real store.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from curated_kit import QUESTION, QUOTE, TEXT

from assistant.curated import (
    NEAR_IDENTICAL,
    CuratedAnswers,
    CuratedError,
    near_identical,
    normalize,
    similarity,
)
from corpus.types import Chunk, DocMeta, SourceDoc
from index.catalog import Catalog
from index.curated import CuratedEntry, CuratedStore, CuratedStoreError
from index.layout import IndexLayout


def _put(catalog: Catalog, text: str, source: str = "dibao.txt") -> SourceDoc:
    doc = SourceDoc(source, "", "txt", text, DocMeta(title="某某县农村最低生活保障实施办法"))
    chunks, pos = [], 0
    for n, part in enumerate(text.split("\n")):
        if part:
            section = part.split(" ", 1)[0] if part.startswith("第") else ""
            chunks.append(
                Chunk(f"{doc.doc_id}-{n}", doc.doc_id, source, section, pos, pos + len(part), part, n)
            )
        pos += len(part) + 1
    catalog.replace_document(doc, doc.fingerprint, chunks, [[c.text] for c in chunks])
    return doc


@pytest.fixture
def curated(tmp_path: Path) -> Iterator[tuple[CuratedAnswers, Catalog]]:
    catalog = Catalog(IndexLayout(tmp_path).catalog)
    _put(catalog, TEXT)
    answers = CuratedAnswers(catalog, tmp_path)
    yield answers, catalog
    answers.close()
    catalog.close()


def test_normalize_folds_width_punctuation_openers_and_particles() -> None:
    assert normalize("你好，请问 ＡＢＣ 补贴的标准是什么？") == normalize("abc补贴标准是什么")
    assert normalize("问一下：低保标准是多少呢") == "低保标准是多少"
    assert normalize("请问") == "请问"  # an opener alone is the question


def test_near_identical_questions_match_and_different_ones_do_not() -> None:
    base = normalize("申请最低生活保障需要满足哪些条件")
    assert near_identical(base, normalize("请问，申请最低生活保障需要满足哪些条件？"))
    typo = normalize("申请最低生活保障要满足哪些条件")  # one character dropped
    assert similarity(base, typo) >= NEAR_IDENTICAL and near_identical(base, typo)
    # shares almost every word, but asks about another thing, another figure or another step
    for other in (
        "申请城市生活保障需要满足哪些条件",
        "申请最低生活保障需要提交哪些材料",
        "申请最低生活保障需要满足哪些条件65",
    ):
        assert not near_identical(base, normalize(other)), other
    short = normalize("农村低保的申请条件是什么")
    assert similarity(short, normalize("城市低保的申请条件是什么")) < NEAR_IDENTICAL
    assert not near_identical(normalize("60周岁以上老人补贴多少"), normalize("65周岁以上老人补贴多少"))


def test_store_is_not_created_until_the_first_save_and_round_trips(tmp_path: Path) -> None:
    store = CuratedStore(tmp_path)
    assert store.entries() == [] and not IndexLayout(tmp_path).curated.exists()
    saved = store.add(CuratedEntry("问？", "答。", "d1", "a.txt", "标题", "第一条", 3, 5, "原文", "张主任"))
    assert saved.id > 0 and saved.created > 0 and saved.author == "张主任"
    assert store.entries() == [saved]
    with pytest.raises(CuratedStoreError, match="回答不能为空"):
        store.add(CuratedEntry("问", " ", "d1", "a.txt", "", "", 0, 2, "原文"))
    with pytest.raises(CuratedStoreError, match="引用无效"):
        store.add(CuratedEntry("问", "答", "d1", "a.txt", "", "", 0, 5, "原文"))
    assert store.delete(saved.id) == saved and store.entries() == [] and store.delete(saved.id) is None
    store.close()


def test_span_from_quote_or_offsets_is_verified(curated: tuple[CuratedAnswers, Catalog]) -> None:
    answers, _ = curated
    cite = answers.span("dibao.txt", quote=QUOTE)
    assert TEXT[cite.start : cite.end] == QUOTE == cite.quote and cite.section == "第三条"
    assert answers.span("dibao.txt", cite.start, cite.end, QUOTE) == cite
    with pytest.raises(CuratedError, match="找不到（须与原文逐字相同）"):
        answers.span("dibao.txt", quote="应当向县民政局提出书面申请")
    with pytest.raises(CuratedError, match="已不是所引的原文"):
        answers.span("dibao.txt", cite.start + 1, cite.end + 1, QUOTE)
    with pytest.raises(CuratedError, match="找不到文件"):
        answers.span("nosuch.txt", quote=QUOTE)
    with pytest.raises(CuratedError, match="引用位置无效"):
        answers.span("dibao.txt", 5, 99999)


def test_served_for_the_same_question_not_for_another(curated: tuple[CuratedAnswers, Catalog]) -> None:
    answers, _ = curated
    assert answers.answer(QUESTION) is None  # nothing saved: nothing served
    entry = answers.add(
        QUESTION, "向户籍所在地的乡镇人民政府提出书面申请。", answers.span("dibao.txt", quote=QUOTE)
    )
    got = answers.answer("请问：申请农村最低生活保障，应当向哪里提出申请")
    assert (
        got is not None and got.found and got.debug["curated"] is True and got.debug["curated_id"] == entry.id
    )
    assert got.answer.endswith("[1]") and got.citations[0].quote == QUOTE
    assert answers.answer("申请农村最低生活保障的标准是多少？") is None
    assert answers.answer("申请城市最低生活保障应当向哪里提出申请？") is None


def test_changed_or_removed_document_makes_the_answer_stale(curated: tuple[CuratedAnswers, Catalog]) -> None:
    answers, catalog = curated
    entry = answers.add(QUESTION, "向乡镇人民政府申请。", answers.span("dibao.txt", quote=QUOTE))
    assert answers.status(entry) == "ok"
    _put(catalog, TEXT.replace("第二条", "第二条（修订）"))  # the quote moves: offsets no longer hold
    assert answers.status(entry) == "changed" and answers.answer(QUESTION) is None
    _put(catalog, TEXT)
    assert answers.status(entry) == "ok" and answers.answer(QUESTION) is not None
    catalog.remove_document(entry.doc_id)
    assert answers.status(entry) == "removed" and answers.answer(QUESTION) is None


def test_answer_of_a_disabled_document_is_not_served(tmp_path: Path) -> None:
    catalog = Catalog(IndexLayout(tmp_path).catalog)
    doc = _put(catalog, TEXT)
    off: set[str] = set()
    answers = CuratedAnswers(catalog, tmp_path, disabled=lambda: off)
    entry = answers.add(QUESTION, "向乡镇人民政府申请。", answers.span("dibao.txt", quote=QUOTE))
    assert answers.answer(QUESTION) is not None
    off.add(doc.doc_id)
    assert answers.status(entry) == "disabled" and answers.answer(QUESTION) is None
    answers.close()
    catalog.close()


def test_a_save_by_another_connection_is_seen_at_once(
    curated: tuple[CuratedAnswers, Catalog], tmp_path: Path
) -> None:
    answers, catalog = curated
    assert answers.answer(QUESTION) is None  # the reader's list is cached from here on
    other = CuratedAnswers(catalog, tmp_path)  # e.g. the command line, or a reconfigured assistant
    entry = other.add(QUESTION, "向乡镇人民政府申请。", other.span("dibao.txt", quote=QUOTE))
    got = answers.answer(QUESTION)
    assert got is not None and got.debug["curated_id"] == entry.id
    other.update(entry.id, QUESTION, "改：向乡镇人民政府书面申请。", other.span("dibao.txt", quote=QUOTE))
    got = answers.answer(QUESTION)
    assert got is not None and got.answer.startswith("改：")
    other.delete(entry.id)
    assert answers.answer(QUESTION) is None
    other.close()
