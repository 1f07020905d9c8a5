"""Text normalization for answer matching (答案匹配归一化).

``normalize`` maps two spellings of the same fact to the same string, so that gold keys and
model answers can be compared by substring. It is only ever used on *both* sides of a comparison,
so it may rewrite words freely as long as it does so deterministically: 一号文件 becomes 1号文件 on
both sides and still matches. It is never used to produce text a user sees.

Steps, in order (each chosen so that the whole function is idempotent):

1. Width folding (全角转半角): U+FF01..U+FF5E to ASCII, ideographic space U+3000 to a space.
2. Lowercase.
3. Range dashes between digits (5-10, 5～10, 五—十) become 至, so 5-10年 == 5至10年.
4. Remove whitespace, control/format characters, Unicode punctuation (P*: “”‘’《》〈〉「」、，。；：？！（）
   【】—…· and so on) and ASCII punctuation, *except*:
   - ``%`` and ``‰`` are kept everywhere: 60% and 60 mean different things;
   - ``.`` and ``/`` are kept only between two digits (1.3万亿, 3/4); elsewhere they are punctuation.
5. Chinese numbers to Arabic (中文数字转阿拉伯数字), canonical form = **plain decimal, 万/亿 expanded**:
   - fractions first: 百分之六十五 → 65%, 千分之五 → 5‰, 四分之三 → 3/4;
   - Arabic with multipliers: 3000万 → 30000000, 1.3万亿 → 1300000000000, 3千万 → 30000000;
   - a run of Chinese numerals (三千万, 十五, 二〇二四) is converted when it is clearly a quantity:
     it is followed by a measure word (年 人 户 次 倍 名 日 % …), or preceded by 第, or contains a
     multiplier (十百千万亿) and starts with a digit or 十, or has a decimal part (一点三), or is the left
     end of a range (一至二名). Runs that do not parse strictly (十四五, 一百五) are left alone, and
     so are bare single numerals in words (统一, 三农, 两不愁三保障).
   Expanding 万/亿 gives every quantity exactly one spelling (3000万 = 3千万 = 三千万 = 30000000);
   ``metrics.contains`` checks digit boundaries so that key 300 does not match 3000.
"""

from __future__ import annotations

import re
import string
import unicodedata
from decimal import Decimal

from corpus.numerals import BIG_MULTIPLIERS, CN_DIGITS, CN_NUMERAL_CHARS, SMALL_MULTIPLIERS, number_value

__all__ = ["normalize", "parse_number", "split_segments", "strip_citation_markers"]

_CN_DIGITS = CN_DIGITS
_SMALL_MULT = SMALL_MULTIPLIERS
_BIG_MULT = BIG_MULTIPLIERS
_CN_NUM_CHARS = CN_NUMERAL_CHARS
_CN_DIGIT_CHARS = "".join(_CN_DIGITS)

# Measure words (量词) and units after which a numeral is a quantity.
_UNIT_WORDS = """平方公里 平方米 公里 公斤 公顷 小时 分钟 周岁 季度 星期 世纪 年 月 日 天 周 个 人 户 名 次 倍 元
角 斤 亩 吨 米 克 升 岁 项 条 款 章 节 级 类 批 家 所 座 间 套 件 种 份 位 届 期 轮 号 成 秒 辆 台 只 头 株 棵 张
篇 本 层 代 度 季 部 支 处 % ‰"""
_UNIT_PREFIXES = tuple(_UNIT_WORDS.split())
_RANGE_WORDS = ("至", "到", "或")

_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_ASCII_PUNCT = frozenset(string.punctuation) - {"%"}
_KEEP_ALWAYS = frozenset("%‰")
_DASH_BETWEEN_NUMBERS = re.compile(rf"(?<=[0-9{_CN_NUM_CHARS}])[-~–—](?=[0-9{_CN_NUM_CHARS}])")

_CN_RUN = re.compile(rf"[{_CN_NUM_CHARS}]+(?:点[{_CN_DIGIT_CHARS}]+[万亿]*)?")
_ARABIC_MULT = re.compile(r"(?<![0-9.])([0-9]+(?:\.[0-9]+)?)([百千万亿]+)")
# Each branch starts only where its run starts, so a long run of digits is tried once, not from each digit.
_NUM_TOKEN = rf"(?:(?<![0-9])[0-9]+(?:\.[0-9]+)?[百千万亿]*|(?<![{_CN_NUM_CHARS}])[{_CN_NUM_CHARS}]+(?:点[{_CN_DIGIT_CHARS}]+)?)"
_FRACTION = re.compile(rf"({_NUM_TOKEN})分之({_NUM_TOKEN})")

# [1] [1,2] [1-3] ［2］ 【3】: citation markers in answers (引用标记).
_CITATION_MARKER = re.compile(r"[\[［【]\s*\d+(?:\s*[,，、\-–~]\s*\d+)*\s*[\]］】]")


def strip_citation_markers(text: str) -> str:
    """Remove citation markers such as ``[1]`` or ``[1,2]`` and surrounding whitespace."""
    return _CITATION_MARKER.sub("", text).strip()


def parse_number(text: str) -> Decimal | None:
    """Value of one numeral (数值): ``"三千万"``, ``"一点三万亿"``, ``"3000万"``, ``"二〇二四"``, ``"1.5"``.

    The corpus parser at the "matching" strictness (:data:`corpus.numerals.Strictness`): 一百五 and 十四五
    are left alone, and so are 一万五 (colloquial) and 三五 (a range).
    """
    return number_value(text, "matching")


