"""Quality gates (质量把关): each returns None when the item passes, else the reason to drop it.

Static gates look only at the item and its sentence; :func:`assistant_gate` asks the answer engine
the stem and keeps the item only when it cites the same passage and agrees with the key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.quiz.types import BLANK, QuizItem
from corpus.normalize import normalize_text

if TYPE_CHECKING:
    from assistant.engine import Assistant
    from assistant.types import Answer


def _norm(text: str) -> str:
    return normalize_text(text).replace(" ", "")


def key_texts(item: QuizItem) -> list[str]:
    """What a reader must not find in the stem: the keyed option texts, or the blanked words."""
    if item.type == "blank":
        return list(item.answer)
    if item.type == "judge":
        return []
    return item.keyed_options()


def reveals_key(item: QuizItem) -> str | None:
    stem = _norm(item.stem)
    if any(_norm(k) in stem for k in key_texts(item) if k):
        return "reveals_key"
    return None


def ambiguous_key(item: QuizItem) -> str | None:
    """The key must occur once in its sentence, or the blank could be either place."""
    quote = item.citation.quote
    keys = key_texts(item) or [item.key_text]
    if any(k and quote.count(k) != 1 for k in keys):
        return "ambiguous_key"
    if item.type != "judge" and len(set(item.options)) != len(item.options):
        return "ambiguous_key"
    return None


def stem_shape(item: QuizItem) -> str | None:
    """A blanked item needs exactly one blank; a judgement none."""
    blanks = item.stem.count(BLANK)
    if (item.type == "judge") != (blanks == 0) or blanks > 1:
        return "ambiguous_key"
    return None


STATIC_GATES = (stem_shape, reveals_key, ambiguous_key)


def static_check(item: QuizItem) -> str | None:
    for gate in STATIC_GATES:
        reason = gate(item)
        if reason:
            return reason
    return None


class Deduplicator:
    """Drops an item whose stem, or whose sentence and key, another kept item already has."""

    def __init__(self) -> None:
        self._stems: set[str] = set()
        self._facts: set[tuple[str, int, str, str]] = set()

    def check(self, item: QuizItem) -> str | None:
        stem = _norm(item.stem)
        fact = (item.citation.source, item.citation.start, item.type, item.key_text)
        if stem in self._stems or fact in self._facts:
            return "duplicate"
        return None

    def add(self, item: QuizItem) -> None:
        self._stems.add(_norm(item.stem))
        self._facts.add((item.citation.source, item.citation.start, item.type, item.key_text))


def cites_passage(answer: Answer, item: QuizItem) -> bool:
    """True when one of the answer's citations overlaps the item's cited sentence."""
    c = item.citation
    return any(
        (x.source == c.source or (c.doc_id and x.doc_id == c.doc_id)) and x.start < c.end and c.start < x.end
        for x in answer.citations
    )


def agrees(answer: Answer, item: QuizItem) -> bool:
    """True when the answer states the key (for a false judgement: the true value it replaced)."""
    said = _norm(" ".join(t for t in (answer.short_answer or "", answer.answer) if t))
    keys = item.keyed_options() if item.type == "multi" else [item.key_text or item.answer_text]
    return all(_norm(k) in said for k in keys if k)


def assistant_gate(assistant: Assistant, item: QuizItem) -> str | None:
    answer = assistant.ask(item.question or item.stem)
    if not answer.found:
        return "assistant_not_found"
    if not cites_passage(answer, item):
        return "assistant_other_passage"
    if not agrees(answer, item):
        return "assistant_disagrees"
    return None
