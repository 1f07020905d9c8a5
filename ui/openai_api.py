"""OpenAI-compatible chat (OpenAI 兼容接口): ``GET /v1/models`` and ``POST /v1/chat/completions``.

Chat front-ends (Open WebUI, LobeChat, ChatBox, Dify, Cherry Studio), the ``openai`` client and
langchain ``ChatOpenAI`` talk to the assistant as to a model. The model id is
``policy-assistant:<知识库名>`` (``policy-assistant`` is accepted as an alias); another id gets the
OpenAI-shaped 404 ``model_not_found``. A server with several knowledge bases (``serve --kb``) is one
model per knowledge base: ``/v1/models`` lists ``policy-assistant:<名>`` for each one the key may read,
and a request's ``model`` picks the knowledge base it names (``policy-assistant:<名>`` or the bare
``<名>``); ``policy-assistant`` is the first one (:mod:`ui.api_kbs`).

The last ``user`` message is the question; earlier user messages (with the assistant replies that
followed them) are the conversation, so 那整体推进县呢？ is resolved against the previous question.
When a client sends back a reply this server produced, its answer (and so its documents) is
recalled as well. ``system`` messages are ignored: answers come from the documents only.

The reply's ``content`` is the answer with its ``[n]`` markers, then a plain-text source list
(``来源：`` ``[1] 《标题》章节（文件名，起–止）``) for clients that show only text. The same citations
travel as data in the extra top-level field ``citations`` (``n, doc_id, source, title, section,
start, end, quote, issuer, date``; ``quote`` is exactly the document text ``[start:end]``) and
``policy_assistant`` (``found``, ``answer_id``, ``question_type``, ``short_answer``, ``related``,
``latency_ms``); when streaming, both are in the last chunk (the one with ``finish_reason``). A refusal
(现有文件中未找到相关规定) is a normal completion with ``found: false``, no citations and the related
passages listed as 可能相关的条文. ``usage`` is a rough estimate (1.5 字 ≈ 1 token).
"""

from __future__ import annotations

import json
import logging
import math
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from assistant import HISTORY_TURNS, QUESTION_CHARS, Answer, Turn
from ui.access import READ
from ui.api_gate import ApiError, Caller
from ui.api_kbs import ApiKb, ApiKbs
from ui.service import ServiceError, WebService, answer_payload

log = logging.getLogger(__name__)

MODEL_PREFIX = "policy-assistant"
MAX_MESSAGES = 64
MAX_MESSAGE_CHARS = 20_000  # an earlier assistant reply with its source list can be long
_RECALL = 2000  # replies whose answers can be recalled when a client sends them back
CHARS_PER_TOKEN = 1.5


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: str
    content: str | list[dict[str, Any]] | None = None


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="allow")
    include_usage: bool = False


class ChatRequest(BaseModel):
    """The fields of OpenAI's request this server reads; sampling parameters are accepted and ignored."""

    model_config = ConfigDict(extra="allow")
    model: str
    messages: list[ChatMessage] = Field(min_length=1, max_length=MAX_MESSAGES)
    stream: bool = False
    stream_options: StreamOptions | None = None
    n: int = 1


def model_ids(kb: str) -> tuple[str, str]:
    """(the listed id, its alias)."""
    return f"{MODEL_PREFIX}:{kb}", MODEL_PREFIX


def _text(message: ChatMessage) -> str:
    content = message.content
    if content is None:
        return ""
    if isinstance(content, str):
        text = content
    else:  # content parts: keep the text ones
        text = "".join(str(p.get("text", "")) for p in content if p.get("type") in ("text", "input_text"))
    if len(text) > MAX_MESSAGE_CHARS:
        raise ApiError(
            400, f"单条消息过长（最多 {MAX_MESSAGE_CHARS} 字）", param="messages", code="message_too_long"
        )
    return text


def _tokens(text: str) -> int:
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def sources_text(payload: dict[str, Any]) -> str:
    """The plain-text source list appended to the answer (or the related passages of a refusal)."""
    items, label = (
        (payload["citations"], "来源") if payload["found"] else (payload["related"], "可能相关的条文")
    )
    if not items:
        return ""
    lines = [
        f"[{c['n']}] 《{c['title'] or c['source']}》{c['section']}（{c['source']}，{c['start']}–{c['end']}）"
        for c in items
    ]
    return f"\n\n{label}：\n" + "\n".join(lines)


