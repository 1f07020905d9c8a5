"""Bounded inputs (输入上限): every API parameter refuses oversized or wrong-typed values with a clear
error, over real HTTP against a launched app, and an oversized history cannot stall other users.

Each bad value goes to ``/gradio_api/call/<name>``; the event stream must end in ``event: error`` with
a message (Gradio sends ``null`` when a handler raises anything but ``gr.Error``, since the server
runs with ``show_error=False``) that names the parameter or the problem.
"""

from __future__ import annotations

import json
import shutil
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from security_kit import Server, free_port

from assistant.config import Settings
from assistant.limits import HISTORY_CHARS, HISTORY_ENTRIES, QUESTION_CHARS
from ui.limits import WEB

pytestmark = pytest.mark.slow

HUGE = 200_000


@pytest.fixture(scope="module")
def bounds_server(tmp_path_factory: pytest.TempPathFactory, sec_index: Path) -> Iterator[Server]:
    """No login (every caller may manage), on its own copy of the security index."""
    from ui.app import launch
    from ui.service import WebService

    index = tmp_path_factory.mktemp("bounds-index") / "index"
    shutil.copytree(sec_index, index, ignore=shutil.ignore_patterns("write.lock"))
    service = WebService(Settings(index_dir=index), tmp_path_factory.mktemp("bounds-web"))
    port = free_port()
    demo = launch(service, port=port, prevent_thread_lock=True, quiet=True)
    yield Server(f"http://127.0.0.1:{port}/", service, demo)
    demo.close()
    service.close()


def call(server: Server, name: str, data: list[Any], timeout: float = 120) -> tuple[str, Any]:
    """(event, payload) of the last event of a ``/gradio_api/call/<name>`` request."""
    req = urllib.request.Request(
        f"{server.url}gradio_api/call/{name}", data=json.dumps({"data": data}).encode(),
        headers={"Content-Type": "application/json"}, method="POST",
    )  # fmt: skip
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        event_id = json.loads(resp.read())["event_id"]
    event, payload = "", None
    with urllib.request.urlopen(f"{server.url}gradio_api/call/{name}/{event_id}", timeout=timeout) as resp:
        for raw in resp:
            line = raw.decode("utf-8").rstrip("\n")
            if line.startswith("event:"):
                event = line.split(":", 1)[1].strip()
            elif line.startswith("data:"):
                payload = json.loads(line.split(":", 1)[1])
                if event in ("complete", "error"):
                    break
    return event, payload


def upload_paths(server: Server, tmp_path: Path, n: int) -> list[dict[str, Any]]:
    """``n`` small text files uploaded to Gradio's cache, as the FileData the upload event takes."""
    boundary = "pa-bounds-boundary"
    body = b""
    for i in range(n):
        body += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="b{i}.txt"\r\n'
            "Content-Type: text/plain\r\n\r\n第一条 测试。\r\n"
        ).encode()
    body += f"--{boundary}--\r\n".encode()
    req = urllib.request.Request(
        f"{server.url}gradio_api/upload", data=body, method="POST",
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )  # fmt: skip
    with urllib.request.urlopen(req, timeout=60) as resp:
        paths = json.loads(resp.read())
    return [{"path": p, "orig_name": Path(p).name, "meta": {"_type": "gradio.FileData"}} for p in paths]


