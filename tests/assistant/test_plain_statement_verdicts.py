"""A plain statement (…计算为工龄) answers a yes/no question yes, in the question's own verb (算不算 → 算), when
it speaks of the question and restricts nothing (陈述句的是非判断)."""

from __future__ import annotations

from verdict_kit import verdict_of as _short

from assistant.answer_types.yesno import YESNO

SERVICE = "退役军人服现役年限计算为工龄，退役后与所在单位工作年限累计计算。"
POWER = "农田灌溉和排水的用电执行农业生产用电价格。"


def test_a_plain_statement_answers_yes_in_the_question_s_verb() -> None:
    assert _short("当兵那几年，退伍以后算不算工龄？", SERVICE, ["当兵", "退伍", "工龄"]) == "算"
    assert (
        _short("浇地抽水的电能不能按农业生产用电价格收？", POWER, ["浇地", "农业生产", "用电", "价格"])
        == "能"
    )
    assert _short("浇地抽水的电按农业用电价格收吗？", POWER, ["浇地", "农业", "用电", "价格"]) == "是"


def test_a_statement_that_restricts_or_defines_gives_no_verdict() -> None:
    only_one = "个人死亡同时符合领取三项丧葬补助金条件的，其遗属只能选择领取其中的一项。"
    assert _short("三样丧葬补助金能不能都领？", only_one, ["丧葬补助金", "都领"]) is None
    inside = "农村集体资产股权限于在本集体经济组织内部转让。"
    assert _short("集体资产股份能不能卖给外村人？", inside, ["集体资产", "股份", "外村"]) is None
    defined = "本条例所称湿地，是指具有显著生态功能的自然或者人工的积水地带、水域。"
    assert _short("水田算不算湿地？", defined, ["水田", "湿地"]) is None


def test_questions_a_plain_statement_does_not_settle() -> None:
    # Asking whether something is not done, comparing two cases, asking a duty, proposing a departure.
    assert _short("浇地的电是不是不用交钱？", POWER, ["浇地", "用电"]) is None
    assert _short("浇地和排水的电价一样吗？", POWER, ["浇地", "排水", "电价"]) is None
    assert _short("浇地的电要不要按农业生产用电价格交？", POWER, ["浇地", "农业生产", "用电"]) is None
    assert _short("浇地的电能不能随便按农业生产用电价格算？", POWER, ["浇地", "农业生产", "用电"]) is None


def test_a_plain_yes_gives_way_to_the_sentence_after_it() -> None:
    assert not YESNO.settled("是") and not YESNO.settled("算") and not YESNO.settled("应当")
    assert YESNO.settled("不能") and YESNO.settled("可以")


def test_the_statement_must_say_what_is_asked_not_only_the_topic() -> None:
    paid = "补贴资金由县财政统一拨付，按月发放到老年人本人账户。"
    assert _short("农村养老补贴取消了吗？", paid, ["农村", "养老", "补贴", "取消"]) is None


def test_a_negation_in_the_condition_says_who_not_whether() -> None:
    """仍在…就读的，继续予以供养: the ruling after the condition denies nothing, so the statement answers yes;
    a negation in the ruling itself (不再予以供养) still says no."""
    kept = "特困人员中的未成年人年满十六周岁后，仍在高中教育阶段就读的，继续予以供养。"
    question = "特困户家的孩子满16岁还在念高中，还能接着供养吗？"
    assert _short(question, kept, ["特困", "供养", "高中"]) == "是"
    ended = "特困人员中的未成年人年满十六周岁后，不在校就读的，不再予以供养。"
    assert _short(question, ended, ["特困", "供养", "高中"]) == "不能"


def test_a_question_closed_by_bu_asks_in_its_own_verb() -> None:
    """能拿补助不？ asks as 能不能拿补助 does; the 没 of the situation told before it (没法补休) asks nothing
    about a thing left undone, while one in the clause that asks (是不是不用交) still does."""
    paid = "对参加值班、带班的人员，无法安排补休的，给予补助。"
    words = ["值班", "补休", "补助"]
    assert _short("镇里干部天天值班，没法补休，能拿补助不？", paid, words) == "能"
    assert _short("镇里干部天天值班，没法补休，是不是不给补助？", paid, words) is None
    assert _short("镇里干部天天值班，有补助不？", paid, words) == "有"
