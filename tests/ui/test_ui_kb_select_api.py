"""The open API of a server with two knowledge bases (``serve --kb nongji=… --kb yanglao=…``), over real
HTTP: ``kb`` picks the knowledge base of ``/api/ask``, ``/api/search`` and ``/api/documents``, the
``model`` that of ``/v1/chat/completions``; ``/v1/models`` lists one model per knowledge base the key
may read; a call naming none gets the first one (as before); an unknown one is a 404 naming it, one the
key may not read a 403. The single-knowledge-base API is tested in tests/api.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from kb_select_kit import DOC_A, DOC_B, QUESTION_B, TwoKbServer, serve_two_kbs

pytestmark = pytest.mark.slow

KEYS = {"both": {"*": "read"}, "nongji-only": {"nongji": "read"}}


@pytest.fixture(scope="module")
def server(
    built_index: Callable[..., Path], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TwoKbServer]:
    yield from serve_two_kbs(built_index, tmp_path_factory, login=False, api_keys=KEYS)


def call(
    server: TwoKbServer, path: str, body: dict[str, Any] | None = None, key: str = "both"
) -> httpx.Response:
    url, headers = server.url.rstrip("/") + path, {"Authorization": f"Bearer {server.keys[key]}"}
    if body is None:
        return httpx.get(url, headers=headers, timeout=60)
    return httpx.post(url, json=body, headers=headers, timeout=60)


def chat(model: str, question: str = QUESTION_B, **extra: Any) -> dict[str, Any]:
    return {"model": model, "messages": [{"role": "user", "content": question}], **extra}


def test_ask_with_kb_answers_from_that_knowledge_base(server: TwoKbServer) -> None:
    r = call(server, "/api/ask", {"question": QUESTION_B, "kb": "yanglao"})
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["found"] is True and "二百元" in data["answer"]
    assert {c["source"] for c in data["citations"]} == {DOC_B[0]}
    default = call(server, "/api/ask", {"question": QUESTION_B}).json()  # no kb: the first, as before
    assert default["found"] is False and DOC_B[0] not in json.dumps(default, ensure_ascii=False)


def test_search_and_documents_with_kb(server: TwoKbServer) -> None:
    hits = call(server, "/api/search", {"question": "养老服务补贴", "k": 5, "kb": "yanglao"}).json()["hits"]
    assert hits and {h["source"] for h in hits} == {DOC_B[0]}
    first = call(server, "/api/search", {"question": "养老服务补贴", "k": 5}).json()["hits"]
    assert {h["source"] for h in first} == {DOC_A[0]}
    docs = call(server, "/api/documents?kb=yanglao").json()
    assert docs["kb"] == "yanglao" and [d["source"] for d in docs["documents"]] == [DOC_B[0]]
    assert call(server, "/api/documents").json()["kb"] == "nongji"


@pytest.mark.parametrize(
    ("path", "body"),
    [("/api/ask", {"question": QUESTION_B, "kb": "laonian"}), ("/api/search", {"question": "补贴", "kb": "laonian"}),
     ("/api/documents?kb=laonian", None)],
)  # fmt: skip
def test_an_unknown_kb_is_a_404_naming_it(
    server: TwoKbServer, path: str, body: dict[str, Any] | None
) -> None:
    r = call(server, path, body)
    assert r.status_code == 404, r.text
    error = r.json()["error"]
    assert error["code"] == "kb_not_found" and error["param"] == "kb"
    assert "laonian" in error["message"] and "知识库" in error["message"]
    assert "nongji" in error["message"] and "yanglao" in error["message"]  # what the key may use instead


def test_a_kb_the_key_may_not_read_is_a_403_in_its_audit_log(server: TwoKbServer) -> None:
    r = call(server, "/api/ask", {"question": QUESTION_B, "kb": "yanglao"}, key="nongji-only")
    assert r.status_code == 403, r.text
    error = r.json()["error"]
    assert error["code"] == "permission_denied" and "yanglao" in error["message"]
    assert (
        call(server, "/api/ask", {"question": QUESTION_B, "kb": "nongji"}, key="nongji-only").status_code
        == 200
    )
    chat_r = call(server, "/v1/chat/completions", chat("policy-assistant:yanglao"), key="nongji-only")
    assert chat_r.status_code == 403 and chat_r.json()["error"]["code"] == "permission_denied"
    audit = server.service[1].settings.index_dir / "audit.jsonl"
    entries = [json.loads(line) for line in audit.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert [(e["user"], e["result"], e["kb"]) for e in entries[-2:]] == [
        ("api:nongji-only", "denied", "yanglao")
    ] * 2


def test_models_lists_each_knowledge_base_the_key_may_read(server: TwoKbServer) -> None:
    ids = [m["id"] for m in call(server, "/v1/models").json()["data"]]
    assert ids == ["policy-assistant:nongji", "policy-assistant:yanglao"]
    assert [m["id"] for m in call(server, "/v1/models", key="nongji-only").json()["data"]] == [
        "policy-assistant:nongji"
    ]
    assert call(server, "/v1/models/policy-assistant:yanglao").json()["id"] == "policy-assistant:yanglao"


@pytest.mark.parametrize("model", ["policy-assistant:yanglao", "yanglao"])
def test_chat_completions_answers_from_the_knowledge_base_the_model_names(
    server: TwoKbServer, model: str
) -> None:
    r = call(server, "/v1/chat/completions", chat(model))
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["model"] == model and "二百元" in data["choices"][0]["message"]["content"]
    assert {c["source"] for c in data["citations"]} == {DOC_B[0]}


def test_chat_completions_streams_from_the_chosen_knowledge_base(server: TwoKbServer) -> None:
    r = call(server, "/v1/chat/completions", chat("yanglao", stream=True))
    assert r.status_code == 200, r.text
    events = [json.loads(line[6:]) for line in r.text.splitlines() if line.startswith("data: {")]
    content = "".join(e["choices"][0]["delta"].get("content", "") for e in events if e["choices"])
    assert "二百元" in content and {c["source"] for c in events[-1]["citations"]} == {DOC_B[0]}


def test_the_model_alias_is_the_first_knowledge_base_and_an_unknown_model_a_404(server: TwoKbServer) -> None:
    first = call(server, "/v1/chat/completions", chat("policy-assistant")).json()
    assert first["policy_assistant"]["found"] is False and first["citations"] == []
    r = call(server, "/v1/chat/completions", chat("policy-assistant:laonian"))
    assert r.status_code == 404 and r.json()["error"]["code"] == "model_not_found"
    message = r.json()["error"]["message"]
    assert "policy-assistant:laonian" in message and "policy-assistant:yanglao" in message
