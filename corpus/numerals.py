"""Chinese and Arabic numerals as values (数字取值): 三十 → 30, 2万 → 20000, 二〇一四 → 2014, 一点五 → 1.5.

Pure functions. Parsing is strict on purpose: a run that is not a well-formed number (十四五 is a plan
name, 一百五 colloquial 150) gives ``None``, so callers leave it as words instead of a wrong value.
Full-width digits (２０１４) are folded to ASCII first.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

__all__ = [
    "BIG_MULTIPLIERS",
    "CN_DIGITS",
    "CN_NUMERAL_CHARS",
    "NUMERAL",
    "SMALL_MULTIPLIERS",
    "cn_integer",
    "fold_digits",
    "number_value",
]

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
_FULLWIDTH_DIGITS = {0xFF10 + i: str(i) for i in range(10)} | {0xFF0E: "."}


def fold_digits(text: str) -> str:
    """Full-width digits and full stop between them (２０．５) to ASCII; everything else unchanged."""
    return text.translate(_FULLWIDTH_DIGITS)


def _section(text: str) -> int | None:
    """A numeral below 万 (千百十 with digits), strictly: every digit but the last has a multiplier."""
    total, pending, last_mult, after_zero = 0, None, None, False
    for ch in text:
        if ch in "零〇":
            if pending is not None or last_mult is None:
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
                if ch != "十" or after_zero or last_mult is not None:
                    return None
                pending = 1  # 十五 = 15
            total += pending * mult
            pending, last_mult, after_zero = None, mult, False
        else:
            return None
    if pending is not None:
        # A trailing bare digit counts as units only alone, after 十, or after 零 (一百零五), not 一百五.
        if last_mult not in (None, 10) and not after_zero:
            return None
        total += pending
    elif last_mult is None:
        return None
    return total


def cn_integer(text: str) -> int | None:
    """Value of a Chinese integer numeral, or None when it is not one.

    三十 → 30, 两千 → 2000, 一百零五 → 105, 三千万 → 30000000, 二〇一四 → 2014 (read digit by digit),
    十四五 → None, 一百五 → None.
    """
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
                value = cn_integer(head)
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


def number_value(text: str) -> Decimal | None:
    """Value of one numeral as written (see ``NUMERAL``): 2万 → 20000, 1.3万亿, 三点五 → 3.5, 半 → 0.5."""
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
