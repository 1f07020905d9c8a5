"""Write jobs in the web app (网页上的写入任务): the 取消 button (``/cancel``) stops a running upload, questions
are answered while it runs, and a file that would explode into chunks is refused with its reason.

An upload no longer embeds (its vectors are filled in the background, see test_ui_upload_searchable),
so it is held while it reads a marked file, by a gate on the real loader the ingest calls (no clocks):
a cancel then keeps the files committed before (searchable by keyword) and discards the held one,
which was not committed yet. The timeouts only keep a regression from hanging the suite.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from ui_testkit import Server

HANG = 180
HELD = "held"  # a file whose name holds this waits inside its reading until the gate is released
MARKED = "种业振兴办法\n\n" + "".join(
    f"第{n}条 国家加强种业振兴，保护第{n}类种质资源（CANCELMARK）。\n\n" for n in "一二三四五六"
)
FIRST = (
    "农机购置补贴办法\n\n第一条 农机购置补贴由县级农业农村部门受理，补贴资金直接发放到购机户（FIRSTMARK）。\n"
)


@pytest.fixture(scope="module")
def client(ui_server: Server) -> Any:
    from gradio_client import Client

    return Client(ui_server.url, verbose=False)


def sources(client: Any) -> set[str]:
    return {d["source"] for d in client.predict(api_name="/documents")}


@dataclass
class Gate:
    """Holds an upload inside the reading of a file named *held* until ``release`` is set."""

    entered: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[Gate]:
    """The gate on the real loader the ingest calls (after the file's turn began, before its commit);
    released at the end in any case."""
    import index.ingest as ingest_module

    gate = Gate()
    real = ingest_module.load_file

    def held(path: Path, *args: Any, **kwargs: Any) -> Any:
        if HELD in Path(path).name:
            gate.entered.set()
            assert gate.release.wait(HANG)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(ingest_module, "load_file", held)
    yield gate
    gate.release.set()


def test_cancel_discards_the_file_not_yet_committed_and_keeps_the_committed_one_searchable(
    client: Any, ui_server: Server, tmp_path: Path, gate: Gate
) -> None:
    """取消 while the second file is read: the first (committed) stays and answers by keyword, the
    second is not stored and its upload is taken back; questions are answered meanwhile."""
    from gradio_client import handle_file

    first = tmp_path / "nongji-butie.txt"
    first.write_text(FIRST, encoding="utf-8")
    doc = tmp_path / f"zhongye-zhenxing-{HELD}.txt"
    doc.write_text(MARKED, encoding="utf-8")
    job = client.submit([handle_file(first), handle_file(doc)], api_name="/upload")
    try:
        assert gate.entered.wait(HANG), "the upload never reached the second file"
        answer = client.predict("重点帮扶县主要任务是什么？", None, api_name="/ask")
        assert answer["found"] and not job.done()
        assert "正在取消" in client.predict(api_name="/cancel")
    finally:
        gate.release.set()
    status, _table, _choices = job.result(timeout=HANG)
    assert "已取消" in status and doc.name in status and "新增 1" in status, status
    docs = {d["source"]: d["doc_id"] for d in client.predict(api_name="/documents")}
    assert doc.name not in docs and first.name in docs
    assert not (ui_server.service.uploads_dir / doc.name).exists()  # a later re-index will not bring it in
    assert (ui_server.service.uploads_dir / first.name).exists()
    kept = client.predict("农机购置补贴由哪个部门受理？", None, api_name="/ask")
    assert kept["found"] and first.name in {c["source"] for c in kept["citations"]}, kept
    entry = ui_server.service.audit.entries()[-1]
    assert (entry["action"], entry["result"], entry["cancelled"]) == ("upload", "cancelled", [doc.name])
    assert entry["added"] == [first.name]
    assert "没有正在进行" in client.predict(api_name="/cancel")
    client.predict(docs[first.name], api_name="/delete")


def test_a_second_upload_while_one_runs_is_told_so_in_chinese_at_once(
    client: Any, ui_server: Server, tmp_path: Path, gate: Gate
) -> None:
    """Not left in Gradio's queue (its English "queue: 1/1") until the first upload ends."""
    from gradio_client import handle_file

    first = tmp_path / f"zhongye-diyi-{HELD}.txt"
    first.write_text(MARKED, encoding="utf-8")
    second = tmp_path / "nongtian-dier.txt"
    second.write_text("农田水利办法\n\n第一条 县级人民政府负责农田水利设施的建设和管护。\n", encoding="utf-8")
    job = client.submit([handle_file(first)], api_name="/upload")
    try:
        assert gate.entered.wait(HANG), "the upload never reached its reading"
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
