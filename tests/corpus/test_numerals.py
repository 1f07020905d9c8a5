"""The one numeral parser (corpus.numerals) at each strictness, and its callers agreeing with it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from corpus.numerals import cn_integer, number_value
from evaluation.textnorm import parse_number
from quiz.numerals import cn_to_int

# text → (strict, matching, lenient): the rows where the three readings differ are the point.
READINGS = [
    ("三十", 30, 30, 30),
    ("一百零五", 105, 105, 105),
    ("二〇一四", 2014, 2014, 2014),
    ("三千万", 30_000_000, 30_000_000, 30_000_000),
    ("一亿二千万", 120_000_000, 120_000_000, 120_000_000),
    ("一百五", None, None, 105),  # colloquial 150: only the quiz reads it, by position
    ("十四五", None, None, 15),  # a plan name; lenient reads by position, the last digit wins
    ("三万五", 30_005, None, 30_005),  # matching: 一万五 is colloquial, not 10005
    ("一百十", None, 110, 110),  # matching reads a bare 十 after 百
    ("三万零五百", 30_500, 30_500, 30_500),
    ("一亿零五万", None, 100_050_000, 100_050_000),
    ("三五", 35, None, 35),  # matching: 三五年 is an approximate range
    ("两两", None, None, 22),
    ("万", None, None, 0),  # a multiplier alone is a word when strict
]


@pytest.mark.parametrize(("text", "strict", "matching", "lenient"), READINGS)
def test_cn_integer_at_each_strictness(
    text: str, strict: int | None, matching: int | None, lenient: int | None
) -> None:
    assert cn_integer(text) == strict
    assert cn_integer(text, "strict") == strict
    assert cn_integer(text, "matching") == matching
    assert cn_integer(text, "lenient") == lenient


@pytest.mark.parametrize(("text", "strict", "matching", "lenient"), READINGS)
def test_callers_use_the_corpus_parser(
    text: str, strict: int | None, matching: int | None, lenient: int | None
) -> None:
    assert cn_to_int(text) == lenient
    assert parse_number(text) == (None if matching is None else Decimal(matching))


@pytest.mark.parametrize(
    ("text", "strict", "matching"),
    [
        ("2万", Decimal(20000), Decimal(20000)),
        ("1.3万亿", Decimal("1.3e12"), Decimal("1.3e12")),
        ("一点三万亿", Decimal("1.3e12"), Decimal("1.3e12")),
        ("三点五", Decimal("3.5"), Decimal("3.5")),
        ("三五点五", Decimal("35.5"), Decimal("35.5")),  # with decimals, 三五 is read digit by digit
        ("3十", Decimal(30), None),  # matching takes Arabic multipliers 百千万亿 only
        ("２０１４", Decimal(2014), None),  # matching does not fold full-width digits (normalize did already)
        ("半", Decimal("0.5"), None),
        ("", None, None),
        ("abc", None, None),
    ],
)
def test_number_value_strict_and_matching(
    text: str, strict: Decimal | None, matching: Decimal | None
) -> None:
    assert number_value(text) == strict
    assert number_value(text, "matching") == matching


def test_lenient_reads_every_run_of_numeral_characters() -> None:
    # Lenient never refuses a run of numeral characters; the others refuse something in the same alphabet.
    runs = ["一百五", "十四五", "万", "百", "五十六七", "零"]
    assert all(cn_integer(r, "lenient") is not None for r in runs)
    assert cn_integer("abc", "lenient") is None
    assert any(cn_integer(r, "strict") is None for r in runs)
    assert any(cn_integer(r, "matching") is None for r in runs)
