"""The OpenAI-compatible chat API, called with the ``openai`` client and langchain ``ChatOpenAI``."""

from __future__ import annotations

from typing import Any

import httpx
import openai
import pytest
from api_testkit import ApiServer

pytestmark = pytest.mark.slow

QUESTION = "重点帮扶县主要任务是什么？"


@pytest.fixture(scope="module")
def client(api_server: ApiServer) -> openai.OpenAI:
    return openai.OpenAI(base_url=api_server.v1, api_key=api_server.keys["reader"], max_retries=0)


def _check_citations(server: ApiServer, content: str, citations: list[dict[str, Any]]) -> None:
    assert citations, content
    for c in citations:
        text = server.service.doc_text(c["doc_id"])
        assert text is not None and text[c["start"] : c["end"]] == c["quote"]
        assert f"[{c['n']}]" in content
        assert f"[{c['n']}] 《{c['title'] or c['source']}》" in content.split("来源：", 1)[1]


def test_models_lists_the_knowledge_base_the_key_may_read(
    client: openai.OpenAI, api_server: ApiServer
) -> None:
    assert [m.id for m in client.models.list()] == ["policy-assistant:default"]
    outsider = openai.OpenAI(base_url=api_server.v1, api_key=api_server.keys["outsider"], max_retries=0)
    assert list(outsider.models.list()) == []


def test_completion_returns_the_cited_answer(client: openai.OpenAI, api_server: ApiServer) -> None:
    r = client.chat.completions.create(
        model="policy-assistant:default", messages=[{"role": "user", "content": QUESTION}]
    )
    content = r.choices[0].message.content or ""
    assert r.object == "chat.completion" and r.choices[0].finish_reason == "stop"
    assert "持续巩固拓展脱贫攻坚成果" in content and "\n\n来源：\n[1] 《" in content
    extra = r.model_extra or {}
    assert extra["policy_assistant"]["found"] is True
    _check_citations(api_server, content, extra["citations"])
    assert r.usage is not None and r.usage.completion_tokens > 0


def test_streaming_returns_the_same_cited_answer(client: openai.OpenAI, api_server: ApiServer) -> None:
    stream = client.chat.completions.create(
        model="policy-assistant", messages=[{"role": "user", "content": QUESTION}], stream=True,
        stream_options={"include_usage": True},
    )  # fmt: skip
    chunks = list(stream)
    assert all(c.object == "chat.completion.chunk" for c in chunks)
    content = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    last = [c for c in chunks if c.choices][-1]
    assert last.choices[0].finish_reason == "stop"
    assert "持续巩固拓展脱贫攻坚成果" in content
    _check_citations(api_server, content, (last.model_extra or {})["citations"])
    assert chunks[-1].usage is not None  # include_usage: a last chunk without choices


def test_raw_stream_is_server_sent_events_ending_with_done(api_server: ApiServer) -> None:
    body = {"model": "policy-assistant", "stream": True, "messages": [{"role": "user", "content": QUESTION}]}
    with httpx.stream("POST", api_server.v1 + "/chat/completions", json=body, headers=api_server.auth()) as r:
        assert r.headers["content-type"].startswith("text/event-stream")
        lines = [line for line in r.iter_lines() if line]
    assert all(line.startswith("data: ") for line in lines)
    assert lines[-1] == "data: [DONE]"


def test_follow_up_in_messages_is_resolved(client: openai.OpenAI) -> None:
    messages: list[Any] = [{"role": "user", "content": QUESTION}]
    first = client.chat.completions.create(model="policy-assistant", messages=messages)
    messages += [{"role": "assistant", "content": first.choices[0].message.content},
                 {"role": "user", "content": "那整体推进县呢？"}]  # fmt: skip
    second = client.chat.completions.create(model="policy-assistant", messages=messages)
    assert "农业农村现代化" in (second.choices[0].message.content or "")
    # The reply sent back is recognised, so "which document?" refers to the previous answer's source.
    messages += [{"role": "assistant", "content": second.choices[0].message.content},
                 {"role": "user", "content": "这是哪个文件规定的？"}]  # fmt: skip
    third = client.chat.completions.create(model="policy-assistant", messages=messages)
    assert "聚焦五大能力" in (third.choices[0].message.content or "")


def test_refusal_is_a_normal_completion(client: openai.OpenAI) -> None:
    r = client.chat.completions.create(
        model="policy-assistant", messages=[{"role": "user", "content": "育儿补贴每个孩子一年能领多少钱？"}]
    )
    content = r.choices[0].message.content or ""
    assert content.startswith("现有文件中未找到相关规定") and r.choices[0].finish_reason == "stop"
    extra = r.model_extra or {}
    assert extra["policy_assistant"]["found"] is False and extra["citations"] == []
    assert extra["policy_assistant"]["related"] and "\n\n可能相关的条文：\n[1] 《" in content


def test_langchain_chat_openai_invoke_and_stream(api_server: ApiServer) -> None:
    from langchain_openai import ChatOpenAI

    llm = ChatOpenAI(
        base_url=api_server.v1, api_key=api_server.keys["reader"], model="policy-assistant", max_retries=0
    )  # type: ignore[call-arg]
    reply = llm.invoke(QUESTION)
    assert "持续巩固拓展脱贫攻坚成果" in str(reply.content) and "来源：" in str(reply.content)
    streamed = "".join(str(chunk.content) for chunk in llm.stream(QUESTION))
    assert streamed == reply.content


def test_unknown_model_gets_the_openai_404(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as info:
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": QUESTION}])
    assert info.value.code == "model_not_found"


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"model": "policy-assistant", "messages": [{"role": "assistant", "content": "你好"}]}, "messages"),
        ({"model": "policy-assistant", "messages": []}, "messages"),
        ({"messages": [{"role": "user", "content": QUESTION}]}, "model"),
        ({"model": "policy-assistant", "messages": [{"role": "user", "content": "问" * 600}]}, "messages"),
    ],
)
def test_bad_requests_get_openai_shaped_errors(
    api_server: ApiServer, body: dict[str, Any], param: str
) -> None:
    r = httpx.post(api_server.v1 + "/chat/completions", json=body, headers=api_server.auth())
    assert r.status_code == 400
    error = r.json()["error"]
    assert set(error) == {"message", "type", "param", "code"} and error["type"] == "invalid_request_error"
    assert error["param"] == param and error["message"]
