import re

from hypothesis import given
from hypothesis import strategies as st

from assistant.engine import Turn
from assistant.followup import _STRIP, Resolved, _topic, is_follow_up, resolve
from assistant.limits import LIMITS
from assistant.types import Answer, Citation
from corpus.tokenize import default_tokenizer

CITE = Citation(1, "d1", "a.txt", "某条例", "第一章", 0, 4, "原文")


def _turn(question: str) -> Turn:
    return Turn(question, Answer(question, True, "答[1]", "答", "other", (CITE,)))


def test_no_history_passes_through() -> None:
    assert (
        resolve("重点帮扶县主要任务是什么？", [], default_tokenizer()).question
        == "重点帮扶县主要任务是什么？"
    )


def test_entity_swap_follow_up() -> None:
    r = resolve("那整体推进县呢？", [_turn("重点帮扶县主要任务是什么？")], default_tokenizer())
    assert r.question == "整体推进县主要任务是什么？"
    assert r.prior_docs == ("d1",)


def test_source_question_refers_to_previous_answer() -> None:
    r = resolve("这是哪个文件规定的？", [_turn("低保怎么审批？")], default_tokenizer())
    assert r.asks_source and r.previous is not None


def test_attribute_follow_up_keeps_topic() -> None:
    r = resolve("期限是多久？", [_turn("脱贫县的过渡期政策是什么？")], default_tokenizer())
    assert "脱贫县" in r.question and "期限是多久" in r.question


def test_standalone_question_is_not_a_follow_up() -> None:
    q = "社会救助暂行办法规定低保由哪个部门审批？"
    assert not is_follow_up(q)
    assert resolve(q, [_turn("重点帮扶县主要任务是什么？")], default_tokenizer()).question == q


# The regex _topic replaced; kept here as the reference it must agree with on short text.
_OLD_TOPIC = re.compile(r"[，,]?[^，,]*(是什么|有哪些|是哪些|多少|几|什么时候|吗|呢)[^，,]*[？?]?$")


@given(st.text(alphabet="是什么有哪些多少几吗呢时候，,？? 县中\n", max_size=24))
def test_topic_agrees_with_the_regex_it_replaced(question: str) -> None:
    assert _topic(question) == _OLD_TOPIC.sub("", question).strip("，,？? ")


@given(st.text(alphabet="那么还有呢的？?。！!县中", max_size=16))
def test_strip_agrees_with_the_unguarded_pattern(question: str) -> None:
    old = re.compile(r"^(那么|那|还有|另外|再问一下|再问|然后|其中)|呢?[？?。！!]*$|的$")
    assert _STRIP.sub("", question) == old.sub("", question)


def test_oversized_history_is_not_read() -> None:
    """A previous "question" longer than any question the entry points accept is ignored (it would be
    tokenized and scanned for nothing); the new question passes through."""
    long_turn = _turn("中" * (LIMITS.question_chars + 1))
    assert resolve("期限是多久？", [long_turn], default_tokenizer()) == Resolved("期限是多久？")
    short = resolve("期限是多久？", [_turn("脱贫县的过渡期政策是什么？")], default_tokenizer())
    assert short.previous is not None
