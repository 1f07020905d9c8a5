"""A penalty that names its deed by article number (条文引用): 违反本条例规定，有第四十一条规定行为之一的，…
逾期不改正的，处二百元以上二千元以下的罚款 is read with the clause of 第四十一条 that matches the question, so
罚多少 about 晒粮 finds it; an article of another law (《…法》第十条) is not looked up in this document. A fine
that continues its sentence's command (…责令改正，限期恢复原状。逾期不恢复原状的，对个人处…罚款) is read with that
sentence, where its deed is named."""

from __future__ import annotations

from dataclasses import replace

from assistant_fakes import FakeKnowledgeBase

from assistant.policy import AnswerPolicy
from assistant.question import analyse
from assistant.reader import Reader
from assistant.term_match import Term, continued_words, referenced_words
from assistant.types import Hit
from corpus.types import Chunk

ROADS = (
    "第四十一条 禁止在农村公路及公路用地范围内从事下列活动：\n\n"
    "（一）设置障碍、挖沟引水、打场晒粮；\n\n"
    "（二）堆放物品、倾倒垃圾。\n\n"
    "第五十三条 违反本条例规定，有下列行为之一的，由县级交通运输行政主管部门责令停止违法行为，处五百元以上五千元以下的罚款：\n\n"
    "（一）擅自占用、挖掘村道的。\n\n"
    "第五十五条 违反本条例规定，有第四十一条规定行为之一的，由县级交通运输行政主管部门责令停止违法行为，限期改正；"
    "逾期不改正的，处二百元以上二千元以下的罚款。"
)
TERMS = [Term("晒粮", 5.0), Term("公路", 2.0)]
P = AnswerPolicy()
KB = FakeKnowledgeBase([])


def test_a_reference_reads_the_matching_clause_of_the_article() -> None:
    start = ROADS.index("第五十五条")
    assert referenced_words(ROADS, start, len(ROADS), TERMS, P).endswith("设置障碍、挖沟引水、打场晒粮")


def test_every_article_of_a_listed_reference_is_read() -> None:
    listed = ROADS + "\n\n第五十六条 违反本条例第五十三条第一款、第四十一条规定的，处一千元罚款。"
    start = listed.index("第五十六条")
    read = referenced_words(listed, start, len(listed), TERMS, P)
    assert read.startswith("违反本条例规定") and read.endswith(
        "设置障碍、挖沟引水、打场晒粮"
    )  # 第五十三条, 第四十一条


def test_an_article_of_another_law_or_one_not_in_the_document_gives_nothing() -> None:
    other = "违反《中华人民共和国公路法》第四十一条规定的，依照其规定处罚。"
    assert referenced_words(ROADS + "\n\n" + other, len(ROADS), len(ROADS) + len(other) + 2, TERMS, P) == ""
    missing = "有第九十九条规定行为之一的，处一百元罚款。"
    assert referenced_words(missing, 0, len(missing), TERMS, P) == ""


def _hits() -> list[Hit]:
    cut = ROADS.index("第五十三条")
    return [
        Hit(
            Chunk(f"rd-{i}", "rd", "rd.md", "", a, b, ROADS[a:b], 0),
            "某某省农村公路条例",
            "",
            "2010-01-01",
            1.0,
        )
        for i, (a, b) in enumerate([(0, cut - 2), (cut, len(ROADS))])
    ]


def test_a_fine_asked_of_a_deed_named_by_article_number_is_found() -> None:
    info = analyse("在公路上晒粮食，劝了不听，最后能罚多少？")
    reader = Reader(KB.tokenizer, lambda: KB.bm25, texts={"rd": ROADS}.get)
    best = reader.read(info, _hits()).evidence[0]
    assert best.text.startswith("逾期不改正的") and best.spans[0].text == "二百元以上二千元以下"
    off = Reader(KB.tokenizer, lambda: KB.bm25, replace(P, resolve_references=False), texts={"rd": ROADS}.get)
    assert not off.read(info, _hits()).evidence[0].text.startswith("逾期不改正的")


GRANARY = (
    "第十二条 擅自改变政府投资建设的粮食仓储设施用途的，由县级人民政府发展改革部门责令改正，限期恢复原状。"
    "逾期不恢复原状的，对个人处五千元以上五万元以下罚款。\n\n"
    "第十三条 毁坏政府投资建设的粮食仓储设施的，由县级人民政府发展改革部门责令改正，可以处一万元以下罚款。"
)


def test_a_continuing_clause_reads_the_sentence_it_continues() -> None:
    start = GRANARY.index("逾期")
    assert continued_words(GRANARY, start).endswith("责令改正,限期恢复原状")
    assert continued_words(GRANARY, GRANARY.index("毁坏")) == ""  # a deed of its own continues nothing


def test_a_fine_of_a_continuing_clause_is_found_by_the_deed_before_it() -> None:
    info = analyse("个人把政府建的粮食仓储设施改成自家用，叫恢复也不恢复，罚多少？")
    hit = Hit(
        Chunk("gr-0", "gr", "gr.md", "", 0, len(GRANARY), GRANARY, 0), "某某省粮食条例", "", "2010-01-01", 1.0
    )
    reader = Reader(KB.tokenizer, lambda: KB.bm25, texts={"gr": GRANARY}.get)
    best = reader.read(info, [hit]).evidence[0]
    assert best.text.startswith("逾期不恢复原状的") and best.spans[0].text == "五千元以上五万元以下"
    off = Reader(
        KB.tokenizer, lambda: KB.bm25, replace(P, continuations_inherit=False), texts={"gr": GRANARY}.get
    )
    assert not off.read(info, [hit]).evidence[0].text.startswith("逾期不恢复原状的")
