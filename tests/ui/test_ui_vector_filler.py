"""The web server's background embedding worker (ui.vector_filler) and what an upload leaves to it:
the upload commits without embedding (searchable by keyword at once), the worker's rate gives the time
left, it pauses between batches, tells when the queue is empty and keeps going after a failure.

The worker is driven by fakes of its one callable and an injected clock; the upload runs on a tiny
real knowledge base (jieba, Chroma under ``tmp_path``, the bundled embedder) with the worker unstarted.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from assistant import DocVectors, Settings
from ui.ingest_board import vector_state
from ui.service import WebService
from ui.vector_filler import VectorFiller

NOTICE = "关于秸秆禁烧的通知\n\n各村：秸秆禁烧期间，由村民委员会安排专人巡查，发现焚烧立即报告乡镇。\n"


def test_the_rate_and_time_left_come_from_the_batches_embedding_time() -> None:
    now = [0.0]

    def batch() -> int:
        now[0] += 2.0  # each batch of 8 takes 2 s of the injected clock
        return 8

    filler = VectorFiller(batch, clock=lambda: now[0])
    assert filler.rate() is None and filler.eta(40) is None
    assert filler.once() == 8 and filler.once() == 8
    now[0] += 100.0  # idle time between batches does not count
    assert filler.rate() == pytest.approx(4.0) and filler.eta(20) == pytest.approx(5.0)


def test_the_worker_empties_the_queue_says_when_and_takes_no_batch_while_paused() -> None:
    queue = [8, 8, 3]
    calls: list[int] = []

    def batch() -> int:
        n = queue.pop(0) if queue else 0
        calls.append(n)
        return n

    filler = VectorFiller(batch, poll=3600)
    filler.pause()
    filler.start()
    try:
        assert filler.paused and filler.wait_idle(60)  # paused: idle, nothing taken
        assert calls == [] and filler.once() == 0
        filler.resume()
        assert filler.wait_idle(60)
        assert calls[:3] == [8, 8, 3] and set(calls[3:]) == {0}
    finally:
        filler.close()


def test_pause_returns_only_once_the_batch_in_flight_is_stored() -> None:
    entered, release = threading.Event(), threading.Event()
    order: list[str] = []

    def batch() -> int:
        entered.set()
        assert release.wait(60)
        order.append("stored")
        return 0

    filler = VectorFiller(batch, poll=3600)
    filler.start()
    try:
        assert entered.wait(60)
        pausing = threading.Thread(target=lambda: (filler.pause(), order.append("paused")))
        pausing.start()
        pausing.join(0.2)
        assert pausing.is_alive() and order == []  # still waiting for the batch
        release.set()
        pausing.join(60)
        assert order == ["stored", "paused"]
    finally:
        release.set()
        filler.close()


def test_a_failing_batch_is_reported_and_retried() -> None:
    seen: list[str | None] = []
    done = threading.Event()
    filler: VectorFiller

    def batch() -> int:
        if not seen:
            seen.append("first")
            raise RuntimeError("嵌入服务不可用")
        seen.append(filler.error)
        done.set()
        return 0

    filler = VectorFiller(batch, poll=3600, retry=0.0)
    filler.start()
    try:
        assert done.wait(60)
        assert seen[1] == "向量补齐失败（RuntimeError: 嵌入服务不可用），稍后重试"
    finally:
        filler.close()
    assert filler.error is None  # the retry succeeded


def test_a_documents_state_shows_keyword_search_then_vectors_with_time_left() -> None:
    assert vector_state(DocVectors("d", "a.txt", 40, 40)) == "关键词可检索，向量排队 0/40"
    assert (
        vector_state(DocVectors("d", "a.txt", 40, 30, True), 25.0) == "关键词可检索，向量 10/40，约剩 25 秒"
    )
    assert vector_state(DocVectors("d", "a.txt", 40, 30), None) == "关键词可检索，向量 10/40"
    failed = vector_state(DocVectors("d", "a.txt", 40, 40), None, "向量补齐失败（X），稍后重试")
    assert failed == "关键词可检索，向量 0/40；向量补齐失败（X），稍后重试"


def test_an_upload_and_a_reindex_are_searchable_by_keyword_before_any_vector_is_computed(
    tmp_path: Path,
) -> None:
    service = WebService(Settings(index_dir=tmp_path / "index"), tmp_path / "web", fill_vectors=False)
    try:
        notice = tmp_path / "jiegan-jinshao.txt"
        notice.write_text(NOTICE, encoding="utf-8")
        result = service.upload([(notice.name, notice)], user="boss")
        assert result.report is not None and result.report.added == (notice.name,)
        assert "已可按关键词检索" in result.summary() and result.report.chunks_embedded == 0
        (v,) = service.vector_status().values()
        assert v.pending == v.total > 0 and service.assistant.stats()["vectors"] == 0
        hits = service.search("秸秆禁烧期间谁负责巡查", 5)
        assert hits and hits[0].chunk.source == notice.name
        while service.fill_vectors_once():
            pass
        (v,) = service.vector_status().values()
        assert v.state == "ready" and service.assistant.stats()["vectors"] == v.total
        # 重新索引 of a changed upload: the same, the new text searchable before its vectors
        stored = service.uploads_dir / notice.name
        stored.write_text(NOTICE.replace("村民委员会", "护林防火队"), encoding="utf-8")
        report = service.reindex(user="boss")
        assert report.updated == (notice.name,) and report.chunks_embedded == 0 and report.queued > 0
        hits = service.search("秸秆禁烧期间护林防火队做什么", 5)
        assert hits and "护林防火队" in hits[0].chunk.text
    finally:
        service.close()
