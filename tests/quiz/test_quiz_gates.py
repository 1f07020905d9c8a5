"""Quality gates (质量把关) and item builders on hand-made sentences: each gate drops what it should."""

from __future__ import annotations

import random
from types import SimpleNamespace
from typing import Any

from assistant.types import Answer, Citation
from corpus.tokenize import default_tokenizer
from quiz import gates, items
from quiz.distractors import DistractorPool
from quiz.facts import Fact, extract_enumerations, extract_facts
from quiz.source import DocumentTexts, Sentence
from quiz.types import BLANK, ItemCitation, QuizItem

DOC = "第七十条 本办法自2014年5月1日起施行。\n第十条 乡镇人民政府应当在十日内公布，并在十五日内上报。"


def sentence(text: str, start: int = 0) -> Sentence:
    return Sentence(
        "d1",
        "办法.txt",
        "某某办法（2019年修订）",
        "第七章 附则 > 第七十条",
        start,
        start + len(text),
        text,
        0,
    )


def fact(text: str, kind: str) -> Fact:
    return next(f for f in extract_facts(text) if f.kind == kind)


def item(**kw: Any) -> QuizItem:
    base: dict[str, Any] = {
        "type": "blank",
        "stem": f"根据《某某办法》，本办法自{BLANK}起施行。",
        "options": (),
        "answer": ("2014年5月1日",),
        "explanation": "",
        "citation": ItemCitation("办法.txt", "第七十条", 5, 25, "本办法自2014年5月1日起施行。"),
        "key_text": "2014年5月1日",
    }
    return QuizItem(**(base | kw))


def test_stem_that_reveals_the_key_is_dropped() -> None:
    assert gates.reveals_key(item()) is None
    leaky = item(stem=f"根据《某某办法》（2014年5月1日版），本办法自{BLANK}起施行。")
    assert gates.reveals_key(leaky) == "reveals_key"
    choice = item(type="single", options=("2015年", "十日"), answer=("B",), stem=f"十日{BLANK}")
    assert gates.reveals_key(choice) == "reveals_key"


def test_key_twice_in_its_sentence_is_ambiguous() -> None:
    quote = "在十日内公布，并在十日内上报。"
    assert (
        gates.ambiguous_key(
            item(answer=("十日内",), key_text="十日内", citation=ItemCitation("a", "", 0, 15, quote))
        )
        == "ambiguous_key"
    )
    assert gates.ambiguous_key(item()) is None


def test_stem_needs_exactly_one_blank() -> None:
    assert gates.stem_shape(item(stem="本办法自2014年起施行。")) == "ambiguous_key"
    assert gates.stem_shape(item(type="judge", stem=f"本办法{BLANK}施行。")) == "ambiguous_key"


def test_duplicates_are_dropped() -> None:
    dedup = gates.Deduplicator()
    first = item()
    assert dedup.check(first) is None
    dedup.add(first)
    assert dedup.check(item()) == "duplicate"
    assert (
        dedup.check(item(stem="根据《某某办法》第七十条，本办法自（　　）起施行。")) == "duplicate"
    )  # same fact


def answer(text: str, start: int, end: int, source: str = "办法.txt", found: bool = True) -> Answer:
    cite = Citation(1, "d1", source, "", "", start, end, text)
    return Answer("q", found, text, None, "other", (cite,) if found else ())


def test_assistant_gate_needs_same_passage_and_the_key() -> None:
    it = item()
    fake = SimpleNamespace(ask=lambda q: answer("本办法自2014年5月1日起施行。", 0, 40))
    assert gates.assistant_gate(fake, it) is None  # type: ignore[arg-type]
    fake.ask = lambda q: answer("本办法自2014年5月1日起施行。", 100, 140)
    assert gates.assistant_gate(fake, it) == "assistant_other_passage"  # type: ignore[arg-type]
    fake.ask = lambda q: answer("本办法自公布之日起施行。", 0, 40)
    assert gates.assistant_gate(fake, it) == "assistant_disagrees"  # type: ignore[arg-type]
    fake.ask = lambda q: answer("", 0, 0, found=False)
    assert gates.assistant_gate(fake, it) == "assistant_not_found"  # type: ignore[arg-type]


