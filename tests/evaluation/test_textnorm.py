"""Matching normalization (归一化): hand-checked spellings and idempotence."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluation.metrics import key_accuracy
from evaluation.textnorm import normalize, parse_number, split_segments, strip_citation_markers


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("五年", "5年"),
        ("二十人", "20人"),
        ("十五户", "15户"),
        ("百分之六十五", "65%"),
        ("三千万人", "3000万人"),
        ("三千万人", "3千万人"),
        ("一倍以上三倍以下", "1倍以上3倍以下"),
        ("四分之三以上", "3/4以上"),
        ("1.3万亿斤", "一万三千亿斤"),
        ("1.3万亿斤", "一点三万亿斤"),
        ("一至二名", "1至2名"),
        ("每五户至十五户", "每5户至15户"),
        ("三年两次", "3年2次"),
        ("5-10年", "5至10年"),
        ("２０１４年５月１日", "2014年5月1日"),
        ("二〇二四年", "2024年"),
        ("第十五条", "第15条"),
        ("百分之零点五", "0.5%"),
        ("六十五%", "65%"),
    ],
)
def test_spellings_of_the_same_fact_match(left: str, right: str) -> None:
    assert normalize(left) == normalize(right)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("三千万人", "30000000人"),  # canonical form: 万/亿 expanded to a plain integer
        ("3000万人", "30000000人"),
        ("1.3万亿斤", "1300000000000斤"),
        ("百分之六十五", "65%"),
        ("千分之五", "5‰"),
        ("四分之三以上", "3/4以上"),
        ("一万零五", "10005"),
        ("一百五十", "150"),
        ("3,000万", "30000000"),
        ("60％以上", "60%以上"),
    ],
)
def test_canonical_number_form(text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("统一", "统一"),
        ("三农", "三农"),
        ("十四五规划", "十四五规划"),  # does not parse strictly as a number: left alone
        ("两不愁三保障", "两不愁三保障"),
        ("十分重要", "十分重要"),
        ("千万不要", "千万不要"),
        ("三五年", "三五年"),  # "three to five years", not 35
        ("一百五", "一百五"),  # colloquial 150 is ambiguous: left alone
        ("一号文件", "1号文件"),  # transformed, but identically on both sides
        ("第一书记", "第1书记"),
    ],
)
def test_words_with_numerals_stay_recognisable(text: str, expected: str) -> None:
    assert normalize(text) == expected


def test_punctuation_width_and_case() -> None:
    assert normalize("“市县审核、省级复核”（试行）。") == "市县审核省级复核试行"
    assert normalize("《广东省农村扶贫开发条例》") == "广东省农村扶贫开发条例"
    assert normalize("Ｈｅｌｌｏ\u3000ＷＯＲＬＤ！ 5G") == "helloworld5g"
    assert normalize("——……·【】〈〉「」；：？！") == ""


def test_percent_and_decimal_point_are_meaningful() -> None:
    assert normalize("60 ％") == "60%"
    assert normalize("60%") != normalize("60")
    assert normalize("1.5%") != normalize("15%")
    assert normalize("句末的点.") == "句末的点"  # a full stop is punctuation, a decimal point is not
    assert normalize("和/或") == "和或"


def test_different_quantities_stay_different() -> None:
    assert normalize("3000万") != normalize("300万")
    assert normalize("五年") != normalize("五月")
    assert normalize("四分之三") != normalize("三分之四")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("三千万", Decimal(30000000)),
        ("一点三万亿", Decimal("1.3e12")),
        ("3000万", Decimal(30000000)),
        ("二〇二四", Decimal(2024)),
        ("十五", Decimal(15)),
        ("一百零五", Decimal(105)),
        ("一万三千", Decimal(13000)),
        ("十四五", None),
        ("一万五", None),
        ("百", None),
    ],
)
def test_parse_number(text: str, value: Decimal | None) -> None:
    assert parse_number(text) == value


def test_strip_citation_markers() -> None:
    assert strip_citation_markers("自2014年5月1日起施行[1]。［2］【3】[1,2]") == "自2014年5月1日起施行。"
    assert strip_citation_markers("第[一]条") == "第[一]条"


_NUMERIC_CHARS = (
    "零〇一二两三四五六七八九十百千万亿点分之第至到或年人户%‰./-~—，。、 \u3000０１２３Ａａ0123456789统农"
)
_NUMERIC_ALPHABET = st.sampled_from([*_NUMERIC_CHARS, "百分之", "四分之三", "平方米", "1.3", "十四五", "[1]"])


@settings(max_examples=400)
@given(st.lists(_NUMERIC_ALPHABET, max_size=16).map("".join))
def test_normalize_is_idempotent_on_numeral_soup(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@settings(max_examples=300)
@given(st.text(max_size=40))
def test_normalize_is_idempotent_on_any_text(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once
    assert not any(ch.isspace() for ch in once)


def test_split_segments_keeps_numbers_whole() -> None:
    assert split_segments("4G 5G、第[1]条") == ["4G", "5G", "第", "1", "条"]
    assert split_segments("3,000万元，增长6.5%，3/4以上，5-10年") == [
        "3,000万元",
        "增长6.5%",
        "3/4以上",
        "5-10年",
    ]


def test_an_items_bracketed_number_does_not_glue_onto_the_numeral_after_it() -> None:
    # （二）二类疫病 read as 二二类 would hide 二类疫病; （一）二十四小时 as 一二十四 would hide 24小时.
    assert key_accuracy("（二）二类疫病，是指狂犬病、布鲁氏菌病等", ["二类疫病"])
    assert key_accuracy("（一）二十四小时尚未扑灭明火的", ["二十四小时尚未扑灭明火"])
    assert normalize("（二）二类疫病") == normalize("二类疫病") == normalize(normalize("（二）二类疫病"))
