"""Answer types (题型) as one registry: names shared with the gold sets, cues in order, and a new type
added as one class that the whole answering path then uses."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from assistant_fakes import SETTINGS, Doc, FakeKnowledgeBase

import assistant
from assistant.answer_types import ANSWER_TYPES, AnswerType, AnswerTypes, Cue, QuestionInfo
from assistant.answerer import Answerer
from assistant.extract import Span
from assistant.question import analyse, classify
from evaluation.gold import NO_ANSWER, QUESTION_TYPES


def fit_of(info: QuestionInfo, sentence: str) -> float:
    """How well ``sentence`` fits the question's type, read with the spans that type finds in it."""
    return info.answer_type.fit(info, sentence, info.answer_type.spans(info, sentence))


def test_the_gold_sets_use_the_registry_names_and_aliases() -> None:
    assert ANSWER_TYPES.names == QUESTION_TYPES
    assert NO_ANSWER == ANSWER_TYPES.fallback.name == "none"
    assert ANSWER_TYPES.canonical("数字") == "number" and ANSWER_TYPES.canonical(" 判断 ") == "yesno"
    assert ANSWER_TYPES.canonical("无答案") == "none" and ANSWER_TYPES.canonical("Unanswerable") == "none"
    assert ANSWER_TYPES.get("other") is ANSWER_TYPES.fallback  # the assistant's former name for it
    assert ANSWER_TYPES.canonical("multi-hop") == "multi-hop" and "multi-hop" not in ANSWER_TYPES


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("过渡期是不是五年？", "deadline"),  # a deadline cue comes before the yes/no cue
        ("每人能领多少钱吗？", "number"),  # the number cue vetoes yes/no
        ("哪三个县先行示范？", "list"),  # 哪三个 asks for items, not a count
        ("项目公示牌几天内要立起来？", "deadline"),
        ("低保由哪个部门审批？", "procedure"),
        ("什么是整体推进县？", "definition"),
        ("说说乡村振兴。", "none"),
    ],
)
def test_cues_are_tried_in_their_order(question: str, expected: str) -> None:
    assert classify(question) == expected
    assert analyse(question).answer_type is ANSWER_TYPES.get(expected)


def test_each_type_lives_in_its_own_module() -> None:
    modules = {type(t).__module__ for t in ANSWER_TYPES}
    assert len(modules) == len(ANSWER_TYPES) and all(m.startswith("assistant.answer_types.") for m in modules)


def test_the_answering_path_never_branches_on_type_names() -> None:
    root = Path(assistant.__file__).parent
    for name in (
        "question.py",
        "extract.py",
        "modals.py",
        "reader.py",
        "compose.py",
        "answerer.py",
        "engine.py",
    ):
        source = (root / name).read_text(encoding="utf-8")
        named = [t for t in (*ANSWER_TYPES.names, "other") if re.search(rf"[\"']{t}[\"']", source)]
        assert named == [], (name, named)


# -- a new type is one class --------------------------------------------------------------------------------
_PHONE = re.compile(r"\d{3,4}-\d{7,8}")


class Phone(AnswerType):
    """电话题 (phone): 值班电话是多少 — a telephone number, which leads the answer."""

    name = "phone"
    labels = ("电话",)
    cues = (Cue(5, re.compile(r"电话|热线")),)
    lead_chars = 20

    def spans(self, info: QuestionInfo, sentence: str) -> list[Span]:
        return [Span(m.start(), m.end(), "phone", m.group(0)) for m in _PHONE.finditer(sentence)]


DUTY = Doc(
    "zhiban",
    "某某镇汛期值班制度",
    "某某镇汛期值班制度\n第一条 汛期实行二十四小时值班，每班不少于2人。\n第二条 防汛值班电话为0371-12345678，接到险情报告后立即上报。",
)


def test_a_registered_type_is_used_from_question_to_answer() -> None:
    kb = FakeKnowledgeBase([DUTY])
    question = "防汛值班电话是多少？"
    with_phone = ANSWER_TYPES.with_types(Phone())
    answer = Answerer(kb, kb, kb.reader(), SETTINGS, types=with_phone).answer(question)
    assert answer.found and answer.question_type == "phone" and answer.short_answer == "0371-12345678"
    assert answer.answer.startswith("0371-12345678。防汛值班电话为0371-12345678")
    assert with_phone.canonical("电话") == "phone" and with_phone.names[-1] == "none"
    # The shared registry is unchanged: there the question asks for a number (多少).
    assert "phone" not in ANSWER_TYPES and classify(question) == "number"
    assert Answerer(kb, kb, kb.reader(), SETTINGS).answer(question).question_type == "number"


