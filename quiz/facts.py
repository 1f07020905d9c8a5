"""Facts in a sentence (事实抽取): numbers with units, dates, periods, responsible bodies, terms, lists.

A fact is a span of one sentence that an item can ask about: blank it, offer it among distractors, or
swap it for a distractor to make a false statement. Spans are offsets into the sentence text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from quiz.numerals import CN_NUMERAL_CHARS, cn_to_int, parse_number

KIND_NAMES = {
    "number": "数字",
    "date": "日期",
    "period": "期限",
    "body": "责任主体",
    "term": "术语",
    "list": "列举",
    "modality": "义务与权限",
}
MODALITIES = ("应当", "可以", "不得", "必须")  # 判断 items swap one for another: 应当 → 可以 changes the rule


@dataclass(frozen=True, slots=True)
class Fact:
    """A quizzable span of a sentence (事实). ``unit`` groups facts whose values are interchangeable."""

    kind: str  # number | date | period | body | term
    start: int
    end: int
    text: str
    unit: str = ""  # number/period: the unit (万人, %, 日内); date: its granularity (ymd, ym, y, md)
    value: float | None = None
    style: str = ""  # arabic | cn | ""
    number: str = ""  # the numeral inside ``text`` (for numbers, periods and years)


@dataclass(frozen=True, slots=True)
class Enumeration:
    """A list of three or more items (列举): 公开、公平、公正和及时 → four items."""

    start: int
    end: int
    items: tuple[str, ...]
    head: str  # the words right after the list (的原则, 等部门) that say what is listed


_NUM = rf"(?:\d+(?:\.\d+)?|[{CN_NUMERAL_CHARS}]+)"
_NUMBER_UNITS = (
    "万亿斤", "亿斤", "万亿元", "亿元", "万元", "元", "万亩", "亩", "公顷", "万吨", "吨", "公里", "千米",
    "个百分点", "%", "％", "倍", "万人", "人", "座", "户", "周岁", "岁", "平方米", "万千瓦", "千瓦",
    "个", "项", "家", "所", "名", "次",
)  # fmt: skip
_NOISY_UNITS = frozenset({"个", "项", "家", "所", "名", "次", "人"})  # only with Arabic digits
_PERIOD_UNITS = ("个工作日", "个月", "工作日", "日", "天", "周", "年")
_PERIOD_SUFFIX = r"(?:以内|之内|内|以前|前|以后|后|以上|以下)?"
_PERIOD_LEAD = ("为", "延长", "满", "超过", "不超过", "不少于", "至少", "连续", "每", "起", "逾")

_NUMBER = re.compile(rf"(?<![第\d.{CN_NUMERAL_CHARS}])({_NUM})({'|'.join(map(re.escape, _NUMBER_UNITS))})")
_PERCENT_CN = re.compile(rf"(?<![{CN_NUMERAL_CHARS}])百分之([{CN_NUMERAL_CHARS}]+)")
_FRACTION = re.compile(r"(?<![一二三四五六七八九十])([一二三四五六七八九十])分之([一二三四五六七八九十])")
_PERIOD = re.compile(
    rf"(?<![第\d.{CN_NUMERAL_CHARS}])({_NUM})({'|'.join(_PERIOD_UNITS)}){_PERIOD_SUFFIX}(?![\d{CN_NUMERAL_CHARS}])"
)
_DATE = re.compile(
    r"(?<!\d)(\d{4})年(?:(\d{1,2})月(?:(\d{1,2})日)?)?"
    r"|(?<![〇一二三四五六七八九零])([〇一二三四五六七八九零]{4})年(?:([一二三四五六七八九十]{1,2})月(?:([一二三四五六七八九十]{1,3})日)?)?"
    r"|(?<![年\d〇一二三四五六七八九十])([一二三四五六七八九十]{1,2}|\d{1,2})月([一二三四五六七八九十]{1,3}|\d{1,2})日"
)
_DEPTS = (
    "人力资源社会保障", "住房城乡建设", "农业农村", "自然资源", "卫生健康", "应急管理", "医疗保障", "发展改革",
    "生态环境", "市场监督管理", "乡村振兴", "扶贫开发", "民政", "财政", "教育", "审计", "林业", "水行政",
    "公安", "司法行政", "文化和旅游", "交通运输", "商务", "统计",
)  # fmt: skip
_LEVELS = (
    "省、自治区、直辖市", "县级以上地方各级", "县级以上地方", "县级以上", "设区的市级", "设区的市", "地方各级",
    "省级", "市级", "县级", "乡级", "乡镇", "市、县", "县、乡", "省", "市", "县", "乡",
)  # fmt: skip
_BODY = re.compile(
    r"(?:(?:国务院|(?:{})人民政府)?(?:{})(?:主管)?部门|(?:{})人民政府|国务院|街道办事处|村民委员会|居民委员会"
    r"|人民法院|人民检察院|成员代表大会|成员大会|理事会|监事会)".format(
        "|".join(_LEVELS), "|".join(_DEPTS), "|".join(_LEVELS)
    )
)
_BODY_VERB = re.compile(
    r"^(?:、[^，。；]{0,30}?)?(?:应当|负责|可以|统筹|组织|审批|审核|批准|制定|建立|指导|协调|会同|依法|决定|"
    r"给予|公布|备案|监督|确定|作出|核实|受理|按照|根据|对|将|在|不得)"
)
_QUOTED = re.compile(r"“([^“”，。；、：\s]{2,12})”")
_DEFINED = re.compile(r"(?:所称|所说的)([^，。；“”]{2,16}?)，(?:是指|指)")
_ENUM = re.compile(
    r"(?<![\u4e00-\u9fff])[\u4e00-\u9fff]+(?:、[\u4e00-\u9fff]+){1,}(?:(?:和|及|以及|与|或者)[\u4e00-\u9fff]+)?"
)
_ENUM_STOP = ("的", "等", "方面", "工作", "和", "及")
_CONNECTORS = ("以及", "或者", "和", "及", "与")


def _quoted_ranges(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"“[^“”]*”|《[^《》]*》", text)]


def _inside(ranges: list[tuple[int, int]], s: int, e: int) -> bool:
    return any(a <= s and e <= b for a, b in ranges)


def extract_facts(text: str) -> list[Fact]:
    """All facts of one sentence, left to right, without overlaps (the first, longest match wins)."""
    quoted = _quoted_ranges(text)
    found: list[Fact] = []
    found += _dates(text)
    found += _periods(text)
    found += _numbers(text)
    found += _bodies(text)
    found += _terms(text)
    facts: list[Fact] = []
    taken: list[tuple[int, int]] = []
    for f in sorted(found, key=lambda f: (f.start, -(f.end - f.start))):
        if any(f.start < e and s < f.end for s, e in taken):
            continue
        if f.kind != "term" and _inside(quoted, f.start, f.end):
            continue  # numbers inside slogans (“三个代表”) and titles are not facts
        facts.append(f)
        taken.append((f.start, f.end))
    return facts


def _dates(text: str) -> list[Fact]:
    out = []
    for m in _DATE.finditer(text):
        if m.group(1):
            unit = "ymd" if m.group(3) else "ym" if m.group(2) else "y"
            out.append(
                Fact("date", m.start(), m.end(), m.group(0), unit, float(m.group(1)), "arabic", m.group(1))
            )
        elif m.group(4):
            unit = "ymd" if m.group(6) else "ym" if m.group(5) else "y"
            year = cn_to_int(m.group(4))
            out.append(Fact("date", m.start(), m.end(), m.group(0), unit, float(year or 0), "cn", m.group(4)))
        else:
            style = "arabic" if m.group(7).isdigit() else "cn"
            out.append(Fact("date", m.start(), m.end(), m.group(0), "md", None, style, ""))
    return out


def _periods(text: str) -> list[Fact]:
    out = []
    for m in _PERIOD.finditer(text):
        parsed = parse_number(m.group(1))
        if parsed is None:
            continue
        value, style = parsed
        unit = m.group(0)[len(m.group(1)) :]
        if m.group(2) == "年" and (value > 100 or (style == "arabic" and len(m.group(1)) == 4)):
            continue  # a year, not a period
        lead = text[max(0, m.start() - 3) : m.start()]
        if unit == m.group(2) and not any(lead.endswith(w) for w in _PERIOD_LEAD) and style == "cn":
            continue  # 百年未有, 十年禁渔: a bare Chinese numeral + 年 is rarely a legal period
        if value < 1:
            continue
        out.append(Fact("period", m.start(), m.end(), m.group(0), unit, value, style, m.group(1)))
    return out


def _numbers(text: str) -> list[Fact]:
    out = []
    for m in _NUMBER.finditer(text):
        parsed = parse_number(m.group(1))
        if parsed is None:
            continue
        value, style = parsed
        unit = m.group(2)
        if style == "cn" and (unit in _NOISY_UNITS or value < 2):
            continue  # 一个时期, 两个维护: counting words, not figures
        if unit in ("%", "％") and value > 100:
            continue
        out.append(Fact("number", m.start(), m.end(), m.group(0), unit, value, style, m.group(1)))
    for m in _PERCENT_CN.finditer(text):
        percent = cn_to_int(m.group(1))
        if percent and percent <= 100:
            out.append(
                Fact("number", m.start(), m.end(), m.group(0), "百分之", float(percent), "cn", m.group(1))
            )
    for m in _FRACTION.finditer(text):
        den, num = cn_to_int(m.group(1)), cn_to_int(m.group(2))
        if den and num and num < den:
            out.append(Fact("number", m.start(), m.end(), m.group(0), "分之", num / den, "cn", m.group(0)))
    return out


def _bodies(text: str) -> list[Fact]:
    out = []
    for m in _BODY.finditer(text):
        if _BODY_VERB.match(text[m.end() :]):
            out.append(Fact("body", m.start(), m.end(), m.group(0)))
    return out


def _terms(text: str) -> list[Fact]:
    out = [Fact("term", m.start(1), m.end(1), m.group(1), "quoted") for m in _QUOTED.finditer(text)]
    out += [Fact("term", m.start(1), m.end(1), m.group(1), "defined") for m in _DEFINED.finditer(text)]
    return out


_MODALITY = re.compile(r"(?<![相适])(应当|可以|不得(?!不)|必须)")


def extract_modalities(text: str) -> list[Fact]:
    """The modal verbs of a rule (应当/可以/不得/必须) outside quotes: the point of a 判断 item that asks
    whether something is a duty, a permission or a prohibition. Kept apart from :func:`extract_facts`,
    whose facts are values a blank or an option can hold."""
    quoted = _quoted_ranges(text)
    return [
        Fact("modality", m.start(), m.end(), m.group(0))
        for m in _MODALITY.finditer(text)
        if not _inside(quoted, m.start(), m.end())
    ]


def extract_enumerations(text: str, words: WordSplitter | None = None) -> list[Enumeration]:
    """Lists of three or more short items, their first and last items trimmed to the listed words."""
    out = []
    for m in _ENUM.finditer(text):
        if _inside(_quoted_ranges(text), m.start(), m.end()):
            continue
        parts = m.group(0).split("、")
        last = parts[-1]
        tail: list[str] = []
        for conn in _CONNECTORS:  # 公正和及时 → 公正, 及时
            if conn in last[1:]:
                a, b = last.split(conn, 1)
                if a and b:
                    tail = [a, b]
                    break
        middle = parts[1:-1] + (tail[:1] if tail else [])
        last_raw = tail[1] if tail else last
        if not middle:
            continue
        longest = max(len(p) for p in middle)
        shortest = min(len(p) for p in middle)
        first = _trim_first(parts[0], shortest, words)
        final = _trim_last(last_raw, longest)
        items = [first, *middle, final]
        if not _plausible_list(items):
            continue
        start = m.start() + len(parts[0]) - len(first)
        end = text.index(final, m.end() - len(last_raw)) + len(final)
        head = text[end : end + 3]
        out.append(Enumeration(start, end, tuple(items), head))
    return out


def _plausible_list(items: list[str]) -> bool:
    """Short, similar items that are names, not clauses (clauses make poor options)."""
    lengths = [len(i) for i in items]
    return (
        len(items) >= 3
        and len(set(items)) == len(items)
        and all(2 <= n <= 8 for n in lengths)
        and max(lengths) - min(lengths) <= 3
        and not any(w in i for i in items for w in ("的", "等", "和"))
        and not any(i.startswith("第") for i in items)  # 第七项、第九项: cross-references
    )


class WordSplitter(Protocol):
    """Anything with ``words(text) -> list[str]``: the corpus tokenizer (jieba lives there)."""

    def words(self, text: str) -> list[str]: ...


def _trim_first(run: str, shortest: int, words: WordSplitter | None) -> str:
    """The listed word at the end of the run before the first 、 (遵循公开 → 公开)."""
    if words is None:
        return run[-max(shortest, 2) :]
    pieces = words.words(run)
    if not pieces or "".join(pieces) != run:
        return run[-max(shortest, 2) :]
    item = ""
    for w in reversed(pieces):
        item = w + item
        if len(item) >= shortest:
            break
    return item


def _trim_last(run: str, longest: int) -> str:
    """The listed word at the start of the run after the last 、 (及时的原则 → 及时)."""
    cut = len(run)
    for stop in _ENUM_STOP:
        i = run.find(stop, 1)
        if i != -1:
            cut = min(cut, i)
    item = run[:cut]
    return item if len(item) <= longest + 2 else ""  # no clear end: not a list item
