"""Dates of taking effect, event days and periods 之内; 什么时候 answered by events, named periods and months
counted from an event; loose cases against tiered ranges (不到一亩, 三亩多); bodies read without the words that
introduce them; lengths asked in 米; an amount per day not answered by a length of time."""

from __future__ import annotations

import pytest

from assistant.conditions import Quantity, condition_fit, intervals, stated_quantities
from assistant.extract import bodies, dates
from assistant.question import analyse

EFFECT = "第十六条 本法自2019年9月1日起施行。"
REPEALED = "2007年12月1日国务院公布的《中华人民共和国耕地占用税暂行条例》同时废止。"
AMENDED = "1997年7月18日通过、2001年5月18日修改的《北京市农业机械管理条例》同时废止。"
TIERS = (
    "（一）人均耕地不超过一亩的地区，每平方米为十元至五十元；",
    "（二）人均耕地超过一亩但不超过二亩的地区，每平方米为八元至四十元；",
    "（三）人均耕地超过二亩但不超过三亩的地区，每平方米为六元至三十元；",
    "（四）人均耕地超过三亩的地区，每平方米为五元至二十五元。",
)


def _spans(question: str, sentence: str) -> list[str]:
    info = analyse(question)
    return [s.text for s in info.answer_type.spans(info, sentence)]


@pytest.mark.parametrize("question", ["这部法是哪天开始施行的？", "北京农机条例是什么时候开始施行的？"])
def test_the_date_of_taking_effect_is_the_one_施行_follows(question: str) -> None:
    assert _spans(question, EFFECT) == ["自2019年9月1日起施行"]
    assert _spans(question, REPEALED) == []  # the date of the act the law repeals
    assert _spans(question, AMENDED) == []
    assert _spans(question, "本条例于2011年3月1日施行。") == ["于2011年3月1日"]


def test_a_period_may_end_in_之内() -> None:
    sentence = "区县人民政府接到大型地质灾害灾情报告后，应当在一小时之内报告市人民政府。"
    assert [d.text for d in dates(sentence)] == ["一小时之内"]
    assert [d.text for d in dates("应当自受理之日起十五个工作日之内作出决定。")] == ["十五个工作日之内"]


def test_a_term_may_be_counted_in_cycles_of_the_work() -> None:
    info = analyse("种畜的档案最少得留多久？")
    sentence = "养殖档案保存期限不得少于三个养殖周期。"
    assert [s.text for s in info.answer_type.spans(info, sentence)] == ["三个养殖周期"]
    assert dates("每个周期结束后报告。") == []  # no figure, no term


def test_从哪天算起_is_answered_by_the_day_of_an_event_and_a_period_is_not_a_day() -> None:
    start = "第十条 纳税义务发生时间为纳税人收到自然资源主管部门办理占用耕地手续的书面通知的当日。"
    period = "纳税人应当自纳税义务发生之日起三十日内申报缴纳耕地占用税。"
    question = "耕地占用税的纳税义务从哪天算起？"
    assert _spans(question, start) == ["纳税人收到自然资源主管部门办理占用耕地手续的书面通知的当日"]
    assert _spans(question, period) == ["纳税义务发生之日"]  # not 三十日内, a period
    assert _spans("每年几月几号截止？", "每年3月10日前申报。") == ["每年3月10日前"]


@pytest.mark.parametrize(
    ("question", "case", "tier"),
    [
        ("我们县人均耕地不到一亩，每平方米交多少？", Quantity(0.5, "亩"), 0),
        ("人均耕地三亩多的地方，一平米收多少？", Quantity(3.5, "亩"), 3),
        ("人均耕地超过三亩的，一平米收多少？", Quantity(3.5, "亩"), 3),
        ("人均耕地正好一亩，一平米收多少？", Quantity(1.0, "亩"), 0),  # 不超过一亩 holds one mu
        ("人均耕地两亩，一平米收多少？", Quantity(2.0, "亩"), 1),  # 超过一亩但不超过二亩 holds two
    ],
)
def test_a_loose_case_is_held_by_the_one_tier_whose_range_holds_it(
    question: str, case: Quantity, tier: int
) -> None:
    assert stated_quantities(question) == [case]
    fits = [condition_fit([case], t) for t in TIERS]
    assert fits == [1.0 if i == tier else -1.0 for i in range(len(TIERS))]


def test_超过_is_a_strict_lower_bound_and_不超过_a_closed_upper_one() -> None:
    (above,) = intervals("人均耕地超过三亩的地区")
    (at_most,) = intervals("人均耕地不超过一亩的地区")
    (full,) = intervals("满三年的")
    assert not above.holds(3.0) and above.holds(3.5)
    assert at_most.holds(1.0) and not at_most.holds(1.5)
    assert full.holds(3.0)  # 满 includes its bound
    assert stated_quantities("交了三年多少钱？") == [Quantity(3.0, "年")]  # 多少 asks, it does not loosen


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        (
            "农业机械的报废条件由国务院农业机械化主管部门会同国务院市场监督管理部门、工业主管部门规定。",
            ["国务院农业机械化主管部门", "国务院市场监督管理部门", "工业主管部门"],
        ),
        ("报经县农业农村主管部门批准。", ["县农业农村主管部门"]),
        ("向住房和城乡建设主管部门申请。", ["住房和城乡建设主管部门"]),  # 和 is part of the name
        ("由村民委员会负责。", ["村民委员会"]),
        ("应接受农村经营管理站和有关部门对其集体资产的审计。", ["农村经营管理站和有关部门"]),  # 经 of 经营
        ("向县经济和信息化主管部门报告。", ["县经济和信息化主管部门"]),
    ],
)
def test_a_body_is_read_without_the_words_that_introduce_it(sentence: str, found: list[str]) -> None:
    assert [b.text for b in bodies(sentence)] == found


