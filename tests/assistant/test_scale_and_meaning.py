"""A period in another unit than asked (保存多少年 against 五日内) does not answer; 啥算X？ asks what X
covers even when a may-I question follows it (…这个算不算？); a figure asked of 今年 needs a document of
that year, read with the clock the answerer is given."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from assistant_fakes import SETTINGS, Doc, FakeKnowledgeBase

from assistant.answer_types.deadline import DEADLINE
from assistant.answer_types.number import NUMBER
from assistant.answerer import Answerer
from assistant.extract import dates
from assistant.question import analyse


@pytest.mark.parametrize(
    ("question", "sentence", "fits"),
    [
        ("村务公开档案要保存多少年？", "村民可以自方案公布之日起五日内提出。", False),
        ("村务公开档案要保存多少年？", "村务档案保存期限为十年。", True),
        ("几天内要答复？", "应当在收到之日起五日内答复。", True),
        ("几天内要答复？", "应当每年公布一次。", False),
        ("多长时间公布一次？", "应当每月公布一次。", True),  # no unit asked: any period
    ],
)
def test_a_period_must_be_in_a_unit_the_question_allows(question: str, sentence: str, fits: bool) -> None:
    info = analyse(question)
    assert (DEADLINE.fit(info, sentence, DEADLINE.spans(info, sentence)) == 1.0) is fits


def test_the_period_in_the_asked_unit_is_picked() -> None:
    info = analyse("这个证有效期满后多少年要重新办？")
    sentence = "有效期五年，期满前三十日内申请。"
    assert DEADLINE.pick(info, sentence, dates(sentence), ["有效期"]).text.endswith("年")


@pytest.mark.parametrize(
    "question",
    ["啥算地质灾害？俺村后山一下大雨就往下冲泥石头，这个算不算？", "什么叫特困人员？", "村里啥算集体资产？"],
)
def test_what_counts_as_a_term_asks_its_meaning(question: str) -> None:
    assert analyse(question).qtype == "definition"


def test_does_this_count_is_still_a_may_i_question() -> None:
    assert analyse("这个算不算地质灾害？").qtype == "yesno"


def test_who_decides_what_counts_asks_who() -> None:
    assert analyse("汕尾建房按户算，啥算一户由谁定？").qtype == "procedure"


def test_a_figure_in_the_asked_unit_leads_even_with_a_lone_one() -> None:
    """复议一次 answers 几回: the asked unit is chosen before a lone 一 is set aside (not 五日)."""
    info = analyse("对保护令不服，最多能申请复议几回？")
    sentence = "可以自裁定生效之日起五日内向作出裁定的人民法院申请复议一次。"
    assert NUMBER.pick(info, sentence, NUMBER.spans(info, sentence), ["复议"]).text == "一次"


# -- 今年 / 明年 read with the answerer's clock -------------------------------------------------------------

DIBAO = Doc(
    "dibao",
    "某某县农村最低生活保障实施办法",
    "某某县农村最低生活保障实施办法\n第二条 农村最低生活保障标准由县级人民政府确定，每人每月不低于500元。\n"
    "第三条 申请最低生活保障，应当向户籍所在地的乡镇人民政府提出书面申请。",
)


def _answerer(today: date, *docs: Doc) -> Answerer:
    kb = FakeKnowledgeBase(list(docs))
    return Answerer(kb, kb, kb.reader(), SETTINGS, today=lambda: today)


def test_a_figure_asked_of_this_year_needs_a_document_of_this_year() -> None:
    answer = _answerer(date(2026, 12, 1), DIBAO).answer("今年低保标准每人每月多少钱？")
    assert not answer.found and "2026年（今年）" in answer.answer


def test_the_clock_decides_which_year_this_year_is() -> None:
    held = replace(DIBAO, date="2026-03-01")
    answer = _answerer(date(2026, 12, 1), held).answer("今年低保标准每人每月多少钱？")
    assert answer.found and answer.short_answer == "不低于500元"
    assert not _answerer(date(2027, 1, 5), held).answer("今年低保标准每人每月多少钱？").found


def test_a_change_asked_of_this_or_next_year_needs_a_document_of_that_year() -> None:
    """会不会涨 / 涨了没有 asks what that year's decision says; a rule without a year does not say it."""
    answer = _answerer(date(2026, 12, 1), DIBAO).answer("明年低保标准会不会涨？")
    assert not answer.found and "2027年（明年）" in answer.answer
    answer = _answerer(date(2026, 12, 1), DIBAO).answer("今年低保标准涨了没有？")
    assert not answer.found and "2026年（今年）" in answer.answer
    held = replace(DIBAO, date="2026-03-01")
    assert "今年" not in _answerer(date(2026, 12, 1), held).answer("今年低保标准涨了没有？").answer
    # a change told, not asked: 今年 dates the asker's situation
    answer = _answerer(date(2026, 12, 1), DIBAO).answer("今年菜价涨了，低保标准每人每月多少钱？")
    assert answer.found and answer.short_answer == "不低于500元"
    answer = _answerer(date(2026, 12, 1), DIBAO).answer("今年收入降了，还能申请低保吗？")
    assert "今年" not in answer.answer


def test_this_year_as_the_askers_situation_is_no_year_asked() -> None:
    answer = _answerer(date(2026, 12, 1), DIBAO).answer("今年家里揭不开锅，能不能申请低保？")
    assert "今年" not in answer.answer


def test_this_year_outside_the_clause_that_asks_the_figure_dates_the_askers_case() -> None:
    # 今年 dates the household's own application; the clause that asks (每人每月多少钱) asks the rule.
    answer = _answerer(date(2026, 12, 1), DIBAO).answer("俺家今年刚申请了低保，标准每人每月多少钱？")
    assert answer.found and answer.short_answer == "不低于500元"
