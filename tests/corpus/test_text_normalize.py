"""Tests for corpus.normalize (匹配用规范化与偏移映射): folding, idempotence, offsets back to the original."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from corpus.normalize import ZERO_WIDTH, fold_char, normalize, normalize_text

# Chinese policy text with everything normalization has to deal with: full-width letters, digits
# and punctuation, ideographic and no-break spaces, tabs, CR, blank lines and invisible characters.
ALPHABET = (
    "乡村振兴第一条章节政策农民保障“”‘’（）《》、，。！？；："
    "ＡＢＣａｂｃ０１２９！（）＋－"
    "ABCabc0129.,;()-"
    " \t\r\n\u3000\xa0"
    "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f"
)
# Runs of mixed blanks (" \n", "\r\n", "\u3000\n") are what the offset map gets wrong, so build
# texts from such pieces as well as from single characters.
PIECES = [" ", "\n", " \n", "\n ", "\r\n", "\u3000\n", "\t \n\n", "\xa0", "\u200b", "\u200b\n", "　　"]
PIECES += ["乡村振兴", "第一条", "ＡＢ１２", "Ab", "“三农”", "。", "，", "（一）"]
texts = st.one_of(
    st.text(alphabet=ALPHABET, max_size=80),
    st.lists(st.sampled_from(PIECES), max_size=25).map("".join),
)


def expected_fold(ch: str) -> str:
    folded = fold_char(ch)
    return " " if folded.isspace() and folded != "\n" else folded


def test_full_width_letters_digits_and_punctuation_fold_to_ascii() -> None:
    assert normalize_text("２０２４年ＡＢＣ（一）！") == "2024年abc(一)!"


def test_ideographic_space_tabs_and_runs_of_blanks_collapse_to_one_space() -> None:
    assert normalize_text("第一条\u3000\u3000为了\t\t促进\xa0 发展") == "第一条 为了 促进 发展"


def test_zero_width_characters_are_dropped() -> None:
    assert normalize_text("乡\u200b村\ufeff振\u00ad兴") == "乡村振兴"


def test_line_break_wins_over_surrounding_spaces() -> None:
    norm = normalize("第一条 \n \n第二条")
    assert norm.text == "第一条\n第二条"
    # The kept line break maps to a line break of the original, not to the space before it.
    assert "第一条 \n \n第二条"[norm.offsets[3]] == "\n"


def test_chinese_characters_are_not_changed() -> None:
    text = "两不愁三保障“三位一体”《乡村振兴促进法》。"
    assert normalize_text(text) == text


def test_to_original_maps_a_match_back_to_an_exact_span() -> None:
    original = "　　第十二条　国家支持\u200b乡村振兴重点帮扶县发展。"
    norm = normalize(original)
    start = norm.text.index("乡村振兴")
    a, b = norm.to_original(start, start + len("乡村振兴重点帮扶县"))
    assert original[a:b] == "乡村振兴重点帮扶县"
    # The zero-width space inside the span is part of the original span.
    a, b = norm.to_original(norm.text.index("支持"), norm.text.index("重点"))
    assert original[a:b] == "支持\u200b乡村振兴"


def test_empty_span_maps_to_a_position() -> None:
    norm = normalize("ａｂ")
    assert norm.to_original(1, 1) == (1, 1)
    assert norm.to_original(2, 2) == (2, 2)


@given(texts)
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once


@given(texts)
def test_every_normalized_character_comes_from_its_original_offset(text: str) -> None:
    norm = normalize(text)
    assert len(norm.offsets) == len(norm.text)
    assert norm.original_length == len(text)
    assert list(norm.offsets) == sorted(set(norm.offsets))  # strictly increasing
    for i, offset in enumerate(norm.offsets):
        assert expected_fold(text[offset]) == norm.text[i]


@given(texts)
def test_no_zero_width_and_no_double_blanks_survive(text: str) -> None:
    out = normalize_text(text)
    assert not ZERO_WIDTH & set(out)
    assert "  " not in out and "\n\n" not in out and " \n" not in out and "\n " not in out
    assert "\t" not in out and "\u3000" not in out and "\r" not in out


@given(texts, st.data())
def test_any_normalized_span_maps_back_to_original_text_that_normalizes_to_it(
    text: str, data: st.DataObject
) -> None:
    norm = normalize(text)
    n = len(norm.text)
    start = data.draw(st.integers(0, n))
    end = data.draw(st.integers(start, n))
    a, b = norm.to_original(start, end)
    assert 0 <= a <= b <= len(text)
    assert normalize_text(text[a:b]) == norm.text[start:end]


@given(st.one_of(texts, st.text(max_size=40)))
def test_normalize_text_is_the_text_of_normalize(text: str) -> None:
    assert normalize_text(text) == normalize(text).text
