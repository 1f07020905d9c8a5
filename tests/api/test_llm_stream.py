"""Streaming with the optional LLM: its checked text streams as deltas, then the verified answer and sources.

The chat model is langchain-core's fake (the LLM edge); the index, retrieval and checks are real.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from api_testkit import ApiServer
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from starlette.testclient import TestClient

pytestmark = pytest.mark.slow

QUESTION = "山西省的县分为哪几类？"
MODEL_TEXT = "全省117个县分为三类：乡村振兴重点帮扶县、整体推进县、先行示范县[1]。"


def test_llm_answer_streams_and_ends_with_citations(
    api_server: ApiServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import assistant.llm
    from assistant.config import Settings
    from ui.access import Access
    from ui.api import build_api
    from ui.service import WebService

    monkeypatch.setattr(
        assistant.llm,
        "build_chat_model",
        lambda settings: GenericFakeChatModel(messages=iter([AIMessage(MODEL_TEXT)])),
    )
    settings = Settings(index_dir=api_server.index, llm_base_url="http://127.0.0.1:9/v1", llm_model="fake")
    service = WebService(settings, tmp_path / "web")
    try:
        assert service.streaming
        body = {
            "model": "policy-assistant",
            "stream": True,
            "messages": [{"role": "user", "content": QUESTION}],
        }
        with TestClient(build_api(service, Access("default")), client=("127.0.0.1", 1)) as tc:
            r = tc.post("/v1/chat/completions", json=body)
        events = [line.removeprefix("data: ") for line in r.text.split("\n\n") if line]
        assert events[-1] == "[DONE]"
        chunks = [json.loads(e) for e in events[:-1]]
        deltas = [c["choices"][0]["delta"].get("content") or "" for c in chunks]
        content = "".join(deltas)
        assert sum(1 for d in deltas if d) >= 2  # the model's text, then the rest and the sources
        answer, _, sources = content.partition("\n\n来源：\n")
        assert answer.startswith("全省117个县分为三类") and sources.startswith("[1] 《")
        assert answer.count("先行示范县") == 1 and "核验后" not in answer  # streamed once, not repeated
        last = chunks[-1]
        assert last["choices"][0]["finish_reason"] == "stop" and last["policy_assistant"]["found"] is True
        for c in last["citations"]:
            assert service.doc_text(c["doc_id"])[c["start"] : c["end"]] == c["quote"]
    finally:
        service.close()
