"""Trainer rules (培训师标准) on hand-written sentences: one test per rule, each showing what passes and
what the gate drops — whole-sentence stems, whole-phrase blanks, same-category distractors, judge items
on a point that matters, and 出处 without offsets in what a trainer reads."""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

import pytest

from corpus.tokenize import default_tokenizer
from quiz import gates, items
from quiz.distractors import DistractorPool
from quiz.export import export, source_text
from quiz.facts import extract_facts, extract_modalities
from quiz.source import DocumentTexts, Sentence
from quiz.types import BLANK, JUDGE_OPTIONS, ItemCitation, QuizItem

OFFSETS = re.compile(r"\[\d+, ?\d+\)")
LONG = (
    "采取虚报、隐瞒、伪造等手段，骗取社会救助资金、物资或者服务的，由有关部门决定停止社会救助，"
    "责令退回非法获取的救助资金、物资，可以处非法获取的救助款额或者物资价值1倍以上3倍以下的罚款；"
    "构成违反治安管理行为的，依法给予治安管理处罚。"
)
WORDS = default_tokenizer()


def sentence(text: str) -> Sentence:
    return Sentence(
        "d1", "办法.txt", "社会救助暂行办法", "第十一章 法律责任 > 第六十八条", 0, len(text), text, 0
    )


def item(quote: str, **kw: Any) -> QuizItem:
    base: dict[str, Any] = {
        "type": "blank",
        "stem": "",
        "options": (),
        "answer": (),
        "explanation": "",
        "citation": ItemCitation("办法.txt", "第六十八条", 0, len(quote), quote, "社会救助暂行办法"),
    }
    return QuizItem(**(base | kw))


def blank_item(quote: str, key: str) -> QuizItem:
    at = quote.index(key)
    stem = "根据《社会救助暂行办法》，" + quote[:at] + BLANK + quote[at + len(key) :]
    return item(quote, stem=stem, answer=(key,), key_text=key)


# -- rule 1: a stem is a whole sentence, never cut with …… -------------------------------------------------
def test_long_sentence_is_trimmed_to_the_sub_sentence_of_the_key_never_cut_with_an_ellipsis() -> None:
    fact = next(f for f in extract_facts(LONG) if f.text == "3倍")
    ws, we = items.window(LONG, fact.start, fact.end)
    body = items.excerpt(LONG, ws, we, fact.start, fact.end, BLANK)
    assert "…" not in body and body.endswith("。")
    assert (
        body == "可以处非法获取的救助款额或者物资价值1倍以上（　　）以下的罚款。"
    )  # the sub-sentence after ，
    assert LONG[ws:we].rstrip("；，") in LONG and ws in (
        0,
        *[i + 1 for i, c in enumerate(LONG) if c in "，；"],
    )


def test_a_condition_is_never_left_dangling_and_a_short_sentence_stays_whole() -> None:
    text = "对利用扶贫资金在贫困村实施的总投资二百万元以下的基础设施建设项目，采购人依法能够自行建设的，可以不进行招标，由项目实施单位按照有关规定组织实施并接受监督检查。"
    fact = next(f for f in extract_facts(text) if f.text == "二百万元")
    _, we = items.window(text, fact.start, fact.end)
    assert not text[:we].rstrip("，").endswith("的")  # stops after 可以不进行招标, not after 自行建设的
    short = "本办法自2014年5月1日起施行。"
    assert items.window(short, 4, 14) == (0, len(short))


def test_whole_stem_gate_drops_an_ellipsis_cut_stem() -> None:
    quote = "国家对未满16周岁的未成年人，给予特困人员供养。"
    good = blank_item(quote, "16周岁")
    assert gates.whole_stem(good) is None
    cut = good.with_(stem="根据《社会救助暂行办法》，……未满（　　）的未成年人……")
    assert gates.whole_stem(cut) == "cut_stem"
    assert (
        gates.whole_stem(good.with_(stem="根据《社会救助暂行办法》，国家对未满（　　）的未成年人，"))
        == "cut_stem"
    )


