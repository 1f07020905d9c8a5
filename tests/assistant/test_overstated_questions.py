"""A question that overstates what it asks (是不是一刀切, 必须…吗, 能不能随便说, 马上就停了吗) against a sentence
that states no such absolute is answered no; the sentence that does state it keeps its own verdict."""

from __future__ import annotations

import pytest
from verdict_kit import verdict_of

STRAW = "支持秸秆综合利用，精准划定禁烧范围，依法依规落实禁烧管控要求。"
CERTIFICATE = "鼓励和支持农户销售农产品时开具承诺达标合格证。"
KEEP_AID = "主动申报收入变化情况的，可以按照本市有关规定，在一定期限内继续享受相应的社会救助待遇。"
ENTRUST = "选举期间外出不能参加投票的，可以书面委托本村有选举权的近亲属代为投票。"


@pytest.mark.parametrize(
    ("question", "sentence", "terms", "expected"),
    [
        ("文件是不是要求秸秆一刀切、到处都不许烧？", STRAW, ["秸秆", "禁烧"], "不是"),
        ("散户卖自家种的菜，必须开承诺达标合格证吗？", CERTIFICATE, ["合格证", "农户"], "不是必须"),
        ("低保户家里有人就业了，低保是不是马上就给停了？", KEEP_AID, ["低保", "救助", "收入"], "不是"),
        ("投票当天能不能当场写个委托条子？", ENTRUST, ["委托", "投票"], "不能"),
    ],
)
def test_an_absolute_the_sentence_does_not_state_is_a_no(
    question: str, sentence: str, terms: list[str], expected: str
) -> None:
    assert verdict_of(question, sentence, terms) == expected


def test_the_sentence_that_states_the_absolute_keeps_its_verdict() -> None:
    sentence = "高危行业的生产经营单位应当投保安全生产责任保险。"
    question = "高危行业的生产经营单位是不是必须买安全生产责任保险？"
    assert verdict_of(question, sentence, ["安全生产责任保险", "高危行业"]) == "应当"


def test_a_plain_question_keeps_the_permission() -> None:
    assert verdict_of("外出打工的村民能不能委托亲属投票？", ENTRUST, ["委托", "投票"]) == "可以"


def test_a_measure_word_is_no_absolute() -> None:
    """几只鸡: 只 counts animals here, it restricts nothing."""
    sentence = "农户可以在自家院落饲养家禽。"
    assert verdict_of("村民在自家院子养几只鸡，可以吗？", sentence, ["院落", "家禽", "自家"]) == "可以"


PLANTING = "凡居住在本省行政区域内的公民，除丧失劳动能力者外，均应当参加义务植树。"
WATER = "农村集体经济组织及其成员使用本集体经济组织的水塘、水库中的水的除外，均应当申请取水许可。"


@pytest.mark.parametrize(
    ("question", "sentence", "terms"),
    [
        ("村里有个常年瘫在床上的人，也得去参加义务植树吗？", PLANTING, ["义务植树", "参加"]),
        ("村民抽村集体水塘的水浇地，要不要办取水许可？", WATER, ["水塘", "集体", "取水许可"]),
    ],
)
def test_a_duty_asked_of_its_exception_is_not_needed(question: str, sentence: str, terms: list[str]) -> None:
    assert verdict_of(question, sentence, terms) == "不需要"


def test_a_duty_asked_plainly_stays_a_duty() -> None:
    """Neither 还/也 nor a word of the exception: the asker's case is the rule's."""
    assert verdict_of("年满十八岁的村民要不要参加义务植树？", PLANTING, ["义务植树", "参加"]) == "应当"


def test_a_sentence_without_a_modal_still_denies_an_overstated_claim() -> None:
    """分类有序做好整改 has no modal verb and no plain yes, but it speaks of the question."""
    sentence = "分类有序做好耕地“非粮化”整改，结合产业发展实际、作物生长周期等设置必要的过渡期。"
    question = "耕地“非粮化”整改，是不是要求村里马上把果树全铲了？"
    assert verdict_of(question, sentence, ["非粮化", "整改"]) == "不是"
    assert verdict_of(question, sentence, ["果树"]) is None  # a sentence that does not speak of it: none


def test_a_standard_asks_no_leave() -> None:
    """标准 holds 准 and asks no permission: an overstated claim about a standard is denied as a claim."""
    sentence = "乡、村庄的建设和发展，应当逐步达到无障碍设施工程建设标准。"
    question = "村里修路是不是全部达到无障碍标准了？"
    assert verdict_of(question, sentence, ["无障碍", "标准", "建设"]) == "不是"
