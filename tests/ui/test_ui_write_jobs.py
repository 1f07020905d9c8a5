"""Write jobs in the web app (网页上的写入任务): the 取消 button (``/cancel``) stops a running upload, questions
are answered while it runs, and a file that would explode into chunks is refused with its reason.

The upload is held inside its embedding by a gate on the real embedder (no clocks); the timeouts only
keep a regression from hanging the suite.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from ui_testkit import Server

from index.embedder import DEFAULT_EMBEDDER, make_embedder

HANG = 180
MARKED = "种业振兴办法\n\n" + "".join(
    f"第{n}条 国家加强种业振兴，保护第{n}类种质资源（CANCELMARK）。\n\n" for n in "一二三四五六"
)


@pytest.fixture(scope="module")
def client(ui_server: Server) -> Any:
    from gradio_client import Client

    return Client(ui_server.url, verbose=False)


def sources(client: Any) -> set[str]:
    return {d["source"] for d in client.predict(api_name="/documents")}


@dataclass
class Gate:
    """Holds an upload inside the embedding of a passage marked CANCELMARK until ``release`` is set."""

    entered: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[Gate]:
    """The gate on the real embedder (the instance the service uses); released at the end in any case."""
    gate = Gate()
    embedder = make_embedder(DEFAULT_EMBEDDER)
    real = embedder.embed_documents

    def held(texts: list[str]) -> np.ndarray:
        if any("CANCELMARK" in t for t in texts):
            gate.entered.set()
            assert gate.release.wait(HANG)
        return real(texts)

    monkeypatch.setattr(embedder, "embed_documents", held)
    yield gate
    gate.release.set()


def test_cancel_stops_a_running_upload_and_questions_are_answered_meanwhile(
    client: Any, ui_server: Server, tmp_path: Path, gate: Gate
) -> None:
    from gradio_client import handle_file

    doc = tmp_path / "zhongye-zhenxing.txt"
    doc.write_text(MARKED, encoding="utf-8")
    job = client.submit([handle_file(doc)], api_name="/upload")
    try:
        assert gate.entered.wait(HANG), "the upload never reached its embedding"
        answer = client.predict("重点帮扶县主要任务是什么？", None, api_name="/ask")
        assert answer["found"] and not job.done()
        assert "正在取消" in client.predict(api_name="/cancel")
    finally:
        gate.release.set()
    status, _table, _choices = job.result(timeout=HANG)
    assert "已取消" in status and doc.name in status, status
    assert doc.name not in sources(client)
    assert not (ui_server.service.uploads_dir / doc.name).exists()  # a later re-index will not bring it in
    entry = ui_server.service.audit.entries()[-1]
    assert (entry["action"], entry["result"], entry["cancelled"]) == ("upload", "cancelled", [doc.name])
    assert "没有正在进行" in client.predict(api_name="/cancel")


def test_a_second_upload_while_one_runs_is_told_so_in_chinese_at_once(
    client: Any, ui_server: Server, tmp_path: Path, gate: Gate
) -> None:
    """Not left in Gradio's queue (its English "queue: 1/1") until the first upload ends."""
    from gradio_client import handle_file

    first = tmp_path / "zhongye-diyi.txt"
    first.write_text(MARKED, encoding="utf-8")
    second = tmp_path / "nongtian-dier.txt"
    second.write_text("农田水利办法\n\n第一条 县级人民政府负责农田水利设施的建设和管护。\n", encoding="utf-8")
    job = client.submit([handle_file(first)], api_name="/upload")
    try:
        assert gate.entered.wait(HANG), "the upload never reached its embedding"
        waiting = client.submit([handle_file(second)], api_name="/upload")
        status, _table, _choices = waiting.result(timeout=60)  # answered while the first is still held
        assert not job.done()
    finally:
        gate.release.set()
    assert "正在导入另一批文件" in status and second.name in status, status
    assert "新增 1" in job.result(timeout=HANG)[0]
    assert second.name not in sources(client)
    entry = [e for e in ui_server.service.audit.entries() if e["action"] == "upload"][-2]
    assert (entry["documents"], entry["result"]) == ([second.name], "busy")
    docs = {d["source"]: d["doc_id"] for d in client.predict(api_name="/documents")}
    client.predict(docs[first.name], api_name="/delete")


def test_upload_progress_names_the_phase_and_counts_chunks() -> None:
    from index.knowledge_base import IngestStep
    from ui.app import _progress_fn

    seen: list[tuple[float, str]] = []
    report = _progress_fn(lambda frac, desc: seen.append((frac, desc)))  # gr.Progress is called the same way
    report(IngestStep("通知.txt", 1, 2, "read"))
    report(IngestStep("通知.txt", 1, 2, "embed", 64, 140))
    report(IngestStep("通知.txt", 1, 2, "store", 140, 140))
    assert seen[1] == (64 / 140 / 2, "正在计算向量：通知.txt 64/140 块（第 1/2 个文件）")
    assert [d.split("：")[0] for _, d in seen] == ["正在读取、切分", "正在计算向量", "正在写入索引"]
    assert [f for f, _ in seen] == sorted(f for f, _ in seen)


def test_an_upload_that_would_explode_into_chunks_is_refused_and_the_rest_is_imported(
    client: Any, tmp_path: Path
) -> None:
    from gradio_client import handle_file

    tiao = tmp_path / "tiao.txt"
    tiao.write_text("第一条\n" * 100_000, encoding="utf-8")  # 1 MB: allowed size, 100,000 chunks
    good = tmp_path / "nongtian-shuili.txt"
    good.write_text("农田水利办法\n\n第一条 县级人民政府负责农田水利设施的建设和管护。\n", encoding="utf-8")
    status, _table, _choices = client.predict([handle_file(tiao), handle_file(good)], api_name="/upload")
    assert "新增 1" in status, status
    assert "tiao.txt: 内容异常，预计切成" in status and "5,000 块的上限" in status, status
    docs = {d["source"]: d["doc_id"] for d in client.predict(api_name="/documents")}
    assert "tiao.txt" not in docs and good.name in docs
    client.predict(docs[good.name], api_name="/delete")