# -- rule 2: a blank is a whole phrase ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("quote", "key", "expected"),
    [
        ("可以处物资价值1倍以上3倍以下的罚款。", "3倍", None),  # number with its unit
        ("可以处物资价值1倍以上3倍以下的罚款。", "倍", "split_phrase"),  # the unit without its figure
        ("确保脱贫劳动力就业规模稳定在3000万人以上。", "3000万", "split_phrase"),  # figure without 人
        ("县级以上人民政府民政部门应当加强管理。", "民政", "split_phrase"),  # inside 人民政府
        ("乡镇人民政府应当加强乡镇社会管理和服务能力建设。", "加强", "split_phrase"),  # verb without object
        ("乡镇人民政府应当加强乡镇社会管理和服务能力建设。", "乡镇人民政府", None),
    ],
)
def test_blank_is_a_whole_phrase(quote: str, key: str, expected: str | None) -> None:
    assert gates.whole_phrase(blank_item(quote, key), WORDS) == expected


def test_a_listed_blank_never_takes_the_verb_that_governs_the_list() -> None:
    quote = "引导企业、农民合作社、家庭农场与农户等紧密联合与合作。"

    def multi(listed: tuple[str, ...], start: str) -> QuizItem:
        at = quote.index(start)
        end = quote.index(listed[-1]) + len(listed[-1])
        stem = "根据《意见》，" + quote[:at] + BLANK + quote[end:] + gates.MULTI_ASK
        options = (*listed[:2], "村民委员会", "供销合作社")
        return item(
            quote, type="multi", stem=stem, options=options, answer=("A", "B"), key_text="、".join(listed)
        )

    split = multi(("引导企业", "农民合作社", "家庭农场"), "引导企业")
    assert gates.whole_phrase(split, WORDS) == "split_phrase"
    whole = multi(("企业", "农民合作社", "家庭农场"), "企业")
    assert gates.whole_phrase(whole, WORDS) is None


# -- rule 3: distractors of the key's category -----------------------------------------------------------
@pytest.mark.parametrize(
    ("key", "other", "same"),
    [
        ("16周岁", "18周岁", True),  # ages with ages
        ("16周岁", "16人", False),
        ("16周岁", "十六周岁", False),  # the same value written in Chinese numerals
        ("县级人民政府", "乡镇人民政府", True),  # bodies with bodies
        ("县级人民政府", "民政部门", False),  # 人民政府 vs 部门: another level of body
        ("县级人民政府", "2014年5月1日", False),
        ("1.3万亿斤", "1.0万亿斤", True),  # figures of the same unit and scale
        ("1.3万亿斤", "500万亿斤", False),  # another scale
        ("1.3万亿斤", "1.3万吨", False),  # another unit
        ("2014年5月1日", "2015年5月1日", True),  # dates with dates
        ("2014年5月1日", "2014年", False),  # another granularity
        ("十日内", "十五日内", True),
        ("十日内", "三个月内", False),
    ],
)
def test_distractor_category(key: str, other: str, same: bool) -> None:
    options = (key, other)
    single = item(
        "x", type="single", stem=f"根据《办法》，{BLANK}。", options=options, answer=("A",), key_text=key
    )
    assert (gates.same_category(single) is None) is same


def test_list_distractors_stay_on_the_list_topic() -> None:
    listed = ("精准识别", "精准帮扶", "精准脱贫")
    assert gates.related("精准培训", listed) and gates.related("积分制", ("清单制", "数字化"))
    assert not gates.related("活体畜禽", listed) and not gates.related("人工智能", ("不敢腐", "不能腐"))
    assert not gates.related("推进水", ("能源", "交通", "水利"))  # a verb-led fragment of another list


def test_pool_never_offers_the_key_value_in_another_writing() -> None:
    text = "对未满十六周岁的未成年人给予供养。"
    key = next(f for f in extract_facts(text) if f.kind == "number")
    facts = [
        *extract_facts("未满16周岁的。"),
        *extract_facts("年满十八周岁的。"),
        *extract_facts("满六十周岁的。"),
    ]
    pool = DistractorPool([*facts, key])
    offered = pool.for_fact(key, text, random.Random(1))
    assert "十八周岁" in offered and "16周岁" not in offered


