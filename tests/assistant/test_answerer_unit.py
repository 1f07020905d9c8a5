"""The extractive answerer on an in-memory knowledge base (no Chroma, no embedder, no LLM)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from assistant_fakes import DIBAO, FANGXUN, SETTINGS, FakeKnowledgeBase

from assistant.answerer import Answerer
from assistant.policy import AnswerPolicy
from assistant.types import REFUSAL_TEXT, Answer, Hit, Turn

KB = FakeKnowledgeBase([DIBAO, FANGXUN])
ANSWERER = Answerer(KB, KB, KB.reader(), SETTINGS)


def _exact(answer: Answer) -> None:
    for c in answer.citations + answer.related:
        assert KB.text(c.doc_id)[c.start : c.end] == c.quote, c


def test_a_figure_leads_the_answer_and_its_citation_is_exact() -> None:
    answer = ANSWERER.answer("低保标准每人每月多少钱？")
    assert answer.found and answer.question_type == "number" and answer.short_answer == "不低于500元"
    sentence = "第二条 农村最低生活保障标准由县级人民政府民政部门确定，每人每月不低于500元。"
    # the bound is part of the figure; the article number is the citation's to show, not the answer's
    assert answer.answer == f"不低于500元。{sentence.removeprefix('第二条 ')}[1]"
    assert answer.citations[0].quote == sentence
    (cite,) = answer.citations
    assert (cite.doc_id, cite.start, cite.end) == (
        "dibao",
        DIBAO.text.index(sentence),
        DIBAO.text.index(sentence) + len(sentence),
    )
    assert answer.retrieved[0].chunk.chunk_id == "dibao-2"  # the cited passage leads the list
    _exact(answer)


def test_a_prohibition_answers_a_yes_no_question_with_no() -> None:
    answer = ANSWERER.answer("低保资金能挤占挪用吗？")
    assert answer.question_type == "yesno" and answer.short_answer == "不能"
    assert answer.answer == "不能。最低生活保障资金应当专款专用，不得挤占挪用。[1]"
    _exact(answer)


def test_a_date_answers_when_it_takes_effect() -> None:
    answer = ANSWERER.answer("低保办法什么时候施行？")
    assert answer.question_type == "deadline" and answer.short_answer == "自2024年3月1日起施行"
    _exact(answer)


def test_no_sentence_with_the_asked_figure_is_a_refusal_with_related_passages() -> None:
    """防汛 passages are found, but none states a sum of money: 未找到, never a figure of another kind."""
    answer = ANSWERER.answer("防汛物资每年采购多少钱？")
    assert not answer.found and answer.answer == REFUSAL_TEXT and answer.citations == ()
    assert answer.short_answer is None and len(answer.related) == 3
    assert answer.related[0].doc_id == "fangxun"
    _exact(answer)


def test_a_named_document_the_knowledge_base_lacks_is_said_so() -> None:
    answer = ANSWERER.answer("《扶贫开发条例》怎么规定的？")
    assert not answer.found and answer.answer == "现有文件中未找到《扶贫开发条例》，无法据此回答。"


def test_the_coverage_threshold_comes_from_the_policy() -> None:
    strict = Answerer(KB, KB, KB.reader(), SETTINGS, policy=replace(AnswerPolicy(), min_coverage=0.99))
    assert ANSWERER.answer("低保标准每人每月多少钱？").found
    assert not strict.answer("低保标准每人每月多少钱？").found


def test_which_document_says_so_cites_the_previous_answer() -> None:
    first = ANSWERER.answer("低保标准每人每月多少钱？")
    answer = ANSWERER.answer("这是哪个文件规定的？", [Turn("低保标准每人每月多少钱？", first)])
    assert answer.answer == "出自《某某县农村最低生活保障实施办法》。[1]"
    assert answer.citations == (replace(first.citations[0], n=1),)


class OnlyDocument:
    """A reranker that keeps one document's passages, recording what it was asked."""

    def __init__(self, doc_id: str) -> None:
        self.doc_id = doc_id
        self.questions: list[str] = []

    def rerank(self, question: str, hits: Sequence[Hit]) -> list[Hit]:
        self.questions.append(question)
        return [h for h in hits if h.chunk.doc_id == self.doc_id]


def test_a_reranker_decides_which_passages_are_read() -> None:
    reranker = OnlyDocument("fangxun")
    answerer = Answerer(KB, KB, KB.reader(), SETTINGS, reranker=reranker)
    answer = answerer.answer("低保标准每人每月多少钱？")
    assert reranker.questions == ["低保标准每人每月多少钱？"]
    assert not answer.found and all(h.chunk.doc_id == "fangxun" for h in answer.retrieved)
    assert [h.chunk.doc_id for h in answerer.search("防汛物资由谁采购？", 5)] == ["fangxun"] * 2


def test_without_the_reader_the_best_passage_is_the_answer() -> None:
    answerer = Answerer(KB, KB, KB.reader(), replace(SETTINGS, reader=False))
    answer = answerer.answer("防汛物资由谁采购？")
    passage = "第一条 防汛物资由镇防汛办公室统一采购，各村设立储备点。"
    assert answer.answer == passage + "[1]" and answer.citations[0].quote == passage
    _exact(answer)


def test_search_ranks_passages_by_their_best_sentence() -> None:
    hits = ANSWERER.search("低保标准每人每月多少钱？", 2)
    assert len(hits) == 2 and hits[0].chunk.chunk_id == "dibao-2"
