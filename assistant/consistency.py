"""Consistency of a claim with its cited text (一致性核验): figures as values, polarity and modality, and
text that addresses the assistant. Pure functions.

- Figures (数值): 2014年5月1日, 三至七人, 2万元以上20万元以下, 百分之三十, 两年 are read as values with a unit
  and a bound (以上/不超过 …). A generated figure must equal a figure of its source: 5月1日 is not
  1月1日, 两年 is 2年, and 七人 is only part of 三至七人.
- Stance (情态): each clause is read as obligation (应当), permission (可以), prohibition (不得), exemption
  (无需) or negation (不予/未); a generated clause is compared with the source clause that shares its
  predicate, so 可以挤占挪用 contradicts 不得挤占挪用 while 不能 agrees with 不得.
- Planted instructions (指令, :mod:`assistant.planted`): passage text that speaks to the assistant is not
  evidence; a generated sentence that addresses the assistant or echoes planted text is rejected.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from assistant.planted import INVISIBLE, addresses_assistant, planted_spans, without_planted
from corpus.normalize import normalize_text
from corpus.numerals import NUMERAL, number_value
from corpus.sentences import split_line
from corpus.tokenize import char_bigrams

__all__ = ["Conflict", "Figure", "compatible", "conflicts", "figures_of", "unmatched_figures"]

# Units after a numeral, longest first; each maps to its canonical unit (日 and 天 are one unit).
_UNITS = {
    "个百分点": "百分点", "百分点": "百分点", "个工作日": "工作日", "工作日": "工作日", "个月": "月",
    "平方公里": "平方公里", "平方米": "平方米", "公顷": "公顷", "公里": "公里", "公斤": "公斤", "周岁": "岁",
    "小时": "小时", "分钟": "分钟", "星期": "周", "元": "元", "年": "年", "日": "天", "天": "天", "周": "周",
    "人": "人", "名": "人", "户": "户", "家": "家", "个": "个", "项": "项", "次": "次", "倍": "倍", "岁": "岁",
    "亩": "亩", "斤": "斤", "吨": "吨", "座": "座", "所": "所", "条": "条", "类": "类", "批": "批", "级": "级",
    "层": "层", "间": "间", "套": "套", "件": "件", "种": "种", "份": "份", "位": "位", "届": "届", "轮": "轮",
    "辆": "辆", "台": "台", "张": "张", "篇": "篇", "处": "处", "期": "期", "章": "章", "节": "节", "款": "款",
    "%": "%", "‰": "‰",
}  # fmt: skip
# 一 before a classifier is usually an article (一项工作, 一个村), not a figure anyone checks.
_ARTICLE_UNITS = frozenset("个项种位件条份家批类级套间张篇处辆台所座期届轮层")
_UNIT = "|".join(sorted(map(re.escape, _UNITS), key=len, reverse=True))
_N = NUMERAL
_FIGURE = re.compile(
    rf"(?P<date>(?:(?P<y>{_N})年)?(?P<m>{_N})月(?:(?P<d>{_N})[日号])?)"
    rf"|第(?P<ord>{_N})(?P<ou>[条章节款项批个次届年级类]?)"
    rf"|(?P<lo>{_N})(?P<lu>{_UNIT})?(?:以上)?\s*(?:至|到|-|~|—|–)\s*(?P<hi>{_N})(?P<hu>{_UNIT})(?:以下|以内)?"
    rf"|(?P<lo2>{_N})(?P<lu2>{_UNIT})以上[、，,]?(?P<hi2>{_N})(?P<hu2>{_UNIT})以下"
    rf"|百分之(?P<pct>{_N})"
    rf"|(?P<den>{_N})分之(?P<num>{_N})"
    rf"|(?P<n>{_N})(?P<approx>多|余)?(?P<u>{_UNIT})?(?P<half>半)?"
)
_AFTER = re.compile(r"及?(以上|以下)|以内|之内|内(?![设容部外在涵地陆蒙])")
_UPPER, _LOWER = "upper", "lower"
_BOUND_WORD = re.compile(
    r"不得超过|不能超过|不应超过|不超过|不高于|不多于|不大于|不得低于|不得少于|不低于|不少于|不小于"
    r"|至多|最多|最高|最长|至少|最少|最低|起码|超过|高于|多于|大于|低于|少于|小于|不满|不足|年满|满"
)
_LOWER_WORDS = frozenset(
    {
        "不得低于",
        "不得少于",
        "不低于",
        "不少于",
        "不小于",
        "至少",
        "最少",
        "最低",
        "起码",
        "超过",
        "高于",
        "多于",
        "大于",
        "年满",
        "满",
    }
)
_BOUND_GAP = 3  # characters allowed between a bound word and its figure (不低于收益的百分之三十)


@dataclass(frozen=True, slots=True)
class Figure:
    """A figure as written and as a value: ``low == high`` for one number; ``ymd`` for a date."""

    text: str
    numeral: str  # the first numeral as written (6000, 三)
    kind: str  # "number" | "range" | "date" | "ordinal"
    low: Decimal | None = None
    high: Decimal | None = None
    unit: str = ""  # canonical unit, "" when none
    bound: str = ""  # "upper" (不超过, 以下, 以内) | "lower" (不低于, 以上, 多) | ""
    ymd: tuple[int | None, int | None, int | None] = (None, None, None)


def _value(text: str | None) -> Decimal | None:
    return None if text is None else number_value(text)


def _bound(text: str, m: re.Match[str]) -> str:
    """以上/以下/以内 after a figure, else 不超过/至少/年满 … just before it (in the same clause)."""
    after = _AFTER.match(text, m.end())
    if after:
        return _LOWER if after.group(0).endswith("以上") else _UPPER
    start = m.start()
    window = re.split(r"[，,；;。：:]", text[max(0, start - 8) : start])[-1]
    found = [m for m in _BOUND_WORD.finditer(window) if len(window) - m.end() <= _BOUND_GAP]
    if not found:
        return ""
    return _LOWER if found[-1].group(0) in _LOWER_WORDS else _UPPER


def _int(text: str | None) -> int | None:
    value = _value(text)
    return int(value) if value is not None and value == value.to_integral_value() else None


def _figure(m: re.Match[str], text: str) -> Figure | None:
    g = m.group
    if g("date"):
        y, mo, d = _int(g("y")), _int(g("m")), _int(g("d"))
        if mo is None or (g("d") and d is None) or (g("y") and y is None):
            return None
        return Figure(g(0), g("y") or g("m"), "date", ymd=(y, mo, d))
    if g("ord"):
        value = _value(g("ord"))
        return None if value is None else Figure(g(0), g("ord"), "ordinal", value, value, g("ou") or "")
    if g("lo") or g("lo2"):
        lo, hi = (g("lo"), g("hi")) if g("lo") else (g("lo2"), g("hi2"))
        unit = g("hu") or g("hu2")
        low, high = _value(lo), _value(hi)
        if low is None or high is None:
            return None
        return Figure(g(0), lo, "range", low, high, _UNITS[unit])
    if g("pct"):
        value = _value(g("pct"))
        return None if value is None else Figure(g(0), g("pct"), "number", value, value, "%", _bound(text, m))
    if g("den"):
        den, num = _value(g("den")), _value(g("num"))
        if not den or num is None:
            return None
        return Figure(g(0), g("num"), "number", num / den, num / den, "分之", _bound(text, m))
    numeral, unit = g("n"), g("u") or ""
    value = _value(numeral)
    if value is None:
        return None
    arabic = numeral[0].isdigit()
    if not arabic and not unit and (len(numeral) < 2 or not re.search("[十百千万亿]", numeral)):
        return None  # 一事一议, 三农, 十四五: numerals in words
    if numeral == "一" and (unit in _ARTICLE_UNITS or text.startswith("性", m.end())):
        return None  # 一项工作, 一次性
    if numeral == "半" and not unit:
        return None
    if g("half"):
        value += Decimal("0.5")  # 一年半
    bound = _LOWER if g("approx") else _bound(text, m)
    return Figure(g(0), numeral, "number", value, value, _UNITS.get(unit, ""), bound)


def figures_of(text: str) -> list[Figure]:
    """Every figure of a text, read as values (全角 digits and width are folded first)."""
    text = normalize_text(text)
    return [f for m in _FIGURE.finditer(text) if (f := _figure(m, text)) is not None]


def _units_agree(a: str, b: str) -> bool:
    return a == b or not a or not b


def _supports(s: Figure, g: Figure, years: set[int]) -> bool:
    """Does source figure ``s`` state generated figure ``g``?"""
    if g.kind == "date":
        if s.kind != "date":
            return False
        for i, (want, have) in enumerate(zip(g.ymd, s.ymd, strict=True)):
            if want is not None and want != have and not (i == 0 and have is None and want in years):
                return False
        return True
    if g.kind == "ordinal":
        return s.kind == "ordinal" and s.low == g.low and _units_agree(s.unit, g.unit)
    if g.kind == "range":
        return s.kind == "range" and (s.low, s.high) == (g.low, g.high) and _units_agree(s.unit, g.unit)
    if s.kind == "date":
        return (g.unit == "年" and s.ymd[0] == g.low) or (not g.unit and g.low in s.ymd)
    if not _units_agree(s.unit, g.unit):
        return False
    if s.kind == "range":  # 最多七人 is the top of 三至七人; a bare 七人 is only part of it
        if g.unit == "年" and s.unit == "年" and g.low in (s.low, s.high):
            return True  # a year that ends a period (2021年至2025年) is a point in time of its own
        return (g.bound == _UPPER and g.low == s.high) or (g.bound == _LOWER and g.low == s.low)
    if s.kind == "ordinal":
        return not g.unit and g.low == s.low
    return s.low == g.low and (s.bound == g.bound or not g.unit)


@functools.lru_cache(maxsize=256)
def _passage_figures(passage: str) -> tuple[Figure, ...]:
    """A passage's figures (cached: a streamed answer is re-checked against the same passages)."""
    return tuple(figures_of(without_planted(passage)))


