"""Answer types (题型) as one registry: names shared with the gold sets, cues in order, and a new type
added as one class that the whole answering path then uses."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from assistant_fakes import SETTINGS, Doc, FakeKnowledgeBase

import assistant
from assistant.answer_types import ANSWER_TYPES, AnswerType, AnswerTypes, Cue, QuestionInfo
from assistant.answerer import Answerer
from assistant.extract import Span
from assistant.question import analyse, classify
from evaluation.gold import NO_ANSWER, QUESTION_TYPES


def test_the_gold_sets_use_the_registry_names_and_aliases() -> None:
    assert ANSWER_TYPES.names == QUESTION_TYPES
    assert NO_ANSWER == ANSWER_TYPES.fallback.name == "none"
    assert ANSWER_TYPES.canonical("数字") == "number" and ANSWER_TYPES.canonical(" 判断 ") == "yesno"
    assert ANSWER_TYPES.canonical("无答案") == "none" and ANSWER_TYPES.canonical("Unanswerable") == "none"
    assert ANSWER_TYPES.get("other") is ANSWER_TYPES.fallback  # the assistant's former name for it
    assert ANSWER_TYPES.canonical("multi-hop") == "multi-hop" and "multi-hop" not in ANSWER_TYPES


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("过渡期是不是五年？", "deadline"),  # a deadline cue comes before the yes/no cue
        ("每人能领多少钱吗？", "number"),  # the number cue vetoes yes/no
        ("哪三个县先行示范？", "list"),  # 哪三个 asks for items, not a count
        ("项目公示牌几天内要立起来？", "deadline"),
        ("低保由哪个部门审批？", "procedure"),
        ("什么是整体推进县？", "definition"),
        ("说说乡村振兴。", "none"),
    ],
)
def test_cues_are_tried_in_their_order(question: str, expected: str) -> None:
    assert classify(question) == expected
    assert analyse(question).answer_type is ANSWER_TYPES.get(expected)


def test_each_type_lives_in_its_own_module() -> None:
    modules = {type(t).__module__ for t in ANSWER_TYPES}
    assert len(modules) == len(ANSWER_TYPES) and all(m.startswith("assistant.answer_types.") for m in modules)


def test_the_answering_path_never_branches_on_type_names() -> None:
    root = Path(assistant.__file__).parent
    for name in ("question.py", "extract.py", "reader.py", "compose.py", "answerer.py", "engine.py"):
        source = (root / name).read_text(encoding="utf-8")
        named = [t for t in (*ANSWER_TYPES.names, "other") if re.search(rf"[\"']{t}[\"']", source)]
        assert named == [], (name, named)


# -- a new type is one class --------------------------------------------------------------------------------
_PHONE = re.compile(r"\d{3,4}-\d{7,8}")


class Phone(AnswerType):
    """电话题 (phone): 值班电话是多少 — a telephone number, which leads the answer."""

    name = "phone"
    labels = ("电话",)
    cues = (Cue(5, re.compile(r"电话|热线")),)
    lead_chars = 20

    def spans(self, info: QuestionInfo, sentence: str) -> list[Span]:
        return [Span(m.start(), m.end(), "phone", m.group(0)) for m in _PHONE.finditer(sentence)]


DUTY = Doc(
    "zhiban",
    "某某镇汛期值班制度",
    "某某镇汛期值班制度\n第一条 汛期实行二十四小时值班，每班不少于2人。\n第二条 防汛值班电话为0371-12345678，接到险情报告后立即上报。",
)


def test_a_registered_type_is_used_from_question_to_answer() -> None:
    kb = FakeKnowledgeBase([DUTY])
    question = "防汛值班电话是多少？"
    with_phone = ANSWER_TYPES.with_types(Phone())
    answer = Answerer(kb, kb, kb.reader(), SETTINGS, types=with_phone).answer(question)
    assert answer.found and answer.question_type == "phone" and answer.short_answer == "0371-12345678"
    assert answer.answer.startswith("0371-12345678。第二条 防汛值班电话为0371-12345678")
    assert with_phone.canonical("电话") == "phone" and with_phone.names[-1] == "none"
    # The shared registry is unchanged: there the question asks for a number (多少).
    assert "phone" not in ANSWER_TYPES and classify(question) == "number"
    assert Answerer(kb, kb, kb.reader(), SETTINGS).answer(question).question_type == "number"


def test_a_label_two_types_claim_is_refused() -> None:
    class Clash(Phone):
        name = "clash"
        labels = ("数字",)

    with pytest.raises(ValueError, match="数字"):
        ANSWER_TYPES.with_types(Clash())
    with pytest.raises(ValueError, match="no name"):
        AnswerTypes([AnswerType()], fallback=ANSWER_TYPES.fallback)