# -- rule 4: judge items test a point that matters -------------------------------------------------------
def judge(quote: str, kind: str, truth: bool = True, explanation: str = "") -> QuizItem:
    return item(
        quote, type="judge", stem="根据《办法》，" + quote, options=JUDGE_OPTIONS,
        answer=("A",) if truth else ("B",), fact_kind=kind, explanation=explanation,
    )  # fmt: skip


def test_judge_point_matters() -> None:
    assert gates.judge_point(judge("乡镇人民政府应当在十日内公布。", "period")) is None
    assert gates.judge_point(judge("县级人民政府民政部门应当核实。", "body")) is None
    assert gates.judge_point(judge("理事会会议应当有三分之二以上的成员出席。", "number")) is None
    # a figure of a statistics line, not of a rule or target; a quoted slogan; one figure among many
    assert gates.judge_point(judge("以黄河为抓手,打造1122个乡村旅游示范村。", "number")) == "trivial_judge"
    assert gates.judge_point(judge("坚持和发展新时代“枫桥经验”。", "term")) == "trivial_judge"
    stats = "重点抓好4400个产业扶贫项目,5479座光伏村级电站、32座集中电站的运维管理应当加强。"
    assert gates.judge_point(judge(stats, "number")) == "trivial_judge"


def test_false_judge_changes_the_point_within_its_category() -> None:
    quote = "乡镇人民政府应当在十五日内公布。"
    wrong = judge(quote, "period", False, "该说法错误：文件规定为“十日内”，而不是“十五日内”。")
    assert gates.same_category(wrong.with_(key_text="十日内")) is None
    odd = judge(quote, "period", False, "该说法错误：文件规定为“十日内”，而不是“县级人民政府”。")
    assert gates.same_category(odd.with_(key_text="十日内")) == "off_category"


def test_judge_builder_keeps_the_statement_whole() -> None:
    s = sentence(LONG)
    fact = next(f for f in extract_facts(LONG) if f.text == "3倍")
    pool = DistractorPool([*extract_facts("处1倍以上5倍以下的罚款。"), fact])
    built = items.build_judge(s, fact, pool, DocumentTexts([LONG]), random.Random(1), False)
    assert isinstance(built, QuizItem) and "…" not in built.stem and built.stem.endswith("。")
    assert gates.trainer_check(built, WORDS) is None


# -- rule 5: 出处 in a trainer's words -------------------------------------------------------------------
def test_source_names_document_and_article_without_offsets(tmp_path: Path) -> None:
    quote = "本办法自2014年5月1日起施行。"
    one = blank_item(quote, "2014年5月1日").with_(
        citation=ItemCitation("办法.txt", "第十三章 附则 > 第七十条", 120, 137, quote, "社会救助暂行办法"),
        explanation=f"答案：2014年5月1日。依据《社会救助暂行办法》第七十条，出处原文：“{quote}”",
    )
    assert source_text(one) == "《社会救助暂行办法》第十三章 附则 > 第七十条"
    export([one], tmp_path / "quiz.md")
    export([one], tmp_path / "quiz.docx")
    import docx

    key = "\n".join(p.text for p in docx.Document(str(tmp_path / "quiz-答案.docx")).paragraphs)
    for shown in ((tmp_path / "quiz.md").read_text(encoding="utf-8"), key):
        assert "第七十条" in shown and not OFFSETS.search(shown) and "办法.txt" not in shown


def test_a_false_judge_can_swap_the_modality() -> None:
    text = "乡镇人民政府应当在十日内公布，不得收取费用。"
    modals = extract_modalities(text)
    assert [m.text for m in modals] == ["应当", "不得"] and not extract_modalities("“应当”二字。相应当事人。")
    pool = DistractorPool([*modals, *extract_modalities("县级人民政府可以委托。")])
    built = items.build_judge(sentence(text), modals[0], pool, DocumentTexts([text]), random.Random(1), False)
    assert isinstance(built, QuizItem) and built.answer == ("B",) and built.fact_kind == "modality"
    assert "应当" not in built.stem and gates.shown_value(built) in ("可以", "不得")
    assert gates.trainer_check(built, WORDS) is None
