"""Penalty figures read for the party asked, figures in more units, how-soon answers, and a penalty clause
as close in meaning as the deeds it lists."""

from __future__ import annotations

from dataclasses import replace

import pytest
from assistant_fakes import Doc, FakeKnowledgeBase

from assistant.extract import quantities
from assistant.policy import AnswerPolicy
from assistant.question import analyse
from assistant.reader import Reader

BOTH_PARTIES = (
    "违反本条例规定，未经批准在林区野外用火的，责令停止违法行为，对有关责任人员处200元以上3000元以下罚款，"
    "对有关责任单位处1万元以上5万元以下罚款。"
)


def _short(question: str, sentence: str) -> str | None:
    info = analyse(question)
    kind = info.answer_type
    picked = kind.pick(info, sentence, kind.spans(info, sentence), [])
    return picked.text if picked else None


@pytest.mark.parametrize(
    ("question", "figure"),
    [
        ("有人没经批准在林子边上烧荒，罚多少钱？", "200元以上3000元以下"),  # a person unless a unit is named
        ("对个人一般罚多少钱？", "200元以上3000元以下"),
        ("他是个人，不是单位，最多罚多少？", "200元以上3000元以下"),
        ("有家厂子没经批准在林区用火，罚多少钱？", "1万元以上5万元以下"),
        ("合作社在林区烧荒被查住了，罚款多少？", "1万元以上5万元以下"),
    ],
)
def test_a_penalty_figure_is_the_one_for_the_party_asked(question: str, figure: str) -> None:
    assert _short(question, BOTH_PARTIES) == figure


def test_a_question_asking_of_both_parties_or_a_clause_fining_one_is_read_as_before() -> None:
    both = "个人罚多少？单位呢？"
    info = analyse(both)
    spans = info.answer_type.spans(info, BOTH_PARTIES)
    assert len(spans) == 2 and _short(both, BOTH_PARTIES) in {s.text for s in spans}
    one = "对违法单位处五千元以上五万元以下罚款。"
    assert _short("有人乱倒垃圾，罚多少钱？", one) == "五千元以上五万元以下"


@pytest.mark.parametrize(
    ("sentence", "figure"),
    [
        ("每人每年补助口粮50公斤。", "50公斤"),
        ("每户饲养不超过10头。", "不超过10头"),
        ("配备消防车2辆。", "2辆"),
        ("培训不少于24学时。", "不少于24学时"),
        ("自建住房不超过三层。", "不超过三层"),
        ("笔试成绩加5分。", "5分"),
        ("占用25度以上坡耕地的，不计入补充耕地。", "25度以上"),
    ],
)
def test_figures_in_weights_heads_vehicles_hours_floors_degrees_and_points_are_quantities(
    sentence: str, figure: str
) -> None:
    assert figure in [q.text for q in quantities(sentence)]


def test_十分_is_very_not_ten_points() -> None:
    assert quantities("这项工作十分重要。") == []


@pytest.mark.parametrize(
    ("question", "unit"),
    [
        ("农村自建房最多能盖几层？", "层"),
        ("服务满两年，考研能加几分？", "分"),
        ("一亩地补多少公斤种子？", "公斤"),
    ],
)
def test_几层_and_几分_ask_a_figure_in_that_unit(question: str, unit: str) -> None:
    info = analyse(question)
    assert info.qtype == "number" and info.unit == unit


def test_a_figure_in_another_unit_does_not_answer_a_question_about_points() -> None:
    info = analyse("大学生村官服务满两年，考研能加多少分？")
    kind = info.answer_type
    sentence = "退役军士在中等以上城市安置的，应当结婚满2年。"
    assert kind.strict(info) and kind.fit(info, sentence, kind.spans(info, sentence)) < 1.0


def test_how_soon_answers_啥时候_when_no_date_is_set() -> None:
    info = analyse("集体的大事啥时候得跟成员公开？")
    kind = info.answer_type
    sentence = "涉及成员利益的重大事项应当及时公布。"
    spans = kind.spans(info, sentence)
    assert kind.fit(info, sentence, spans) == 1.0 and _short(info.text, sentence) == "及时公布"
    # 多久 asks a length: 及时 states none.
    period = analyse("重大事项公布以后要公示多久？")
    assert period.answer_type.fit(period, sentence, period.answer_type.spans(period, sentence)) == 0.0


def test_a_clause_opening_the_sentence_with_前_or_后_answers_什么时候() -> None:
    info = analyse("修水电站，项目法人最晚什么时候要签移民安置协议？")
    kind = info.answer_type
    sentence = "第二十七条 大中型水利水电工程开工前，项目法人应当与地方人民政府签订移民安置协议。"
    assert _short(info.text, sentence) == "大中型水利水电工程开工前"  # the article number is not the time
    assert kind.fit(info, sentence, kind.spans(info, sentence)) == 1.0
    # Mid-sentence, a clause ending in 前 is no time of the rule: 项目法人应当…，前款规定的…
    assert kind.spans(info, "项目法人应当签订协议，并报送前款规定的机关。") == []


PENALTIES = Doc(
    "caoyuan",
    "草原防火办法",
    "第一条 违反本办法规定，有下列行为之一的，对有关责任人员处200元以上2000元以下罚款：\n"
    "（一）在草原上行驶的公共交通工具上的旅客丢弃火种的；\n"
    "（二）机动车辆未安装防火装置的。\n"
    "第二条 草原防火工作实行预防为主的方针。",
)


def test_a_penalty_clause_is_as_close_in_meaning_as_its_closest_item() -> None:
    kb = FakeKnowledgeBase([PENALTIES])
    question = "坐班车的乘客往窗外扔烟头，罚多少？"
    hits = kb.retrieve("草原 防火 罚款 旅客")

    def similarity(q: str, units: list[tuple[str, int, int, str]]) -> list[float | None]:
        return [0.95 if "旅客丢弃火种" in text else 0.85 for _, _, _, text in units]

    def lead_closeness(reader: Reader) -> float:
        reading = reader.read(analyse(question), hits, similarity=similarity)  # type: ignore[arg-type]
        return next(ev.closeness for ev in reading.evidence if "有下列行为之一" in ev.text)

    def reader(lend: bool) -> Reader:  # the document's text is known: the items are in other passages
        policy = replace(AnswerPolicy(), items_lend_closeness=lend)
        return Reader(kb.tokenizer, lambda: kb.bm25, policy, texts=kb.text)

    assert lead_closeness(reader(True)) == 1.0
    assert lead_closeness(reader(False)) < 1.0


def test_个_answers_a_count_of_things_but_not_of_people_or_households() -> None:
    things = analyse("脱贫地区修的旅游公路主线一共有几条？")
    kind = things.answer_type
    sentence = "打造三个一号旅游公路。"
    assert kind.fit(things, sentence, kind.spans(things, sentence)) == 1.0
    households = analyse("这次一共搬迁了几户？")
    sentence = "涉及三个村。"
    assert (
        households.answer_type.fit(households, sentence, households.answer_type.spans(households, sentence))
        < 1.0
    )
