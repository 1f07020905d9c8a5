"""Saved conversations as the assistant sees them (对话记录): answers to JSON and back, follow-up history.

:class:`index.conversations.ConversationStore` keeps each answer as a JSON object; this module writes
that object (:func:`answer_record`) and rebuilds the :class:`Answer` from it (:func:`answer_from_record`),
so a restored conversation's follow-up questions resolve exactly as they would have before the
reload: :mod:`assistant.followup` reads the previous question and its citations' documents.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from assistant.types import Answer, Citation, Turn
from index.conversations import StoredTurn

__all__ = ["answer_from_record", "answer_record", "history_from"]

_CITATION_FIELDS = ("n", "doc_id", "source", "title", "section", "start", "end", "quote")
_INT_FIELDS = frozenset({"n", "start", "end"})


def answer_record(answer: Answer) -> dict[str, Any]:
    """What a saved turn keeps of an answer: text, verdict, type and citations (not the retrieved
    passages or timings, which nothing reads after the answer is shown)."""
    return {
        "question": answer.question,
        "found": answer.found,
        "answer": answer.answer,
        "short_answer": answer.short_answer,
        "question_type": answer.question_type,
        "citations": [c.to_dict() for c in answer.citations],
        "related": [c.to_dict() for c in answer.related],
        "curated": bool(answer.debug.get("curated")),  # a manager's answer (精选答案) keeps its badge
    }


def _citations(items: Any) -> tuple[Citation, ...]:
    """Citations of a record; an entry of the wrong shape is left out rather than failing the restore."""
    out = []
    for item in items if isinstance(items, list) else ():
        if not isinstance(item, Mapping):
            continue
        values: list[Any] = [item.get(name) for name in _CITATION_FIELDS]
        if all(
            isinstance(v, int) and not isinstance(v, bool) if name in _INT_FIELDS else isinstance(v, str)
            for name, v in zip(_CITATION_FIELDS, values, strict=True)
        ):
            out.append(Citation(*values))
    return tuple(out)


def answer_from_record(question: str, record: Mapping[str, Any]) -> Answer:
    """The :class:`Answer` a saved turn holds (:func:`answer_record`), for showing and for follow-ups."""
    short = record.get("short_answer")
    return Answer(
        question=str(record.get("question") or question),
        found=bool(record.get("found")),
        answer=str(record.get("answer") or ""),
        short_answer=short if isinstance(short, str) else None,
        question_type=str(record.get("question_type") or "none"),
        citations=_citations(record.get("citations")),
        related=_citations(record.get("related")),
        debug={"curated": True} if record.get("curated") is True else {},
    )


def history_from(turns: Sequence[StoredTurn]) -> list[Turn]:
    """The conversation history (:class:`Turn`) of saved turns, oldest first."""
    return [Turn(t.question, answer_from_record(t.question, t.answer)) for t in turns]