def pool() -> DistractorPool:
    texts = [
        "本条例自2018年1月1日起施行。",
        "本法自2021年6月1日起施行。",
        "应当在三十日内答复。",
        "在五日内办结。",
    ]
    return DistractorPool([f for t in texts for f in extract_facts(t)])


def test_choice_item_has_four_distinct_options_with_the_key_where_asked() -> None:
    s = sentence("本办法自2014年5月1日起施行。", 5)
    texts = DocumentTexts([DOC])
    for pos in range(4):
        built = items.build_choice(s, fact(s.text, "date"), pool(), texts, random.Random(1), pos)
        assert isinstance(built, QuizItem)
        assert built.answer == ("ABCD"[pos],) and built.options[pos] == "2014年5月1日"
        assert len(set(built.options)) == 4
        assert built.stem == f"根据《某某办法》第七十条，本办法自{BLANK}起施行。"
        assert gates.static_check(built) is None
        assert built.citation.quote == s.text and built.explanation.endswith(f"“{s.text}”")


def test_distractors_are_of_the_same_kind_and_never_the_key() -> None:
    s = sentence("乡镇人民政府应当在十日内公布，并在十五日内上报。")
    f = fact(s.text, "period")
    wrong = pool().for_fact(f, s.text, random.Random(3))
    assert wrong and "十日内" not in wrong and "十五日内" not in wrong  # nothing already in the sentence
    assert all(w.endswith("日内") for w in wrong)
    assert "三十日内" in wrong or "五日内" in wrong  # corpus values come first


def test_a_distractor_true_elsewhere_is_rejected() -> None:
    s = sentence("应当在十日内公布。")
    texts = DocumentTexts(["应当在十五日内公布。"])
    kept = items.true_distractors(s, fact(s.text, "period"), ["十五日内", "七日内"], texts, 2)
    assert kept == ["七日内"]


def test_false_judgement_changes_one_fact() -> None:
    s = sentence("本办法自2014年5月1日起施行。")
    built = items.build_judge(
        s, fact(s.text, "date"), pool(), DocumentTexts([DOC]), random.Random(2), truth=False
    )
    assert isinstance(built, QuizItem) and built.answer == ("B",)
    assert "2014年5月1日" not in built.stem and "施行" in built.stem
    true = items.build_judge(
        s, fact(s.text, "date"), pool(), DocumentTexts([DOC]), random.Random(2), truth=True
    )
    assert isinstance(true, QuizItem) and true.answer == ("A",) and s.text in true.stem


def test_multi_options_come_from_sibling_lists_never_the_same_list() -> None:
    tok = default_tokenizer()
    own = "社会救助工作应当遵循公开、公平、公正、及时的原则。"
    # a sibling list on the topic (准时 ~ 及时) and one off it (庭院经济: never offered, quiz.gates.related)
    others = ["做到准时、适时、按时的要求。", "鼓励发展庭院经济、林下经济和民宿经济。"]
    enums = [e for t in [own, *others] for e in extract_enumerations(t, tok)]
    p = DistractorPool([], enums)
    s = sentence(own)
    for seed in range(5):
        built = items.build_multi(s, enums[0], p, random.Random(seed))
        assert isinstance(built, QuizItem)
        keyed = built.keyed_options()
        assert 2 <= len(keyed) <= 4 and 4 <= len(built.options) <= 5
        assert set(keyed) <= set(enums[0].items)
        assert not (set(built.options) - set(keyed)) & set(enums[0].items)
        assert not any("经济" in o for o in built.options)
        assert gates.static_check(built) is None and gates.same_category(built) is None
