"""Divisions into numbered grades (分为Ⅰ级、Ⅱ级) and 几大类; months asked (几月到几月); what takes effect
from an event (自送达之日起生效); a fine is no answer to a figure asked of something else; bodies and items
read whole (农村集体经济组织设立的审计机构, 项目包括土地治理项目、…)."""

from __future__ import annotations

import pytest

from assistant.extract import bodies, dates, enumerations
from assistant.question import analyse

GRADES = (
    "（三）农作物病虫害灾害，是指对农作物造成重大危害的生物灾害，分为Ⅰ级（特别重大农作物病虫害灾害）、"
    "Ⅱ级（重大农作物病虫害灾害）、Ⅲ级（较大农作物病虫害灾害）。"
)


def _fit(question: str, sentence: str) -> float:
    info = analyse(question)
    kind = info.answer_type
    return kind.fit(info, sentence, kind.spans(info, sentence))


def _spans(question: str, sentence: str) -> list[str]:
    info = analyse(question)
    return [s.text for s in info.answer_type.spans(info, sentence)]


def test_a_division_into_numbered_grades_states_the_division() -> None:
    question = "浙江把农作物病虫害灾害分成几个等级？"
    assert analyse(question).answer_type.name == "classification"
    assert _fit(question, GRADES) == 1.0
    assert _fit(question, "伤残等级分为一级至十级。") == 1.0
    # a clause that only mentions a grade states no division
    assert _fit(question, "县级以上人民政府适时启动相应等级的应急响应。") < 1.0


@pytest.mark.parametrize("question", ["农业综合开发的项目分哪几大类？", "这些项目一共有几大类？"])
def test_几大类_asks_a_classification(question: str) -> None:
    assert analyse(question).answer_type.name == "classification"


@pytest.mark.parametrize("question", ["河南的禁渔期是每年几月到几月？", "防火期从几月份开始？"])
def test_months_asked_are_answered_by_months(question: str) -> None:
    assert analyse(question).answer_type.name == "deadline"
    assert _spans(question, "每年3月1日至6月30日为禁渔期。") != []
    # 每年 and a named season give no month; a fine clause that names the period gives none either
    assert _spans(question, "违反关于禁渔期的规定进行捕捞的，没收渔获物。") == []
    assert _spans(question, "每年老年节所在月为本省敬老月。") == []


def test_what_takes_effect_from_an_event_is_answered_by_that_event() -> None:
    question = "审计意见书从啥时候起生效？"
    assert _spans(question, "审计意见书自送达之日起生效，被审计单位必须执行。") == ["送达之日"]
    # a calendar date of taking effect still comes first, and an event not followed by 生效 is none
    assert _spans(question, "本条例自2017年1月1日起施行。") == ["自2017年1月1日起施行"]
    assert _spans(question, "自收到之日起十日内提出意见。") == []


def test_a_fine_does_not_answer_a_figure_asked_of_something_else() -> None:
    fine = "骗取财政资金的，追回被骗取的资金，并处被骗取财政资金百分之十以上百分之五十以下的罚款。"
    assert _fit("开发县自己要配套多少比例的资金？", fine) < 1.0
    assert _fit("骗取开发资金的罚多少比例？", fine) == 1.0  # a fine asked: the fine answers
    assert _fit("开发县自己要配套多少比例的资金？", "开发县按百分之二十的比例安排配套资金。") == 1.0


def test_a_body_is_read_whole_and_without_the_verb_before_it() -> None:
    sentence = "第四条 农村集体经济组织设立的审计机构依照本条例规定，独立行使审计监督权。"
    assert [b.text for b in bodies(sentence)] == ["农村集体经济组织设立的审计机构"]
    assert [b.text for b in bodies("应委托县农业农村主管部门组织审计。")] == ["县农业农村主管部门"]


def test_items_announced_by_包括_start_after_it_however_short_the_first() -> None:
    sentence = "第十条 农业综合开发项目包括土地治理项目、产业化经营项目、农业科学技术示范推广项目和国家规定的其他项目。"
    (items,) = enumerations(sentence)
    assert items.text.startswith("土地治理项目、")


@pytest.mark.parametrize(
    ("question", "kind"),
    [("农业综合开发的产业化经营项目有哪几类？", "classification"), ("产业化经营项目包括哪些？", "list")],
)
def test_a_run_that_lists_the_asked_thing_beside_others_does_not_say_what_it_holds(
    question: str, kind: str
) -> None:
    assert analyse(question).answer_type.name == kind
    beside = "第十条 农业综合开发项目包括土地治理项目、产业化经营项目、农业科学技术示范推广项目和其他项目。"
    holds = "产业化经营项目，包括种植养殖基地项目、农产品加工项目、流通设施项目。"
    assert _fit(question, beside) == 0.0
    assert _fit(question, holds) > 0.5


def test_多大比例_asks_a_share_not_an_area() -> None:
    question = "广东地级市划的永久基本农田，一般得占耕地总面积的多大比例？"
    assert analyse(question).unit == "比例"
    assert _fit(question, "永久基本农田一般应当占本行政区域耕地总面积的百分之八十以上。") == 1.0
    assert analyse("宅基地用耕地的最多能批多大？").unit == "平方米"  # an area is still asked so


def test_每年度终了_says_how_often() -> None:
    assert [d.text for d in dates("村民委员会、村民小组每年度终了应向村民会议报告专用基金的使用情况。")] == [
        "每年度终了"
    ]
    assert [d.text for d in dates("每季度终了之日起十五日内张榜公布。")] == ["每季度终了", "十五日内"]
    assert dates("为上一年度全国城镇居民人均可支配收入的2倍。") == []  # a year named, not how often
