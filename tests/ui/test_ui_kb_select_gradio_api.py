"""The Gradio API endpoints (``gradio_client``) of a server with two knowledge bases (``serve --kb nongji=…
--kb yanglao=…``, with logins): ``kb``, one more input last, picks the knowledge base of ``/ask``,
``/search``, ``/feedback`` and ``/documents`` (the first one when omitted) and that knowledge base's
roles decide; an unknown name is an error naming it. With one knowledge base the endpoints are as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from kb_select_kit import DOC_A, DOC_B, PASSWORDS, QUESTION_B, TwoKbServer, serve_two_kbs

pytestmark = pytest.mark.slow

# The inputs each endpoint has always had (gradio_client's parameter names), in order.
SINGLE_KB_INPUTS = {
    "/ask": ["question", "history"],
    "/search": ["question", "k"],
    "/feedback": ["answer_id", "rating", "comment"],
    "/documents": [],
}


@pytest.fixture(scope="module")
def server(
    built_index: Callable[..., Path], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TwoKbServer]:
    yield from serve_two_kbs(built_index, tmp_path_factory, login=True)


def client(server: TwoKbServer, user: str = "wang") -> Any:
    from gradio_client import Client

    return Client(server.url, auth=(user, PASSWORDS[user]), verbose=False)


@pytest.fixture(scope="module")
def wang(server: TwoKbServer) -> Any:
    return client(server)  # manages both knowledge bases


def inputs(api: dict[str, Any]) -> dict[str, list[tuple[str, Any]]]:
    return {
        name: [
            (p["parameter_name"], p.get("parameter_default"))
            for p in api["named_endpoints"][name]["parameters"]
        ]
        for name in SINGLE_KB_INPUTS
    }


def test_ask_answers_from_the_knowledge_base_it_names_and_from_the_first_without(wang: Any) -> None:
    answer = wang.predict(QUESTION_B, None, "yanglao", api_name="/ask")
    assert answer["found"] is True and "二百元" in answer["answer"]
    assert {c["source"] for c in answer["citations"]} == {DOC_B[0]}
    first = wang.predict(QUESTION_B, None, api_name="/ask")  # no name: the first one, as before
    assert first["found"] is False and first["citations"] == []
    assert wang.predict(QUESTION_B, None, "nongji", api_name="/ask")["citations"] == []


def test_search_documents_and_feedback_act_on_the_named_knowledge_base(
    wang: Any, server: TwoKbServer
) -> None:
    hits = wang.predict("养老服务补贴", 5, "yanglao", api_name="/search")
    assert hits and {h["source"] for h in hits} == {DOC_B[0]}
    assert {h["source"] for h in wang.predict("养老服务补贴", 5, api_name="/search")} == {DOC_A[0]}
    assert [d["source"] for d in wang.predict("yanglao", api_name="/documents")] == [DOC_B[0]]
    assert [d["source"] for d in wang.predict(api_name="/documents")] == [DOC_A[0]]
    answer_id = wang.predict(QUESTION_B, None, "yanglao", api_name="/ask")["answer_id"]
    assert wang.predict(answer_id, "up", "很清楚", "yanglao", api_name="/feedback")["id"]


@pytest.mark.parametrize(
    ("endpoint", "args"),
    [("/ask", (QUESTION_B, None)), ("/search", ("补贴", 5)), ("/feedback", ("0" * 16, "up", "")),
     ("/documents", ())],
)  # fmt: skip
def test_an_unknown_knowledge_base_is_an_error_naming_it(
    wang: Any, endpoint: str, args: tuple[Any, ...]
) -> None:
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError) as refused:
        wang.predict(*args, "laonian", api_name=endpoint)
    message = str(refused.value)
    assert "没有名为 laonian 的知识库" in message and "nongji、yanglao" in message


def test_the_named_knowledge_bases_roles_decide(server: TwoKbServer) -> None:
    from gradio_client.exceptions import AppError

    li = client(server, "li")  # may read yanglao only
    assert "二百元" in li.predict(QUESTION_B, None, "yanglao", api_name="/ask")["answer"]
    with pytest.raises(AppError, match="无权访问知识库 nongji"):
        li.predict(QUESTION_B, None, api_name="/ask")
    with pytest.raises(AppError, match="可用的知识库：yanglao"):  # only what li may read is offered
        li.predict("laonian", api_name="/documents")


def test_the_name_is_one_more_input_last_and_one_knowledge_base_keeps_its_inputs(
    wang: Any, server: TwoKbServer
) -> None:
    from ui.app import build_app

    two = inputs(wang.view_api(print_info=False, return_format="dict"))
    assert {name: [p for p, _ in params] for name, params in two.items()} == {
        name: [*params, "kb"] for name, params in SINGLE_KB_INPUTS.items()
    }
    assert {params[-1] for params in two.values()} == {("kb", "nongji")}  # default: the first one
    one = build_app(server.service[0]).get_api_info()  # the same service served alone
    assert {name: [p for p, _ in params] for name, params in inputs(one).items()} == SINGLE_KB_INPUTS