TOO_LONG = "问" * (QUESTION_CHARS + 1)
DOC = "shanxi-juji-wuda-nengli.txt"  # a document of the security corpus (a choice of the quiz tab)
# (endpoint, data, what the message must contain)
BAD_INPUTS = [
    ("ask", [TOO_LONG, None], "最多 500 字"),
    ("ask", [], "缺少参数"),
    ("ask", [{"q": "低保"}, None], "question"),
    ("ask", [None, None], "请输入问题"),
    ("ask", [123, None], "question"),
    ("ask", [["重点帮扶县"], None], "question"),
    ("ask", ["期限是多久？", "上一个问题"], "history"),
    ("ask", ["期限是多久？", {"q": "x"}], "history"),
    ("ask", ["期限是多久？", [1, 2]], "history"),
    ("ask", ["期限是多久？", [TOO_LONG]], "history"),
    ("ask", ["期限是多久？", ["中" * HUGE]], "history"),
    ("ask", ["期限是多久？", ["问题"] * (HISTORY_ENTRIES + 1)], "history"),
    ("ask", ["期限是多久？", ["问" * QUESTION_CHARS] * (HISTORY_CHARS // QUESTION_CHARS + 1)], "history"),
    ("search", [TOO_LONG, 5], "最多 500 字"),
    ("search", [None, 5], "请输入问题"),
    ("search", [123, 5], "question"),
    ("search", [], "缺少参数"),
    ("search", ["低保", "5"], "k"),
    ("search", ["低保", 0], "k"),
    ("search", ["低保", WEB.search_k + 1], "k"),
    ("search", ["低保", 10**12], "k"),
    ("search", ["低保", 2.5], "k"),
    ("search", ["低保", None], "k"),
    ("search", ["低保", True], "k"),
    ("feedback", ["nope", "up", ""], "找不到这条回答"),
    ("feedback", [None, "up", ""], "answer_id"),
    ("feedback", [], "缺少参数"),
    ("feedback", [123, "up", ""], "answer_id"),
    ("feedback", ["a" * 10_000, "up", ""], "answer_id"),
    ("feedback", ["0" * 32, "sideways", ""], "rating"),
    ("feedback", ["0" * 32, None, ""], "rating"),
    ("feedback", ["0" * 32, "up", "评" * (WEB.comment_chars + 1)], "comment"),
    ("feedback", ["0" * 32, "up", ["x"]], "comment"),
    ("feedback", ["0" * 32, "up", ""], "找不到这条回答"),
    ("delete", ["x" * (WEB.doc_key_chars + 1)], "doc_id"),
    ("delete", ["a\nb"], "控制字符"),
    ("delete", [123], "doc_id"),
    ("export_feedback", ["exe"], None),
    ("export_feedback", [None], None),
    ("on_generate", [[DOC] * (WEB.quiz_docs + 1), "", 5, ["single"], 1, "", False], "出题文件"),
    ("on_generate", [[DOC], "章" * (WEB.quiz_sections_chars + 1), 5, ["single"], 1, "", False], "章节"),
    ("on_generate", [[DOC], "", 5, ["single"], WEB.quiz_seed + 1, "", False], "题目组合编号"),
    ("on_generate", [[DOC], "", WEB.quiz_items + 1, ["single"], 1, "", False], None),
    ("on_generate", [[DOC], "", "many", ["single"], 1, "", False], None),
    ("upload", ["/etc/passwd"], None),
    ("upload", [123], None),
]


@pytest.mark.parametrize(
    ("name", "data", "needle"), BAD_INPUTS, ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(BAD_INPUTS)]
)
def test_bad_input_is_a_clear_error(
    bounds_server: Server, name: str, data: list[Any], needle: str | None
) -> None:
    event, payload = call(bounds_server, name, data)
    assert event == "error", (event, payload)
    assert payload is not None, f"{name}{data!r:.80} gave a null error"
    message = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
    if needle:
        assert needle in message, message


def test_too_many_files_in_one_upload(bounds_server: Server, tmp_path: Path) -> None:
    files = upload_paths(bounds_server, tmp_path, WEB.upload_files + 1)
    event, payload = call(bounds_server, "upload", [files])
    assert event == "error" and payload is not None, (event, payload)
    assert f"最多上传 {WEB.upload_files} 个文件" in str(payload), payload
    assert {d.source for d in bounds_server.service.documents()}.isdisjoint({f["orig_name"] for f in files})


def test_good_inputs_still_work(bounds_server: Server) -> None:
    event, result = call(bounds_server, "ask", ["低保向哪里申请？", ["低保怎么审批？"] * HISTORY_ENTRIES])
    assert event == "complete", result
    event, hits = call(bounds_server, "search", ["低保", WEB.search_k])
    assert event == "complete" and hits[0], hits
    event, _ = call(bounds_server, "feedback", [result[0]["answer_id"], "down", "评" * WEB.comment_chars])
    assert event == "complete"


def test_huge_history_does_not_stall_other_users(bounds_server: Server) -> None:
    """A 200,000-character history (a long clause with no comma: the old follow-up regex's worst case)
    is refused, and a question asked at the same time is answered."""
    results: dict[str, tuple[str, Any]] = {}

    def huge() -> None:
        results["huge"] = call(bounds_server, "ask", ["期限是多久？", ["中" * HUGE]])

    def normal() -> None:
        results["normal"] = call(bounds_server, "ask", ["低保向哪里申请？", None])

    threads = [threading.Thread(target=huge), threading.Thread(target=normal)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert results["huge"][0] == "error" and "history" in str(results["huge"][1]), results.get("huge")
    assert results["normal"][0] == "complete", results.get("normal")
    assert "answer" in results["normal"][1][0]
