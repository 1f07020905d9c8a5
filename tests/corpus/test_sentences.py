"""Tests for corpus.sentences (分句): enders, quotes, line breaks, exact spans."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from corpus.sentences import ENDERS, split_line, split_sentences
from corpus.structure import analyse


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_line(text, 0, len(text))]


def test_splits_at_full_stop_exclamation_and_question_mark() -> None:
    assert sentences("加强组织领导。压实工作责任！如何落实？") == [
        "加强组织领导。",
        "压实工作责任！",
        "如何落实？",
    ]


def test_semicolon_ends_a_sentence() -> None:
    assert sentences("一是稳产；二是增收；三是保障。") == ["一是稳产；", "二是增收；", "三是保障。"]


def test_full_stop_inside_quotes_stays_inside_the_quoted_sentence() -> None:
    text = "会议强调：“要抓好落实。不得搞形式主义。”"
    assert sentences(text) == [text]
    out = sentences("他强调：“要抓好落实。”随后散会。")
    assert out[0].startswith("他强调：“要抓好落实。”")
    assert "".join(out) == "他强调：“要抓好落实。”随后散会。"


def test_closing_quote_after_an_ender_stays_with_its_sentence() -> None:
    assert sentences("要求抓好落实。”下一句。") == ["要求抓好落实。”", "下一句。"]


def test_book_title_marks_and_parentheses_do_not_split() -> None:
    text = "依据《关于做好春耕生产的通知。》（见附件。）执行。"
    assert sentences(text) == [text]


def test_runs_of_enders_stay_together() -> None:
    assert sentences("真的吗？！是的。。好") == ["真的吗？！", "是的。。", "好"]


def test_unbalanced_quote_falls_back_to_plain_splitting() -> None:
    assert sentences("“未闭合的引号。后面还有。") == ["“未闭合的引号。", "后面还有。"]


def test_ascii_enders_split_too() -> None:
    assert sentences("Is it? Yes; ok!") == ["Is it?", "Yes;", "ok!"]


def test_spans_are_trimmed_of_blanks() -> None:
    text = "  　第一句。  第二句！ \t"
    spans = list(split_line(text, 0, len(text)))
    assert [text[s:e] for s, e in spans] == ["第一句。", "第二句！"]
    assert spans[0][0] == 3


def test_split_line_respects_the_given_window() -> None:
    text = "不要这一句。第一句。第二句。不要这一句。"
    assert [text[s:e] for s, e in split_line(text, 6, 14)] == ["第一句。", "第二句。"]


def test_line_breaks_end_sentences_and_blank_lines_vanish() -> None:
    text = "第一行没有句号\n第二行。第三句\n\n　　第四行。\n"
    found = [(text[s:e], line.start) for s, e, line in split_sentences(text, analyse(text))]
    assert found == [("第一行没有句号", 0), ("第二行。", 8), ("第三句", 8), ("第四行。", 19)]


BODY = st.text(alphabet="政策乡村振兴农民“”（）《》，。！？；!? \u3000\n", max_size=120)


@given(BODY)
def test_sentences_are_ordered_exact_nonblank_and_cover_all_text(text: str) -> None:
    lines = analyse(text)
    found = split_sentences(text, lines)
    previous_end = 0
    for s, e, line in found:
        assert previous_end <= s < e <= len(text)
        assert line.start <= s and e <= line.end
        piece = text[s:e]
        assert "\n" not in piece
        assert piece == piece.strip(" \t\u3000\xa0")
        previous_end = e
    # Every non-blank character belongs to exactly one sentence.
    covered = {i for s, e, _ in found for i in range(s, e)}
    visible = {i for i, ch in enumerate(text) if ch not in " \t\u3000\xa0\n"}
    assert visible <= covered


@given(BODY)
def test_an_ender_outside_quotes_is_followed_by_a_sentence_break(text: str) -> None:
    for line in text.split("\n"):
        if any(q in line for q in "“”（）《》"):
            continue  # quotation rules apply
        for sentence in sentences(line):
            inner = sentence.rstrip("".join(ENDERS))
            assert not set(inner) & ENDERS
