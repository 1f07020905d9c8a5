"""A question asked in two parts (是哪个部门批的？批下来给发个啥？) is answered in both."""

from __future__ import annotations

from assistant_fakes import Doc, chunks_of

from assistant.compose import compose
from assistant.question import analyse
from assistant.reader import Evidence
from assistant.types import Hit

TEXT = (
    "第九条 县级人民政府民政部门应当自收到审核材料之日起十五日内作出审批决定。"
    "对批准享受补贴的，发给补贴领取卡；对不予批准的，书面说明理由。"
)
CHUNK = chunks_of(Doc("butie", "某某县困难残疾人生活补贴办法", TEXT))[0]
HIT = Hit(CHUNK, "某某县困难残疾人生活补贴办法", "", "", 1.0)


def _evidence(question: str) -> list[Evidence]:
    """The three reading units of the article, best first as the reader ranked them for 发个啥: the
    granting clause, the decision before it, the refusal clause after its ；."""
    grant_at, refuse_at = TEXT.index("对批准"), TEXT.index("对不予")
    units = [(grant_at, refuse_at, 1.0), (0, grant_at, 0.6), (refuse_at, len(TEXT), 0.5)]
    info = analyse(question)
    return [
        Evidence(HIT, s, e, TEXT[s:e], 0.8, 1.0, score, tuple(info.answer_type.spans(info, TEXT[s:e])))
        for s, e, score in units
    ]


def test_the_sentence_next_to_the_best_one_answers_the_part_it_leaves_open() -> None:
    """批下来给发个啥 is answered by 对批准…发给补贴领取卡; 是哪个部门批的 by the sentence before it, which
    names the body and shares no word with the question: both are quoted, each cited where it stands."""
    question = "残疾人补贴最后是哪个部门批的？批下来给发个啥？"
    answer = compose(question, analyse(question), [HIT], _evidence(question), ["残疾人", "补贴"])
    assert answer.found and "补贴领取卡" in answer.answer
    assert "县级人民政府民政部门" in answer.answer, answer.answer
    for c in answer.citations:
        assert TEXT[c.start : c.end] == c.quote


def test_a_part_the_best_sentence_already_answers_adds_nothing() -> None:
    """Asked in two parts about the best sentence's own matter, the answer stays that sentence's: the one
    before it names a body no part asks for, and a verdict part (给不给个说法) asks for none either."""
    question = "残疾人补贴批下来给发个啥？不批的话给不给个说法？"
    answer = compose(question, analyse(question), [HIT], _evidence(question), ["残疾人", "补贴"])
    assert answer.found and "补贴领取卡" in answer.answer and "书面说明理由" in answer.answer
    assert "民政部门" not in answer.answer, answer.answer


def test_two_parts_asking_a_time_each_get_the_time_beside_the_best_one() -> None:
    """多久审批？批下来以后多久发卡？ asks two times. The best sentence states one (十日内, the card); the
    sentence before it states the other (十五日内, the decision), so both are quoted."""
    text = (
        "第九条 县级人民政府民政部门应当自收到审核材料之日起十五日内作出审批决定。"
        "对批准享受补贴的，应当在十日内发给补贴领取卡。"
    )
    chunk = chunks_of(Doc("butie2", "某某县困难残疾人生活补贴办法", text))[0]
    hit = Hit(chunk, "某某县困难残疾人生活补贴办法", "", "", 1.0)
    question = "残疾人补贴多久审批完？批下来以后多久发卡？"
    info = analyse(question)
    at = text.index("对批准")
    evidence = [
        Evidence(hit, s, e, text[s:e], 0.8, 1.0, score, tuple(info.answer_type.spans(info, text[s:e])))
        for s, e, score in ((at, len(text), 1.0), (0, at, 0.6))
    ]
    answer = compose(question, info, [hit], evidence, ["残疾人", "补贴"])
    assert "十日内" in answer.answer and "十五日内" in answer.answer, answer.answer
    one = compose("批下来以后多久发卡？", analyse("批下来以后多久发卡？"), [hit], evidence, ["补贴"])
    assert "十日内" in one.answer and "十五日内" not in one.answer, one.answer