def _format(value: Decimal) -> str:
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def _fraction(m: re.Match[str]) -> str:
    bare = {"百": Decimal(100), "千": Decimal(1000), "万": Decimal(10000)}  # 百分之 has no digit before 百
    den = bare.get(m.group(1)) or parse_number(m.group(1))
    num = parse_number(m.group(2))
    if den is None or num is None:
        return m.group(0)
    if den == 100:
        return _format(num) + "%"
    if den == 1000:
        return _format(num) + "‰"
    return f"{_format(num)}/{_format(den)}"


def _arabic_mult(m: re.Match[str]) -> str:
    value = parse_number(m.group(0))
    return m.group(0) if value is None else _format(value)


def _convert_runs(text: str) -> str:
    runs = list(_CN_RUN.finditer(text))
    values: list[Decimal | None] = [None] * len(runs)
    # Right to left, so that 一至二至三名 sees its right neighbour already decided.
    for i in range(len(runs) - 1, -1, -1):
        run = runs[i]
        s, end = run.group(0), run.end()
        after = text[end:]
        has_mult = any(ch in _SMALL_MULT or ch in _BIG_MULT for ch in s)
        if after[:1] and after[0] in _CN_NUM_CHARS:
            continue  # 一点三千: a malformed numeral; converting part of it would not be idempotent
        wanted = (
            after.startswith(_UNIT_PREFIXES)
            or text[max(0, run.start() - 1) : run.start()] == "第"
            or (has_mult and len(s) >= 2 and (s[0] in _CN_DIGITS or s[0] == "十"))
            or "点" in s
        )
        if not wanted and after[:1] in _RANGE_WORDS:
            nxt = after[1:2]
            right_is_number = nxt.isdigit() and nxt.isascii()
            right_run = i + 1 < len(runs) and runs[i + 1].start() == end + 1
            wanted = right_is_number or (right_run and values[i + 1] is not None)
        if wanted:
            values[i] = parse_number(s)
    out: list[str] = []
    pos = 0
    for run, value in zip(runs, values, strict=True):
        if value is not None:
            out.append(text[pos : run.start()])
            out.append(_format(value))
            pos = run.end()
    out.append(text[pos:])
    return "".join(out)


def _strip_punctuation(text: str) -> str:
    out: list[str] = []
    n = len(text)
    for i, ch in enumerate(text):
        if ch in _KEEP_ALWAYS:
            out.append(ch)
        elif ch in "./":
            # A decimal point or fraction bar survives only between two ASCII digits.
            if 0 < i < n - 1 and text[i - 1] in string.digits and text[i + 1] in string.digits:
                out.append(ch)
        elif (
            ch in _ASCII_PUNCT
            or ch.isspace()
            or unicodedata.category(ch)[0] in "PZ"
            or unicodedata.category(ch) in ("Cc", "Cf")
        ):
            continue
        else:
            out.append(ch)
    return "".join(out)


_SEGMENT_KEEP = frozenset("%‰-~–—")  # kept inside a segment: normalize turns range dashes into 至


def split_segments(text: str) -> list[str]:
    """Split at whitespace and punctuation (分段), the places where ``normalize`` glues text together.

    Tokenizers call ``normalize`` per segment so that ``4G 5G`` stays two tokens; a comma, point or
    slash between two digits (3,000 / 6.5 / 3/4) does not split.
    """
    text = text.translate(_FULLWIDTH)
    segments: list[str] = []
    current: list[str] = []
    for i, ch in enumerate(text):
        category = unicodedata.category(ch)
        inside_number = ch in ".,/" and 0 < i < len(text) - 1 and (text[i - 1] + text[i + 1]).isdigit()
        if (
            ch.isspace()
            or category[0] == "Z"
            or (category[0] == "P" and ch not in _SEGMENT_KEEP and not inside_number)
        ):
            if current:
                segments.append("".join(current))
                current = []
        else:
            current.append(ch)
    if current:
        segments.append("".join(current))
    return segments


def normalize(text: str) -> str:
    """Canonical matching form (匹配用规范化文本) of ``text``; idempotent: normalize(normalize(x)) == normalize(x)."""
    text = text.translate(_FULLWIDTH).lower()
    # One pass is enough for ordinary text; malformed chains such as 四分之三零四分之三 can form a new
    # numeral from a previous output, so iterate to the fixed point. Each changing pass removes
    # punctuation, 分之, multipliers or Chinese numerals and adds none, so the loop terminates.
    while True:
        done = _normalize_once(text)
        if done == text:
            return done
        text = done


# An item's number in brackets (（二）二类疫病) is punctuation around a numeral: dropped with its brackets, it
# would otherwise glue onto the numeral after it (二二类) and hide 二类疫病 from a key that names it.
_ITEM_NUMBER = re.compile(r"[（(][一二三四五六七八九十\d]{1,3}[)）]")


def _normalize_once(text: str) -> str:
    text = _ITEM_NUMBER.sub(" ", text)
    text = _DASH_BETWEEN_NUMBERS.sub("至", text)
    text = _strip_punctuation(text)
    text = _FRACTION.sub(_fraction, text)
    text = _ARABIC_MULT.sub(_arabic_mult, text)
    return _convert_runs(text)
