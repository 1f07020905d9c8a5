"""A bare 可 grants permission (可并处, 可向…申请); inside a word it grants nothing (许可证, 可能, 可持续,
不可抗力): a prohibition beside 可能造成 stays a prohibition."""

from __future__ import annotations

import pytest
from verdict_kit import verdict_of

from assistant.modals import obligations

SPOIL = (
    "禁止向农用地排放重金属或者其他有毒有害物质含量超标的污水、污泥，以及可能造成土壤污染的清淤底泥、"
    "尾矿、矿渣等；"
)


@pytest.mark.parametrize(
    "sentence",
    [
        "应当取得水产苗种生产许可证。",
        "因不可抗力造成损失的，依法处理。",
        "推动农业可持续发展，利用可再生能源。",
        "提高农村居民人均可支配收入。",
        "经县级人民政府认可的检测机构出具报告。",
    ],
)
def test_ke_inside_a_word_is_no_permission(sentence: str) -> None:
    assert all(span.text != "可" for span in obligations(sentence))


@pytest.mark.parametrize("sentence", ["可并处一万元以下罚款。", "当事人可向县级人民政府申请调处。"])
def test_bare_ke_still_permits(sentence: str) -> None:
    assert [span.text for span in obligations(sentence)] == ["可"]


def test_a_prohibition_beside_kenneng_says_no() -> None:
    question = "矿上想把尾矿、矿渣拉到村里庄稼地里填，允许吗？"
    assert verdict_of(question, SPOIL, ["尾矿", "矿渣"]) == "不能"
