"""What the assistant hands to its callers (检索结果、引用、答案)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from corpus.types import Chunk


@dataclass(frozen=True, slots=True)
class Hit:
    """A retrieved passage with its fused score and the ranks that produced it (检索命中)."""

    chunk: Chunk
    title: str
    issuer: str
    date: str
    score: float
    bm25_rank: int | None = None
    dense_rank: int | None = None

    def to_dict(self) -> dict[str, Any]:
        c = self.chunk
        return {
            "chunk_id": c.chunk_id,
            "doc_id": c.doc_id,
            "source": c.source,
            "title": self.title,
            "section": c.section,
            "start": c.start,
            "end": c.end,
            "score": round(self.score, 6),
            "text": c.text,
        }


@dataclass(frozen=True, slots=True)
class Citation:
    """A quote that backs an answer: exactly ``document text[start:end]`` (引用)."""

    n: int
    doc_id: str
    source: str
    title: str
    section: str
    start: int
    end: int
    quote: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "doc_id": self.doc_id,
            "source": self.source,
            "title": self.title,
            "section": self.section,
            "start": self.start,
            "end": self.end,
            "quote": self.quote,
        }


REFUSAL_TEXT = "现有文件中未找到相关规定。"


@dataclass(frozen=True, slots=True)
class Answer:
    """An answer and the evidence it rests on (答案). ``found`` is false for 未找到依据."""

    question: str
    found: bool
    answer: str
    short_answer: str | None
    question_type: str
    citations: tuple[Citation, ...] = ()
    retrieved: tuple[Hit, ...] = ()
    latency_ms: float = 0.0
    related: tuple[Citation, ...] = ()  # nearest passages shown with a refusal ("可能相关")
    debug: dict[str, Any] = field(default_factory=dict)

    def to_dict(self, qid: Any = None) -> dict[str, Any]:
        return {
            "id": qid,
            "question": self.question,
            "found": self.found,
            "answer": self.answer,
            "short_answer": self.short_answer,
            "question_type": self.question_type,
            "citations": [c.to_dict() for c in self.citations],
            "retrieved": [h.to_dict() for h in self.retrieved[:10]],
            "related": [c.to_dict() for c in self.related],
            "latency_ms": round(self.latency_ms, 2),
        }


@dataclass(frozen=True, slots=True)
class Turn:
    """One earlier exchange of a conversation (对话轮次), used to resolve follow-up questions."""

    question: str
    answer: Answer | None = None
