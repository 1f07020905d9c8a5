"""A law often names a kind once by listing it and gives it a short name in brackets (…装卸单位（以下统称
高危生产经营单位）; 登记参加选举的村民（以下简称选民）). Asked what that name covers, the clause before the
bracket is the answer."""

from __future__ import annotations

import pytest

from assistant.answer_types.definition import COPULA_FIT, DEFINITION, UNMARKED_FIT
from assistant.question import analyse

LISTED = (
    "第十九条 矿山、金属冶炼、建筑施工单位和危险物品的生产、经营单位（以下统称高危生产经营单位）的主要负责人"
    "应当依法履行安全生产职责。"
)


@pytest.mark.parametrize(
    ("question", "sentence", "answer"),
    [
        (
            "条例里说的“高危生产经营单位”，都包括哪些单位？",
            LISTED,
            "矿山、金属冶炼、建筑施工单位和危险物品的生产、经营单位（以下统称高危生产经营单位）",
        ),
        (
            "选举办法里老提“选民”，具体指的是谁？",
            "村民委员会主任、副主任和委员，由登记参加选举的村民（以下简称选民）直接选举产生。",
            "由登记参加选举的村民（以下简称选民）",
        ),
        (
            "条例里的灵活就业人员指的是哪些人？",
            "无雇工的个体工商户、非全日制从业人员以及其他灵活就业人员（以下统称灵活就业人员）可以参加职工基本医疗保险。",
            "无雇工的个体工商户、非全日制从业人员以及其他灵活就业人员（以下统称灵活就业人员）",
        ),
    ],
)
def test_the_clause_a_short_name_stands_for_answers_what_it_covers(
    question: str, sentence: str, answer: str
) -> None:
    info = analyse(question)
    assert info.qtype == "definition"
    spans = DEFINITION.spans(info, sentence)
    assert [s.text for s in spans] == [answer]
    assert DEFINITION.fit(info, sentence, spans) == COPULA_FIT


def test_a_short_name_of_another_term_or_a_bare_head_defines_nothing_asked() -> None:
    """以下统称高危生产经营单位 does not say what 主要负责人 means; 以下简称企业 names no kind of 企业."""
    other = analyse("条例里说的“主要负责人”，指的是谁？")
    assert DEFINITION.spans(other, LISTED) == []
    bare = analyse("条例里讲的乡村集体所有制企业，说的是哪种企业？")
    sentence = "乡镇企业行政主管部门主管本行政区域内的乡村集体所有制企业（以下简称企业）。"
    assert DEFINITION.spans(bare, sentence) == []
    assert DEFINITION.fit(bare, sentence, []) == UNMARKED_FIT


def test_a_definition_after_the_short_name_answers_rather_than_the_name() -> None:
    """本条例所称四荒资源（以下简称四荒），是指…: the definition says what 四荒 are."""
    info = analyse("条例里的“四荒”指的是哪四样？")
    sentence = "本条例所称四荒资源（以下简称四荒），是指农村集体所有的荒山、荒地、荒滩、荒水。"
    assert DEFINITION.spans(info, sentence) == []
