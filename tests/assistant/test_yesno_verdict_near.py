"""A yes/no verdict (可以 / 不能) comes from a modal near the question's words: 国家鼓励养老机构投保责任保险 gives
no verdict on whether the insurer may keep the steel frame; the clause is quoted as it stands."""

from __future__ import annotations

from assistant.answer_types.yesno import YESNO, verdict
from assistant.question import analyse

QUESTION = analyse("大棚让雪压塌了，保险赔了钱，保险公司说塌下来的钢架归他们，这在理不？")


def test_a_modal_far_from_every_question_word_gives_no_verdict() -> None:
    sentence = "第四十九条 国家鼓励养老机构投保责任保险，鼓励商业机构开发适合农村的产品。"
    spans = YESNO.spans(QUESTION, sentence)
    assert spans and YESNO.pick(QUESTION, sentence, spans, ["钢架", "大棚", "压塌"]) is None


def test_a_modal_beside_the_question_words_gives_the_verdict() -> None:
    sentence = "保险机构不得主张对受损保险标的残余价值的权利，大棚钢架等残余物归被保险人所有。"
    span = YESNO.pick(QUESTION, sentence, YESNO.spans(QUESTION, sentence), ["钢架", "大棚", "残余价值"])
    assert verdict(span) == "不能"
