"""Chinese and Arabic numerals (数字读写): parse 二〇三五 / 三十 / 二百万 and write numbers back in the same style."""

from __future__ import annotations

from corpus.numerals import BIG_MULTIPLIERS as CN_BIG_UNITS
from corpus.numerals import CN_DIGITS, CN_NUMERAL_CHARS, cn_integer
from corpus.numerals import SMALL_MULTIPLIERS as CN_SMALL_UNITS

__all__ = [
    "CN_BIG_UNITS",
    "CN_DIGITS",
    "CN_NUMERAL_CHARS",
    "CN_SMALL_UNITS",
    "cn_to_int",
    "format_number",
    "int_to_cn",
    "parse_number",
    "year_to_cn",
]
_DIGIT_CHARS = "〇一二三四五六七八九"


def cn_to_int(text: str) -> int | None:
    """Value of a Chinese numeral: 三十 → 30, 一百二十 → 120, 二百万 → 2000000, 二〇三五 → 2035.

    The corpus parser, ``lenient`` (:data:`corpus.numerals.Strictness`): quiz facts are written back in the
    style they were read in, so a colloquial run is read by position rather than refused.
    """
    return cn_integer(text, "lenient")


def _under_10000(n: int) -> str:
    out: list[str] = []
    zero = False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, n = divmod(n, unit)
        if d:
            if zero and out:
                out.append("零")
            out.append(_DIGIT_CHARS[d] + name if not (name == "十" and d == 1 and not out) else "十")
            zero = False
        elif out:
            zero = True
    return "".join(out)


def int_to_cn(n: int) -> str:
    """Write a non-negative integer in Chinese numerals: 30 → 三十, 15 → 十五, 2000000 → 二百万."""
    if n == 0:
        return "零"
    parts: list[str] = []
    for unit, name in ((100_000_000, "亿"), (10_000, "万"), (1, "")):
        d, n = divmod(n, unit)
        if d:
            text = _under_10000(d)
            if parts and d < 1000:
                text = "零" + text
            parts.append(text + name)
    return "".join(parts)


def year_to_cn(year: int) -> str:
    """Digit by digit, as years are written: 2035 → 二〇三五."""
    return "".join(_DIGIT_CHARS[int(d)] for d in str(year))


def parse_number(text: str) -> tuple[float, str] | None:
    """``(value, style)`` of an Arabic (``arabic``) or Chinese (``cn``) numeral, or None."""
    try:
        return float(text), "arabic"
    except ValueError:
        value = cn_to_int(text)
        return (float(value), "cn") if value is not None else None


def format_number(value: float, style: str, decimals: int = 0) -> str:
    if style == "cn":
        return int_to_cn(round(value))
    if decimals:
        return f"{value:.{decimals}f}"
    return str(round(value))
