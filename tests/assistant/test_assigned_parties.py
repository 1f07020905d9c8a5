"""Who is answered by the party a clause assigns a duty, a cost or ownership to (责任人、费用承担、归属):
管理者为责任人, 费用由责任单位承担, 归全体村民共同所有 — for questions that ask 谁 only."""

from __future__ import annotations

import pytest

from assistant.answer_types.procedure import ACTOR_FIT, PROCEDURE
from assistant.compose import compose
from assistant.question import analyse
from assistant.reader import Evidence
from assistant.types import Chunk, Hit


@pytest.mark.parametrize(
    ("question", "sentence", "party"),
    [
        ("房前屋后的垃圾谁负责打扫？", "（一）房前屋后，房屋所有人、管理人或者实际使用人为责任人；",
         "房屋所有人、管理人或者实际使用人"),
        ("农贸市场的垃圾归谁管？", "（三）集市、农贸市场，管理者为责任人；", "管理者"),
        ("治理滑坡的钱该谁掏？", "逾期不治理的，由主管部门组织治理，所需费用由责任单位承担。", "责任单位"),
        ("村务档案算谁的？", "村务档案归全体村民共同所有。", "全体村民"),
    ],
)  # fmt: skip
def test_who_is_answered_by_the_party_a_clause_assigns(question: str, sentence: str, party: str) -> None:
    info = analyse(question)
    spans = PROCEDURE.spans(info, sentence)
    assert party in [s.text for s in spans]
    assert PROCEDURE.fit(info, sentence, spans) >= ACTOR_FIT


def test_a_procedure_question_without_who_takes_no_assigned_party() -> None:
    sentence = "股份收益归集体所有。"
    assert PROCEDURE.spans(analyse("从集体收益里拿钱修路，得走啥程序？"), sentence) == []


def _composed(question: str, text: str) -> str:
    chunk = Chunk("c1", "shiping", "shiping.txt", "第十条", 0, len(text), text, 0)
    hit = Hit(chunk, "农产品质量安全条例", "", "2022-09-02", 1.0)
    info = analyse(question)
    spans = tuple(PROCEDURE.spans(info, text))
    return compose(
        question, info, [hit], [Evidence(hit, 0, len(text), text, 0.6, 1.0, 1.0, spans)], []
    ).answer


def test_a_how_question_is_answered_by_the_steps_without_a_body_set_before_them() -> None:
    text = (
        "农产品批发市场发现不符合农产品质量安全标准的，应当要求销售者立即停止销售，"
        "并向所在地市场监督管理部门报告。"
    )
    # 咋处理 asks what is done: a bold 市场监督管理部门。 before the steps would answer who, which nobody asked.
    assert _composed("批发市场抽检发现菜不合格，咋处理？", text).startswith("农产品批发市场发现")
    # 向哪个部门报告 asks for the body: it still leads.
    assert _composed("批发市场发现菜不合格，向哪个部门报告？", text).startswith("所在地市场监督管理部门。")
