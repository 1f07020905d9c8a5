"""Cities (地级市) as places a question pins down, and question words that decide the answer type.

A city's own rule is not its province's nor another city's: 惠州那边的农村建房条例 is refused when only
汕尾市's is held, while a province's rule still answers for its cities. Rough counts (好几回), topics
(裁决生效了) and everyday nouns of a document kind (初审意见, 开庭通知) ask nothing by themselves.
"""

from __future__ import annotations

import pytest

from assistant.constraints import admissible_docs, doc_region, document_gap
from assistant.docmatch import document_hints
from assistant.lexicon import cities_in, load_cities, province_of
from assistant.question import analyse
from corpus.errors import PolicyAssistantError
from index.catalog import DocRecord

TITLES = {
    "law": "中华人民共和国农村土地承包法",
    "gd": "广东省乡村振兴促进条例",
    "sw": "汕尾市农村建房条例",
    "zj": "浙江省农村集体资产管理条例",
}


def _docs(*keys: str) -> list[DocRecord]:
    return [DocRecord(k, f"{k}.txt", TITLES[k], "", "2022-01-01", "", "fp", 1, 0.0) for k in keys]


def _gap_message(question: str, docs: list[DocRecord]) -> str | None:
    info = analyse(question)
    gap = document_gap(info, docs, document_hints(info, docs))
    return None if gap is None else gap.message


# -- the city list ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "cities"),
    [
        ("惠州那边的农村建房条例，宅基地要公示几天？", ("惠州",)),
        ("宁波市的集体资产怎么审计？", ("宁波",)),
        ("黔东南州的扶贫项目谁来批？", ("黔东南",)),
        ("社会要长治久安，村里调解员怎么选？", ()),  # 长治 inside a word is no city
        ("吉林的低保标准是多少？", ()),  # a province's name stays a province
    ],
)
def test_cities_are_read_as_whole_words(question: str, cities: tuple[str, ...]) -> None:
    assert cities_in(question) == cities


def test_a_city_belongs_to_its_province_and_a_document_to_the_city_its_title_names() -> None:
    assert province_of("汕尾") == "广东" and province_of("广东") == "广东"
    regions = {d.doc_id: doc_region(d) for d in _docs("law", "gd", "sw", "zj")}
    assert regions == {"law": "", "gd": "广东", "sw": "汕尾", "zj": "浙江"}


def test_a_bad_city_line_names_the_file_and_line() -> None:
    with pytest.raises(PolicyAssistantError, match=r"cities.tsv 第2行"):
        load_cities("# 注释\n江南\t苏州 无锡\n")


# -- a city's own document -------------------------------------------------------------------------------


def test_another_citys_own_regulation_is_refused_by_name() -> None:
    message = _gap_message("惠州那边的农村建房条例，宅基地申请要在村里公示几天？", _docs("law", "gd", "sw"))
    assert message == "现有文件中没有惠州那边的农村建房条例，无法据此回答。"


def test_a_citys_own_document_is_missing_even_when_its_provinces_is_held() -> None:
    message = _gap_message("宁波市的农村集体资产管理办法规定，账目一年审计几次？", _docs("law", "zj"))
    assert message == "现有文件中没有宁波市的农村集体资产管理办法，无法据此回答。"


def test_the_held_citys_regulation_is_no_gap() -> None:
    assert _gap_message("汕尾市的农村建房条例规定宅基地公示几天？", _docs("law", "gd", "sw")) is None


def test_a_city_is_answered_from_its_own_its_provinces_and_national_documents_only() -> None:
    docs = _docs("law", "gd", "sw", "zj")
    info = analyse("惠州的村民建房要经过谁批准？")
    assert admissible_docs(info, docs, document_hints(info, docs)) == {"law", "gd"}
    info = analyse("汕尾的村民建房要经过谁批准？")
    assert admissible_docs(info, docs, document_hints(info, docs)) == {"law", "gd", "sw"}
    info = analyse("广东的村民建房要经过谁批准？")  # one city's rule is not the province's
    assert admissible_docs(info, docs, document_hints(info, docs)) == {"law", "gd"}


