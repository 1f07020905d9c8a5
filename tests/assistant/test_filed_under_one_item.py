"""One thing filed under one of a listed scale's kinds (狂犬病算第几类, 过期药算哪类垃圾): the kind the item naming it
states leads the answer (二类疫病。), and the scale it is read from is quoted whole."""

from __future__ import annotations

from assistant.answer_types.classification import CLASSIFICATION
from assistant.compose import compose
from assistant.extract import lead_in_items
from assistant.question import analyse
from assistant.reader import Evidence
from assistant.types import Chunk, Hit

SCALE = (
    "本法规定的动物疫病分为下列三类：\n\n（一）一类疫病，是指口蹄疫、非洲猪瘟等；\n\n"
    "（二）二类疫病，是指狂犬病、布鲁氏菌病等；\n\n（三）三类疫病，是指大肠杆菌病、禽结核病等。"
)
HEAD_END = SCALE.index("：") + 1


def _answer(question: str) -> str:
    listed = lead_in_items(SCALE, 0, HEAD_END, 400)
    assert listed is not None and listed.kind == "listed"
    chunk = Chunk("c1", "fangyi", "fangyi.txt", "第四条", 0, len(SCALE), SCALE, 0)
    hit = Hit(chunk, "动物防疫法", "", "2021-01-22", 1.0)
    ev = Evidence(hit, 0, len(SCALE), SCALE, 0.6, 1.0, 1.0, (listed,))
    return compose(question, analyse(question), [hit], [ev], ["狂犬病", "动物疫病"]).answer


def test_the_kind_of_the_one_item_naming_the_thing_leads_the_scale() -> None:
    answer = _answer("狗的狂犬病在动物疫病里头算第几类？")
    assert answer.startswith("二类疫病。") and "（三）三类疫病" in answer


def test_a_question_asking_the_division_itself_is_read_without_a_lead() -> None:
    assert _answer("动物疫病分成哪几类？").startswith("本法规定的动物疫病分为下列三类")


def test_an_item_that_names_no_kind_gives_no_lead() -> None:
    text = "有下列情形之一的，应当划为限制开采区：\n\n（一）开采量接近可开采量的区域；\n\n（二）法律规定限制开采的其他区域。"
    listed = lead_in_items(text, 0, text.index("：") + 1, 400)
    assert listed is not None
    info = analyse("这种开采量快到上限的地方算哪一类区？")
    assert CLASSIFICATION.pick(info, text, [listed], ["开采量", "上限"]) == listed


def test_the_tier_holding_the_stated_case_leads_with_its_name() -> None:
    text = (
        "地质灾害按照人员伤亡、经济损失的大小，分为四个等级：\n\n(一)特大型：因灾死亡30人以上；\n\n"
        "(二)大型：因灾死亡10人以上30人以下；\n\n(三)中型：因灾死亡3人以上10人以下；\n\n(四)小型：因灾死亡3人以下。"
    )
    listed = lead_in_items(text, 0, text.index("：") + 1, 400)
    assert listed is not None
    info = analyse("镇上一处滑坡死了5个人，这算哪一级的地质灾害？")
    picked = CLASSIFICATION.pick(info, text, [listed], ["滑坡", "地质灾害"])
    assert picked is not None and picked.text == "中型" and text[picked.start : picked.end] == "中型"


def test_a_stated_figure_is_judged_by_the_clauses_counting_what_it_counts() -> None:
    # 死了4个人 counts deaths: 10人以下重伤 in the first tier does not hold it, 3人以上10人以下死亡 in the second does.
    text = (
        "事故一般分为以下等级：\n\n(一)一般事故，是指造成3人以下死亡，或者10人以下重伤的事故；\n\n"
        "(二)较大事故，是指造成3人以上10人以下死亡，或者10人以上50人以下重伤的事故；\n\n"
        "(三)重大事故，是指造成10人以上30人以下死亡的事故。"
    )
    listed = lead_in_items(text, 0, text.index("：") + 1, 400)
    assert listed is not None
    info = analyse("厂里出了事故，当场死了4个人，这算哪一级的事故？")
    picked = CLASSIFICATION.pick(info, text, [listed], ["事故"])
    assert picked is not None and picked.text == "较大事故"
