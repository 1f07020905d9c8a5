"""The web chat's HTTP API, called through gradio_client against the app running in this process."""

from __future__ import annotations

import threading
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from ui_testkit import UNCOVERED_QUESTION, Server

pytestmark = pytest.mark.slow
HANG = 180  # s; only keeps a regression from hanging the suite


@pytest.fixture(scope="module")
def client(ui_server: Server) -> Any:
    from gradio_client import Client

    return Client(ui_server.url, verbose=False)


def _doc_text(server: Server, doc_id: str) -> str:
    text = server.service.doc_text(doc_id)
    assert text is not None
    return text


def test_named_endpoints_are_exposed(client: Any) -> None:
    names = set(client.view_api(print_info=False, return_format="dict")["named_endpoints"])
    assert {"/ask", "/search", "/feedback", "/documents", "/upload", "/delete", "/reindex"} <= names
    assert not any(n.startswith("/lambda") for n in names), names  # chat internals stay private


def test_ask_answers_with_a_source_that_matches_the_document(client: Any, ui_server: Server) -> None:
    result = client.predict("重点帮扶县主要任务是什么？", None, api_name="/ask")
    assert result["found"] is True
    assert "巩固拓展脱贫攻坚成果" in result["answer"]
    assert result["answer_id"]
    assert result["citations"], result
    for c in result["citations"]:
        assert c["source"] == "shanxi-juji-wuda-nengli.txt"
        assert _doc_text(ui_server, c["doc_id"])[c["start"] : c["end"]] == c["quote"]
        assert f"[{c['n']}]" in result["answer"]


def test_ask_other_document_with_issuer_and_date(client: Any, ui_server: Server) -> None:
    result = client.predict("社会救助暂行办法什么时候施行？", None, api_name="/ask")
    assert result["found"] is True
    assert any("2014年5月1日" in c["quote"] for c in result["citations"]), result["citations"]
    cite = result["citations"][0]
    assert (cite["issuer"], cite["date"]) == ("国务院", "2014-02-21")
    assert _doc_text(ui_server, cite["doc_id"])[cite["start"] : cite["end"]] == cite["quote"]


def test_question_the_documents_do_not_cover_is_refused(client: Any) -> None:
    result = client.predict(UNCOVERED_QUESTION, None, api_name="/ask")
    assert result["found"] is False
    assert result["citations"] == []


def test_follow_up_question_accepts_history(client: Any) -> None:
    result = client.predict("整体推进县呢？", ["山西省的县分为哪几类？"], api_name="/ask")
    assert isinstance(result["found"], bool)
    assert result["question"] == "整体推进县呢？"


def test_empty_question_is_an_error_not_a_crash(client: Any) -> None:
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="请输入问题"):
        client.predict("   ", None, api_name="/ask")


def test_search_returns_ranked_passages_with_scores(client: Any) -> None:
    hits = client.predict("山西省的县分为哪几类？", 5, api_name="/search")
    assert 1 <= len(hits) <= 5
    assert hits[0]["source"] == "shanxi-juji-wuda-nengli.txt"
    # Ranked as the answer reads them (by their best sentence, not by fused score alone): the first
    # passage holds what /ask cites for the same question.
    cited = client.predict("山西省的县分为哪几类？", None, api_name="/ask")["citations"][0]
    assert (hits[0]["source"], hits[0]["start"] <= cited["start"] < hits[0]["end"]) == (cited["source"], True)
    assert all(h["score"] > 0 for h in hits)
    assert {"bm25_rank", "dense_rank", "section", "text"} <= set(hits[0])


