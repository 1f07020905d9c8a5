"""Conditions a question states (问题所述条件) checked against a clause's ranges.

Clauses often give a figure per tier: 累计缴费满一年不足五年的，…最长为十二个月；满五年不足十年的，…
十八个月. A cadre asks with their own case: "交了三年，最多能领几个月？". The question states a
quantity (三年); the clause whose range holds it (满一年不足五年) is the one that answers, and a clause
whose ranges all exclude it (十年以上) does not. Figures the question asks for (几个月, 多少) are never
stated quantities, and a calendar year (2024年) is a date, not a duration.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from decimal import Decimal

from corpus.numerals import CN_NUMERAL_CHARS, number_value

# unit as written → the unit compared (周岁 and 岁 are one; 个月 and 月; 日 and 天; 名 and 人)
_UNITS = {"周岁": "岁", "岁": "岁", "周年": "年", "年": "年", "个月": "月", "月": "月", "天": "天",
          "日": "天", "名": "人", "人": "人", "户": "户", "亩": "亩", "万元": "元", "元": "元",
          "吨": "吨", "公斤": "公斤", "千克": "公斤", "头": "头", "只": "只"}  # fmt: skip
_SCALE = {"万元": 10_000}
_TIME_UNITS = frozenset({"年", "月", "天"})
_ASKED_RATE = re.compile(r"(?:几|多少)个?[户人名年月天亩][^，。？]{0,2}$")
# A numeral starts where no numeral character stands before it (the lookbehinds), so a long run of
# digits is read once and the search stays linear. A spoken figure may be loose (二十来吨, 七十多岁,
# 三十余户) and a count may carry 个 (5个人): group 3 keeps the looseness.
_QUANTITY = re.compile(
    rf"(?:(?<![\d.])(\d+(?:\.\d+)?)|(?<![{CN_NUMERAL_CHARS}])([{CN_NUMERAL_CHARS}]+))"
    r"(来|多|余)?个?(周岁|岁|周年|个月|万元|元|年|月|天|日|名|人|户|亩|吨|公斤|千克|头|只)"
)
# 24年出台的规定, 18年版: a year that names a document, not a length of time.
_NAMES_A_YEAR = (
    "出台",
    "发布",
    "印发",
    "颁布",
    "修订",
    "修改",
    "版",
    "的规定",
    "的文件",
    "的政策",
    "以来",
    "起",
    "底",
    "初",
    "末",
)
_LOWER_BEFORE = ("满", "超过", "高于", "多于", "达到", "不低于", "不少于")
_UPPER_BEFORE = ("不足", "不满", "未满", "低于", "少于", "不到", "不超过", "未达到")
# 超过三亩 excludes three mu itself (满三年 includes three years); in a question it states a case past three.
_STRICT_LOWER = ("超过", "高于", "多于")
_CLOSED_UPPER = ("不超过", "不高于", "不多于")  # 不超过一亩 includes one mu
# A case the question states loosely: 不到一亩 is under one mu, 三亩多 past three.
_BELOW_BEFORE = ("不到", "不足", "不满", "未满", "少于", "低于")
_ABOVE_AFTER = ("多", "出头", "以上")


@dataclass(frozen=True, slots=True)
class Quantity:
    """A figure with its compared unit (3 年, 65 岁)."""

    value: float
    unit: str
    # as written in the question (二十来吨), whose words a clause holding it answers; not compared
    text: str = field(default="", compare=False)


@dataclass(frozen=True, slots=True)
class Interval:
    """A range a clause states for one unit: ``low <= x < high`` (或 ``<= high`` when ``closed``)."""

    unit: str
    low: float = -math.inf
    high: float = math.inf
    closed: bool = False
    low_open: bool = False  # 超过三亩: ``low < x``

    def holds(self, x: float) -> bool:
        above = self.low < x if self.low_open else self.low <= x
        return above and (x <= self.high if self.closed else x < self.high)


def _quantities(text: str) -> list[tuple[re.Match[str], Quantity]]:
    out = []
    for m in _QUANTITY.finditer(text):
        value = number_value(m.group(1) or m.group(2))
        if value is None:
            continue
        unit = m.group(4)
        figure = float(value * Decimal(_SCALE.get(unit, 1)))
        if m.group(3) in ("多", "余"):
            figure += 0.5  # 七十多岁 is past seventy: held by 七十周岁以上, not by 未满七十周岁
        out.append((m, Quantity(figure, _UNITS[unit], m.group(0))))
    return out


def stated_quantities(question: str) -> list[Quantity]:
    """Quantities the question gives as its case (交了三年, 65岁): not ordinals (第三年), not calendar
    years (2024年), not periods it quotes as a rule's (每年), not a rate it asks (几户选一名)."""
    out = []
    found = _quantities(question)
    for i, (m, q) in enumerate(found):
        before = question[max(m.start() - 1, 0) : m.start()]
        after = question[m.end() : m.end() + 2]
        if before in ("第", "每") or (
            q.unit == "年" and (q.value >= 1900 or after.startswith(_NAMES_A_YEAR))
        ):
            continue
        if (q.unit == "月" and before == "年") or (q.unit == "天" and before == "月"):
            continue  # 2024年3月1日 is a date
        # 几户选一名代表: a rate the question asks about, and 一名/一户 as an article, state no case
        # (招几个15岁的孩子 asks how many of a stated age: the age is a case)
        if _ASKED_RATE.search(question[max(m.start() - 4, 0) : m.start()]):
            continue
        # 一天处理二十来吨: a time before another figure is the rate's period, not a length of time
        if q.unit in _TIME_UNITS and i + 1 < len(found) and found[i + 1][0].start() - m.end() <= 4:
            continue
        if q.value == 1 and q.unit in ("人", "户"):
            continue
        wider = question[max(m.start() - 3, 0) : m.start()]
        if wider.endswith(_BELOW_BEFORE):
            q = Quantity(q.value - 0.5, q.unit, q.text)
        elif wider.endswith(_STRICT_LOWER) or (
            after.startswith(_ABOVE_AFTER) and not after.startswith("多少")
        ):
            q = Quantity(q.value + 0.5, q.unit, q.text)
        out.append(q)
    return out