def test_a_label_two_types_claim_is_refused() -> None:
    class Clash(Phone):
        name = "clash"
        labels = ("数字",)

    with pytest.raises(ValueError, match="数字"):
        ANSWER_TYPES.with_types(Clash())
    with pytest.raises(ValueError, match="no name"):
        AnswerTypes([AnswerType()], fallback=ANSWER_TYPES.fallback)


@pytest.mark.parametrize(
    "question",
    ["乡村振兴促进法什么时侯开始实行？", "这个条例啥时侯起实行", "办法从哪天开始实行"],
)
def test_a_misspelled_or_colloquial_when_question_asks_for_the_day_it_takes_effect(question: str) -> None:
    info = analyse(question)
    assert info.qtype == "deadline"
    spans = info.answer_type.spans(info, "第七十四条 本法自2021年6月1日起施行，十日内公布。")
    assert [s.text for s in spans] == ["自2021年6月1日起施行"]  # the calendar day, not a period


def test_which_year_asks_a_year_of_the_calendar() -> None:
    info = analyse("决定里说高水平社会主义市场经济体制要到哪一年全面建成？")
    assert info.qtype == "deadline"
    kind = info.answer_type
    goal = "到二〇三五年，全面建成高水平社会主义市场经济体制。"
    assert [s.text for s in kind.spans(info, goal)] == ["到二〇三五年"]
    assert kind.spans(info, "每年对改革进展评估一次，三十日内报告。") == []  # a period or 每年 is no year


def test_a_classification_is_answered_best_by_the_sentence_that_states_the_division() -> None:
    info = analyse("山西的县分几类？")
    division = "将全省117个县分为三类，重点帮扶县主要是巩固成果。"
    listing = "发挥农高区辐射带动作用，吸纳农村低收入人口就地就近就业、增产增效增收。"
    assert fit_of(info, division) == 1.0
    assert 0 < fit_of(info, listing) < 1.0  # any list is only a maybe


def test_a_division_into_two_named_parts_fits_a_classification_fully() -> None:
    info = analyse("申报材料分哪两种？")
    kind = info.answer_type
    assert kind.name == "classification"
    two = "第九条 申报材料分为书面材料和电子材料。"
    both = "申报材料包括身份证明和收入证明。"  # 包括 a pair is any pair, not a division
    assert fit_of(info, two) == 1.0
    assert fit_of(info, both) < 1.0


def test_a_sentence_that_defines_fits_a_definition_question_fully() -> None:
    info = analyse("乡村振兴促进法里说的“乡村”是什么意思？")
    kind = info.answer_type
    assert kind.fit(info, "本法所称乡村，是指城市建成区以外具有自然、社会、经济特征的地域综合体。", []) == 1.0
    assert kind.fit(info, "第一条 为了全面实施乡村振兴战略，制定本条例。", []) < 1.0


def test_the_quoted_term_is_the_one_asked_not_a_word_of_the_document_name() -> None:
    """工资 is in the question only as part of 工资支付条例; “农民工” is what is asked."""
    info = analyse("那个工资支付条例里说的“农民工”，具体指哪些人？")
    kind = info.answer_type
    assert info.qtype == "definition"
    assert kind.fit(info, "本条例所称农民工，是指为用人单位提供劳动的农村居民。", []) == 1.0
    assert kind.fit(info, "本条例所称工资，是指农民工为用人单位提供劳动后应当获得的劳动报酬。", []) < 1.0


@pytest.mark.parametrize(
    ("question", "sentence"),
    [
        ("成员较少的集体经济组织，监事能设几个？", "成员较少的可以设一至二名监事。"),
        ("山西要做优多少个扶贫车间？", "做优现有1000家扶贫车间。"),
        ("村务监督委员会有几个人？", "村务监督委员会由三至五名成员组成。"),
    ],
)
def test_the_general_measure_word_is_answered_by_any_counting_unit(question: str, sentence: str) -> None:
    info = analyse(question)
    assert info.qtype == "number"
    assert info.answer_type.fit(info, sentence, info.answer_type.spans(info, sentence)) == 1.0
    money = analyse("每人每月补助多少钱？")
    assert money.answer_type.fit(money, sentence, money.answer_type.spans(money, sentence)) < 1.0


@pytest.mark.parametrize(
    "question", ["公示牌要在多少天里立好？", "最晚几天得把公示牌立起来？", "要提前几天通知？"]
)
def test_how_many_days_within_asks_for_a_period(question: str) -> None:
    info = analyse(question)
    assert info.qtype == "deadline"
    spans = info.answer_type.spans(info, "并在开工建设后十日内设立公示牌。")
    assert [s.text for s in spans] == ["十日内"]


