"""A clause stating a case (…的，) leads to its rule: to 咋办 the rule is the answer, not the case the
question repeats (条件句与规则)."""

from __future__ import annotations

from assistant.clauses import case_or_rule, clause_span, rule_after_case
from assistant.extract import Span
from assistant.question import analyse

RELIEF = (
    "第四十八条 申请临时救助的，应当向乡镇人民政府、街道办事处提出，经审核、公示后，由县级人民政府民政部门审批；"
    "救助金额较小的，县级人民政府民政部门可以委托乡镇人民政府、街道办事处审批。"
)


def _case(sentence: str, text: str) -> Span:
    at = sentence.index(text)
    return Span(at, at + len(text), "clause", text)


def test_the_rule_runs_from_the_case_to_the_end_of_its_sentence_part() -> None:
    rule = rule_after_case(RELIEF, _case(RELIEF, "申请临时救助的"))
    assert rule is not None
    assert rule.text == "应当向乡镇人民政府、街道办事处提出，经审核、公示后，由县级人民政府民政部门审批"
    assert RELIEF[rule.start : rule.end] == rule.text
    second = rule_after_case(RELIEF, _case(RELIEF, "救助金额较小的"))
    assert second is not None and second.text == "县级人民政府民政部门可以委托乡镇人民政府、街道办事处审批"


def test_a_clause_stating_no_case_or_followed_by_nothing_has_no_rule() -> None:
    assert rule_after_case(RELIEF, _case(RELIEF, "经审核、公示后")) is None
    item = "（一）在公共区域随意堆放秸秆、树枝、粪便以及其他杂物的；"  # an item of a list of deeds
    assert (
        rule_after_case(item, _case(item, "（一）在公共区域随意堆放秸秆、树枝、粪便以及其他杂物的")) is None
    )


def test_what_to_do_is_answered_with_the_rule() -> None:
    for question in ("家里遭了灾想申请临时救助，咋办？", "申请临时救助要走啥程序？"):
        info = analyse(question)
        clause = clause_span(RELIEF, ["申请", "临时救助"])
        assert clause is not None and clause.text == "申请临时救助的"
        assert case_or_rule(info, RELIEF, clause).text.startswith("应当向乡镇人民政府、街道办事处提出")


def test_a_question_asking_the_case_keeps_it() -> None:
    sentence = "因下列原因之一户籍关系迁出本村或者被注销的，应当保留社员资格："
    clause = _case(sentence, "因下列原因之一户籍关系迁出本村或者被注销的")
    assert case_or_rule(analyse("满足啥条件才算村经合社的社员？"), sentence, clause) == clause
    assert case_or_rule(analyse("什么情况下还能保留社员资格？"), sentence, clause) == clause


def test_on_the_corpus_the_lead_is_what_a_cadre_does(assistant_on_corpus) -> None:  # type: ignore[no-untyped-def]
    answer = assistant_on_corpus.ask("家里遭了灾想申请临时救助，咋办？")
    assert answer.found
    assert answer.short_answer.startswith("应当向乡镇人民政府、街道办事处提出")
    assert answer.citations and "申请临时救助的" in answer.citations[0].quote