# -- what a question asks ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("调了好几回还是谈不拢，接下来咋弄？", "none"),  # 好几回: a rough count, no number asked
        ("交了十几年社保，每月能领多少钱？", "number"),
        ("承包地仲裁裁决生效了，对方就是不照办，去哪儿申请执行？", "procedure"),
        ("本法什么时候施行？", "deadline"),
        ("条例的施行日期是？", "deadline"),  # a topic word still decides when nothing else asks
    ],
)
def test_question_words_decide_before_topic_words(question: str, kind: str) -> None:
    assert analyse(question).answer_type.name == kind


@pytest.mark.parametrize(
    "question",
    [
        "在浙江申请低保，乡镇多少个工作日内得调查完、拿出初审意见？",
        "申请承包地仲裁的人接到开庭通知，没正当理由就是不去，会咋样？",
    ],
)
def test_everyday_nouns_of_kinds_意见_and_通知_are_no_missing_document(question: str) -> None:
    assert document_hints(analyse(question), _docs("law", "zj")).missing == ()


def test_a_titled_意见_the_knowledge_base_lacks_is_still_missing() -> None:
    question = "国务院关于加强农村留守儿童关爱保护工作的意见里，谁负责摸底排查？"
    assert document_hints(analyse(question), _docs("law", "zj")).missing != ()


@pytest.mark.parametrize(
    ("question", "unit"),
    [
        ("在汕尾山区，一户宅基地最多能批多大？", "平方米"),
        ("汕尾城郊的村，新批宅基地一户最多多少平？", "平方米"),
        ("村里的老人多大岁数能领高龄补贴？", None),
    ],
)
def test_an_area_asked_wants_an_area(question: str, unit: str | None) -> None:
    assert analyse(question).unit == unit


@pytest.mark.parametrize(
    ("question", "unit"),
    [
        ("浙江医疗救助一年最多能报多少万？", "钱"),  # 报 a sum: a figure in 元 answers it
        ("村集体借钱，借多少万以上就算较大数额的举债？", "钱"),
        ("低保对象有多少万？", None),  # a count of people
        ("光伏村级电站每个村一年能分多少收益？", "钱"),  # 收益 shared out is money
    ],
)
def test_a_sum_in_万_asked_by_a_verb_of_paying_wants_money(question: str, unit: str | None) -> None:
    assert analyse(question).unit == unit


@pytest.mark.parametrize(
    ("question", "unit"),
    [
        ("猪饲料里铜、锌最多能添加多少毫克？", "毫克"),
        ("新当选的村委会成员参加培训，每次不能少于多少学时？", "学时"),
        ("一头猪一天最多喂多少公斤料？", "公斤"),
        ("村集体拿钱对外投资，超过多少万元就得开成员大会表决？", "万元"),
        ("省级储备粮一共要储多少万吨？", "吨"),  # a magnitude between: 多少万吨 asks 吨
        ("新造林管护要管多少万亩？", "亩"),
    ],
)
def test_a_weight_class_hours_or_sum_asked_wants_that_unit(question: str, unit: str) -> None:
    """A figure in years does not answer 多少毫克 or 多少万元: the sentence holding only 6年 is on topic,
    no answer."""
    info = analyse(question)
    assert info.unit == unit and info.qtype == "number"
    sentence = "自核发证书之日起6年内，不得使用前款规定的数据。"
    spans = info.answer_type.spans(info, sentence)
    assert info.answer_type.fit(info, sentence, spans) < 1.0


def test_which_parts_is_a_list_not_a_sum_in_块() -> None:
    info = analyse("河南扶贫的钱都是从哪几块来的？")
    assert info.answer_type.name == "list" and info.unit is None
    assert analyse("补贴一个月给几块钱？").unit == "块"


