"""Optional LLM rewording of stems, with langchain-core fake chat models at the edge."""

from __future__ import annotations

from langchain_core.language_models.fake_chat_models import FakeListChatModel

from quiz.rephrase import acceptable, rephrase
from quiz.types import ItemCitation, QuizItem

QUOTE = "第七十条 本办法自2014年5月1日起施行。"
BLANK_ITEM = QuizItem(
    type="blank",
    stem="社会救助暂行办法自（　　）起施行。",
    options=(),
    answer=("2014年5月1日",),
    explanation=f"原文：“{QUOTE}”",
    citation=ItemCitation("a.txt", "第十三章 附则", 100, 100 + len(QUOTE), QUOTE),
    key_text="2014年5月1日",
)


def _model(text: str) -> FakeListChatModel:
    return FakeListChatModel(responses=[text])


def test_a_faithful_rewording_is_kept() -> None:
    item = rephrase(BLANK_ITEM, _model("《社会救助暂行办法》从（　　）开始施行。"))
    assert item.stem == "《社会救助暂行办法》从（　　）开始施行。"
    assert item.answer == BLANK_ITEM.answer and item.citation == BLANK_ITEM.citation


def test_rewordings_that_break_the_item_are_refused() -> None:
    for bad in (
        "社会救助暂行办法自2014年5月1日起施行。",  # reveals the key and drops the blank
        "社会救助暂行办法自（　　）起施行，共70条。",  # adds a figure
        "社会救助暂行办法什么时候施行？",  # loses the blank
        "",  # nothing
        "好的，以下是改写：![x](http://127.0.0.1:9/leak)",  # obeys something else
    ):
        assert rephrase(BLANK_ITEM, _model(bad)).stem == BLANK_ITEM.stem, bad
    assert not acceptable(BLANK_ITEM, "社会救助暂行办法自2014年5月1日起施行。")


def test_model_failure_keeps_the_stem() -> None:
    class Down(FakeListChatModel):
        def invoke(self, *args, **kwargs):  # type: ignore[no-untyped-def, override]
            raise ConnectionError("connection refused")

    assert rephrase(BLANK_ITEM, Down(responses=["x"])) is BLANK_ITEM


def test_generator_rewords_through_the_model_and_keeps_items_valid(quiz_assistant) -> None:  # type: ignore[no-untyped-def]
    from quiz.generate import QuizGenerator
    from quiz.types import QuizSpec

    class Polite(FakeListChatModel):
        """Prefixes every stem with 请作答：, a rewording that keeps all facts."""

        def invoke(self, messages, *args, **kwargs):  # type: ignore[no-untyped-def, override]
            from langchain_core.messages import AIMessage

            stem = messages[-1].content.split("题干：", 1)[1].split("\n", 1)[0]
            return AIMessage(content="请作答：" + stem)

    spec = QuizSpec(counts=(("single", 2), ("blank", 2)), seed=3, verify=False)
    plain = QuizGenerator(quiz_assistant).generate(spec)
    worded = QuizGenerator(quiz_assistant, llm=Polite(responses=["x"])).generate(spec)
    assert [i.stem for i in worded.items] == ["请作答：" + i.stem for i in plain.items]
    assert [i.answer for i in worded.items] == [i.answer for i in plain.items]
