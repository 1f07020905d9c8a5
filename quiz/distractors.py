"""Distractors (干扰项): wrong options of the key's own kind, never equal to it, never true per the documents.

Values come first from the corpus (numbers with the same unit and a plausible magnitude, dates of the
same granularity, bodies of the same level, terms of similar length, items of sibling lists), then
from small perturbations of the key written in the same style (Arabic or Chinese numerals).
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Iterable

from quiz.facts import Enumeration, Fact
from quiz.gates import related
from quiz.numerals import format_number, int_to_cn, year_to_cn

_PERIOD_STEPS = {
    "日": (3, 5, 7, 10, 15, 20, 30, 45, 60, 90),
    "天": (3, 5, 7, 10, 15, 20, 30, 60, 90),
    "工作日": (3, 5, 7, 10, 15, 20, 30),
    "个工作日": (3, 5, 7, 10, 15, 20, 30),
    "个月": (1, 2, 3, 6, 9, 12, 18, 24),
    "周": (1, 2, 3, 4, 6, 8),
    "年": (1, 2, 3, 5, 8, 10, 15, 20, 30, 50),
}
_FRACTIONS = (
    "二分之一",
    "三分之一",
    "三分之二",
    "四分之一",
    "四分之三",
    "五分之一",
    "五分之二",
    "五分之三",
    "五分之四",
)
_BODY_GROUPS = ("部门", "人民政府", "委员会", "大会", "会", "法院", "检察院", "办事处", "国务院")


def _body_group(text: str) -> str:
    return next((g for g in _BODY_GROUPS if text.endswith(g)), "")


class DistractorPool:
    """Candidate wrong values by kind, gathered from every sentence of the knowledge base."""

    def __init__(self, facts: Iterable[Fact], enumerations: Iterable[Enumeration] = ()) -> None:
        self._by_key: dict[tuple[str, str, str], set[str]] = defaultdict(set)
        self._values: dict[str, float] = {}
        for f in facts:
            self._by_key[self._key(f)].add(f.text)
            if f.value is not None:
                self._values[f.text] = f.value
        self._lists = sorted({e.items: e for e in enumerations}.values(), key=lambda e: e.items)

    @staticmethod
    def _key(f: Fact) -> tuple[str, str, str]:
        if f.kind == "body":
            return ("body", _body_group(f.text), "")
        if f.kind == "term":
            return ("term", "", "")
        return (f.kind, f.unit, f.style)

    # -- facts ----------------------------------------------------------------------------------------
    def for_fact(self, fact: Fact, sentence: str, rng: random.Random, n: int = 3) -> list[str]:
        """Up to ``n`` wrong values for ``fact``: distinct, not the key, not anywhere in the sentence."""
        from_corpus = [t for t in sorted(self._by_key[self._key(fact)]) if self._near(fact, t)]
        rng.shuffle(from_corpus)
        from_corpus.sort(key=lambda t: self._distance(fact, t))
        generated = self._perturb(fact, rng)
        out: list[str] = []
        for cand in [*from_corpus[: max(n, 4)], *generated]:
            if cand == fact.text or cand in out or cand in sentence or not cand:
                continue
            if fact.value is not None and self._values.get(cand) == fact.value:
                continue  # 三 and 3, 二〇二四年 and 2024年: the key's value written another way
            if fact.kind == "term" and (cand in fact.text or fact.text in cand):
                continue
            out.append(cand)
        return out[: n + 3]  # a few spare: the truth check may reject some

    def _near(self, fact: Fact, text: str) -> bool:
        value = self._values.get(text)
        if fact.kind == "term":
            return abs(len(text) - len(fact.text)) <= 2
        if fact.kind in ("number", "period") and fact.value and value:
            return 1 / 20 <= value / fact.value <= 20
        if fact.kind == "date" and fact.value and value:
            return abs(value - fact.value) <= 15
        return True

    def _distance(self, fact: Fact, text: str) -> float:
        value = self._values.get(text)
        if fact.value and value and fact.value > 0 and value > 0:
            return abs(math.log(value / fact.value))
        return abs(len(text) - len(fact.text))

    def _perturb(self, fact: Fact, rng: random.Random) -> list[str]:
        """Same-kind values made from the key: other periods, shifted dates, scaled numbers."""
        if fact.kind == "period" and fact.value is not None and fact.number:
            base = fact.unit
            unit = next((u for u in _PERIOD_STEPS if fact.unit.startswith(u)), "")
            steps = sorted(_PERIOD_STEPS.get(unit, ()), key=lambda v: (abs(math.log(v / fact.value)), v))  # type: ignore[operator]
            return [format_number(v, fact.style) + base for v in steps if v != fact.value][:6]
        if fact.kind == "date":
            return self._shift_date(fact, rng)
        if fact.kind == "number" and fact.unit == "分之":
            return [f for f in _FRACTIONS if f != fact.text]
        if fact.kind == "number" and fact.value is not None and fact.number:
            return self._scale_number(fact, rng)
        return []

    @staticmethod
    def _scale_number(fact: Fact, rng: random.Random) -> list[str]:
        assert fact.value is not None
        value = fact.value
        decimals = len(fact.number.split(".")[1]) if "." in fact.number else 0
        factors = [0.5, 2, 1.5, 0.8, 1.2, 3, 0.6]
        rng.shuffle(factors)
        suffix = fact.text[len(fact.number) :]
        prefix = "百分之" if fact.unit == "百分之" else ""
        out = []
        for f in factors:
            v = value * f
            if fact.unit in ("%", "％", "百分之") and not 0 < v <= 100:
                continue
            if decimals == 0:
                magnitude = 10 ** max(0, len(str(round(value))) - 2)
                v = max(1, round(v / magnitude) * magnitude)
            else:
                v = round(v, decimals)
            if v == value or (fact.style == "cn" and v != int(v)):
                continue
            text = format_number(v, fact.style, decimals)
            out.append(prefix + text + (suffix if not prefix else ""))
        return out

    @staticmethod
    def _shift_date(fact: Fact, rng: random.Random) -> list[str]:
        if fact.value is None or fact.unit == "md":
            return []
        year = round(fact.value)
        rest = fact.text[len(fact.number) :]  # 年5月1日
        shifts = [1, -1, 2, -2, 3, 5]
        rng.shuffle(shifts)
        out = []
        for d in shifts:
            y = year + d
            text = (str(y) if fact.style == "arabic" else year_to_cn(y)) + rest
            out.append(text)
        if fact.unit == "ymd" and fact.style == "arabic":
            # Same year, another first-of-month: 施行 dates are usually the 1st of a month.
            month = int(rest.split("年")[1].split("月")[0])
            for m in (1, 3, 5, 7, 9, 10):
                if m != month:
                    out.append(f"{year}年{m}月1日")
        elif fact.unit == "ymd":
            out += [year_to_cn(year) + "年" + int_to_cn(m) + "月一日" for m in (1, 3, 5, 7)]
        return out

    # -- lists ----------------------------------------------------------------------------------------
    def for_list(self, enum: Enumeration, sentence: str, rng: random.Random, n: int) -> list[str]:
        """Items of sibling lists elsewhere in the corpus: never items of this list, never in the sentence."""
        mean = sum(len(i) for i in enum.items) / len(enum.items)
        own = set(enum.items)
        # On topic (同类, quiz.gates.related): a wrong option shares a word-piece with the listed items,
        # so 精准识别 is offered with 精准培训, never with 活体畜禽 from another chapter.
        listed = list(enum.items)

        def score(other: Enumeration) -> float:
            same_head = 0 if other.head[:2] == enum.head[:2] else 1
            other_mean = sum(len(i) for i in other.items) / len(other.items)
            return same_head * 2 + abs(other_mean - mean)

        siblings = [e for e in self._lists if not own & set(e.items)]
        rng.shuffle(siblings)
        siblings.sort(key=score)
        out: list[str] = []
        for sib in siblings:
            for item in sib.items:
                if item in own or item in sentence or item in out:
                    continue
                if any(item in o or o in item for o in own):
                    continue
                if abs(len(item) - mean) > 2 or not related(item, listed):
                    continue
                out.append(item)
        rng.shuffle(out)
        return out[: n + 3]
