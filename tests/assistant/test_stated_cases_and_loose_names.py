"""A case stated loosely, the tier that holds it, and documents named by what they are about.

- A cadre states their case in spoken figures (二十来吨, 七十多岁, 5个人); a time before another figure is
  the rate's period (一天处理二十来吨), and 招几个15岁的孩子 asks how many of a stated age.
- A clause whose range holds the case (未满十六周岁 for 15岁) speaks of it: the figure's words count as
  found there. Of a graded scale (特大型…；大型…；中型…), the short answer is the tier that holds it.
- 时效期间为二年 states a period; 多少头 asks a count of head, which a sum of money does not answer.
- 殡葬那个条例 / 管农药的那个条例 name a document by its topic; a plan described by what it does
  (做殡葬设施的布局规划) names no missing document, while an issuer's (农业农村部规划) does.
- 开始实行 finds 起实施 as well as 起施行.
"""

from __future__ import annotations

import pytest
from assistant_fakes import SETTINGS, Doc, FakeKnowledgeBase, records

from assistant.answer_types.classification import CLASSIFICATION
from assistant.answer_types.deadline import DEADLINE
from assistant.answer_types.enumeration import ENUMERATION, asked_category
from assistant.answer_types.number import NUMBER
from assistant.answer_types.procedure import PROCEDURE, _after_numbering
from assistant.answerer import Answerer
from assistant.conditions import Quantity, held_quantities, stated_quantities
from assistant.constraints import Subjects, subject_gap, subjects, unqualified
from assistant.docmatch import _common_noun_name, document_hints
from assistant.extract import Span, dates, enumerations
from assistant.policy import DEFAULT_POLICY
from assistant.question import analyse, named_documents
from assistant.reader import Reader


@pytest.mark.parametrize(
    ("question", "stated"),
    [
        ("村里那个一天处理二十来吨的污水站，水质多久得测一次？", [Quantity(20.0, "吨", "二十来吨")]),
        ("镇上一处滑坡死了5个人，算哪一级？", [Quantity(5.0, "人", "5个人")]),
        ("小作坊想招几个15岁的孩子打零工，能招吗？", [Quantity(15.0, "岁", "15岁")]),
        ("俺们村给三十余户供水，算哪一类工程？", [Quantity(30.5, "户", "三十余户")]),
    ],
)
def test_a_case_stated_in_spoken_figures(question: str, stated: list[Quantity]) -> None:
    found = stated_quantities(question)
    assert found == stated and [q.text for q in found] == [q.text for q in stated]


def test_more_than_a_round_figure_is_past_it() -> None:
    seventies = stated_quantities("村里七十多岁的老人还要出工吗？")
    assert held_quantities(seventies, "七十周岁以上的老年人可以免除。") == seventies
    assert held_quantities(seventies, "未满七十周岁的村民应当参加。") == []


def test_a_rate_asked_is_still_no_case() -> None:
    assert stated_quantities("几户选一名代表？") == []


SEWAGE = Doc(
    "sewage",
    "某某省农村生活污水处理设施管理条例",
    "某某省农村生活污水处理设施管理条例\n"
    "第二十条 运维单位应当按照下列规定检测进出水水质：\n"
    "（一）对日处理能力不足三十吨的集中处理设施，检测频次每季度不得少于一次；\n"
    "（二）对日处理能力三十吨以上不足二百吨的集中处理设施，检测频次每月不得少于一次。\n"
    "第二十一条 本条例自2016年12月1日起实施。",
)
MINORS = Doc(
    "minors",
    "某某省未成年人保护条例",
    "某某省未成年人保护条例\n"
    "第三条 学校应当组织学生参加劳动教育。\n"
    "第六十一条 任何组织或者个人不得招用未满十六周岁未成年人，国家另有规定的除外。",
)
PENALTY = Doc(
    "farm",
    "某某省畜禽养殖污染防治办法",
    "某某省畜禽养殖污染防治办法\n第五条 在禁止养殖区域内建设养殖场的，处3万元以上10万元以下的罚款。",
)
KB = FakeKnowledgeBase([SEWAGE, MINORS, PENALTY])
ANSWERER = Answerer(KB, KB, KB.reader(), SETTINGS)


