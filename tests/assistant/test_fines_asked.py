"""咋罚 / 怎么处罚 / 罚款是个什么数 ask the fine (罚则): a figure question, whose short answer is the fine the
penalty clause states, not the clause that names the offence."""

from __future__ import annotations

import pytest

from assistant.question import analyse


@pytest.mark.parametrize(
    "question",
    [
        "有人往河里偷倒渣土，被查到了咋罚？",
        "收购没打耳标的牲畜，被逮住了怎么处罚？",
        "机井没装水表让人查出来了，罚款是个什么数？",
    ],
)
def test_a_fine_asked_is_a_figure_question(question: str) -> None:
    assert analyse(question).answer_type.name == "number"


def test_the_fine_leads_not_the_offence() -> None:
    question = "有人往河里偷倒渣土，被查到了咋罚？"
    info = analyse(question)
    kind = info.answer_type
    sentence = (
        "违反本条例规定，在河道内倾倒渣土的，由水行政主管部门责令限期清除，处一万元以上五万元以下罚款。"
    )
    span = kind.pick(info, sentence, kind.spans(info, sentence), ["倾倒", "渣土"])
    assert span is not None and span.text == "一万元以上五万元以下"


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("违规用火被查到以后咋处理？", "procedure"),  # 咋处理 asks what is done, not a fine
        ("罚款交到哪里？", "procedure"),
    ],
)
def test_other_questions_about_penalties_keep_their_kind(question: str, kind: str) -> None:
    assert analyse(question).answer_type.name == kind