def unmatched_figures(sentence: str, passages: Sequence[str]) -> list[Figure]:
    """Figures of ``sentence`` that no passage states as the same value (and unit, bound, date)."""
    source = [f for p in passages for f in _passage_figures(p)]
    years = {int(v) for f in source if f.unit == "年" for v in (f.low, f.high) if v is not None}
    years |= {f.ymd[0] for f in source if f.kind == "date" and f.ymd[0] is not None}
    return [g for g in figures_of(sentence) if not any(_supports(s, g, years) for s in source)]


# -- polarity and modality (肯定否定与情态) -----------------------------------------------------------------
OBLIGE, PERMIT, PROHIBIT, EXEMPT, NEGATE, ASSERT = (
    "oblige",
    "permit",
    "prohibit",
    "exempt",
    "negate",
    "assert",
)
_MARKERS = {
    EXEMPT: "可以不 可不 无需 无须 不必 不需要 不需 不用 免予 免于 不一定 没有必要",
    PROHIBIT: "不得 禁止 严禁 不能够 不能 不可以 不可 不准 不允许 不许 不应当 不应该 不应 不宜 不要 切勿 杜绝 无权",
    OBLIGE: "应当 应该 必须 务必 须 需要 需 应 一律",
    PERMIT: "可以 有权 允许 准予 能够 方可 可",
    NEGATE: "不予 不再 没有 并非 不是 未 不",
}
_MODALITY = {word: kind for kind, words in _MARKERS.items() for word in words.split()}
# Single characters that are only modal outside these words (可能, 应急, 须知, 所需, 未来, 不断 …).
_GUARDS = {
    "可": (r"(?<![认许宁])", r"(?![能靠行持见观信视惜疑口乐])"),
    "应": (r"(?<![相供对适响反效呼照回答感顺报])", r"(?![急用对聘征届收付变答邀])"),
    "须": ("", r"(?!知)"),
    "需": (r"(?<![所必急按])", r"(?!求)"),
    "需要": (r"(?<![据按所])", ""),
    "未": ("", r"(?![来成])"),
    "有权": (r"(?<!所)", r"(?!益)"),
    "不": ("", r"(?![断仅论管同足良利等久只光但时然过妨一定少低高超多大小动变])"),
}
_MARKER = re.compile(
    "|".join(
        _GUARDS.get(w, ("", ""))[0] + re.escape(w) + _GUARDS.get(w, ("", ""))[1]
        for w in sorted(_MODALITY, key=len, reverse=True)
    )
)
_CLAUSE_END = re.compile(r"[，,；;。！？!?：:\n]")
_SENTENCE_END = re.compile(r"[；;。！？!?\n]")
_NEGATIVE, _POSITIVE = frozenset([PROHIBIT, NEGATE]), frozenset([OBLIGE, PERMIT, ASSERT])
MIN_SHARED = 0.5  # share of a generated predicate's bigrams a source clause must hold to be compared
TIE = 0.1  # source clauses this close to the best are all candidates; one that agrees is enough


