"""A figure stated for each of several parallel cases (县道…一百米、乡道…五十米、村道…二十米): the answer is the
figure whose own case alone names what the question asks of (分项数字的归属)."""

from __future__ import annotations

from assistant.answer_types.base import own_case
from assistant.question import analyse


def _pick(question: str, sentence: str, terms: list[str]) -> str | None:
    info = analyse(question)
    kind = info.answer_type
    span = kind.pick(info, sentence, kind.spans(info, sentence), terms)
    return span.text if span else None


ROADS = (
    "在县道的公路用地外缘向外一百米、乡道的公路用地外缘向外五十米、村道边沟（截水沟、坡脚护坡道）外缘向外"
    "二十米范围内不得挖砂、采石、取土。"
)


def test_the_case_that_names_the_asked_road_gives_the_figure() -> None:
    assert _pick("村道边上多远以内不准取土？", ROADS, ["村道", "取土"]) == "二十米"
    assert _pick("乡道边上多远以内不准采石？", ROADS, ["乡道", "采石"]) == "五十米"


def test_a_share_of_the_kind_asked() -> None:
    sentence = "村民代表应当占村民代表会议组成人员的五分之四以上，妇女村民代表应当占村民代表会议组成人员的三分之一以上。"
    assert (
        _pick("村民代表会议里妇女代表得占多少？", sentence, ["村民代表会议", "妇女", "代表"])
        == "三分之一以上"
    )


def test_a_penalty_s_condition_is_never_the_figure_asked() -> None:
    sentence = "没有违法所得或者违法所得不足20万元的，处20万元以上100万元以下罚款。"
    assert (
        _pick("私下搞保险没赚到钱，查出来罚多少？", sentence, ["违法所得", "罚款"]) == "20万元以上100万元以下"
    )


def test_no_case_named_alone_leaves_the_choice_to_nearness() -> None:
    info = analyse("村道边上多远以内不准取土？")
    spans = info.answer_type.spans(info, ROADS)
    assert own_case(spans, ROADS, ["取土", "外缘"]) is None  # 外缘 is in every figure's case, 取土 in none
