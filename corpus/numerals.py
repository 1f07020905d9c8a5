"""Chinese and Arabic numerals as values (数字取值): 三十 → 30, 2万 → 20000, 二〇一四 → 2014, 一点五 → 1.5.

Pure functions, the one numeral parser of the project. Parsing is strict by default: a run that is not a
well-formed number (十四五 is a plan name, 一百五 colloquial 150) gives ``None``, so callers leave it as
words instead of a wrong value; :data:`Strictness` names the other readings and who uses them.
Full-width digits (２０１４) are folded to ASCII first.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Literal

__all__ = [
    "BIG_MULTIPLIERS",
    "CN_DIGITS",
    "CN_NUMERAL_CHARS",
    "NUMERAL",
    "SMALL_MULTIPLIERS",
    "Strictness",
    "cn_integer",
    "fold_digits",
    "number_value",
]

Strictness = Literal["strict", "matching", "lenient"]
"""How a Chinese numeral is read (读数的严格程度), one parser for every caller:

- ``strict`` (严格; citation consistency, :mod:`assistant.consistency`): every digit but the last has a
  multiplier, 零 only after one; 十四五 (a plan name) and 一百五 (colloquial 150) → None.
- ``matching`` (答案匹配; :mod:`evaluation.textnorm`): as strict, and also 一百十 → 110, 三万零五百 → 30500;
  the part after 万/亿 must be below it and not a bare digit (一万五 → None); two bare digits are an
  approximate range (三五年, 一两天 → None).
- ``lenient`` (宽松; reading quiz facts, :mod:`quiz.numerals`): any run of numeral characters, read by
  position (一百五 → 105); the quiz writes the value back in the same style, so a colloquial run stays itself.
