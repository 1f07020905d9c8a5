"""The kind of value a question asks (取值约束) on an in-memory knowledge base: an amount per unit, a time
of day, a colour, a discount or a ratio must be stated by the evidence, else the refusal names the value
the documents do not give."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from assistant_fakes import SETTINGS, Doc, FakeKnowledgeBase

from assistant.answer_types import QuestionInfo
from assistant.answerer import Answerer
from assistant.asked_values import (
    acting_item_first,
    asked_acts,
    unstated_act,
    unstated_bound,
    unstated_payer,
    unstated_rate,
    unstated_term,
    unstated_value,
)
from assistant.constraints import Unmet
from assistant.question import analyse

FINES = Doc(
    "fines",
    "土地保护条例",
    "土地保护条例\n第三十二条 违反本条例规定，破坏或者擅自改变保护区标志的，由县级以上人民政府土地行政主管部门"
    "责令恢复原状，可以处1000元以下罚款。\n"
    "第三十三条 擅自占用林地的，由县级以上人民政府林业主管部门责令限期恢复原状，并处非法占用林地每平方米十元至"
    "三十元的罚款。",
)


def test_an_amount_per_unit_is_answered_only_by_a_clause_stating_it_per_that_unit() -> None:
    """每平方米罚多少: the clause fining 每平方米十元至三十元 answers; asked of a deed whose clause fines a
    lump sum (1000元以下), the figure is no rate per 平方米 and the answer says so."""
    kb = FakeKnowledgeBase([FINES])
    answerer = Answerer(kb, kb, kb.reader(), SETTINGS)
    answer = answerer.answer("擅自占用林地的，每平方米罚多少钱？")
    assert answer.found and "每平方米十元至三十元" in answer.answer
    answer = answerer.answer("破坏保护区标志的，每平方米罚多少钱？")
    assert not answer.found and answer.answer == "现有文件中没有按每平方米计的标准，无法据此回答。"


@pytest.mark.parametrize(
    ("question", "sentence", "refused"),
    [
        ("罚款是按每平方米多少钱算？", "可以处1000元以下罚款。", True),
        ("一平米罚多少钱？", "处每平方米一百元以上二百元以下罚款。", False),
        ("一棵古树罚多少？", "每株处三万元以上五万元以下罚款。", False),  # 株 counts trees as 棵 does
        ("每多养一只羊罚多少钱？", "并处草原被破坏前三年平均产值六倍以上十二倍以下的罚款。", True),
        ("复垦费每亩收多少钱？", "复垦费按1500元/亩收取。", False),
        (
            "我家一亩地被占了，能补多少钱？",
            "按照被征收土地前三年平均年产值的六至十倍补偿。",
            False,
        ),  # 一亩 told
        ("一亩地的补贴发给谁？", "补贴发给实际种粮者。", False),  # no figure asked
    ],
)
def test_a_rate_asked_per_unit(question: str, sentence: str, refused: bool) -> None:
    assert (unstated_rate(analyse(question), sentence) is not None) is refused


@pytest.mark.parametrize(
    ("question", "sentence", "refused"),
    [
        ("信访接待大厅每天几点开门？", "各级机关应当向社会公布信访接待的时间和地点。", True),
        ("信访接待大厅每天几点开门？", "信访接待时间为每日9:00至17:00。", False),
        ("文件对村干部提了几点要求？", "提出三点要求。", False),  # how many points, no time of day
        ("古树挂的保护牌是啥颜色？", "实行一级保护的古树由省级主管部门认定。", True),
        ("古树挂的保护牌是啥颜色？", "一级保护古树挂红色标牌。", False),
        ("老人坐火车能打几折？", "为老年人每年进行一次免费常规体检。", True),
        ("老人坐公交能打几折？", "七十周岁以上老年人免费乘坐公共交通工具。", False),
        ("欠水费的违约金，按每天千分之几算？", "逾期不交纳水费的，应当按照合同约定支付违约金。", True),
        ("欠费的滞纳金按每天多大比例加？", "逾期的，按日加收千分之三的滞纳金。", False),
        ("厂里交完税的利润，自己能留下几成？", "税后利润留给企业的部分不应低于百分之六十。", False),
        ("承包底价得多少比例的成员同意？", "应当经本集体经济组织成员三分之二以上同意。", False),
        ("护理员跟失能老人的配比是几比几？", "配备规定数量的养老护理人员。", True),
        ("护理员跟失能老人的配比是几比几？", "护理员与失能老人按照1:4配备。", False),
    ],
)
def test_a_time_of_day_colour_discount_or_ratio_asked_must_be_stated(
    question: str, sentence: str, refused: bool
) -> None:
    assert (unstated_value(analyse(question), sentence) is not None) is refused


@pytest.mark.parametrize(
    ("question", "sentence", "refused"),
    [
        # Another step's time limit is not the term asked.
        ("备案办完以后有效期是多长时间？", "经办机构应当自收到申请之日起10个工作日内办理完毕。", True),
        ("备案办完以后有效期是多长时间？", "备案有效期为一年。", False),
        ("品种权的保护期是多少年？", "从名录公布之日起一年内提出品种权申请的，具备新颖性。", True),
        ("工程质量保修期是几年？", "质量缺陷责任期不得少于交工验收合格后一年。", True),
        # The term in other words: 公告时间, 承包经营权期限, 公示七日.
        ("方案公告期最短多长？", "公告时间不少于三十日。", False),
        ("退耕地的承包期最长能延到多少年？", "退耕土地还林后的承包经营权期限可以延长到70年。", False),
        ("名单的公示期是几天？", "在村务公开栏公示七日。", False),
        ("村委会的任期几年？", "村民委员会每届任期五年。", False),
        ("重庆汛期是每年几月到几月？", "本市汛期为每年5月1日至9月30日。", False),  # the stem read is 庆汛
        # No term's length asked: 快到期 of a licence, a count within the term, 过期 not corrected.
        ("许可证快到期了，得提前多久申请？", "应当在有效期届满三十日前申请延续。", False),
        ("一届任期里至少得参加几次培训？", "每届成员在任期内至少接受一次培训。", False),
        ("过期不改罚多少？", "逾期不改正的，处一百元以上五百元以下的罚款。", False),
        ("有效期管什么用？", "备案有效期内可以直接结算。", False),  # no figure asked
    ],
)
def test_the_length_of_a_named_term_is_answered_only_by_a_clause_stating_the_term(
    question: str, sentence: str, refused: bool
) -> None:
    assert (unstated_term(analyse(question), sentence) is not None) is refused


def test_a_term_asked_and_not_stated_is_refused_with_the_term_named() -> None:
    """有效期是多长时间 over a passage giving only the time to handle the filing: refused, naming the term;
    asked that time itself, the same passage answers."""
    doc = Doc(
        "filing",
        "社会保险经办条例",
        "社会保险经办条例\n第二十条 参保人员异地就医的，应当办理备案。经办机构应当自收到备案申请之日起"
        "10个工作日内办理完毕。",
    )
    kb = FakeKnowledgeBase([doc])
    answer = Answerer(kb, kb, kb.reader(), SETTINGS).answer("异地就医备案办完以后，有效期是多长时间？")
    assert not answer.found and answer.answer == "现有文件中没有规定有效期的期限，无法据此回答。"
    answer = Answerer(kb, kb, kb.reader(), SETTINGS).answer("异地就医备案，经办机构多少个工作日内办完？")
    assert answer.found and "10个工作日内" in answer.answer


@pytest.mark.parametrize(
    ("check", "question", "answer", "refused"),
    [
        (
            unstated_payer,
            "村集体审计要花的审计费用，由谁来出？",
            "农村集体经济组织设立的审计机构独立行使审计监督权。[1]",
            True,
        ),
        (
            unstated_payer,
            "检验费该谁掏？",
            "应到检验机构检验。[1]检验费用由提出检验的一方先行垫付。[2]",
            False,
        ),
        (
            unstated_payer,
            "村委委员得参加几次培训？培训的钱谁出？",
            "一次。每届任期内至少参加一次培训，所需经费列入预算。[1]",
            False,
        ),
        (
            unstated_payer,
            "收费标准是哪一级定的？",
            "省人民政府价格主管部门。收费标准由其制定。[1]",
            False,
        ),  # who sets, not who pays
        # who handles an act: the lead quote must state it (申请, 审批/同意 …)
        (
            unstated_act,
            "贫困残疾人要配轮椅，去哪个部门申请？",
            "各级人民政府。各级人民政府对辅助器具的配置给予救助。[1]",
            True,
        ),
        (
            unstated_act,
            "生产许可证找谁申请？",
            "省级饲料管理部门。申请人应当向省级饲料管理部门提出申请。[1]",
            False,
        ),
        (unstated_act, "五保户申请最后是谁批？", "乡镇人民政府。由本人向乡镇人民政府提出书面申请。[1]", True),
        (
            unstated_act,
            "审计人员的审计证是哪个部门发的？",
            "审计机构。离任经济责任审计由乡镇人民政府负责组织，审计机构也可以组织审计。[1]",
            True,
        ),
        (
            unstated_act,
            "老人想办老年优待证，上哪儿办？",
            "县级以上人民政府。县级以上人民政府制定优待老年人的办法，逐步提高优待水平。[1]",
            True,
        ),
        (
            unstated_act,
            "采伐证该找谁办？",
            "县级人民政府林业主管部门。由县级人民政府林业主管部门核发采伐许可证。[1]",
            False,
        ),
        (
            unstated_act,
            "开会的通知是哪个部门发的？",
            "乡镇人民政府。由乡镇人民政府印发会议通知。[1]",
            False,
        ),
        (
            unstated_act,
            "养殖证最后是谁发的？",
            "县级以上地方人民政府。由县级以上地方人民政府核发养殖证。[1]",
            False,
        ),
        (
            unstated_act,
            "五保户申请最后是谁批？",
            "县级人民政府民政部门。由县级人民政府民政部门审批。[1]",
            False,
        ),
        (
            unstated_act,
            "挖掘机要从村道上开过去，找谁批？",
            "乡（镇）人民政府。确需行驶村道的，应当经乡（镇）人民政府同意。[1]",
            False,
        ),
    ],
)
def test_a_who_question_is_answered_only_by_an_answer_stating_what_it_asks(
    check: Callable[[QuestionInfo, str], Unmet | None], question: str, answer: str, refused: bool
) -> None:
    """Who pays needs an answer speaking of the cost; who handles an act, a lead quote stating the act."""
    assert (check(analyse(question), answer) is not None) is refused


XF = Doc(
    "xf",
    "信访工作条例",
    "信访工作条例\n第十八条 各级机关、单位应当向社会公布网络信访渠道、通信地址、咨询投诉电话、信访接待的时间和地点。",
)
AUDIT = Doc(
    "sj",
    "农村集体经济审计条例",
    "农村集体经济审计条例\n第四条 村集体的审计由乡镇人民政府组织实施，乡镇审计机构负责具体审计工作。",
)


@pytest.mark.parametrize(
    ("doc", "unmet", "refusal", "answered"),
    [
        # 几点开门 asked, the clause saying the hours are published found: no time of day is stated.
        (
            XF,
            "信访接待的地点每天几点开门？",
            "现有文件中没有规定具体时间，无法据此回答。",
            "信访接待的时间和地点要向社会公布吗？",
        ),
        # 审计的钱由谁来出 against a passage naming the auditor only: no cost is spoken of.
        (
            AUDIT,
            "村集体的审计要花的钱，由谁来出？",
            "现有文件中没有规定费用由谁承担，无法据此回答。",
            "村集体的审计由哪个机构负责？",
        ),
    ],
)
def test_a_clause_about_the_topic_but_not_the_value_asked_is_no_answer(
    doc: Doc, unmet: str, refusal: str, answered: str
) -> None:
    """Refused with the value named; asked what the clause does say, the same passage answers."""
    kb = FakeKnowledgeBase([doc])
    answer = Answerer(kb, kb, kb.reader(), SETTINGS).answer(unmet)
    assert not answer.found and answer.answer == refusal
    assert Answerer(kb, kb, kb.reader(), SETTINGS).answer(answered).found


@pytest.mark.parametrize(
    ("question", "acts"),
    [
        ("残疾人要配轮椅，去哪个部门申请？", ["申请"]),
        ("村里的集体账户要销户，找谁审批？", ["审批"]),  # the who-clause's own act, not the situation's
        ("调解员自己想辞职不干了，找谁提？", ["辞职"]),  # 找谁提: the act is in the clause before
        ("养老保险想转到外省去，找哪个部门办？", ["转移"]),
        ("老人想办老年优待证，上哪儿办？", ["办证"]),  # 上哪儿办: the certificate is in the clause before
        ("土地承包经营权证弄丢了，找谁补办？", ["办证"]),
        ("在水库里打鱼要办捕捞证，该去找哪个部门？", []),  # 找哪个部门 names no deed
        ("审计人员的审计证是哪个部门发的？", ["发放"]),  # who issues, not who organises the audit
        ("移民的补偿钱，是谁发到移民手里？", ["发放"]),
        ("暴雨预警信号，到底归谁来发布？", []),  # 发布 (announce) is not read as 发 (issue)
        ("出了事谁发现的要报告？", []),
        ("娃申请救助的材料交到学校以后，最后由谁来落实？", []),  # 申请 is the situation, 落实 the asked act
        ("申请低保要交哪些材料？", []),  # no who or where asked
    ],
)
def test_the_act_a_who_question_asks_of_is_read_from_its_who_clause(question: str, acts: list[str]) -> None:
    assert [label for label, _ in asked_acts(question)] == acts


ZHANGHU = Doc(
    "zh",
    "村集体银行账户管理办法",
    "村集体银行账户管理办法\n第六条 村集体经济组织开设的一般账户基本信息及数量，应当报乡镇人民政府备案。\n"
    "第七条 村集体经济组织撤销基本账户的，应当经村民代表会议讨论同意，报乡镇人民政府审批。",
)


def test_a_body_doing_something_else_is_not_who_handles_the_act() -> None:
    """找谁审批 against a clause where the body only receives a filing (备案): refused with the act named;
    against the clause that says who approves (审批), answered."""
    kb = FakeKnowledgeBase([ZHANGHU])
    answerer = Answerer(kb, kb, kb.reader(), SETTINGS)
    answer = answerer.answer("村集体开的一般账户，数量要找谁审批？")
    assert not answer.found and answer.answer == "现有文件中没有规定由谁负责审批，无法据此回答。"
    answer = answerer.answer("村集体要撤销基本账户，找谁审批？")
    assert answer.found and "报乡镇人民政府审批" in answer.answer


def test_a_figure_bounded_the_other_way_does_not_answer_the_most_or_the_least() -> None:
    floor = "公积金、公益金合计提取的比例不得低于净收益的百分之三十。"
    most = analyse("分红前提公积公益金，最多能提百分之几？")
    gap = unstated_bound(most, "百分之三十", floor)
    assert gap is not None and "上限" in gap.message
    assert unstated_bound(analyse("公积公益金最低要提百分之几？"), "百分之三十", floor) is None
    within = "自规划批准之日起三十日内向社会公布。"
    assert unstated_bound(analyse("规划草案公示至少要挂多少天？"), "三十日内", within) is not None
    # a range states both bounds
    fine = "处一万元以上五万元以下的罚款。"
    assert unstated_bound(analyse("最多能罚多少钱？"), "一万元以上五万元以下", fine) is None
    # 至少…一次 bounds how often: the period between is what 最长多久修订一次 asks
    often = "村民委员会制定的应急预案至少三年修订一次。"
    assert unstated_bound(analyse("应急预案最长多久要修订一次？"), "至少三年修订一次", often) is None


STEPS = Doc(
    "steps",
    "最低生活保障审核确认办法",
    "最低生活保障审核确认办法\n"
    "第八条 申请最低生活保障，按照下列程序办理：\n"
    "（一）由共同生活的家庭成员向户籍所在地的乡镇人民政府提出书面申请；\n"
    "（二）乡镇人民政府对申请人的家庭经济状况进行调查核实，提出初审意见，在申请人所在村公示后报县级人民政府民政部门审批。\n"
    "第九条 临时救助的申请由乡镇人民政府审批。",
)


def test_a_lead_in_of_steps_gives_way_to_its_item_stating_the_act_asked() -> None:
    """低保申请谁审批: a lead-in (按照下列程序办理：) states no act, and its first item names who takes the
    application; its item stating 审批 leads instead (the answer is not refused for the lead-in), never a
    sentence outside the lead-in's items (第九条 states 审批 of another matter)."""
    kb = FakeKnowledgeBase([STEPS])
    got: dict = {}
    answerer = Answerer(kb, kb, kb.reader(), SETTINGS)
    answerer.on_evidence = lambda info, ev, lead, hits: got.update(ev=list(ev))
    question = "低保申请最后谁审批？"
    answerer.answer(question)
    lead_in = next(ev for ev in got["ev"] if "下列程序" in ev.text)
    other = next(ev for ev in got["ev"] if "临时救助" in ev.text)  # states 审批, in another article
    read = [lead_in, other, *(ev for ev in got["ev"] if ev not in (lead_in, other))]
    ordered = acting_item_first(analyse(question), read)
    assert ordered[0].text.startswith("（二）") and "审批" in ordered[0].text
    assert sorted(id(ev) for ev in ordered) == sorted(id(ev) for ev in read)
    # Not asked who acts, or no item stating the act asked: the order stays.
    assert acting_item_first(analyse("低保申请要走哪些程序？"), read) == read
    assert acting_item_first(analyse("低保申请最后谁来备案？"), read) == read