def test_items_each_of_the_asked_kind_answer_a_list_or_division_of_that_kind() -> None:
    division = analyse("救助分成哪几种救助？")
    named = "实行临时救助、专项救助、急难救助相衔接的制度。"
    other = "统筹城乡、区域、行业发展的制度。"
    assert fit_of(division, named) == 0.9
    assert fit_of(division, other) < 0.9
    listing = analyse("村里要建哪些制度？")
    named = "建立财务公开制度、民主理财制度和审计监督制度。"
    bare = "建立财务公开、民主理财和审计监督的工作机制。"
    assert fit_of(listing, named) == 1.0
    assert fit_of(listing, bare) < 1.0


def test_a_clause_that_files_the_subject_under_the_asked_kind_fits_a_filing_question() -> None:
    info = analyse("供销社在法律上算哪类组织？")
    filed = "供销合作社是为农服务的合作经济组织。"
    other = "供销合作社应当加强组织建设，健全组织体系。"
    assert fit_of(info, filed) == 0.9
    assert fit_of(info, other) < 0.9


def test_a_numbered_grade_fits_a_grade_question_and_a_level_of_government_does_not() -> None:
    info = analyse("这片林子算几级公益林？")
    kind = info.answer_type
    assert kind.fit(info, "生态区位重要的，划为一级公益林。", []) == 1.0
    assert kind.fit(info, "公益林由县级人民政府划定。", []) < 1.0


def test_a_scope_article_fits_a_question_on_what_a_document_covers() -> None:
    info = analyse("这个条例适用于哪些地方的果园？")
    kind = info.answer_type
    assert kind.fit(info, "本县山区丘陵地带的果园生产经营活动，适用本条例。", []) == 0.9
    assert kind.fit(info, "城市绿地内的果树，不适用本条例。", []) < 0.9  # what it leaves out
    assert kind.fit(info, "果园应当建立生产记录。", []) < 0.9


NONGZUOWU = Doc(
    "bingchong",
    "某某省农作物病虫害防治条例",
    "第二条 本条例所称农作物病虫害防治，是指对危害农作物的病、虫、草、鼠等有害生物的监测、预防与控制活动。\n"
    "第四十八条 农作物病虫害，是指对农作物产生危害的病、虫、草、鼠、软体动物和其他有害生物。\n"
    "第四十九条 本条例所称四荒资源（以下简称四荒），是指农村集体所有的荒山、荒地、荒滩、荒水。",
)


def test_a_quoted_term_is_answered_by_its_own_definition() -> None:
    """“农作物病虫害”指什么: its own definition leads over that of 农作物病虫害防治, which shares the
    question's words as well; 以下简称四荒 makes 四荒 the defined term; a word of the asked term
    (乡村 of “乡村社会治理体系”) defines only part of it."""
    info = analyse("条例讲的“农作物病虫害”具体指什么？田里的老鼠也算吗？")
    assert info.answer_type.prefers_fit(info)
    kb = FakeKnowledgeBase([NONGZUOWU])
    answer = Answerer(kb, kb, kb.reader(), SETTINGS).answer(info.text)
    assert "软体动物" in answer.answer and "监测" not in answer.answer
    four = analyse("条例里“四荒”指的是哪四样？")
    assert fit_of(four, "第二条 本条例所称四荒资源（以下简称四荒），是指农村集体所有的荒山、荒地。") == 1.0
    whole = analyse("乡村振兴促进法里要建的“乡村社会治理体系”，说的是个啥样的体系？")
    assert fit_of(whole, "本法所称乡村，是指城市建成区以外具有自然、社会、经济特征的地域综合体。") < 1.0
    assert not analyse("什么是最低生活保障？").answer_type.prefers_fit(analyse("什么是最低生活保障？"))


CHUBEI = Doc(
    "chubei",
    "某某省粮食安全保障条例",
    "第二十条 市、县人民政府需要动用上一级人民政府储备粮的，应当向上一级人民政府申请，政府储备粮的动用由本级人民政府决定。\n"
    "第二十一条 政府粮食储备分为中央政府储备和地方政府储备。",
)


def test_a_division_asked_is_answered_by_the_sentence_stating_it() -> None:
    """储备粮分成哪两块: the sentence that states the division (分为中央政府储备和地方政府储备) leads over one
    sharing more of the question's words; a classification question asking no division keeps its order."""
    info = analyse("政府手里的储备粮分成哪两块？")
    assert info.answer_type.name == "classification" and info.answer_type.prefers_fit(info)
    kb = FakeKnowledgeBase([CHUBEI])
    answer = Answerer(kb, kb, kb.reader(), SETTINGS).answer(info.text)
    assert "中央政府储备和地方政府储备" in answer.answer, answer.answer
    filed = analyse("社监会算哪类机构？")
    assert not filed.answer_type.prefers_fit(filed)
