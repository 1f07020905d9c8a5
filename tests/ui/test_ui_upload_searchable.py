"""Searchable at once from the web (网页上传即可检索, issue 15.1): an upload commits the catalog and the
keyword index without embedding, answers a keyword question citing the new file before any of its
vectors exists, shows 关键词可检索 on the knowledge-base table, and the server's background filler then
brings its vectors to N/N. A broken file in the same upload is reported and the others are imported.

Through the launched app over real HTTP (``/upload`` via gradio_client, ``/api/ask``). The background
filler is paused for the first half (``WebService.filler.pause``: returns once no batch is in flight)
and resumed for the second; no sleeps, the timeouts only keep a regression from hanging the suite.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from ui_testkit import Server

from index.embedder import DEFAULT_EMBEDDER, make_embedder

HANG = 300
MARK = "JIEGANMARK"
LAW = (
    "秸秆综合利用补贴办法\n\n"
    "第一条 为推进秸秆综合利用，减少露天焚烧，制定本办法。\n\n"
    f"第二条 秸秆还田作业补贴标准为每亩三十五元，由乡镇农业综合服务中心核实作业面积（{MARK}）。\n\n"
    "第三条 补贴资金实行县级报账制，按季度拨付到作业主体。\n"
)
NOTICE = (
    "关于做好农村厕所改造验收的通知\n\n"
    f"各乡镇：户厕改造完工后十五日内，由村民委员会组织初验，乡镇人民政府复验（{MARK}）。\n"
)
QUESTION = "秸秆还田作业补贴标准是多少？"


@pytest.fixture
def paused(ui_server: Server) -> Iterator[Any]:
    """The served app's background filler, paused; resumed at the end in any case."""
    filler = ui_server.service.filler
    filler.pause()
    yield filler
    filler.resume()


@pytest.fixture
def embedded(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Passages the real embedder (the instance the service uses) is asked to embed, as they come."""
    embedder = make_embedder(DEFAULT_EMBEDDER)
    real = embedder.embed_documents
    seen: list[str] = []

    def recorded(texts: list[str]) -> np.ndarray:
        seen.extend(texts)
        return real(texts)

    monkeypatch.setattr(embedder, "embed_documents", recorded)
    return seen


def ask(url: str, question: str) -> dict[str, Any]:
    req = urllib.request.Request(
        url + "api/ask",
        data=json.dumps({"question": question}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=HANG) as resp:
        return dict(json.loads(resp.read()))


def states(table: Any) -> dict[str, str]:
    """File name → 状态 of the documents table as the API returns it."""
    head = list(table["headers"])
    return {row[head.index("文件名")]: row[head.index("状态")] for row in table["data"]}


def test_an_upload_answers_by_keyword_before_its_vectors_exist_then_the_filler_completes_them(
    ui_server: Server, tmp_path: Path, paused: Any, embedded: list[str]
) -> None:
    from gradio_client import Client, handle_file

    service = ui_server.service
    law = tmp_path / "jiegan-butie.txt"
    law.write_text(LAW, encoding="utf-8")
    broken = tmp_path / "posun.docx"
    broken.write_bytes(b"PK\x03\x04 not really a zip archive")
    notice = tmp_path / "cesuo-yanshou.txt"
    notice.write_text(NOTICE, encoding="utf-8")
    client = Client(ui_server.url, verbose=False)
    status, table, _choices = client.predict(
        [handle_file(law), handle_file(broken), handle_file(notice)], api_name="/upload"
    )
    docs = {d.source: d for d in service.documents()}
    try:
        # Committed without embedding: keyword-searchable now, every vector still queued.
        assert "新增 2" in status and "失败 1" in status and broken.name in status, status
        assert "已可按关键词检索" in status, status
        assert not [t for t in embedded if MARK in t], "the upload embedded in its request"
        vectors = service.vector_status()
        for name in (law.name, notice.name):
            v = vectors[docs[name].doc_id]
            assert v.total > 0 and v.pending == v.total, v
            assert states(table)[name] == f"关键词可检索，向量排队 0/{v.total}"
        assert states(table)[broken.name].startswith("失败：") and broken.name not in docs

        answer = ask(ui_server.url, QUESTION)
        assert answer["found"] and "三十五元" in answer["answer"], answer
        assert law.name in {c["source"] for c in answer["citations"]}, answer["citations"]
        assert service.vector_status()[docs[law.name].doc_id].pending > 0  # still no vector of it

        paused.resume()
        assert paused.wait_idle(HANG), "the background filler did not empty the queue"
        for name in (law.name, notice.name):
            v = service.vector_status()[docs[name].doc_id]
            assert (v.total - v.pending, v.state) == (v.total, "ready"), v  # vectors N/N
        marked = [t for t in embedded if MARK in t]
        assert len(marked) == len(set(marked)) >= 2  # both files' passages, each embedded once
        again = ask(ui_server.url, QUESTION)
        assert law.name in {c["source"] for c in again["citations"]}
    finally:
        for name in (law.name, notice.name):
            if name in docs:
                service.delete(docs[name].doc_id)