@pytest.mark.parametrize(
    ("question", "unit"),
    [
        ("村道两边的建筑控制区至少要留几米？", "米"),
        ("村里到镇上有几公里？", "公里"),
        ("墙要多少厘米厚？", "厘米"),
    ],
)
def test_几米_and_几公里_ask_a_length(question: str, unit: str) -> None:
    info = analyse(question)
    assert info.qtype == "number" and info.unit == unit


def test_a_length_in_米_answers_几米() -> None:
    assert _spans("村道两边的建筑控制区至少要留几米？", "（三）村道不少于三米。") == ["不少于三米"]


def test_an_area_does_not_answer_a_length() -> None:
    info = analyse("农村自建房每层层高最多不能超过几米？")
    kind = info.answer_type
    for sentence, fit in (("宅基地面积不超过120平方米。", 0.2), ("层高不超过3.3米。", 1.0)):
        assert kind.fit(info, sentence, kind.spans(info, sentence)) == fit


@pytest.mark.parametrize(
    ("question", "sentence", "when"),
    [
        (
            "库区受水位影响的滑坡，什么时候是重点防范期？",
            "受长江三峡库区水位影响的地质灾害，应当将水位升降期确定为地质灾害重点防范期。",
            "水位升降期",
        ),
        ("乡里啥时候要组织巡查？", "在汛期，乡镇人民政府应当组织巡查。", "汛期"),
        (
            "施工队要关门了，欠的工钱最晚啥时候得结清？",
            "应当在申请注销登记前依法清偿拖欠的农民工工资。",
            "申请注销登记前",
        ),
        ("赶上国庆放假，工钱啥时候发？", "应当在法定节假日或者休息日前支付。", "法定节假日或者休息日前"),
        (
            "配套的治理工程什么时候设计、施工？",
            "地质灾害治理工程的设计、施工和验收应当与主体工程的设计、施工、验收同时进行。",
            "与主体工程的设计、施工、验收同时进行",
        ),
    ],
)
def test_什么时候_is_answered_by_an_event_a_named_period_or_alongside_another_work(
    question: str, sentence: str, when: str
) -> None:
    assert _spans(question, sentence) == [when]


def test_a_period_the_question_names_or_a_term_is_not_the_answer() -> None:
    sentence = "在地质灾害重点防范期内，乡镇人民政府应当加强巡回检查。"  # the question's own 期, with 内
    assert _spans("什么时候要加强巡回检查？", sentence) == []
    assert _spans("什么时候检查？", "合同期满后，应当检查。") == ["合同期满后"]  # 期满 names no period


def test_a_month_counted_from_an_event_answers_when_and_哪个月_asks_when() -> None:
    paid = "定期发放的，从批准的次月起计发，每月发放一次。"
    stopped = "被录用为公务员或者聘用为事业单位工作人员的，自被录用、聘用下月起停发退役金。"
    assert analyse("低保批下来以后从哪个月开始发钱？").qtype == "deadline"
    assert "次月起" in _spans("低保批下来以后从哪个月开始发钱？", paid)
    # 后来 is "later on", not a period asked: the month counted from the hiring still answers
    assert _spans("退伍军士后来考进了事业单位，退役金从啥时候起就不发了？", stopped) == [
        "自被录用、聘用下月起"
    ]


@pytest.mark.parametrize(
    ("question", "sentence", "fit"),
    [
        (
            "耕地占用税拖着没交，滞纳金一天按多少加收？",
            "纳税人应当自纳税义务发生之日起三十日内申报缴纳。",
            0.2,
        ),
        ("滞纳金一天按多少加收？", "从滞纳税款之日起，按日加收滞纳税款万分之五的滞纳金。", 1.0),
        ("低保每月能领多少钱？", "每月发放300元。", 1.0),
        ("汛期值班要求每天多少个小时？", "执行防汛二十四小时值班制度。", 1.0),  # hours asked: a time answers
    ],
)
def test_an_amount_per_day_is_not_answered_by_a_length_of_time(
    question: str, sentence: str, fit: float
) -> None:
    info = analyse(question)
    kind = info.answer_type
    assert kind.name == "number"
    assert kind.fit(info, sentence, kind.spans(info, sentence)) == fit


def test_bodies_joined_by_a_conjunction_are_one_answer_and_none_starts_with_it() -> None:
    # 或者 joins two bodies either of which answers: the lead is both, never 或者市场监督管理部门.
    sentence = "当事人可以向县级以上地方人民政府农业机械化主管部门或者市场监督管理部门投诉。"
    assert [s.text for s in bodies(sentence)] == [
        "县级以上地方人民政府农业机械化主管部门或者市场监督管理部门"
    ]
    assert [s.text for s in bodies("由乡镇人民政府和村民委员会负责。")] == ["乡镇人民政府和村民委员会"]
    for sentence in (
        "可以依法向县级以上人民政府或者其移民管理机构反映。",
        "由各级人民政府或者村民委员会推进。",
    ):
        assert not any(s.text.startswith(("或", "和", "及", "与")) for s in bodies(sentence))