def _clauses(text: str) -> list[str]:
    return [c.strip() for c in _CLAUSE_END.split(normalize_text(INVISIBLE.sub("", text))) if c.strip()]


@functools.lru_cache(maxsize=256)
def _source_units(passage: str) -> tuple[str, ...]:
    """The clauses of a passage, and each pair of adjacent clauses of one sentence (资金应当专款专用，不得
    挤占挪用), so a claim that joins a subject and a predicate from two clauses finds its source."""
    units: list[str] = []
    for sentence in _SENTENCE_END.split(without_planted(passage)):
        clauses = _clauses(sentence)
        units += clauses + [f"{a}，{b}" for a, b in itertools.pairwise(clauses)]
    return tuple(units)


def _stance_before(clause: str, pos: int) -> str:
    """The modality of the last marker that starts before ``pos`` (the predicate it governs), or of a
    marker that closes the clause (挤占挪用是不允许的)."""
    markers = list(_MARKER.finditer(clause))
    before = [m for m in markers if m.start() < pos]
    if before:
        return _MODALITY[before[-1].group(0)]
    closing = [m for m in markers if len(clause) - m.end() <= 2]
    return _MODALITY[closing[-1].group(0)] if closing else ASSERT


def compatible(generated: str, source: str) -> bool:
    """可以 vs 不得, 应当 vs 可以, 无需 vs 应当 and 纳入 vs 不予纳入 disagree; 不能 vs 不得 agree."""
    if (generated in _POSITIVE and source in _NEGATIVE) or (generated in _NEGATIVE and source in _POSITIVE):
        return False
    return {generated, source} not in ({OBLIGE, PERMIT}, {EXEMPT, OBLIGE})


