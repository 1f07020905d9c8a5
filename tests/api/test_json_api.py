"""The JSON endpoints for scripts and the OpenAPI schema."""

from __future__ import annotations

import httpx
import pytest
from api_testkit import ApiServer

pytestmark = pytest.mark.slow

ASK_KEYS = {"id", "question", "found", "answer", "short_answer", "question_type", "citations", "retrieved",
            "related", "latency_ms", "answer_id"}  # fmt: skip


def test_ask_returns_the_ask_json_contract(api_server: ApiServer) -> None:
    r = httpx.post(
        api_server.url + "/api/ask", json={"question": "山西省的县分为哪几类？", "id": "q-7"},
        headers=api_server.auth(), timeout=60,
    )  # fmt: skip
    assert r.status_code == 200, r.text
    data = r.json()
    assert set(data) >= ASK_KEYS and data["id"] == "q-7" and data["found"] is True
    assert "整体推进县" in data["answer"]
    for c in data["citations"]:
        text = api_server.service.doc_text(c["doc_id"])
        assert text[c["start"] : c["end"]] == c["quote"] and f"[{c['n']}]" in data["answer"]


def test_ask_accepts_earlier_questions_for_a_follow_up(api_server: ApiServer) -> None:
    body = {"question": "那整体推进县呢？", "history": ["重点帮扶县主要任务是什么？"]}
    r = httpx.post(api_server.url + "/api/ask", json=body, headers=api_server.auth(), timeout=60)
    assert r.status_code == 200 and "农业农村现代化" in r.json()["answer"]


def test_search_and_documents(api_server: ApiServer) -> None:
    r = httpx.post(
        api_server.url + "/api/search", json={"question": "山西省的县分为哪几类？", "k": 3},
        headers=api_server.auth(), timeout=60,
    )  # fmt: skip
    hits = r.json()["hits"]
    assert 1 <= len(hits) <= 3 and hits[0]["source"] == "shanxi-juji-wuda-nengli.txt"
    assert {"score", "bm25_rank", "dense_rank", "start", "end", "text"} <= set(hits[0])
    docs = httpx.get(api_server.url + "/api/documents", headers=api_server.auth()).json()
    assert docs["kb"] == "default"
    assert "shanxi-juji-wuda-nengli.txt" in {d["source"] for d in docs["documents"]}


@pytest.mark.parametrize(
    ("path", "body", "param"),
    [("/api/ask", {"question": "  "}, "question"), ("/api/search", {"question": "低保", "k": 0}, "k"),
     ("/api/ask", {}, "question"), ("/api/ask", {"question": "低保", "history": ["问" * 600]}, "history")],
)  # fmt: skip
def test_bad_input_is_a_clear_error(
    api_server: ApiServer, path: str, body: dict[str, object], param: str
) -> None:
    r = httpx.post(api_server.url + path, json=body, headers=api_server.auth())
    assert r.status_code == 400
    error = r.json()["error"]
    assert error["param"] == param and error["message"] and error["type"] == "invalid_request_error"


def test_unknown_api_path_is_an_openai_shaped_404(api_server: ApiServer) -> None:
    r = httpx.get(api_server.url + "/v1/embeddings", headers=api_server.auth())
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


def test_openapi_schema_lists_the_endpoints(api_server: ApiServer) -> None:
    schema = httpx.get(api_server.url + "/openapi.json").json()
    assert {"/v1/models", "/v1/chat/completions", "/api/ask", "/api/search", "/api/documents"} <= set(
        schema["paths"]
    )


def test_api_responses_keep_the_security_headers(api_server: ApiServer) -> None:
    r = httpx.get(api_server.url + "/api/documents", headers=api_server.auth())
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"


def test_oversized_body_is_refused_unread(api_server: ApiServer) -> None:
    body = b'{"question": "' + b"a" * (3 * 1024 * 1024) + b'"}'
    r = httpx.post(
        api_server.url + "/api/ask", content=body,
        headers={**api_server.auth(), "content-type": "application/json"},
    )  # fmt: skip
    assert r.status_code == 413 and r.json()["error"]["code"] == "request_too_large"