def test_the_cases_asked_are_a_list() -> None:
    assert analyse("在浙江，家里碰上啥情况可以申请临时救助？").answer_type.name == "list"


def test_a_one_character_colloquial_form_counts_only_as_a_word_of_its_own() -> None:
    assert "担任" in analyse("我能当护林员吗？").expansions
    assert "担任" not in analyse("去调解的时候，当事人自己得守哪些规矩？").expansions  # 当事人
    assert "担任" not in analyse("村里应当怎么公示？").expansions  # 应当


# -- who acts ------------------------------------------------------------------------------------------


def test_the_party_a_clause_says_does_what_谁_asks_is_an_answer() -> None:
    from assistant.answer_types.procedure import PROCEDURE

    info = analyse("村民自己盖的房子，质量安全出了问题谁负总责？")
    sentence = "第二十九条 建房村民对房屋的质量安全负总责，承担建设主体责任。"
    spans = PROCEDURE.spans(info, sentence)
    assert [s.text for s in spans] == ["建房村民"] and PROCEDURE.fit(info, sentence, spans) == 0.8
    # A verb phrase before the deed names no one: 健全市负总责 is no party 健全市.
    info = analyse("北京条例里乡村振兴是谁负总责？")
    assert PROCEDURE.spans(info, "健全市负总责、区和乡镇抓落实的工作机制。") == []


@pytest.mark.parametrize(
    ("question", "other", "asked"),
    [
        # 交多少钱手续费: neither a fine nor the sum a fine is graded by (货值金额不足1万元的) is a fee.
        (
            "办一个农药经营许可证，要交多少钱手续费？",
            "违法经营的农药货值金额不足1万元的，并处5000元以上5万元以下罚款。",
            "申请人应当缴纳手续费200元。",
        ),
        # 超过多少万元: a share of members (三分之二以上) is no sum of money.
        (
            "村集体拿钱对外投资，超过多少万元就得开成员大会表决？",
            "成员大会作出决定，应当经全体成员三分之二以上同意。",
            "对外投资超过五十万元的，应当经成员大会表决。",
        ),
    ],
)
def test_only_a_sum_of_the_kind_asked_answers(question: str, other: str, asked: str) -> None:
    info = analyse(question)
    kind = info.answer_type
    assert kind.fit(info, other, kind.spans(info, other)) < 1.0
    assert kind.fit(info, asked, kind.spans(info, asked)) == 1.0


def test_a_count_asked_in_any_measure_word_is_a_number_question() -> None:
    """几只, 几棵, 几间, 几毛钱, 几场, 几张, 几份 ask a count like 几个 does, when the clause asks (ends in ？); 租了几亩耕地，…
    按啥地管 speaks of a few mu and asks something else."""
    for question in (
        "一户最多能养几只鸡鸭？",
        "每人每年得种几棵树？",
        "一个院子最多能开几间客房？",
        "一方水收几毛钱？",
        "每个村一年至少要搞几场宣传？",
        "一个人名下最多能办几张手机卡？",
        "调解协议书一共要弄几份？",
    ):
        assert analyse(question).answer_type.name == "number", question
    # The measure word asked is the unit the figure must carry (几张 → 张).
    assert analyse("一个人名下最多能办几张手机卡？").unit == "张"
    assert analyse("有人租了村里几亩耕地盖养猪场，这块地按啥地管？").answer_type.name != "number"


@pytest.mark.parametrize(
    ("question", "unit"),
    [
        ("临时救助就几百块钱的事，能不能乡镇直接批了？", None),  # 几百块: an amount told, nothing asked
        ("有人上坟烧纸引发了山火，烧了几十亩林子，肇事的人要判几年刑？", "年"),
    ],
)
def test_a_magnitude_after_几_tells_an_amount_and_asks_nothing(question: str, unit: str | None) -> None:
    assert analyse(question).unit == unit
