"""What a figure question asks of its base (问数的对象): a share of a named base (按造价的多少), the land a
thing may occupy (占多少地), an amount per one unit of area (一平米罚多少); a range of shares is one figure."""

from __future__ import annotations

import pytest

from assistant.extract import quantities
from assistant.question import analyse


def _fit(question: str, sentence: str) -> float:
    info = analyse(question)
    kind = info.answer_type
    return kind.fit(info, sentence, kind.spans(info, sentence))


@pytest.mark.parametrize(
    "question",
    [
        "违章建房罚款是按工程造价的多少来算？",
        "单位给职工交养老保险，最少按工资总额的多少交？",
        "残疾人就业得占单位职工总数的多少？",  # 占…的多少, as before
    ],
)
def test_a_share_of_a_named_base_is_asked(question: str) -> None:
    assert analyse(question).unit == "比例"


def test_a_share_of_the_base_is_answered_by_a_share_not_by_a_sum() -> None:
    question = "违章建房罚款是按工程造价的多少来算？"
    assert _fit(question, "责令限期改正，可并处以土建工程造价百分之二至百分之四的罚款。") == 1.0
    assert _fit(question, "逾期不改正的，处一千元以上五千元以下的罚款。") < 1.0


@pytest.mark.parametrize("question", ["一座坟最多能占多少地？", "建个养殖场要占多大地才得办用地手续？"])
def test_the_land_a_thing_may_occupy_is_an_area(question: str) -> None:
    assert analyse(question).unit == "平方米"
    assert _fit(question, "单人墓穴不得超过四平方米。") == 1.0


def test_占多少_alone_still_asks_a_share() -> None:
    assert analyse("集体资产里经营性资产占多少？").unit == "比例"


@pytest.mark.parametrize("question", ["毁了村里的绿地，按面积一平米罚多少？", "退耕还林一亩地补多少？"])
def test_an_amount_per_one_unit_of_area_does_not_ask_an_area(question: str) -> None:
    assert analyse(question).unit != "平方米"


def test_a_per_unit_fine_answers_how_much_per_square_metre() -> None:
    question = "毁了村里的绿地，按面积一平米罚多少？"
    assert _fit(question, "随意侵占绿化用地的，可按侵占面积处每平方米十元至三十元的罚款。") == 1.0


@pytest.mark.parametrize(
    ("sentence", "figure"),
    [
        ("可并处以土建工程造价百分之二至百分之四的罚款。", "百分之二至百分之四"),
        ("按日加收千分之一到千分之三的滞纳金。", "千分之一到千分之三"),
        ("提取比例不低于百分之十。", "不低于百分之十"),
    ],
)
def test_a_range_of_shares_is_one_figure(sentence: str, figure: str) -> None:
    assert figure in [s.text for s in quantities(sentence)]