class _Recall:
    """Replies this server sent (content → answer id), so a conversation sent back keeps its answers."""

    def __init__(self, service: WebService) -> None:
        self.service = service
        self._lock = threading.Lock()
        self._ids: OrderedDict[str, str] = OrderedDict()

    def remember(self, content: str, answer_id: str) -> None:
        with self._lock:
            self._ids[content.strip()] = answer_id
            while len(self._ids) > _RECALL:
                self._ids.popitem(last=False)

    def answer(self, content: str) -> Answer | None:
        with self._lock:
            answer_id = self._ids.get(content.strip())
        return self.service.answer(answer_id) if answer_id else None


def conversation(messages: Sequence[ChatMessage], recall: _Recall) -> tuple[str, list[Turn]]:
    """The question (last user message) and the earlier turns, newest last, at most ``HISTORY_TURNS``."""
    said = [(m.role, _text(m)) for m in messages if m.role in ("user", "assistant")]
    if not said or said[-1][0] != "user":
        raise ApiError(
            400, "messages 的最后一条应为用户（role: user）的问题", param="messages", code="no_question"
        )
    question = said[-1][1]
    turns: list[Turn] = []
    for i, (role, text) in enumerate(said[:-1]):
        if role != "user" or not text.strip():
            continue
        reply = said[i + 1][1] if i + 1 < len(said) - 1 and said[i + 1][0] == "assistant" else ""
        turns.append(Turn(text.strip()[:QUESTION_CHARS], recall.answer(reply) if reply else None))
    return question, turns[-HISTORY_TURNS:]


def kb_of_model(model: str, kbs: ApiKbs) -> ApiKb | None:
    """The knowledge base a model id names: ``policy-assistant:<名>``, the alias ``policy-assistant`` (the
    first one) or, with several knowledge bases, the bare ``<名>``; None for any other id."""
    _listed, alias = model_ids(kbs.default.name)
    if model == alias:
        return kbs.default
    name = model.removeprefix(f"{alias}:")
    if name == model and len(kbs.all) == 1:
        return None  # one knowledge base: its ids stay the two above
    return kbs.find(name) if name else None


def openai_router(kbs: ApiKbs) -> APIRouter:
    router = APIRouter(tags=["OpenAI 兼容"])
    recalls = {kb.name: _Recall(kb.service) for kb in kbs.all}
    started = int(time.time())

    def model_object(kb: ApiKb) -> dict[str, Any]:
        return {
            "id": model_ids(kb.name)[0],
            "object": "model",
            "created": started,
            "owned_by": "policy-assistant",
        }

    def choose(model: str, caller: Caller, request: Request) -> tuple[ApiKb, Caller]:
        """The knowledge base of ``model`` (404 ``model_not_found`` for another id) after its role check."""
        kb = kb_of_model(model, kbs)
        if kb is None:
            readable = kbs.readable(caller) if len(kbs.all) > 1 else list(kbs.all)
            listed = "、".join(model_ids(k.name)[0] for k in readable) or "（无）"
            raise ApiError(
                404, f"模型 `{model}` 不存在或无权访问；本服务器的模型为 {listed}", param="model",
                code="model_not_found",
            )  # fmt: skip
        return kbs.choose(kb.name, caller, READ, request)

    @router.get("/v1/models", summary="可用的模型（每个可读的知识库一个）")
    def list_models(request: Request) -> dict[str, Any]:
        caller = kbs.caller(request)
        return {"object": "list", "data": [model_object(kb) for kb in kbs.readable(caller)]}

    @router.get("/v1/models/{model_id}", summary="一个模型")
    def get_model(model_id: str, request: Request) -> dict[str, Any]:
        return model_object(choose(model_id, kbs.caller(request), request)[0])

    @router.post("/v1/chat/completions", summary="问答（OpenAI chat completions，支持 stream）")
    def chat_completions(body: ChatRequest, request: Request) -> Any:
        kb, caller = choose(body.model, kbs.caller(request), request)
        service, recall = kb.service, recalls[kb.name]
        if body.n != 1:
            raise ApiError(400, "只支持 n=1", param="n", code="unsupported_n")
        question, history = conversation(body.messages, recall)
        if not question.strip():
            raise ApiError(400, "请输入问题", param="messages", code="empty_question")
        prompt_tokens = sum(_tokens(_text(m)) for m in body.messages)
        completion_id = f"chatcmpl-{uuid.uuid4().hex}"
        if body.stream:
            include_usage = bool(body.stream_options and body.stream_options.include_usage)
            events = _stream(service, recall, caller, question, history, completion_id, body.model,
                             prompt_tokens, include_usage)  # fmt: skip
            return StreamingResponse(
                events,
                media_type="text/event-stream",
                headers={"cache-control": "no-cache", "x-accel-buffering": "no"},
            )
        try:
            answer_id, answer = service.ask(question, history)
        except ServiceError as exc:
            raise ApiError(400, str(exc), param="messages", code="invalid_question") from exc
        payload = answer_payload(answer_id, answer, service.doc_record)
        content = payload["answer"] + sources_text(payload)
        recall.remember(content, answer_id)
        return {
            "id": completion_id,
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": "stop",
                    "logprobs": None,
                }
            ],
            "usage": _usage(prompt_tokens, content),
            **_extra(payload),
        }

    return router