def test_the_tier_holding_a_loose_figure_answers() -> None:
    answer = ANSWERER.answer("村里那个一天处理二十来吨的污水站，水质多久得测一次？")
    assert answer.found and answer.short_answer == "每季度不得少于一次"


def test_a_clause_whose_range_holds_the_case_counts_its_words_as_found() -> None:
    reader = Reader(KB.tokenizer, lambda: KB.bm25, DEFAULT_POLICY)

    def coverage(question: str) -> float:
        reading = reader.read(analyse(question), KB.retrieve(question))
        return next(ev.coverage for ev in reading.evidence if "未满十六周岁" in ev.text)

    held, excluded = coverage("任何人能招用15岁的孩子吗？"), coverage("任何人能招用17岁的孩子吗？")
    assert held > excluded


SCALE = (
    "地质灾害按照人员伤亡、经济损失的大小，分为四个等级：\n"
    "（一）特大型：因灾死亡30人以上或者直接经济损失1000万元以上的；\n"
    "（二）大型：因灾死亡10人以上30人以下或者直接经济损失500万元以上1000万元以下的；\n"
    "（三）中型：因灾死亡3人以上10人以下或者直接经济损失100万元以上500万元以下的；\n"
    "（四）小型：因灾死亡3人以下或者直接经济损失100万元以下的。"
)


def _tier(question: str) -> str | None:
    listed = SCALE.index("（一）")
    span = Span(listed, len(SCALE), "listed", SCALE[listed:])
    picked = CLASSIFICATION.pick(analyse(question), SCALE, [span], [])
    assert picked is not None and SCALE[picked.start : picked.end] == picked.text
    return CLASSIFICATION.short(picked)


def test_the_short_answer_of_a_scale_is_the_tier_holding_the_case() -> None:
    # The tier's name (中型), which leads the answer before the scale; the tier itself is in the quote.
    assert _tier("镇上一处滑坡死了5个人，按规定这算哪一级的地质灾害？") == "中型"
    assert _tier("死了50个人算哪一级？") == "特大型"
    whole = _tier("地质灾害分为哪几个等级？")  # no case stated: the whole scale
    assert whole is not None and "特大型" in whole and "小型" in whole
    assert _tier("死了10个人算哪一级？") == SCALE[SCALE.index("（一）") :].strip("。")  # 10 is in two tiers


def test_a_period_of_limitation_is_a_period() -> None:
    assert [d.text for d in dates("申请仲裁的时效期间为二年，自知道之日起计算。")] == ["二年"]


def test_a_count_of_head_is_not_answered_by_a_sum_of_money() -> None:
    assert analyse("存栏多少头以上才算规模养殖场？").unit == "头"
    assert not ANSWERER.answer("在禁止养殖区域内建养殖场，存栏多少头以上才算规模养殖场？").found


def test_taking_effect_is_found_whichever_verb_the_document_uses() -> None:
    answer = ANSWERER.answer("某某省农村生活污水处理设施管理条例是从哪天开始实行的？")
    assert answer.found and answer.short_answer is not None and "2016年12月1日" in answer.short_answer


@pytest.mark.parametrize(
    ("question", "name"),
    [
        ("村里办白事，按国家殡葬那个条例，有哪几条红线不能碰？", "国家殡葬条例"),
        ("潍坊管剧毒高毒农药的那个条例，是从哪天开始实行的？", "潍坊管剧毒高毒农药条例"),
        ("国务院那个社会救助办法里低保怎么申请？", "社会救助办法"),  # a full name after it stays
    ],
)
def test_a_document_pointed_at_by_its_topic(question: str, name: str) -> None:
    assert named_documents(question) == (name,)


def test_the_topic_and_kind_find_the_title() -> None:
    docs = records("殡葬管理条例", "潍坊市禁用限用剧毒高毒农药条例", "社会救助暂行办法")
    for question, doc in [
        ("按国家殡葬那个条例，红白事有啥规矩？", "d0"),
        ("潍坊管剧毒高毒农药的那个条例，是从哪天开始实行的？", "d1"),
    ]:
        hints = document_hints(analyse(question), docs, DEFAULT_POLICY)
        assert hints.targeted == (doc,) and hints.missing == ()