def test_feedback_is_stored_and_exported(client: Any, ui_server: Server, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    answer = client.predict("重点帮扶县主要任务是什么？", None, api_name="/ask")
    stored = client.predict(answer["answer_id"], "down", "=应当引用原文", api_name="/feedback")
    assert stored["id"] >= 1
    row = next(r for r in ui_server.service.feedback.rows() if r.id == stored["id"])
    assert (row.question, row.rating, row.comment) == ("重点帮扶县主要任务是什么？", "down", "=应当引用原文")
    assert row.citations and row.citations[0]["quote"] == answer["citations"][0]["quote"]
    xlsx = client.predict("xlsx", api_name="/export_feedback")
    sheet = load_workbook(xlsx).active
    comments = [r[7] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert "'=应当引用原文" in comments  # spreadsheet formulas neutralized
    csv_path = client.predict("csv", api_name="/export_feedback")
    assert "重点帮扶县主要任务是什么？" in Path(csv_path).read_text(encoding="utf-8-sig")


def test_feedback_for_unknown_answer_is_refused(client: Any) -> None:
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="找不到这条回答"):
        client.predict("no-such-id", "up", "", api_name="/feedback")


def test_upload_rejects_disallowed_extension_and_oversize(client: Any, tmp_path: Path) -> None:
    from gradio_client import handle_file

    bad = tmp_path / "run.exe"
    bad.write_bytes(b"MZ")
    big = tmp_path / "big.txt"
    big.write_text("大" * 400_000, encoding="utf-8")  # 1.2 MB > the 1 MB limit of the test server
    with pytest.raises(Exception, match=r"Invalid file type"):
        client.predict([handle_file(bad)], api_name="/upload")
    with pytest.raises(Exception, match=r"(?i)size|大|limit"):
        client.predict([handle_file(big)], api_name="/upload")


def test_service_rejects_bad_uploads_before_ingesting(ui_server: Server, tmp_path: Path) -> None:
    exe, big, hidden = tmp_path / "a.exe", tmp_path / "big.txt", tmp_path / ".env"
    exe.write_bytes(b"MZ")
    big.write_bytes(b"a" * (ui_server.service.max_upload_bytes + 1))
    hidden.write_text("x", encoding="utf-8")
    result = ui_server.service.upload([(p.name, p) for p in (exe, big, hidden)])
    assert result.report is None
    reasons = dict(result.rejected)
    assert "不支持的格式 .exe" in reasons["a.exe"] and "文件过大" in reasons["big.txt"] and ".env" in reasons


def test_upload_ask_delete_round_trip(client: Any, tmp_path: Path) -> None:
    from gradio_client import handle_file

    doc = tmp_path / "xiaomai-butie.txt"
    doc.write_text(
        "小麦种植补贴办法\n\n第一条 小麦种植补贴标准为每亩一百二十元，按实际播种面积发放。\n", "gbk"
    )
    status, _table, _choices = client.predict([handle_file(doc)], api_name="/upload")
    assert "新增 1" in status, status
    docs = {d["source"]: d for d in client.predict(api_name="/documents")}
    assert "xiaomai-butie.txt" in docs
    result = client.predict("小麦种植补贴标准是多少？", None, api_name="/ask")
    assert result["found"] and "一百二十元" in result["answer"]
    status, _table, _choices = client.predict(docs["xiaomai-butie.txt"]["doc_id"], api_name="/delete")
    assert "已删除 xiaomai-butie.txt" in status
    assert "xiaomai-butie.txt" not in {d["source"] for d in client.predict(api_name="/documents")}


class _WatchedLock:
    """A stand-in for the service's write lock that tells when a writer starts waiting for it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.wanted = threading.Event()

    def __enter__(self) -> None:
        self.wanted.set()
        self.lock.acquire()

    def __exit__(self, *exc: object) -> None:
        self.lock.release()


def test_an_upload_in_progress_does_not_block_questions(
    client: Any, ui_server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hold the write lock as a long ingest would: a question still gets answered meanwhile.

    No sleeps: the question is asked once the upload is known to be waiting for the lock; the
    timeouts only keep a regression (a question queued behind the upload) from hanging the suite."""
    from gradio_client import handle_file

    doc = tmp_path / "wait-upload.txt"
    doc.write_text("测试文件\n\n这是一份用来占住写锁的测试文件，内容无关紧要。\n", encoding="utf-8")
    write = _WatchedLock()
    monkeypatch.setattr(ui_server.service, "_write", write)
    write.lock.acquire()
    try:
        job = client.submit([handle_file(doc)], api_name="/upload")
        assert write.wanted.wait(HANG), "the upload never reached the write lock"
        answer = client.submit("重点帮扶县主要任务是什么？", None, api_name="/ask").result(timeout=HANG)
        assert answer["found"]
        assert not job.done(), "the upload should still be waiting for the write lock"
    finally:
        write.lock.release()
    status, _table, _choices = job.result(timeout=HANG)
    assert "新增 1" in status
    client.predict(
        next(d["doc_id"] for d in client.predict(api_name="/documents") if d["source"] == doc.name),
        api_name="/delete",
    )


def test_responses_carry_security_headers(ui_server: Server) -> None:
    with urllib.request.urlopen(ui_server.url) as resp:
        csp = resp.headers["Content-Security-Policy"]
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert (
        "default-src 'self'" in csp
        and "img-src 'self' data: blob:" in csp
        and "frame-ancestors 'none'" in csp
    )
