"""JSON endpoints for scripts (脚本接口): ``POST /api/ask``, ``POST /api/search``, ``GET /api/documents``.

``/api/ask`` returns the ``policy-assistant ask --json`` contract (README) plus ``answer_id`` and each
source's ``issuer`` and ``date``; ``/api/search`` the ranked passages of ``search --json`` with each
retriever's rank; ``/api/documents`` the documents of the knowledge base. All need the read role
(:class:`ui.api_gate.Gate`); errors have the OpenAI shape.

On a server with several knowledge bases (``serve --kb``) each takes the one it is for as ``kb`` (in the
body of ``/api/ask`` and ``/api/search``, ``?kb=`` on ``/api/documents``; :mod:`ui.api_kbs`): the first
one when it is left out, 404 ``kb_not_found`` for a name the server does not serve.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from assistant import InputRejected, Turn, check_history
from ui.access import READ
from ui.api_gate import ApiError
from ui.api_kbs import ApiKbs
from ui.service import ServiceError, answer_payload

_KB = "知识库名（serve --kb 的名字）；不给时为第一个知识库"


class AskRequest(BaseModel):
    question: str = Field(description="问题（最多 500 字）")
    history: list[str] = Field(
        default_factory=list, description="同一对话中此前的问题，最早的在前（用于追问）"
    )
    id: Any = Field(default=None, description="调用方的编号，原样返回")
    kb: str | None = Field(default=None, description=_KB)


class SearchRequest(BaseModel):
    question: str
    k: int = Field(default=10, ge=1, le=50, description="返回的段落数")
    kb: str | None = Field(default=None, description=_KB)


def json_router(kbs: ApiKbs) -> APIRouter:
    router = APIRouter(prefix="/api", tags=["JSON 接口"])

    @router.post("/ask", summary="问答：答案与引用（同 ask --json）")
    def ask(body: AskRequest, request: Request) -> dict[str, Any]:
        service = kbs.choose(body.kb, kbs.caller(request), READ, request)[0].service
        try:
            history = [Turn(q) for q in check_history(body.history)]  # the last few, each checked
        except InputRejected as exc:
            raise ApiError(400, str(exc), param="history", code="invalid_history") from exc
        try:
            answer_id, answer = service.ask(body.question, history)
        except ServiceError as exc:
            raise ApiError(400, str(exc), param="question", code="invalid_question") from exc
        payload = answer_payload(answer_id, answer, service.doc_record)
        payload["id"] = body.id
        return payload

    @router.post("/search", summary="检索：排序后的条文、融合得分与各检索器名次（同 search --json）")
    def search(body: SearchRequest, request: Request) -> dict[str, Any]:
        service = kbs.choose(body.kb, kbs.caller(request), READ, request)[0].service
        try:
            hits = service.search(body.question, body.k)
        except ServiceError as exc:
            raise ApiError(400, str(exc), param="question", code="invalid_question") from exc
        return {
            "question": body.question,
            "hits": [h.to_dict() | {"bm25_rank": h.bm25_rank, "dense_rank": h.dense_rank} for h in hits],
        }

    @router.get("/documents", summary="知识库中的文件")
    def documents(
        request: Request, kb: Annotated[str | None, Query(description=_KB)] = None
    ) -> dict[str, Any]:
        chosen = kbs.choose(kb, kbs.caller(request), READ, request)[0]
        docs = [{k: getattr(d, k) for k in d.__slots__} for d in chosen.service.documents()]
        return {"kb": chosen.gate.kb, "documents": docs}

    return router