def test_a_plan_described_by_what_it_does_is_no_missing_document() -> None:
    assert _common_noun_name("省里做殡葬设施的布局规划")  # 布局 is no 局 (bureau)
    assert not _common_noun_name("农业农村部规划")
    assert not _common_noun_name("发改委意见")
    hints = document_hints(analyse("省里做殡葬设施的布局规划，规划的是哪几类设施？"), records("殡葬管理条例"))
    assert hints.missing == ()


def test_a_calendar_year_is_no_figure_unless_a_year_is_asked() -> None:
    sentence = "到二〇三五年，农村居民人均可支配收入达到12000元。"
    asked = analyse("农村居民人均收入要达到多少？")
    assert asked.unit == "钱"  # 收入 is a sum of money
    assert [s.text for s in NUMBER.spans(asked, sentence)] == ["12000元"]
    year = analyse("人均收入哪一年达到12000元？")
    assert "二〇三五年" in [s.text for s in NUMBER.spans(year, sentence)]


def test_a_size_is_answered_by_lengths_or_an_area() -> None:
    info = analyse("村务公开栏的尺寸有没有统一标准，得做多大？")
    assert info.unit == "尺寸"
    assert NUMBER.states_unit(info, Span(0, 4, "quantity", "2.4米"))
    assert not NUMBER.states_unit(info, Span(0, 2, "quantity", "五日"))


def test_a_time_something_runs_first_is_a_period() -> None:
    assert [d.text for d in dates("完成施工后，经三个月试运行，出水水质符合标准的")] == ["三个月"]
    assert dates("经村民会议讨论决定") == []


def test_an_item_or_article_number_inside_a_sentence_is_passed_over() -> None:
    sentence = "村庄保洁责任区按照下列规定确定：（三）集市由开办者负责；第九条 村民委员会负责。"
    item, article = sentence.index("（三）"), sentence.index("第九条")
    assert sentence[_after_numbering(sentence, item) :].startswith("集市")
    assert sentence[_after_numbering(sentence, article) :].startswith("村民委员会")
    assert _after_numbering(sentence, 0) == 0  # no number there


MEMBERS = Doc(
    "members",
    "某某省农村集体经济组织条例",
    "某某省农村集体经济组织条例\n"
    "第二条 本条例所称农村集体经济组织，是指以土地集体所有为基础的区域性经济组织。\n"
    "第十条 农村集体经济组织应当制作成员名册。\n"
    "第十一条 户籍在本村并与农村集体经济组织形成稳定的权利义务关系，以集体所有的土地为基本生活保障的居民，"
    "为农村集体经济组织成员。",
)


def test_who_counts_as_a_member_is_defined_by_the_conditions_before_the_term() -> None:
    kb = FakeKnowledgeBase([MEMBERS])
    answer = Answerer(kb, kb, kb.reader(), SETTINGS).answer("啥样的人才算村集体经济组织的成员？")
    assert answer.found and answer.citations[0].quote.startswith("第十一条")
    assert answer.short_answer == (
        "户籍在本村并与农村集体经济组织形成稳定的权利义务关系，以集体所有的土地为基本生活保障的居民"
    )


def test_a_count_of_years_is_not_answered_by_a_time_without_a_length() -> None:
    info = analyse("讲有效衔接的文章里，过渡期是几年？")
    after = "研究制定过渡期后帮扶政策体系。"
    assert DEADLINE.fit(info, after, DEADLINE.spans(info, after)) < 1.0  # 过渡期后 states no length
    five = "结合5年过渡期提出新要求。"
    assert DEADLINE.fit(info, five, DEADLINE.spans(info, five)) == 1.0


def test_a_time_passed_without_something_done_is_a_period() -> None:
    assert [d.text for d in dates("（一）二十四小时尚未扑灭明火的；")] == ["二十四小时"]
    assert [d.text for d in dates("逾期超过三十日的，加收滞纳金。")] == ["超过三十日"]


def test_parts_named_right_after_includes_state_the_division() -> None:
    info = analyse("传统村落的保护范围是怎么划分的，分成哪几块？")
    parts = "传统村落保护范围包括核心保护区、建设控制地带和风貌协调区。"
    other = "对传统村落保护范围内的建筑物、构筑物等保护对象，实行分类保护。"
    fit_parts = CLASSIFICATION.fit(info, parts, CLASSIFICATION.spans(info, parts))
    fit_other = CLASSIFICATION.fit(info, other, CLASSIFICATION.spans(info, other))
    assert fit_parts > fit_other


