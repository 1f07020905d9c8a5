"""Two readings agree (词义一致): a lead sentence that covers a little less of the question's words than
answering needs is still the answer when it is also the sentence closest to the question in meaning
and fits the asked type; otherwise the question is refused as before."""

from __future__ import annotations

from dataclasses import replace

from assistant_fakes import SETTINGS, Doc, FakeKnowledgeBase

from assistant.answerer import Answerer
from assistant.policy import AnswerPolicy
from assistant.question import analyse
from assistant.reader import Reader

HUANJING = Doc(
    "huanjing",
    "某某市美丽乡村条例",
    "某某市美丽乡村条例\n"
    "第四十条 村民零星饲养家禽家畜的，应当及时对污水和畜禽粪便进行收集、处理，不得污染环境。\n"
    "第四十一条 村民应当保持房前屋后整洁，可以种植花草树木。\n"
    "第四十二条 每户每年评选一次美丽庭院，奖励不超过五百元。\n"
    "第四十三条 村庄保洁经费由村集体经济组织承担。",
)
KB = FakeKnowledgeBase([HUANJING])
QUESTION = "自家养了几只鸡鸭两头猪，粪水往门口一倒行不行？"
NUMBER_QUESTION = "零星养几只鸡鸭，粪水往门口倒，要罚多少钱？"
PLAIN_QUESTION = "村里扫地的钱，集体经济组织出不出？"  # yes/no: the closest clause has no modal verb


def _closest(text_start: str):  # type: ignore[no-untyped-def]
    """A similarity that finds the sentence starting with ``text_start`` closest to the question."""

    def similarity(question: str, units: list[tuple[str, int, int, str]]) -> list[float | None]:
        return [0.9 if text.startswith(text_start) else 0.8 for _, _, _, text in units]

    return similarity


def _answerer(question: str, similarity, **policy: float) -> Answerer:  # type: ignore[no-untyped-def]
    """An answerer whose coverage line sits just above the lead's coverage for ``question``, so only
    the agreement of the two readings can let it answer."""
    hits = KB.retrieve(analyse(question).search_text)
    lead = KB.reader().read(analyse(question), hits).evidence[0]
    # A token semantic weight: the order stays the lexical one, while closeness marks the closest.
    base = replace(
        AnswerPolicy(),
        min_coverage=lead.coverage + 0.01,
        agreed_coverage=lead.coverage - 0.01,
        semantic_weight=0.001,
    )
    policy_ = replace(base, **policy)
    reader = Reader(KB.tokenizer, lambda: KB.bm25, policy_)
    return Answerer(KB, KB, reader, SETTINGS, policy=policy_, similarity=similarity)


def test_a_lead_just_below_the_line_answers_when_it_is_also_closest_in_meaning() -> None:
    similarity = _closest("第四十条")
    answer = _answerer(QUESTION, similarity).answer(QUESTION)
    assert answer.found and answer.short_answer == "不能"
    assert "零星饲养家禽家畜" in answer.citations[0].quote
    # The same line without agreement: refused.
    strict = _answerer(QUESTION, similarity, agreed_coverage=1.0)
    assert not strict.answer(QUESTION).found


def test_no_agreement_no_vectors_or_no_fit_is_still_refused() -> None:
    """Closest in meaning is another sentence; no sentence vectors at all; or the lead is closest but
    does not fit the question (no figure for 多少钱, no modal verb for 出不出)."""
    elsewhere = _closest("第四十一条")
    answerer = _answerer(QUESTION, _closest("第四十条"))
    answerer.similarity = elsewhere
    assert not answerer.answer(QUESTION).found
    answerer.similarity = None
    assert not answerer.answer(QUESTION).found
    number = _answerer(NUMBER_QUESTION, _closest("第四十条"))
    assert not number.answer(NUMBER_QUESTION).found
    plain = _answerer(PLAIN_QUESTION, _closest("第四十三条"))
    assert plain.reader.read(analyse(PLAIN_QUESTION), KB.retrieve(PLAIN_QUESTION)).evidence[0].fit < 1.0
    assert not plain.answer(PLAIN_QUESTION).found
