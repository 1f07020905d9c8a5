"""The verdict a yes/no question gets from one sentence, as the reader's chosen span gives it (是非判断)."""

from __future__ import annotations

from assistant.answer_types.yesno import YESNO
from assistant.question import analyse


def verdict_of(question: str, sentence: str, terms: list[str]) -> str | None:
    """The short answer (不能, 可以, 算 …) ``sentence`` gives ``question``, or None when it gives none."""
    info = analyse(question)
    assert info.answer_type is YESNO, question
    span = YESNO.pick(info, sentence, YESNO.spans(info, sentence), terms)
    return None if span is None else YESNO.short(span)