def test_a_how_question_is_not_answered_by_whichever_sentence_names_a_body() -> None:
    steps = "村庄规划需要局部调整的，应当报乡镇人民政府备案。"
    plain = "调解不成的，终止调解，告知当事人通过仲裁、行政、司法途径解决。"
    how = analyse("调了好几回还是谈不拢，接下来走什么程序？")
    who = analyse("调了好几回还是谈不拢，找哪个部门？")
    assert PROCEDURE.fit(how, plain, PROCEDURE.spans(how, plain)) == PROCEDURE.fit(
        how, steps, PROCEDURE.spans(how, steps)
    )
    assert PROCEDURE.fit(who, plain, PROCEDURE.spans(who, plain)) < PROCEDURE.fit(
        who, steps, PROCEDURE.spans(who, steps)
    )


def test_a_subject_coined_from_the_documents_own_words_is_no_missing_subject() -> None:
    passage = "领取独生子女父母光荣证的老年人住院治疗期间，其子女所在单位应当给予护理假。"
    assert subject_gap(Subjects("独生子女家庭", "独生子女家庭"), [passage]) is None
    gap = subject_gap(Subjects("业主委员会", "业主委员会"), ["村民委员会应当协助做好工作。"])
    assert gap is not None and "业主委员会" in gap.message  # the head 委员会 alone does not count


@pytest.mark.parametrize(
    "question",
    [
        "北京这边编村庄规划，规划里必须写明白哪些内容？",  # compiling a plan, not a plan's title
        "在河南，村里多大岁数的人就算是条例里说的老年人了？",  # 条例 named by what it says
        "俺们村的规划咋定？",
        "县水利局牵头弄抗旱规划，来乡里征求意见，这种规划里主要得写哪些内容？",  # doing, asking views
    ],
)
def test_spoken_words_and_verbs_of_compiling_or_being_name_no_document(question: str) -> None:
    assert named_documents(question) == ()


def test_titles_with_their_own_words_are_still_names() -> None:
    assert named_documents("村庄规划编制办法里说") == ("村庄规划编制办法",)


def test_hours_are_figures_and_a_telephone_number_is_digits() -> None:
    duty = "汛期实行二十四小时值班，值班电话12119向社会公布。"
    hours = analyse("汛期防汛值班，每天要值多少个小时？")
    assert hours.unit == "小时" and "二十四小时" in [s.text for s in NUMBER.spans(hours, duty)]
    phone = analyse("全省统一的防汛值班电话是多少号？")
    assert phone.unit == "号码" and [s.text for s in NUMBER.spans(phone, duty)] == ["12119"]
    assert NUMBER.spans(phone, "实行二十四小时值班。") == []  # a clause without the number does not answer
    assert analyse("村里有多少号人？").unit != "号码"
    # 几号 alone is a day of the month; after 电话 it is still a number to dial.
    assert analyse("汛期是每年几月几号到几月几号？").unit != "号码"
    assert analyse("这部法律从几号起生效的？").unit != "号码"
    assert analyse("报警电话是几号？").unit == "号码"


def test_a_kind_of_people_is_spoken_of_by_its_modifier_and_plain_modifiers_qualify_nothing() -> None:
    family = Subjects(qualified=(("独生子女", "家庭", "独生子女家庭"),))
    sentence = "领取独生子女父母光荣证的老年人住院治疗期间，其子女所在单位应当给予护理假。"
    assert unqualified(family, sentence, sentence) is None  # 独生子女父母 are that family
    firm = Subjects(qualified=(("服务", "企业", "物业服务企业"),))
    other = "集体经济组织应当提供服务。"
    assert unqualified(firm, other, other) is not None  # 企业 is no kind of people: both words needed
    words = FakeKnowledgeBase([PENALTY]).tokenizer.words
    found = subjects(analyse("合作社和普通农户罚得一样吗？"), words, lambda w: 1.0, lambda w: False)
    assert found.qualified == ()  # 普通农户 is any 农户


