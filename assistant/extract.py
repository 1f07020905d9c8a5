"""Answer-span extraction (答案抽取): numbers with units, dates and periods, enumerations,
responsible bodies and obligations, as ``[start, end)`` spans of a sentence. Pure functions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CN_DIGITS = "零〇一二两三四五六七八九十百千万亿"
_NUM = rf"(?:\d+(?:\.\d+)?|[{CN_DIGITS}]+(?:点[{CN_DIGITS}]+)?)"
UNITS = (
    "万亩|万人|万户|万个|万元|亿元|万吨|亿斤|万亿斤|平方米|平方公里|公里|公顷|个百分点|"
    "座|个|名|人|户|家|项|亩|斤|吨|元|倍|年|天|日|次|所|条|批|类|岁|周|月|%|％"
)
_QUANTITY = re.compile(
    rf"(?<![第\d.{CN_DIGITS}])(?:百分之{_NUM}|{_NUM}分之{_NUM}|{_NUM}(?:多|余)?(?:万|亿)?(?:{UNITS})"
    rf"(?:(?:至|到|-|~){_NUM}(?:万|亿)?(?:{UNITS}))?)(?:以上|以下|以内|左右)?"
    rf"(?:{_NUM}(?:{UNITS})(?:以上|以下))?"
)
# A number that starts where a run of digits starts: a long run is then tried once, not from each digit.
_NUM_START = rf"(?<![\d{CN_DIGITS}]){_NUM}"
_DATE = re.compile(
    rf"(?:自|从|于|到|至|截至)?{_NUM_START}年{_NUM}月(?:{_NUM}[日号])?(?:起施行|起|前|以前|之前)?"
    rf"|(?:到|至)\s?{_NUM}年(?:底|末)?|“[十{CN_DIGITS}]+五”(?:期末|时期|期间)|{_NUM_START}年过渡期|过渡期"
    rf"|每年[^，。；]{{0,6}}?(?:秋分|春分|\d+月\d+日)|秋分日|每[年季月]|{_NUM_START}(?:日|天|个月|年)(?:内|以内)"
    rf"|{_NUM_START}年(?:内|以内)|(?:延长|期限为?|为期|每隔){_NUM}个?(?:年|月|日|天|工作日)"
)
_BODY = re.compile(
    r"(?:县级以上地方|县级以上|省级|市级|县级|乡级|乡镇|设区的市级|省、自治区、直辖市|涉农区|区|市|县|省|国家|各级|地方各级)?"
    r"(?:地方)?(?:各级)?人民政府(?:[\u4e00-\u9fff]{0,8}?(?:部门|主管部门))?"
    r"|[\u4e00-\u9fff]{0,10}?(?:主管部门|行政部门|部门|委员会|办事处|机构|村民委员会|居民委员会)"
)
_NEGATION = re.compile(r"不得|禁止|严禁|不能|不准|不予|不应|不再|取消|不收|免征|免收|免予")
_PERMISSION = re.compile(r"可以|允许|鼓励|支持|有权|可|应当|依法")
_ENUM_SEP = re.compile(r"[、，]|和|及|以及|与|或者|或")


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    kind: str
    text: str


def quantities(sentence: str) -> list[Span]:
    return [Span(m.start(), m.end(), "quantity", m.group(0)) for m in _QUANTITY.finditer(sentence)]


def dates(sentence: str) -> list[Span]:
    return [Span(m.start(), m.end(), "date", m.group(0)) for m in _DATE.finditer(sentence)]


_LEVEL = re.compile(
    r"(?:县级以上地方|县级以上|设区的市级|省级|市级|县级|乡级|乡镇|涉农区|国家|各级|地方各级|省|市|区|县)?人民政府"
)


def bodies(sentence: str) -> list[Span]:
    """Responsible bodies (责任主体): 县级人民政府民政部门, 乡镇人民政府, 规划和自然资源部门 …"""
    out = []
    for m in _BODY.finditer(sentence):
        start, text = m.start(), m.group(0)
        # A match may begin with the verb before the body (…后报县级人民政府民政部门): start at its level.
        level = _LEVEL.search(text)
        if level and level.start() > 0:
            start, text = start + level.start(), text[level.start() :]
        if len(text) >= 3:
            out.append(Span(start, start + len(text), "body", text))
    return out


def enumerations(sentence: str) -> list[Span]:
    """Runs like ``A、B、C和D``: at least three items, or two joined by 和/及 after a 、."""
    out: list[Span] = []
    for clause in re.finditer(r"[^，。；：！？]+", sentence):
        text = clause.group(0)
        if text.count("、") >= 1 and len(text) <= 120:
            first = text.find("、")
            # Walk back from the first 、 to where the first item starts (a verb such as 发展/实施 before it).
            head = max(text.rfind(ch, 0, first) for ch in "展施行进强持化大好括为有是等在对把将")
            begin = head + 1 if 0 <= head < first and first - head <= 12 else 0
            tail = text.rfind("等")
            end = tail if tail > first else len(text)
            out.append(Span(clause.start() + begin, clause.start() + end, "items", text[begin:end]))
    return out


def obligations(sentence: str) -> list[Span]:
    """Modal clauses for yes/no questions: 不得… (no) or 可以/应当… (yes)."""
    out = []
    for m in _NEGATION.finditer(sentence):
        out.append(Span(m.start(), m.end(), "no", m.group(0)))
    for m in _PERMISSION.finditer(sentence):
        out.append(Span(m.start(), m.end(), "yes", m.group(0)))
    return out


_HAS_NUMBER = re.compile(rf"\d|[{CN_DIGITS}](?:{UNITS})")


def has_number(text: str) -> bool:
    return bool(_HAS_NUMBER.search(text))


FIGURE = re.compile(rf"\d+(?:\.\d+)?%?|(?<!\d)[{CN_DIGITS}]{{1,6}}(?={UNITS}|分之)|百分之[{CN_DIGITS}]+")


def figures(text: str) -> list[str]:
    """Every number or date figure in a text (used to verify answers against their citations)."""
    return [
        m.group(0) for m in FIGURE.finditer(text) if not re.fullmatch(r"[一二三四五六七八九十]", m.group(0))
    ]