def _usage(prompt_tokens: int, content: str) -> dict[str, int]:
    completion = _tokens(content)
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion,
        "total_tokens": prompt_tokens + completion,
    }


def _extra(payload: dict[str, Any]) -> dict[str, Any]:
    return {
        "citations": payload["citations"],
        "policy_assistant": {
            "found": payload["found"],
            "answer_id": payload["answer_id"],
            "question_type": payload["question_type"],
            "short_answer": payload["short_answer"],
            "related": payload["related"],
            "latency_ms": payload["latency_ms"],
        },
    }


def _sse(data: dict[str, Any] | str) -> str:
    return f"data: {data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)}\n\n"


def _stream(
    service: WebService,
    recall: _Recall,
    caller: Caller,
    question: str,
    history: list[Turn],
    completion_id: str,
    model: str,
    prompt_tokens: int,
    include_usage: bool,
) -> Iterator[str]:
    """OpenAI SSE: a role chunk, content chunks, a last chunk with ``finish_reason`` and the citations."""
    created = int(time.time())

    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        choice = {"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}
        return _sse({"id": completion_id, "object": "chat.completion.chunk", "created": created, "model": model,
                     "choices": [choice], **extra})  # fmt: skip

    yield chunk({"role": "assistant", "content": ""})
    sent = ""
    result: tuple[str, Answer] | None = None
    try:
        if service.streaming:  # the LLM writes token by token; extractive answers arrive whole
            for item in service.stream(question, history):
                if isinstance(item, str):
                    if item.startswith(sent) and len(item) > len(sent):
                        yield chunk({"content": item[len(sent) :]})
                        sent = item
                else:
                    result = item
        else:
            result = service.ask(question, history)
        if result is None:
            raise ServiceError("回答中断，请重试")
    except ServiceError as exc:
        yield _sse(ApiError(400, str(exc), code="invalid_question").body())
        yield _sse("[DONE]")
        return
    except Exception:
        log.exception("API answering %r for %s failed", question, caller.name)
        yield _sse(ApiError(500, "服务出错，未能回答，请稍后重试", type_="server_error").body())
        yield _sse("[DONE]")
        return
    answer_id, answer = result
    payload = answer_payload(answer_id, answer, service.doc_record)
    final = payload["answer"]
    # The checked answer normally continues what was streamed; when the check replaced the draft, say so.
    rest = final[len(sent) :] if final.startswith(sent) else "\n\n（核验后的答案）\n" + final
    rest += sources_text(payload)
    if rest:
        yield chunk({"content": rest})
    recall.remember(sent + rest, answer_id)
    yield chunk({}, "stop", **_extra(payload))
    if include_usage:
        yield _sse({"id": completion_id, "object": "chat.completion.chunk", "created": created, "model": model,
                    "choices": [], "usage": _usage(prompt_tokens, sent + rest)})  # fmt: skip
    yield _sse("[DONE]")
