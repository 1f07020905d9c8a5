"""A duty (应当, 必须) answers a may-I question by what it requires: 依法 in the same sentence says by what
law, not whether; an act put off (等完工以后再补装, 拖一拖) against a duty that says when (同时, 立即) is a no."""

from __future__ import annotations

import pytest
from verdict_kit import verdict_of as _short

KEPT = "义务兵和士官在服现役期间，入伍前依法取得的农村土地承包经营权，应当保留。"
AT_ONCE = "生产建设项目中的水土保持设施，应当与主体工程同时设计、同时施工、同时投产使用。"


def test_by_law_is_no_permission_beside_a_duty() -> None:
    assert (
        _short("小伙子去当兵了，他家的承包地要怎么办，能保留吗？", KEPT, ["当兵", "承包地", "保留"]) == "应当"
    )


def test_by_law_alone_still_reads_as_allowed() -> None:
    """承包方依法享有…: with no other modal, 依法 still says the law allows it."""
    sentence = "承包方依法享有承包地使用、收益的权利。"
    assert _short("承包户能不能自己决定种什么？", sentence, ["承包", "承包地", "收益"]) == "可以"


@pytest.mark.parametrize(
    "question",
    [
        "水保设施能不能等主体工程完工了再补？",
        "水土保持设施能不能等项目建完以后再慢慢补建？",
        "水土保持设施能不能往后拖一拖？",
    ],
)
def test_an_act_put_off_against_a_duty_of_when_is_a_no(question: str) -> None:
    assert _short(question, AT_ONCE, ["水土保持", "水保", "设施", "主体工程"]) == "不能"


def test_a_tractor_puts_nothing_off() -> None:
    """拖拉机 holds 拖 and proposes no delay: the duty stays a duty."""
    sentence = "拖拉机、联合收割机投入使用前，其所有人应当及时申请登记。"
    assert _short("新买的拖拉机能不能开？", sentence, ["拖拉机", "投入使用"]) == "应当"


@pytest.mark.parametrize(
    ("question", "sentence", "terms"),
    [
        ("村里能不能趁他当兵把承包地收回去？", KEPT, ["当兵", "承包经营权"]),
        (
            "普通幼儿园能拒收残疾孩子吗？",
            "普通幼儿教育机构应当接收能适应其生活的残疾儿童。",
            ["幼儿", "残疾"],
        ),
        (
            "厂里能不能扣参加军事训练的预备役人员的工资？",
            "参加军事训练期间，所在单位应当保持其原有的工资、奖金和福利待遇。",
            ["军事训练", "工资"],
        ),
        (
            "收的增殖保护费能不能挪去干别的事？",
            "单位和个人应当缴纳渔业资源增殖保护费，专门用于渔业资源的增殖和保护。",
            ["增殖保护费"],
        ),
        (
            "被提名当候选人了，还能接着留在选委会吗？",
            "村民选举委员会成员被提名为村民委员会成员候选人的，应当退出村民选举委员会。",
            ["选委会", "候选人", "提名"],
        ),
    ],
)
def test_an_act_the_duty_undoes_is_a_no(question: str, sentence: str, terms: list[str]) -> None:
    assert _short(question, sentence, terms) == "不能"


def test_a_thing_named_processing_asks_no_sanction() -> None:
    """处理终端 is a thing: the question still proposes to decide alone, against a duty to ask approval."""
    sentence = "确需改建、迁移、拆除公共处理设施的，应当报经乡镇人民政府同意。"
    question = "想把污水管和处理终端挪个地方，村里自己就能拍板吗？"
    assert _short(question, sentence, ["污水", "处理", "设施"]) == "不能"


def test_the_duty_s_own_act_asked_stays_a_duty() -> None:
    """能不能保留: the question asks for what the duty requires, not its opposite."""
    assert _short("当兵的承包地能保留吗？", KEPT, ["当兵", "承包地", "保留"]) == "应当"
