"""Reading that carries to documents nobody tuned for: a numbered item read with its lead-in, a question
word written in short (监管 for 监督管理), a lone 一 that is no figure, 咋算 asking for a figure, money
asked after 多少 (交多少清运费), a verb that names no missing subject (下手), a floor that does not answer
a question about a ceiling, and everyday words for what clauses say."""

from __future__ import annotations

from dataclasses import replace

import pytest
from assistant_fakes import SETTINGS, Doc, FakeKnowledgeBase

from assistant.answer_types.base import against_bound
from assistant.answer_types.number import NUMBER, WRONG_UNIT_FIT
from assistant.answerer import Answerer
from assistant.extract import Span, dates, quantities
from assistant.lexicon import expansions
from assistant.policy import AnswerPolicy
from assistant.question import analyse
from assistant.reader import Reader
from assistant.term_match import abbreviates
from assistant.types import Hit
from corpus.types import Chunk

FUXU = Doc(
    "fuxu",
    "某某省残疾军人护理办法",
    "某某省残疾军人护理办法\n"
    "第三条 对需要长年医疗或者独身一人不便分散供养的残疾军人，可以集中供养。\n"
    "第四条 对分散供养的一级至四级残疾军人发给护理费，护理费的标准为："
    "（一）因战、因公一级和二级残疾的，为当地上年度职工月平均工资的50%；"
    "（二）因战、因公三级和四级残疾的，为当地上年度职工月平均工资的40%。\n"
    "第五条 保险机构的业务由国务院保险监督管理机构实施监督管理。",
)
LAJI = Doc(
    "laji",
    "某某市农村生活垃圾治理条例",
    "某某市农村生活垃圾治理条例\n"
    "第九条 乡镇人民政府负责本辖区农村生活垃圾的日常管理。\n"
    "第二十七条 不按规定清扫责任区内垃圾的，对单位处五百元以下罚款，对个人处五十元以下罚款。",
)
FANJIA = Doc(
    "fanjia",
    "某某省反家庭暴力条例",
    "某某省反家庭暴力条例\n"
    "第十六条 家庭暴力情节较轻，依法不给予治安管理处罚的，由公安机关对加害人给予批评教育或者出具告诫书。",
)
KB = FakeKnowledgeBase([FUXU, LAJI, FANJIA])
CHECKED = Answerer(KB, KB, KB.reader(), SETTINGS, policy=replace(AnswerPolicy(), check_subject=True))


ALONE = Reader(KB.tokenizer, lambda: KB.bm25, replace(AnswerPolicy(), items_inherit_lead=False))


def _article(doc_id: str, title: str, *lines: str) -> Hit:
    """One passage holding an article's lines, as the chunker keeps an article's items together."""
    text = "\n".join(lines)
    return Hit(
        Chunk(f"{doc_id}-1", doc_id, f"{doc_id}.txt", "", 0, len(text), text, 0), title, "", "2024-01-01", 1.0
    )


def test_a_numbered_item_is_read_with_its_lead_in() -> None:
    """护理费的标准为：（一）因公一级…50%: the item holds the figure, its lead-in the words asked. The lead-in
    and its items are lines of one passage, as the chunker keeps an article's items together."""
    hit = _article(
        "hl",
        "某某省护理费办法",
        "第四条 对分散供养的一级至四级残疾军人发给护理费，护理费的标准为：",
        "（一）因战、因公一级和二级残疾的，为当地上年度职工月平均工资的50%；",
        "（二）因战、因公三级和四级残疾的，为当地上年度职工月平均工资的40%。",
    )
    info = analyse("分散供养的一级残疾军人，因公受的伤，护理费按啥标准给？")
    best = KB.reader().read(info, [hit]).evidence[0]
    assert best.text.startswith("（一）") and [s.text for s in best.spans] == ["50%"]
    assert ALONE.read(info, [hit]).evidence[0].text.startswith("第四条")  # what the lead-in's words bring


