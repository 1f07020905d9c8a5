"""Spoken Chinese in a question (口语): fillers that name no topic, adverbs that name no one, how often
something is done (多长时间…一次 → 每日), and everyday words for wages and employers."""

from __future__ import annotations

from dataclasses import replace

from assistant_fakes import SETTINGS, Doc, FakeKnowledgeBase

from assistant.answerer import Answerer
from assistant.extract import dates
from assistant.lexicon import expansions
from assistant.policy import AnswerPolicy
from assistant.question import analyse

ZAIHAI = Doc(
    "zaihai",
    "某某县自然灾害救助办法",
    "某某县自然灾害救助办法\n"
    "第十七条 灾情稳定前，受灾地区人民政府应急管理部门应当每日逐级上报自然灾害造成的人员伤亡、财产损失。\n"
    "第十八条 灾情稳定后，县级人民政府应当评估、核定并发布自然灾害损失情况。\n"
    "第二十条 禁止露天焚烧秸秆。鼓励秸秆还田。",
)
LINYI = Doc(
    "linyi",
    "临沂市美丽乡村条例",
    "临沂市美丽乡村条例\n第九条 村民应当保持房前屋后整洁。\n第十条 禁止在村庄道路上堆放杂物。",
)
SENLIN = Doc(
    "senlin",
    "某某县森林景观利用办法",
    "某某县森林景观利用办法\n第六条 开展森林景观利用活动，不得擅自采伐林木。",
)
KB = FakeKnowledgeBase([ZAIHAI, LINYI, SENLIN])
CHECKED = Answerer(KB, KB, KB.reader(), SETTINGS, policy=replace(AnswerPolicy(), check_subject=True))


def test_how_often_is_a_period_and_answers_a_how_long_between_question() -> None:
    assert [s.text for s in dates("应当每日逐级上报")] == ["每日"]
    assert [s.text for s in dates("每周公布一次，每天巡查")] == ["每周公布一次", "每天"]
    answer = CHECKED.answer("灾情还没稳住那几天，伤亡和损失多长时间往上报一次？")
    assert answer.found and answer.question_type == "deadline"
    assert answer.short_answer == "每日"


def test_spoken_fillers_are_no_question_terms() -> None:
    terms = {t.text for t in KB.reader().terms(analyse("俺们临沂这边，地里的玉米秸秆能不能一把火烧了省事？"))}
    assert {"临沂", "秸秆"} <= terms
    assert not {"俺们", "这边"} & terms


def test_an_adverb_ending_like_a_role_is_no_missing_subject() -> None:
    """顺手 ends like 骑手 and the documents never use it, but it says how, not who."""
    answer = CHECKED.answer("搞森林景观旅游，能不能顺手砍几棵树腾地方？")
    assert answer.found and "没有关于" not in answer.answer
    assert answer.short_answer == "不能"
    answer = CHECKED.answer("外卖骑手能不能在森林景观里送餐？")
    assert not answer.found and "外卖骑手" in answer.answer  # a never-used role still is


def test_everyday_words_for_wages_and_employers() -> None:
    assert "工资" in expansions("欠俺们的工钱啥时候结清？")
    assert "施工单位" in expansions("施工队要关门了")
    assert "用人单位" in expansions("老板扣着工资卡不给")
