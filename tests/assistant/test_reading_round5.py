"""How questions and clauses are read (issue 14): shares and sums in 万 asked, exemptions and 不能 that
describes a person, bounds a question asks to cross, terms a definition defines, lists of people."""

from __future__ import annotations

import pytest

from assistant.answer_types.definition import COPULA_FIT, PART_TERM_FIT
from assistant.answer_types.enumeration import NOT_PEOPLE_FIT
from assistant.answer_types.yesno import verdict
from assistant.extract import dates
from assistant.modals import obligations
from assistant.question import analyse, classify

# -- the unit asked: a share (比例), a sum in 万 (钱) -------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    ["村集体收益用于公益事业的比例得达到百分之多少？", "脱贫人口占多少比例？", "收益的几成要分给农户？"],
)
def test_a_share_asked_has_the_unit_bili(question: str) -> None:
    assert analyse(question).unit == "比例"


def test_a_sum_asked_in_wan_is_money_but_people_or_jin_in_wan_are_not() -> None:
    assert analyse("合作社开办资金最少得有多少万？").unit == "钱"
    assert analyse("全县要培训多少万人？").unit != "钱"
    assert analyse("粮食产量要稳定在多少万亿斤？").unit != "钱"


def test_a_bare_wan_counting_people_is_not_money() -> None:
    info = analyse("全国农村低保对象有多少万？")
    sentence = "全国农村低保对象3400万人。"
    assert info.answer_type.fit(info, sentence, info.answer_type.spans(info, sentence)) == 1.0


def test_a_share_question_is_answered_only_by_a_share() -> None:
    info = analyse("村集体收益用于公益事业的比例得达到百分之多少？")
    kind = info.answer_type
    share = "村集体收益用于公益事业的比例不低于1.5%。"
    sum_only = "村集体收益提取公益金1000万元。"
    assert kind.strict(info)
    assert kind.fit(info, share, kind.spans(info, share)) == 1.0
    assert kind.fit(info, sum_only, kind.spans(info, sum_only)) < 1.0


# -- exemptions, 不能 describing a person, periods reached -------------------------------------------------


def test_bu_jiao_is_an_exemption_read_as_need_not() -> None:
    (span,) = obligations("个人不缴纳基本医疗保险费。")
    assert span.kind == "no" and verdict(span) == "不需要"


@pytest.mark.parametrize("sentence", ["申请时无需提交证明材料。", "不需要缴纳任何费用。", "免除其学杂费。"])
def test_other_exemption_words_read_as_need_not(sentence: str) -> None:
    assert [verdict(s) for s in obligations(sentence)] == ["不需要"]


def test_buneng_closed_by_de_describes_who_and_rules_nothing() -> None:
    assert [
        s.text for s in obligations("外出不能参加投票的，可以书面委托本村有选举权的近亲属代为投票。")
    ] == ["可以"]
    assert [s.text for s in obligations("对生活不能自理的残疾人，其监护人应当履行扶养义务。")] == ["应当"]


def test_an_exemption_closed_by_de_is_still_a_no() -> None:
    assert [(s.kind, s.text) for s in obligations("农民不承担兴办公益事业的筹劳义务。")] == [("no", "不承担")]


def test_a_prohibition_with_a_possessive_de_is_still_a_no() -> None:
    assert [s.text for s in obligations("任何组织和个人不能侵占村集体的财产。")] == ["不能"]


def test_a_length_reached_is_a_period_but_an_age_is_not() -> None:
    assert [s.text for s in dates("累计缴费满十五年的，按月领取基本养老金。")] == ["满十五年"]
    assert dates("年满十八周岁的村民有选举权。") == []


# -- a bound the question asks to cross ------------------------------------------------------------------

TEACHERS = "教师的平均工资水平应当不低于当地公务员的平均工资水平。"


def _verdict(question: str) -> str | None:
    info = analyse(question)
    kind = info.answer_type
    return verdict(kind.pick(info, TEACHERS, kind.spans(info, TEACHERS), []))


def test_asking_to_go_below_a_floor_is_answered_no() -> None:
    assert _verdict("教师的平均工资能不能比公务员低？") == "不能"


def test_a_floor_does_not_answer_a_question_not_about_going_below() -> None:
    assert _verdict("教师的平均工资能不能比公务员高？") == "应当"


def test_a_direction_word_inside_another_word_asks_nothing() -> None:
    info = analyse("低保户能不能领取护理补贴？")
    sentence = "低保户中的失能老人可以领取护理补贴，补贴标准不低于每人每月100元。"
    kind = info.answer_type
    assert verdict(kind.pick(info, sentence, kind.spans(info, sentence), [])) == "可以"


# -- definitions: the term defined, exact before longer, marks ignored ---------------------------------------


def _definition_fit(question: str, sentence: str) -> float:
    info = analyse(question)
    assert info.answer_type.name == "definition"
    return info.answer_type.fit(info, sentence, [])


def test_the_benfa_suocheng_prefix_is_not_part_of_the_term() -> None:
    sentence = "第二条 本法所称农村集体经济组织，是指以土地集体所有为基础的地区性经济组织。"
    assert _definition_fit("农村集体经济组织是指什么？", sentence) == 1.0