"""

CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
SMALL_MULTIPLIERS = {"十": 10, "百": 100, "千": 1000}
BIG_MULTIPLIERS = {"万": 10**4, "亿": 10**8}
CN_NUMERAL_CHARS = "".join(CN_DIGITS) + "".join(SMALL_MULTIPLIERS) + "".join(BIG_MULTIPLIERS)
_CN_DIGIT_CHARS = "".join(CN_DIGITS)

# One numeral as written: Arabic (with a decimal part and 万/亿 multipliers), Chinese (with 点 decimals),
# or 半 (half). Callers decide from the context (a unit after it) whether it is a quantity.
# It starts only where a run of numeral characters starts, and 万/亿 after a Chinese integer are part of
# its run: a long run is then read once, not re-split from each of its characters (cubic otherwise).
NUMERAL = (
    rf"(?<![\d{CN_NUMERAL_CHARS}])"
    rf"(?:\d+(?:\.\d+)?[十百千万亿]*|[{CN_NUMERAL_CHARS}]+(?:点[{_CN_DIGIT_CHARS}]+[万亿]*)?|半)"
)
_ARABIC = re.compile(r"(\d+(?:\.\d+)?)([十百千万亿]*)")
_CN_DECIMAL = re.compile(rf"([{CN_NUMERAL_CHARS}]+)点([{_CN_DIGIT_CHARS}]+)([万亿]*)")
_ARABIC_MATCHING = re.compile(r"([0-9]+(?:\.[0-9]+)?)([百千万亿]*)")
# 一点三万亿: integer part, decimals, trailing 万/亿 (without 点 the caller reads the whole text). Greedy,
# not the lazy ``[…]+?`` that re-scanned the trailing 万亿 from each digit.
_CN_DECIMAL_MATCHING = re.compile(rf"([{CN_NUMERAL_CHARS}]+)(?:点([{_CN_DIGIT_CHARS}]+)([万亿]*))?")
_FULLWIDTH_DIGITS = {0xFF10 + i: str(i) for i in range(10)} | {0xFF0E: "."}


def fold_digits(text: str) -> str:
    """Full-width digits and full stop between them (２０．５) to ASCII; everything else unchanged."""
    return text.translate(_FULLWIDTH_DIGITS)


def _section(text: str, *, lenient_zero_ten: bool = False, after_big: bool = False) -> int | None:
    """A numeral below 万 (千百十 with digits), strictly: every digit but the last has a multiplier.

    ``lenient_zero_ten`` (the "matching" strictness) also reads a leading 零 (the 零五百 of 三万零五百) and a
    bare 十 after a larger multiplier (一百十 = 110). ``after_big``: the section follows 万/亿, where a
    trailing bare digit (一万五, colloquial 15000) is not units.
    """
    total, pending, last_mult, after_zero = 0, None, None, False
    for ch in text:
        if ch in "零〇":
            if pending is not None or (last_mult is None and not lenient_zero_ten):
                return None
            after_zero = True
        elif ch in CN_DIGITS:
            if pending is not None:
                return None
            pending = CN_DIGITS[ch]
        elif ch in SMALL_MULTIPLIERS:
            mult = SMALL_MULTIPLIERS[ch]
            if last_mult is not None and mult >= last_mult:
                return None
            if pending is None:
                if ch != "十" or after_zero or (last_mult is not None and not lenient_zero_ten):
                    return None
                pending = 1  # 十五 = 15
            total += pending * mult
            pending, last_mult, after_zero = None, mult, False
        else:
            return None
    if pending is not None:
        # A trailing bare digit counts as units only alone, after 十, or after 零 (一百零五), not 一百五.
        if (last_mult not in (None, 10) or (last_mult is None and after_big)) and not after_zero:
            return None
        total += pending
    elif last_mult is None and not after_zero:
        return None
    return total


def cn_integer(text: str, strictness: Strictness = "strict") -> int | None:
    """Value of a Chinese integer numeral, or None when it is not one at the given ``strictness``.

    ``strict``: 三十 → 30, 两千 → 2000, 一百零五 → 105, 三千万 → 30000000, 二〇一四 → 2014 (read digit by
    digit), 十四五 → None, 一百五 → None. ``matching`` and ``lenient``: see :data:`Strictness`.
    """
    if strictness == "lenient":
        return _lenient_integer(text)
    if strictness == "matching":
        if not text or any(ch not in CN_NUMERAL_CHARS for ch in text):
            return None
        if not any(ch in SMALL_MULTIPLIERS or ch in BIG_MULTIPLIERS for ch in text):
            if len(text) == 2 and not set(text) & set("零〇"):
                return None  # 三五年, 一两天: an approximate range, not 35
            return int("".join(str(CN_DIGITS[ch]) for ch in text))
        return _matching_integer(text)
    return _strict_integer(text)


def _strict_integer(text: str) -> int | None:
    if not text or any(ch not in CN_NUMERAL_CHARS for ch in text):
        return None
    if text[0] not in CN_DIGITS and text[0] != "十":
        return None  # 万, 百万, 千: a multiplier alone is a word (万元 is not a sum)
    if len(text) > 1 and all(ch in CN_DIGITS for ch in text):
        if "两" in text:
            return None
        return int("".join(str(CN_DIGITS[ch]) for ch in text))  # years: 二〇一四
    total, rest = 0, text
    for char, mult in (("亿", BIG_MULTIPLIERS["亿"]), ("万", BIG_MULTIPLIERS["万"])):
        if char in rest:
            head, _, rest = rest.partition(char)
            if char in rest:
                return None
            # 三千万 has 三千 before 万; 一亿二千万 has 二千 before 万 after 亿; 万 alone is 一万
            value = _section(head) if head else 1
            if value is None and char == "亿" and "万" in head:
                value = _strict_integer(head)
            if value is None:
                return None
            total += value * mult
    if rest.startswith(("零", "〇")) and total:
        rest = rest[1:]
    if rest:
        value = _section(rest)
        if value is None:
            return None
        total += value
    return total


def _matching_integer(text: str, *, after_big: bool = False) -> int | None:
    """The "matching" reading of a numeral with multipliers: the part after 万/亿 must be below it."""
    for big_char, big in (("亿", BIG_MULTIPLIERS["亿"]), ("万", BIG_MULTIPLIERS["万"])):
        if big_char in text:
            left, _, right = text.rpartition(big_char)
            if big_char == "亿":
                head = _matching_integer(left)
            else:
                head = _section(left, lenient_zero_ten=True) if left and "万" not in left else None
            if head is None:
                return None
            tail = _matching_integer(right, after_big=True) if right else 0
            return None if tail is None or tail >= big else head * big + tail
    return _section(text, lenient_zero_ten=True, after_big=after_big)


def _lenient_integer(text: str) -> int | None:
    """Any run of numeral characters, read by position: 一百五 → 105, 十四五 → 145, 二〇三五 → 2035."""
    if not text or any(ch not in CN_NUMERAL_CHARS for ch in text):
        return None
    if len(text) > 1 and all(ch in CN_DIGITS for ch in text):  # digit by digit, as in years
        return int("".join(str(CN_DIGITS[ch]) for ch in text))
    total, section, digit = 0, 0, 0
    for ch in text:
        if ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
        elif ch in SMALL_MULTIPLIERS:
            section += (digit or 1) * SMALL_MULTIPLIERS[ch]
            digit = 0
        else:
            section += digit
            big = BIG_MULTIPLIERS[ch]
            total = (total + section) * big if ch == "亿" else total + section * big
            section, digit = 0, 0
    return total + section + digit


def number_value(text: str, strictness: Literal["strict", "matching"] = "strict") -> Decimal | None:
    """Value of one numeral as written (see ``NUMERAL``): 2万 → 20000, 1.3万亿, 三点五 → 3.5, 半 → 0.5.

    ``matching`` (answer matching, :mod:`evaluation.textnorm`) reads the Chinese integer part with that
    strictness, takes Arabic multipliers 百千万亿 only, and neither folds full-width digits nor reads 半.
    """
    if strictness == "matching":
        return _matching_value(text)
    text = fold_digits(text)
    if text == "半":
        return Decimal("0.5")
    arabic = _ARABIC.fullmatch(text)
    try:
        if arabic:
            value = Decimal(arabic.group(1))
            for ch in arabic.group(2):
                value *= (SMALL_MULTIPLIERS | BIG_MULTIPLIERS)[ch]
            return value
        decimal = _CN_DECIMAL.fullmatch(text)
        if decimal:
            whole = cn_integer(decimal.group(1))
            if whole is None:
                return None
            fraction = "".join(str(CN_DIGITS[ch]) for ch in decimal.group(2))
            value = Decimal(f"{whole}.{fraction}")
            for ch in decimal.group(3):
                value *= BIG_MULTIPLIERS[ch]
            return value
    except InvalidOperation:
        return None
    whole = cn_integer(text)
    return None if whole is None else Decimal(whole)


def _matching_value(text: str) -> Decimal | None:
    m = _ARABIC_MATCHING.fullmatch(text)
    if m:
        value = Decimal(m.group(1))
        for ch in m.group(2):
            value *= (SMALL_MULTIPLIERS | BIG_MULTIPLIERS)[ch]
        return value
    m = _CN_DECIMAL_MATCHING.fullmatch(text)
    if not m:
        return None
    int_part, frac, mults = m.group(1), m.group(2), m.group(3)
    if frac is None:
        int_part, mults = text, ""  # integer: 万/亿 handled by the integer parser
    if frac and not any(ch in SMALL_MULTIPLIERS or ch in BIG_MULTIPLIERS for ch in int_part):
        integer: int | None = int("".join(str(CN_DIGITS[ch]) for ch in int_part))  # 三五点五: digit by digit
    else:
        integer = cn_integer(int_part, "matching")
    if integer is None:
        return None
    value = Decimal(f"{integer}.{''.join(str(CN_DIGITS[c]) for c in frac)}") if frac else Decimal(integer)
    for ch in mults:
        value *= BIG_MULTIPLIERS[ch]
    return value