def test_a_short_form_matches_its_spelled_out_words_only_in_order_and_close() -> None:
    assert abbreviates("监管", "由国务院保险监督管理机构实施监督管理")
    assert abbreviates("保费", "增加保险费")
    assert not abbreviates("保费", "保险机构应当按照约定支付费用")  # 保…费 too far apart
    assert not abbreviates("费保", "增加保险费")  # out of order


def test_a_word_the_corpus_never_uses_counts_where_a_sentence_spells_it_out() -> None:
    info = analyse("农业保险这摊事归谁监管？")
    reader = KB.reader()
    unseen = {t.text for t in reader.terms(info) if t.unseen}
    assert "监管" in unseen
    reading = reader.read(info, KB.retrieve(info.search_text))
    assert reading.evidence[0].text.startswith("第五条")
    off = Reader(KB.tokenizer, lambda: KB.bm25, replace(AnswerPolicy(), abbrev_credit=0.0))
    lead = next(
        ev for ev in off.read(info, KB.retrieve(info.search_text)).evidence if ev.text.startswith("第五条")
    )
    assert lead.coverage < reading.evidence[0].coverage


def test_a_lone_one_before_a_measure_word_is_no_figure() -> None:
    info = analyse("护理费按啥标准给？")
    assert info.answer_type.name == "number" and info.unit is None
    sentence = "对需要长年医疗或者独身一人不便分散供养的残疾军人，可以集中供养。"
    assert NUMBER.fit(info, sentence, quantities(sentence)) == WRONG_UNIT_FIT
    sentence = "为当地上年度职工月平均工资的50%"
    assert NUMBER.fit(info, sentence, quantities(sentence)) == 1.0


@pytest.mark.parametrize("question", ["一次性抚恤金咋算？", "人均收入怎么计算？", "护理费按什么标准发？"])
def test_how_it_is_reckoned_asks_for_a_figure(question: str) -> None:
    assert analyse(question).answer_type.name == "number"


def test_money_asked_after_how_much_is_a_sum_not_a_fine() -> None:
    info = analyse("某某市农村每户每个月得交多少垃圾清运费？")
    assert info.unit == "钱"
    assert analyse("每户能领多少补贴？").unit == "钱"
    assert analyse("交多少费用率？").unit is None  # 费用率 is a rate
    answer = CHECKED.answer("某某市农村每户每个月得交多少垃圾清运费？")
    assert not answer.found  # the only sums are fines: the fee is not stated


def test_a_verb_ending_like_a_role_is_no_missing_subject() -> None:
    """下手 ends like 骑手 and the documents never use it, but it is what was done, not who."""
    answer = CHECKED.answer("两口子打架，男的下手不算太重，够不上治安处罚，派出所一般咋处理？")
    assert answer.found and "没有关于" not in answer.answer
    assert "告诫书" in answer.answer


@pytest.mark.parametrize(
    ("question", "formal"),
    [
        ("保护令能管多久？", "有效期"),
        ("小作坊的登记证一次管几年？", "有效期"),
        ("许可证能用几年？", "有效期"),
        ("抚恤金要不要算进家庭收入？", "计入"),
        ("村里是不是得报警？", "向公安机关报案"),
        ("男的家暴媳妇咋办？", "家庭暴力"),
        ("风险大了能加保费吗？", "保险费"),
        ("农业保险归谁监管？", "监督管理"),
        ("老板把俺的工资卡收走了合规矩不？", "扣押"),
        ("理事长能从合作社账上借点钱不？", "借款"),
        ("包工头拿几袋水泥顶工钱行不行？", "替代"),
        ("乡里逼着每家买保险，合不合规矩？", "强迫"),
    ],
)
def test_everyday_words_for_validity_reporting_and_deeds(question: str, formal: str) -> None:
    assert formal in expansions(question)