def test_a_term_then_shi_is_a_definition_by_its_form() -> None:
    sentence = "义务教育是国家统一实施的所有适龄儿童、少年必须接受的教育。"
    assert _definition_fit("什么是义务教育？", sentence) == COPULA_FIT


def test_the_exact_term_fits_over_a_longer_one_holding_it() -> None:
    question = "条例里的“村庄”是指什么？"
    exact = _definition_fit(question, "本条例所称村庄，是指农村村民居住和从事各种生产的聚居点。")
    longer = _definition_fit(question, "本条例所称村庄、集镇规划区，是指村庄、集镇建成区和规划控制的区域。")
    assert exact == 1.0 and longer == PART_TERM_FIT < exact


def test_enumeration_commas_and_quotes_are_ignored_when_matching_a_term() -> None:
    sentence = "村庄、集镇总体规划，是乡级行政区域内村庄和集镇布点规划。"
    assert _definition_fit("村庄集镇“总体规划”是什么？", sentence) == COPULA_FIT


def test_a_term_then_a_comma_and_its_scope_or_an_item_mark_first_is_a_definition() -> None:
    facilities = "第十五条 防汛工程设施，包括河道堤防、水闸、泵站、排水管道等工程设施。"
    assert _definition_fit("条例里说的“防汛工程设施”都指啥？", facilities) == 1.0
    crops = "（二）主要农作物是指稻、小麦、玉米、棉花、大豆；"
    assert _definition_fit("条例里老提“主要农作物”，到底指哪几样？", crops) == 1.0
    # a sentence that only speaks of the facilities defines nothing
    other = "水行政主管部门应当制定防汛工程设施建设的年度计划，包括资金安排。"
    assert _definition_fit("条例里说的“防汛工程设施”都指啥？", other) < 1.0


@pytest.mark.parametrize(
    ("question", "definition"),
    [
        ("浙江渔业条例里说的“渔业水域”，就是指养鱼的塘子吗？", True),
        ("给养殖场运饲料的小船，在浙江算不算“渔业船舶”？", True),
        ("河南条例里的“农村公路”都包括哪些路？村里的路算不算？", True),
        # a quoted utterance is no term of the documents, and a date asked about a quoted term is no meaning
        ("村里有人在群里发“明天后山肯定要滑坡”，他能这么随便对外发预报吗？", False),
        ("湖州说的“余村经验”，最早是哪一年提出来的？", False),
    ],
)
def test_a_term_quoted_as_the_documents_own_word_asks_its_definition(question: str, definition: bool) -> None:
    assert (classify(question) == "definition") is definition


@pytest.mark.parametrize("question", ["“农村土地”包括什么范围？", "“承包地”算个啥概念？"])
def test_a_quoted_term_with_its_scope_or_concept_asked_is_a_definition(question: str) -> None:
    assert classify(question) == "definition"


# -- lists of people, 些什么, 往哪 ----------------------------------------------------------------------------

PEOPLE = "国家对老年人、残疾人以及未满16周岁的未成年人给予特困人员供养。"
TASKS = "特困人员供养包括下列内容：提供基本生活条件、对生活不能自理的给予照料、提供疾病治疗。"


@pytest.mark.parametrize("question", ["特困供养的对象是哪几类人？", "哪些人能得到特困供养？"])
def test_a_question_on_kinds_of_people_is_not_answered_by_a_list_of_tasks(question: str) -> None:
    info = analyse(question)
    kind = info.answer_type
    assert kind.fit(info, TASKS, kind.spans(info, TASKS)) == NOT_PEOPLE_FIT
    assert kind.fit(info, PEOPLE, kind.spans(info, PEOPLE)) > NOT_PEOPLE_FIT


def test_a_list_of_tasks_still_answers_a_question_on_contents() -> None:
    info = analyse("特困供养有哪些内容？")
    assert info.answer_type.fit(info, TASKS, info.answer_type.spans(info, TASKS)) > NOT_PEOPLE_FIT


def test_xie_shenme_asks_for_a_list() -> None:
    assert classify("村务档案要记些什么？") == "list"


def test_wang_na_asks_where_a_procedure_goes() -> None:
    assert classify("申请书往哪儿递？") == "procedure"


def test_a_region_named_in_the_question_weighs_less_in_a_sentence() -> None:
    """山西 picks the documents; in a sentence it counts region_term_weight of its rarity."""
    from dataclasses import replace

    from assistant_fakes import Doc, FakeKnowledgeBase

    from assistant.policy import AnswerPolicy
    from assistant.reader import Reader

    kb = FakeKnowledgeBase([Doc("sx", "文章", "山西是脱贫攻坚的重要战场。\n将全省117个县分为三类。")])
    info = analyse("山西的县分几类？")
    half = {t.text: t.weight for t in Reader(kb.tokenizer, lambda: kb.bm25, AnswerPolicy()).terms(info)}
    full_policy = replace(AnswerPolicy(), region_term_weight=1.0)
    full = {t.text: t.weight for t in Reader(kb.tokenizer, lambda: kb.bm25, full_policy).terms(info)}
    assert half["山西"] == pytest.approx(0.5 * full["山西"]) and half["县分"] == full["县分"]
