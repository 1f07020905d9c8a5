"""Quiz data (试题数据): items with their answer key and the exact source span that proves it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

ITEM_TYPES = ("single", "multi", "judge", "blank")
TYPE_NAMES = {"single": "单选题", "multi": "多选题", "judge": "判断题", "blank": "填空题"}
DIFFICULTIES = ("easy", "medium", "hard")
DIFFICULTY_NAMES = {"easy": "易", "medium": "中", "hard": "难"}
LETTERS = "ABCDE"
JUDGE_OPTIONS = ("正确", "错误")
BLANK = "（　　）"


@dataclass(frozen=True, slots=True)
class ItemCitation:
    """Where an item's key is stated: ``quote == document text[start:end]`` (出处)."""

    source: str
    section: str
    start: int
    end: int
    quote: str
    title: str = ""
    doc_id: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "section": self.section,
            "start": self.start,
            "end": self.end,
            "quote": self.quote,
        }


@dataclass(frozen=True, slots=True)
class QuizItem:
    """One exam item (试题).

    ``answer`` holds option letters for single/multi/judge and the blanked text for blank items.
    ``key_text`` is the fact the key rests on as the document words it (for a false 判断 statement,
    the true value it replaced); ``fact_kind`` says what kind of fact it is (number, date, …).
    """

    type: str
    stem: str
    options: tuple[str, ...]
    answer: tuple[str, ...]
    explanation: str
    citation: ItemCitation
    difficulty: str = "medium"
    tags: tuple[str, ...] = ()
    key_text: str = ""
    fact_kind: str = ""
    question: str = ""  # the stem asked as a question, for the assistant-agreement gate

    @property
    def item_id(self) -> str:
        import hashlib

        raw = f"{self.type}\x1f{self.stem}\x1f{'|'.join(self.options)}"
        return "q" + hashlib.sha256(raw.encode("utf-8")).hexdigest()[:10]

    @property
    def citation_span(self) -> tuple[int, int]:
        return self.citation.start, self.citation.end

    @property
    def answer_text(self) -> str:
        """The key as shown to a reader: ``ABD`` for choices, the words for a blank."""
        return "".join(self.answer) if self.type != "blank" else "；".join(self.answer)

    def keyed_options(self) -> list[str]:
        return [self.options[LETTERS.index(a)] for a in self.answer if self.type != "blank"]

    def with_(self, **changes: Any) -> QuizItem:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.item_id,
            "type": self.type,
            "stem": self.stem,
            "options": list(self.options),
            "answer": list(self.answer),
            "explanation": self.explanation,
            "citation": self.citation.to_dict(),
            "difficulty": self.difficulty,
            "tags": list(self.tags),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> QuizItem:
        c = data["citation"]
        citation = ItemCitation(
            str(c["source"]), str(c.get("section", "")), int(c["start"]), int(c["end"]), str(c["quote"])
        )
        return cls(
            type=str(data["type"]),
            stem=str(data["stem"]),
            options=tuple(str(o) for o in data.get("options", ())),
            answer=tuple(str(a) for a in data["answer"]),
            explanation=str(data.get("explanation", "")),
            citation=citation,
            difficulty=str(data.get("difficulty", "medium")),
            tags=tuple(str(t) for t in data.get("tags", ())),
        )


@dataclass(frozen=True, slots=True)
class QuizSpec:
    """What to generate (出题要求): counts per type, scope, difficulty and the seed."""

    counts: tuple[tuple[str, int], ...] = (("single", 5), ("multi", 5), ("judge", 5), ("blank", 5))
    docs: tuple[str, ...] = ()  # document keys: id, file name or a title fragment
    sections: tuple[str, ...] = ()  # section fragments, e.g. 第三章
    difficulty: str | None = None  # easy | medium | hard; None = any
    seed: int = 1
    verify: bool = True  # the assistant-agreement gate

    @classmethod
    def even(cls, n: int, types: tuple[str, ...] = ITEM_TYPES, **kwargs: Any) -> QuizSpec:
        """``n`` items spread evenly over ``types`` (the first types take the remainder)."""
        base, extra = divmod(n, len(types))
        counts = tuple((t, base + (1 if i < extra else 0)) for i, t in enumerate(types))
        return cls(counts=tuple((t, c) for t, c in counts if c > 0), **kwargs)

    @property
    def total(self) -> int:
        return sum(c for _, c in self.counts)


@dataclass(slots=True)
class QuizReport:
    """How a quiz was made (出题报告): candidates generated, items kept, drops by reason."""

    generated: int = 0
    kept: int = 0
    dropped: Counter[str] = field(default_factory=Counter)
    asked: int = 0  # items put to the assistant-agreement gate
    agreed: int = 0
    shortfall: dict[str, int] = field(default_factory=dict)  # type → items missing from the request
    notes: list[str] = field(default_factory=list)

    def drop(self, reason: str) -> None:
        self.dropped[reason] += 1

    @property
    def keep_rate(self) -> float | None:
        """Share of the items put to the assistant that it confirmed."""
        return self.agreed / self.asked if self.asked else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "generated": self.generated,
            "kept": self.kept,
            "dropped": dict(self.dropped),
            "assistant_checked": self.asked,
            "assistant_agreed": self.agreed,
            "assistant_keep_rate": None if self.keep_rate is None else round(self.keep_rate, 3),
            "shortfall": self.shortfall,
            "notes": self.notes,
        }

    def summary(self) -> str:
        reasons = "，".join(f"{DROP_REASONS.get(k, k)} {v}" for k, v in sorted(self.dropped.items()))
        text = f"候选 {self.generated} 题，保留 {self.kept} 题，剔除 {sum(self.dropped.values())} 题"
        if reasons:
            text += f"（{reasons}）"
        if self.asked:
            text += f"；助手复核 {self.asked} 题，一致 {self.agreed} 题（{self.agreed / self.asked:.0%}）"
        if self.shortfall:
            short = "，".join(f"{TYPE_NAMES[t]}缺 {n}" for t, n in self.shortfall.items())
            text += f"；题量不足：{short}"
        return text


DROP_REASONS = {
    "reveals_key": "题干泄露答案",
    "ambiguous_key": "答案在原句中不唯一",
    "duplicate": "重复",
    "no_distractors": "干扰项不足",
    "distractor_true": "干扰项在文件中也成立",
    "assistant_disagrees": "助手答案不一致",
    "assistant_other_passage": "助手引用了其他段落",
    "assistant_not_found": "助手未找到依据",
    "difficulty": "难度不符",
    "cut_stem": "题干不是完整句子",
    "split_phrase": "填空处不是完整词组",
    "off_category": "干扰项与答案不同类",
    "trivial_judge": "判断题考点不重要",
}
