"""The registry of answer types (题型登记表): names, aliases, and classification by cues."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

from assistant.answer_types.base import AnswerType, Cue

# Spoken forms of the question words the cues are written in (口语疑问词): 啥 is 什么, 咋 is 怎么,
# 哪儿/哪块 is 哪里, and a closing 不？ or 没？ (能优先当护林员不？ 有限制没？) asks as 吗？ does. Cues see the question
# with these replaced, so each cue is written once, in the written form.
_SPOKEN = (
    (re.compile(r"啥"), "什么"),
    (re.compile(r"咋"), "怎么"),
    (re.compile(r"哪儿|哪块|哪旮旯"), "哪里"),
    (re.compile(r"(?<=[\u4e00-\u9fff])[不没]([？?]?)$"), r"吗\1"),
)


# Where a question's clauses part (not at ？: a ？ inside the question starts a second question).
_CLAUSE_BREAK = re.compile(r"[，,；;：:。！!]")
_QUESTION_MARK = re.compile(r"[？?]")


@lru_cache(maxsize=256)  # the types' fit methods ask it of the same question for every sentence read
def written_form(question: str) -> str:
    """The question with spoken question words in their written form (啥性质 → 什么性质)."""
    q = question.strip()
    for pattern, written in _SPOKEN:
        q = pattern.sub(written, q)
    return q


class AnswerTypes:
    """An ordered set of answer types with one fallback (the type of a question no cue matches).

    Immutable in use: :meth:`with_types` gives a new registry with more types, so a test or a caller
    adds a type without changing what everyone else classifies.
    """

    def __init__(self, types: Iterable[AnswerType], fallback: AnswerType) -> None:
        self._types: dict[str, AnswerType] = {}
        for t in [*types, fallback]:
            if not t.name:
                raise ValueError(f"answer type {type(t).__name__} has no name")
            self._types[t.name] = t
        self.fallback = fallback
        self._aliases: dict[str, str] = {}
        for t in self._types.values():
            for label in t.labels:
                key = label.strip().lower()
                if key in self._types or self._aliases.get(key, t.name) != t.name:
                    raise ValueError(f"answer type label {label!r} of {t.name!r} is already taken")
                self._aliases[key] = t.name
        # Cues of all types, tried in their order; on equal order the type registered first wins.
        ranked = [(c.order, i, c, t) for i, t in enumerate(self._types.values()) for c in t.cues]
        self._cues: list[tuple[Cue, AnswerType]] = [
            (c, t) for _, _, c, t in sorted(ranked, key=lambda r: r[:2])
        ]

    def with_types(self, *types: AnswerType) -> AnswerTypes:
        """A new registry with ``types`` added (or replacing a type of the same name)."""
        kept = [t for t in self._types.values() if t is not self.fallback]
        names = {t.name for t in types}
        return AnswerTypes([*(t for t in kept if t.name not in names), *types], self.fallback)

    @property
    def names(self) -> tuple[str, ...]:
        """Every type's name, the fallback last."""
        return tuple(self._types)

    @property
    def aliases(self) -> dict[str, str]:
        """Other names (lower-cased) → type name: Chinese labels of question banks, foreign gold sets."""
        return dict(self._aliases)

    def canonical(self, name: str) -> str:
        """The type name for ``name`` or one of its aliases; an unknown name is returned folded."""
        key = name.strip().lower()
        return key if key in self._types else self._aliases.get(key, key)

    def get(self, name: str) -> AnswerType:
        """The type called ``name`` (or an alias of it); KeyError when there is none."""
        return self._types[self.canonical(name)]

    def classify(self, question: str) -> AnswerType:
        """The type whose cue matches first (on the question's written form), else the fallback; a figure
        type yields to the type its last clause asks."""
        q = written_form(question)
        whole = self._first_cued(q)
        if whole is not None and whole.asks_figure:
            # 两家为赔多少钱谈不拢，…最晚啥时候得提？: a figure in the situation is not what a single question
            # asks when its last clause asks something else (of two questions, the first is the main one).
            asked = q.rstrip("？?！!。 ")
            if not _QUESTION_MARK.search(asked):
                last = self._first_cued(_CLAUSE_BREAK.split(asked)[-1])
                if last is not None and last is not whole:
                    return last
        return whole or self.fallback

    def _first_cued(self, text: str) -> AnswerType | None:
        """The type whose cue matches ``text`` first, or None."""
        for cue, answer_type in self._cues:
            if cue.matches(text):
                return answer_type
        return None

    def __iter__(self) -> Iterator[AnswerType]:
        return iter(self._types.values())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.canonical(name) in self._types

    def __len__(self) -> int:
        return len(self._types)