@pytest.mark.parametrize(
    ("question", "span", "against"),
    [
        ("公示期最长不能超过几天？", "不少于5个工作日", True),  # a floor where a ceiling is asked
        ("公示期最长不能超过几天？", "5个工作日内", False),
        ("一户最多能批多少平？", "不超过150平方米", False),
        ("委员最少几个人？", "七人以下", True),
        ("委员最多几个，最少几个？", "三至七人", False),  # both ways asked: nothing is against
        ("低保标准是多少钱？", "不低于500元", False),  # no bound asked (最低 of 最低生活保障 is no floor)
        ("最低生活保障金最多领多少？", "不低于500元", True),
    ],
)
def test_a_figure_bounded_the_other_way_does_not_answer(question: str, span: str, against: bool) -> None:
    assert against_bound(analyse(question), Span(0, len(span), "quantity", span)) is against


def test_a_floor_is_no_answer_to_how_long_at_most() -> None:
    info = analyse("公示期最长不能超过几天？")
    floor = "公示期不少于5个工作日。"
    ceiling = "公示期不超过5个工作日。"
    kind = info.answer_type
    assert kind.fit(info, floor, kind.spans(info, floor)) < 1.0
    assert kind.fit(info, ceiling, kind.spans(info, ceiling)) == 1.0


@pytest.mark.parametrize(
    ("sentence", "period"),
    [
        ("人民法院受理申请后，应当在七十二小时内作出人身安全保护令或者驳回申请", "七十二小时内"),
        ("人身安全保护令的有效期不超过六个月", "不超过六个月"),
        ("最低生活保障金从批准的次月起计发", "次月起"),
        # How often, with its count (一级 is no count).
        ("最低生活保障家庭应当每季度核查一次。", "每季度核查一次"),
        ("至少每半年公布一次，重大事项随时公布。", "至少每半年公布一次"),
        ("村民代表会议每季度至少召开一次。", "每季度至少召开一次"),
        ("乡镇人民政府每年向上一级人民政府报告。", "每年"),
        # A month's end.
        ("每年10月底前，应急管理部门应当核实受灾人员的困难。", "每年10月底前"),
        ("于每年三月底以前报送。", "每年三月底以前"),
        ("整改应当在6月底前完成。", "6月底前"),
    ],
)
def test_hours_bounded_terms_the_month_after_how_often_and_a_month_s_end_are_read_whole(
    sentence: str, period: str
) -> None:
    assert period in [s.text for s in dates(sentence)]


def test_a_year_named_by_nian_du_is_no_period_or_figure() -> None:
    sentence = "护理费为当地上一年度城镇单位就业人员月平均工资的50%，工作满一年的"
    assert [s.text for s in quantities(sentence)] == ["50%", "一年"]
    assert [s.text for s in dates("按上一年度标准；任期为五年")] == ["任期为五年"]


def test_within_how_many_days_asks_for_a_ceiling() -> None:
    info = analyse("乡镇多少天内要审完？")
    assert against_bound(info, Span(0, 6, "date", "不少于十五日"))
    assert not against_bound(info, Span(0, 6, "date", "七个工作日内"))


def test_a_lead_in_speaks_of_the_item_that_matches_the_question() -> None:
    """有下列情形之一的，处…罚款：（一）扣押工资卡…: the figure is in the lead-in, the deed in an item."""
    hit = _article(
        "gz",
        "某某省工资支付办法",
        "第五十四条 有下列情形之一的，由人力资源社会保障行政部门责令限期改正；逾期不改正的，对单位处2万元以上5万元以下的罚款：",
        "（一）扣押或者变相扣押用于支付农民工工资的银行卡的；",
        "（二）未按规定开设农民工工资专用账户的。",
    )
    info = analyse("老板扣押工人的工资银行卡，单位要罚多少钱？")
    best = KB.reader().read(info, [hit]).evidence[0]
    assert best.text.startswith("逾期不改正的") and [s.text for s in best.spans] == ["2万元以上5万元以下"]
    assert ALONE.read(info, [hit]).evidence[0].coverage < best.coverage


def test_a_verb_with_hand_is_no_missing_subject_even_tagged_a_noun() -> None:
    answer = CHECKED.answer("某某市有单位开假证明，经手的负责人要罚多少钱？")
    assert "经手" not in answer.answer