@dataclass(frozen=True, slots=True)
class Conflict:
    """Why a generated sentence contradicts its source: ``kind`` is figure, stance or instruction."""

    kind: str
    generated: str
    source: str = ""


def _segments(clauses: Sequence[str], i: int) -> list[tuple[str, str]]:
    """(modality, predicate) pairs of clause ``i``: each marker governs the text up to the next one
    (没有劳动能力的老人 | 可以 申请)."""
    clause = clauses[i]
    markers = list(_MARKER.finditer(clause))
    if not markers:
        return [(ASSERT, clause)]
    out = []
    for j, m in enumerate(markers):
        predicate = clause[m.end() : markers[j + 1].start() if j + 1 < len(markers) else len(clause)]
        if not char_bigrams(predicate):
            if len(clause) <= 4 and i + 1 < len(clauses):
                predicate = clauses[i + 1]  # a bare verdict (可以，…) governs the next clause
            elif j == len(markers) - 1:
                predicate = clause[: m.start()]  # a marker after its object (挪用是不允许的)
        out.append((_MODALITY[m.group(0)], predicate))
    return out


def _stance_conflicts(sentence: str, source_clauses: Sequence[str]) -> list[Conflict]:
    clauses = _clauses(sentence)
    out = []
    for i, clause in enumerate(clauses):
        for kind, predicate in _segments(clauses, i):
            grams = set(char_bigrams(predicate))
            scored = []
            for src in source_clauses:
                shared = [g for g in grams if g in src]
                if grams and len(shared) >= min(2, len(grams)):
                    # The predicate is anchored where its last-starting shared gram occurs (every
                    # occurrence of it: 乱作为、不作为 states both).
                    last = max(shared, key=src.find)
                    where = [m.start() for m in re.finditer(re.escape(last), src)]
                    stances = {_stance_before(src, pos) for pos in where}
                    scored.append((len(shared) / len(grams), src, stances))
            best = max((score for score, _, _ in scored), default=0.0)
            near = [(src, st) for score, src, st in scored if score >= max(MIN_SHARED, best - TIE)]
            if near and not any(compatible(kind, stance) for _, st in near for stance in st):
                out.append(Conflict("stance", clause, near[0][0]))
                break
    return out


def conflicts(sentence: str, passages: Sequence[str]) -> list[Conflict]:
    """Everything in ``sentence`` that its cited ``passages`` contradict or do not state.

    Instruction-like text in the passages is not evidence; a sentence that addresses the assistant or
    echoes planted text, a figure the passages do not state as the same value, and a clause whose
    polarity or modality differs from the passage clause with the same predicate are all reported.
    """
    if addresses_assistant(sentence):
        return [Conflict("instruction", sentence)]
    out = [Conflict("instruction", sentence, p) for p in _echoed_planted(sentence, passages)]
    out += [Conflict("figure", f.text) for f in unmatched_figures(sentence, passages)]
    source_clauses = [u for p in passages for u in _source_units(p)]
    return out + _stance_conflicts(sentence, source_clauses)


def _echoed_planted(sentence: str, passages: Sequence[str]) -> list[str]:
    """Planted spans that match the sentence better than any real sentence of the passages does."""
    grams = set(char_bigrams(sentence))
    if not grams:
        return []

    def overlap(text: str) -> float:
        return len(grams & set(char_bigrams(text))) / len(grams)

    echoed = []
    for p in passages:
        planted = [p[s:e] for s, e in planted_spans(p)]
        if not planted:
            continue
        clean = without_planted(p).replace("\n", "。")
        real = max((overlap(clean[s:e]) for s, e in split_line(clean, 0, len(clean))), default=0.0)
        echoed += [t for t in planted if overlap(t) >= MIN_SHARED and overlap(t) > real]
    return echoed
