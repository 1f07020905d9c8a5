"""The Gradio API endpoints (``gradio_client``): ``/ask``, ``/search``, ``/feedback`` and ``/documents``.

With one knowledge base they take what they always took. With several (``serve --kb``) each takes one
more input, last: ``kb``, the name of the knowledge base (知识库) to act on, the first one by default, so a
call written for one knowledge base still works. That knowledge base's own :class:`ui.guard.Guard`
checks the caller's role on it, as its chat panel does; an unknown name is a ``gr.Error`` naming it and
the knowledge bases the caller may read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import gradio as gr

from assistant import InputRejected, Turn, check_history
from ui.access import READ
from ui.guard import Guard, rejected
from ui.kb_select import readable
from ui.knowledge_bases import ServedKb
from ui.limits import RATINGS, WEB, check_answer_id, check_choice, check_int, check_text
from ui.service import ServiceError, WebService, answer_payload

Target = tuple[WebService, Guard]  # the knowledge base a call acts on, and its role check


def build_gradio_api(kbs: Sequence[ServedKb], guards: Sequence[Guard]) -> None:
    """Register the endpoints inside the current Blocks; ``guards`` are ``kbs``' role checks, in order."""
    if len(kbs) == 1:
        _one(kbs[0].service, guards[0])
    else:
        _several(kbs, guards)


# -- what each endpoint does, on one knowledge base ---------------------------------------------------------
def _ask(to: Target, question: str, request: gr.Request, history: list[str] | None) -> dict[str, Any]:
    service, guard = to
    guard(request, READ)
    try:
        answer_id, answer = service.ask(question, [Turn(q) for q in check_history(history)])
    except (ServiceError, InputRejected) as exc:
        raise rejected(exc) from exc
    return answer_payload(answer_id, answer, service.doc_record)


def _search(to: Target, question: str, request: gr.Request, k: int) -> list[dict[str, Any]]:
    service, guard = to
    guard(request, READ)
    try:
        hits = service.search(question, check_int(k, "k", 1, WEB.search_k))
    except (ServiceError, InputRejected) as exc:
        raise rejected(exc) from exc
    return [h.to_dict() | {"bm25_rank": h.bm25_rank, "dense_rank": h.dense_rank} for h in hits]


def _feedback(to: Target, answer_id: str, rating: str, request: gr.Request, comment: str) -> dict[str, Any]:
    service, guard = to
    guard(request, READ)
    try:
        answer_id = check_answer_id(answer_id)
        rating = check_choice(rating, "rating", RATINGS)
        comment = check_text(comment, "comment", WEB.comment_chars)
        return {"id": service.record_feedback(answer_id, rating, comment)}
    except ValueError as exc:  # InputRejected, ServiceError
        raise rejected(exc) from exc


def _documents(to: Target, request: gr.Request) -> list[dict[str, Any]]:
    service, guard = to
    guard(request, READ)
    return [{k: getattr(d, k) for k in d.__slots__} for d in service.documents()]


def _register(*fns: Callable[..., Any]) -> None:
    for fn in fns:  # Gradio reads each endpoint's inputs and description from the signature and docstring
        gr.api(fn, api_name=fn.__name__)


# -- the signatures: one knowledge base (as always), or several (one more input, ``kb``) ---------------------
def _one(service: WebService, guard: Guard) -> None:
    to = (service, guard)

    def ask(question: str, request: gr.Request, history: list[str] | None = None) -> dict[str, Any]:
        """Answer a question from the documents; ``history`` lists earlier questions of the conversation."""
        return _ask(to, question, request, history)

    def search(question: str, request: gr.Request, k: int = 10) -> list[dict[str, Any]]:
        """Ranked passages with their fused scores and the ranks from each retriever."""
        return _search(to, question, request, k)

    def feedback(answer_id: str, rating: str, request: gr.Request, comment: str = "") -> dict[str, Any]:
        """Rate an answer (rating "up" or "down") with an optional comment."""
        return _feedback(to, answer_id, rating, request, comment)

    def documents(request: gr.Request) -> list[dict[str, Any]]:
        """The documents in the knowledge base."""
        return _documents(to, request)

    _register(ask, search, feedback, documents)


def _several(kbs: Sequence[ServedKb], guards: Sequence[Guard]) -> None:
    first = kbs[0].name
    targets = {kb.name: (kb.service, guard) for kb, guard in zip(kbs, guards, strict=True)}

    def pick(kb: str | None, request: gr.Request) -> Target:
        """The knowledge base ``kb`` names (the first one for none); an error naming an unknown one."""
        name = kb or first
        if isinstance(name, str) and name in targets:
            return targets[name]
        names = "、".join(readable(kbs, getattr(request, "username", None))) or "（无）"
        shown = str(name)[:40]  # the name is the caller's input: never echo more than a name's length
        raise rejected(ValueError(f"没有名为 {shown} 的知识库；可用的知识库：{names}"))

    def ask(
        question: str, request: gr.Request, history: list[str] | None = None, kb: str = first
    ) -> dict[str, Any]:
        """Answer a question from the documents of knowledge base ``kb`` (default: the first one);
        ``history`` lists earlier questions of the conversation."""
        return _ask(pick(kb, request), question, request, history)

    def search(question: str, request: gr.Request, k: int = 10, kb: str = first) -> list[dict[str, Any]]:
        """Ranked passages of knowledge base ``kb`` (default: the first one) with their fused scores and
        the ranks from each retriever."""
        return _search(pick(kb, request), question, request, k)

    def feedback(
        answer_id: str, rating: str, request: gr.Request, comment: str = "", kb: str = first
    ) -> dict[str, Any]:
        """Rate an answer of knowledge base ``kb`` (default: the first one; rating "up" or "down") with an
        optional comment."""
        return _feedback(pick(kb, request), answer_id, rating, request, comment)

    def documents(request: gr.Request, kb: str = first) -> list[dict[str, Any]]:
        """The documents in knowledge base ``kb`` (default: the first one)."""
        return _documents(pick(kb, request), request)

    _register(ask, search, feedback, documents)
