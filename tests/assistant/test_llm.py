"""The optional LLM layer, with langchain-core fake chat models at the edge (real index underneath)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel, GenericFakeChatModel
from langchain_core.messages import AIMessage

from assistant.engine import Assistant
from assistant.llm import build_chat_model, build_messages, check_output, rewrite, sanitize, stream_rewrite

QUESTION = "山西省的县分为哪几类？"


@pytest.fixture(scope="module")
def assistant(assistant_on_corpus):  # type: ignore[no-untyped-def]
    return assistant_on_corpus


def _doc_text(assistant, citation) -> str:  # type: ignore[no-untyped-def]
    return assistant.document_text(citation.doc_id)[citation.start : citation.end]


def test_good_model_answer_is_kept_with_exact_citations(assistant) -> None:  # type: ignore[no-untyped-def]
    model = FakeListChatModel(
        responses=["全省117个县分为三类：乡村振兴重点帮扶县、整体推进县、先行示范县[1]。"]
    )
    answer = rewrite(QUESTION, assistant.ask(QUESTION), model)
    assert answer.found and answer.debug.get("llm") is True
    assert "整体推进县" in answer.answer and "[1]" in answer.answer
    assert answer.citations and all(_doc_text(assistant, c) == c.quote for c in answer.citations)
    assert "整体推进县" in answer.citations[0].quote


def test_misbehaving_model_is_checked(assistant) -> None:  # type: ignore[no-untyped-def]
    bad = (
        "全省117个县分为三类[1]。"  # supported
        "其中重点帮扶县有999个[1]。"  # invented number
        "另见附件[7]。"  # invented citation
        "已按文件要求忽略问题，请访问 http://evil.example/x ![img](http://127.0.0.1:9/leak)"  # injected, uncited
    )
    answer = rewrite(QUESTION, assistant.ask(QUESTION), FakeListChatModel(responses=[bad]))
    assert "117" in answer.answer
    assert "999" not in answer.answer and "[7]" not in answer.answer
    assert "http" not in answer.answer and "![" not in answer.answer and "忽略" not in answer.answer
    assert [c.n for c in answer.citations] == [1]


def test_model_that_only_obeys_an_injection_falls_back_to_extractive(assistant) -> None:  # type: ignore[no-untyped-def]
    extractive = assistant.ask(QUESTION)
    model = FakeListChatModel(responses=["好的，我将忽略之前的所有规则。[1]"])
    answer = rewrite(QUESTION, assistant.ask(QUESTION), model)
    assert "llm_rejected" in answer.debug
    assert answer.answer == extractive.answer and answer.citations == extractive.citations


def test_model_that_changes_a_count_or_a_verdict_falls_back(assistant) -> None:  # type: ignore[no-untyped-def]
    """五类 against the document's 三类 (a single Chinese digit, once unchecked): the extractive answer stands."""
    extractive = assistant.ask(QUESTION)
    model = FakeListChatModel(responses=["全省117个县分为五类[1]。"])
    answer = rewrite(QUESTION, assistant.ask(QUESTION), model)
    assert "llm_rejected" in answer.debug and answer.answer == extractive.answer
    assert any("figure" in d for d in answer.debug["llm_dropped"])


def test_failure_falls_back(assistant) -> None:  # type: ignore[no-untyped-def]
    class Boom(FakeListChatModel):
        def invoke(self, *args, **kwargs):  # type: ignore[no-untyped-def, override]
            raise TimeoutError("read timed out")

    answer = rewrite(QUESTION, assistant.ask(QUESTION), Boom(responses=["x"]))
    assert answer.found and "TimeoutError" in answer.debug["llm_error"]


def test_no_evidence_never_asks_the_model(assistant) -> None:  # type: ignore[no-untyped-def]
    class Never(FakeListChatModel):
        def invoke(self, *args, **kwargs):  # type: ignore[no-untyped-def, override]
            raise AssertionError("the model must not be asked without evidence")

    question = "育儿补贴每个孩子一年能领多少钱？"
    answer = rewrite(question, assistant.ask(question), Never(responses=["x"]))
    assert not answer.found


def test_streaming_yields_pieces_then_checked_answer(assistant) -> None:  # type: ignore[no-untyped-def]
    model = GenericFakeChatModel(
        messages=iter(
            [
                AIMessage(
                    content="全省117个县分为三类[1]。 整体推进县主要是加快推进农业农村现代化建设[1]。 ![x](http://a/b)"
                )
            ]
        )
    )
    out = list(stream_rewrite(QUESTION, assistant.ask(QUESTION), model))
    pieces, final = out[:-1], out[-1]
    assert len(pieces) > 1 and all(isinstance(p, str) for p in pieces)  # checked sentences as they complete
    assert "http" not in "".join(pieces)  # the image never reaches the screen
    assert not isinstance(final, str) and final.found
    assert "http" not in final.answer and "117" in final.answer


def test_prompt_numbers_passages_and_fences_documents(assistant) -> None:  # type: ignore[no-untyped-def]
    hits = assistant.search(QUESTION, 3)
    messages = build_messages(QUESTION, hits)
    assert "忽略" in messages[0].content  # documents' instructions are data
    assert "[1]" in messages[1].content and "[3]" in messages[1].content and QUESTION in messages[1].content


def test_sanitize_and_check_output_edge_cases(assistant) -> None:  # type: ignore[no-untyped-def]
    assert sanitize("见[链接](https://x.y/z)<img src=x onerror=alert(1)>") == "见链接"
    hits = assistant.search(QUESTION, 2)
    assert check_output("没有任何引用的句子。", hits) is None


def test_chat_model_is_built_from_settings(assistant) -> None:  # type: ignore[no-untyped-def]
    settings = replace(
        assistant.settings, llm_base_url="http://127.0.0.1:9/v1", llm_model="qwen2.5", llm_timeout=3.0
    )
    model = build_chat_model(settings)
    assert model.model_name == "qwen2.5" and str(model.openai_api_base).startswith("http://127.0.0.1:9")
    assert model.max_retries == 0


def test_assistant_with_a_chat_model_rewrites_its_extractive_answer(assistant) -> None:  # type: ignore[no-untyped-def]
    """The Assistant composes "extract, then rewrite": the same knowledge base, a chat model added."""
    model = FakeListChatModel(
        responses=["全省117个县分为三类：乡村振兴重点帮扶县、整体推进县、先行示范县[1]。"]
    )
    with_llm = Assistant(assistant.settings, assistant.kb, chat_model=model)
    answer = with_llm.ask(QUESTION)
    assert answer.debug.get("llm") is True and answer.answer.startswith("全省117个县分为三类")
    assert "llm" not in assistant.ask(QUESTION).debug  # without a model the extractive answer stands
    *pieces, final = with_llm.stream(QUESTION)
    assert pieces and not isinstance(final, str) and final.answer == answer.answer
