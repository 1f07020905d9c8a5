"""Hours asked (几个钟头内); by when (啥时候之前 → 汛前, 雨季到来之前); terms counted in periods of the work
(一个潜伏期以上); how often answered by a 年度 of what is asked; a document's scope asked as 适用范围 / 都管哪些;
a share answering how many people (超过全体选民半数, 过半数); a region's rules in general (浙江规定)."""

from __future__ import annotations

import pytest

from assistant.extract import dates, quantities
from assistant.question import analyse


def _spans(question: str, sentence: str) -> list[str]:
    info = analyse(question)
    return [s.text for s in info.answer_type.spans(info, sentence)]


def _fit(question: str, sentence: str) -> float:
    info = analyse(question)
    kind = info.answer_type
    return kind.fit(info, sentence, kind.spans(info, sentence))


def test_几个钟头内_asks_a_time_and_hours_answer_it() -> None:
    question = "疫情发生后，最迟几个钟头内要报国务院？"
    assert analyse(question).answer_type.name == "deadline"
    assert _fit(question, "省人民政府和国务院兽医主管部门应当在4小时内向国务院报告。") == 1.0


@pytest.mark.parametrize(
    ("question", "sentence", "span"),
    [
        (
            "防洪设施的检查，防汛指挥部得赶在啥时候之前搞完？",
            "各级防汛指挥部应当在汛前对各类防洪设施组织检查。",
            "汛前",
        ),
        (
            "防汛指挥部要赶在什么时候之前搞安全检查？",
            "雨季到来之前，当地人民政府防汛指挥部应当组织有关单位进行安全检查。",
            "雨季到来之前",
        ),
    ],
)
def test_啥时候之前_asks_by_when_and_an_event_answers(question: str, sentence: str, span: str) -> None:
    assert span in _spans(question, sentence)
    assert _fit(question, sentence) == 1.0


def test_a_term_may_be_counted_in_periods_of_the_work() -> None:
    sentence = "自最后一头发病动物处理完毕起，经过一个潜伏期以上的监测，未出现新的病例的，解除封锁。"
    assert [d.text for d in dates(sentence)] == ["一个潜伏期以上"]
    assert dates("在防火期限内禁止野外用火。") == []  # 期限 is no period of the work


def test_how_often_is_answered_by_a_年度_of_what_is_asked() -> None:
    question = "县里的专项扶贫资金，多长时间往财政预算里列一回？"
    assert _spans(question, "县级以上人民政府应当将财政专项扶贫资金列入年度财政预算。") == ["年度"]
    # a 年度 of something else (年度计划 for 换证) does not say how often the asked thing happens
    assert _spans("残疾人证多长时间得换一次新证？", "制定残疾人事业发展规划和年度计划。") == []
    assert _spans(question, "按照上一年度的标准执行。") == []


@pytest.mark.parametrize(
    "question", ["国务院的防汛条例，适用范围是啥？", "广东的乡村振兴促进条例，都管哪些方面的活动？"]
)
def test_适用范围_and_都管哪些_ask_what_a_document_covers(question: str) -> None:
    assert analyse(question).answer_type.name == "definition"
    assert _fit(question, "在中华人民共和国境内进行防汛抗洪活动，适用本条例。") > _fit(
        question, "防汛工作实行各级人民政府行政首长负责制。"
    )


def test_who_manages_is_asked_of_a_body_not_of_what_is_covered() -> None:
    assert analyse("德州养老服务这块儿，牵头管的是哪个部门？").answer_type.name == "procedure"
    assert analyse("这个条例管的是哪些事？").answer_type.name == "definition"


def test_a_share_of_those_counted_answers_how_many_people() -> None:
    assert [q.text for q in quantities("参加投票的选民超过全体选民半数的，选举有效。")] == [
        "超过全体选民半数"
    ]
    question = "要多少人来投票、多少人同意才算通过？"
    assert _fit(question, "罢免村民委员会成员，应当有选民过半数投票，并经参加投票的选民过半数通过。") == 1.0


def test_管的是哪些_asks_scope_and_遵守本法_states_it() -> None:
    question = "浙江这个土地承包实施办法，管的是哪些事？"
    assert analyse(question).answer_type.name == "definition"
    scope = "在本国管辖水域从事养殖和捕捞水生动物、水生植物等渔业生产活动，都必须遵守本法。"
    assert _fit("渔业法到底管哪些事？", scope) > _fit(
        "渔业法到底管哪些事？", "渔业生产者应当依法缴纳渔业资源增殖保护费。"
    )


def test_占_the_whole_的多少_asks_a_share() -> None:
    question = "重点防护林和特种用途林加起来至少得占森林总面积的多少？"
    assert analyse(question).unit == "比例"
    assert _fit(question, "重点防护林和特种用途林的面积，不得少于本行政区域森林总面积的30%。") == 1.0


def test_a_bound_makes_a_lone_一_the_figure() -> None:
    question = "一个行政村最少得集中配多少处居家养老服务用房？"
    assert analyse(question).answer_type.name == "number"
    assert _fit(question, "每个行政村至少集中配置一处居家养老服务用房。") == 1.0
    # without a bound the lone 一 reads as an article (一个行政村), not as the count asked
    assert _fit(question, "一个行政村应当配套建设居家养老服务用房。") < 1.0