def intervals(sentence: str) -> list[Interval]:
    """The ranges a clause states: 满一年不足五年 → [1, 5), 十年以上 → [10, ∞), 六十周岁以下 → (−∞, 60]."""
    bounds: list[tuple[int, int, Interval]] = []
    for m, q in _quantities(sentence):
        before, after = sentence[max(m.start() - 3, 0) : m.start()], sentence[m.end() : m.end() + 2]
        if after.startswith("以上") or (
            before.endswith(_LOWER_BEFORE) and not before.endswith(_UPPER_BEFORE)
        ):
            strict = before.endswith(_STRICT_LOWER) and not after.startswith("以上")
            bounds.append((m.start(), m.end(), Interval(q.unit, low=q.value, low_open=strict)))
        elif after.startswith("以下"):
            bounds.append((m.start(), m.end(), Interval(q.unit, high=q.value, closed=True)))
        elif before.endswith(_UPPER_BEFORE):
            closed = before.endswith(_CLOSED_UPPER)
            bounds.append((m.start(), m.end(), Interval(q.unit, high=q.value, closed=closed)))
    out: list[Interval] = []
    i = 0
    while i < len(bounds):
        _, end, cur = bounds[i]
        if i + 1 < len(bounds):
            nstart, _, nxt = bounds[i + 1]
            # 满一年不足五年 / 一年以上五年以下: a lower bound and an upper bound close together are one range
            if nxt.unit == cur.unit and cur.high == math.inf and nxt.low == -math.inf and nstart - end <= 4:
                out.append(Interval(cur.unit, cur.low, nxt.high, nxt.closed, cur.low_open))
                i += 2
                continue
        out.append(cur)
        i += 1
    return out


def condition_fit(stated: list[Quantity], sentence: str) -> float:
    """+1 when the clause's ranges hold each stated quantity of their unit, −1 when they all exclude
    it, 0 when the clause states no range of that unit (the mean over the stated quantities)."""
    if not stated:
        return 0.0
    ranges = intervals(sentence)
    if not ranges:
        return 0.0
    total = 0.0
    for q in stated:
        of_unit = [r for r in ranges if r.unit == q.unit]
        if of_unit:
            total += 1.0 if any(r.holds(q.value) for r in of_unit) else -1.0
    return total / len(stated)


def held_quantities(stated: list[Quantity], sentence: str) -> list[Quantity]:
    """The stated quantities that a range of the clause holds (15岁 by 未满十六周岁): the clause speaks of
    the question's case, so the words the quantity is written in count as found there."""
    ranges = intervals(sentence) if stated else []
    return [q for q in stated if any(r.unit == q.unit and r.holds(q.value) for r in ranges)]