def test_a_body_is_named_by_what_it_does_and_any_word_for_a_body() -> None:
    board = Subjects(qualified=(("监督", "委员会", "监督委员会"),))
    said = "村务监督机构应当对村务决策和公开、财产管理等事项开展监督。"
    assert unqualified(board, said, said) is None  # 村务监督委员会 asked, 村务监督机构 written
    elsewhere = "乡镇人民政府应当加强对集体资产的监督。"
    assert unqualified(board, elsewhere, elsewhere) is not None  # 监督, but of no such body


def test_when_is_answered_by_the_event_a_payment_is_tied_to() -> None:
    sentence = "自行采购种苗的，乡级人民政府应当在退耕还林合同生效时一次付清种苗造林补助费。"
    when = analyse("种苗造林补助费啥时候给到手？")
    assert [s.text for s in DEADLINE.spans(when, sentence)] == ["退耕还林合同生效时"]
    period = analyse("种苗造林补助费多久给到手？")
    assert DEADLINE.spans(period, sentence) == []  # how long is not answered by an event


def test_an_enumeration_stops_at_ascii_punctuation_too() -> None:
    sentence = "一类病虫害，其名录由国务院农业农村主管部门制定、公布;二类病虫害由省级部门确定"
    assert [s.text for s in enumerations(sentence)] == ["制定、公布"]  # not 门制定、公布


def test_an_enumeration_starts_after_the_modifier_it_follows() -> None:
    sentence = "旅游景区内的观光车、缆车等代步工具的乘坐费用对老年人优惠。"
    assert [s.text for s in enumerations(sentence)] == ["观光车、缆车"]  # not 光车、缆车


def test_items_named_as_the_asked_category_answer_a_list_question() -> None:
    info = analyse("子女养老人，法律上还得尽哪些方面的义务？")
    assert asked_category(info.text) == ("义务",)  # 方面 says nothing; 义务 after it is asked
    duties = "赡养人应当履行对老年人经济上供养、生活上照料和精神上慰藉的义务。"
    others = "女方因抚育子女、照料老人、协助男方工作等负担较多义务的，有权要求补偿。"
    fit_duties = ENUMERATION.fit(info, duties, ENUMERATION.spans(info, duties))
    fit_others = ENUMERATION.fit(info, others, ENUMERATION.spans(info, others))
    assert fit_duties == 1.0 and fit_others < fit_duties


def test_a_long_last_item_ending_on_the_category_does_not_name_the_items() -> None:
    info = analyse("村里哪些事非得拿到村民会议上讨论定了才能办？")
    clause = "村民委员会、村民会议或者村民代表会议讨论决定与前款规定的单位有关的事项。"
    assert ENUMERATION.fit(info, clause, ENUMERATION.spans(info, clause)) < 1.0


@pytest.mark.parametrize(
    ("sentence", "items"),
    [
        (
            "就业救助对象按照国家有关规定享受社会保险补贴、税收优惠、小额担保贷款等扶持政策。",
            "社会保险补贴、税收优惠、小额担保贷款",
        ),
        ("家庭暴力受害人及其法定代理人、近亲属可以向公安机关报案。", "暴力受害人及其法定代理人、近亲属"),
    ],
)
def test_an_enumeration_starts_after_a_verb_not_inside_a_word(sentence: str, items: str) -> None:
    assert enumerations(sentence)[0].text.startswith(items)  # not 关规定享受…, not 害人…


@pytest.mark.parametrize(
    ("sentence", "day"),
    [
        ("每年六月三十日为广东扶贫济困日。", "每年六月三十日"),
        ("每年农历九月初九为老年节。", "每年农历九月初九"),
        ("每年5月的第三个星期日为全国助残日。", "每年5月的第三个星期日"),
    ],
)
def test_a_day_of_the_year_is_a_date_and_answers_which_day(sentence: str, day: str) -> None:
    assert [d.text for d in dates(sentence)] == [day]
    assert [s.text for s in DEADLINE.spans(analyse("这个节日是每年哪一天？"), sentence)] == [day]
    assert (
        DEADLINE.spans(analyse("这个节日是每年哪一天？"), "每年组织开展主题活动。") == []
    )  # 每年 names no day
