"""Structure-aware answers (结构感知作答) on an in-memory knowledge base: lists announced by a lead-in,
structural numbering, ranges kept whole, the most specific clause, and a verdict from the next clause."""

from __future__ import annotations

from assistant_fakes import SETTINGS, Doc, FakeKnowledgeBase, chunks_of

from assistant.answerer import Answerer
from assistant.compose import compose
from assistant.extract import dates, enumerations, lead_in_items, quantities
from assistant.neighbours import asks_two_cases
from assistant.question import analyse
from assistant.reader import Evidence
from assistant.types import Answer, Hit

TEKUN = Doc(
    "tekun",
    "某某县特困人员供养办法",
    "某某县特困人员供养办法\n"
    "第一条 为了做好特困人员供养工作，制定本办法。\n"
    "第五条 特困人员供养的内容包括：（一）提供基本生活条件；（二）对生活不能自理的给予照料；"
    "（三）提供疾病治疗；（四）办理丧葬事宜。\n"
    "第六条 特困人员供养标准由县级人民政府确定。\n"
    "第七条 乡镇供养服务机构的工作主要包括三个方面：一是做好入住登记；二是开展日常照护；三是组织文体活动。",
)
LISHI = Doc(
    "lishi",
    "某某村股份经济合作社章程",
    "某某村股份经济合作社章程\n"
    "第八条 合作社设理事会，理事会由三至七人组成，依照本章程第五条、六条的规定选举产生。\n"
    "第九条 有下列情形之一的，依照本章程第十条、十一条处理。\n"
    "第十二条 集体资产处置方案应当提交成员大会表决。未经表决的，不得实施。\n"
    "第十三条 召开成员大会，应当于会议召开十日前通知全体成员；理事会成员的任期为五年。\n"
    "第二十条 本章程自2024年6月1日起施行。",
)
SHENPI = Doc(
    "shenpi",
    "某某县临时救助实施细则",
    "某某县临时救助实施细则\n"
    "第二条 县级以上人民政府负责临时救助工作，依法对临时救助申请进行审批监督，确保临时救助审批及时。\n"
    "第十条 乡镇人民政府受理临时救助申请后，报县级人民政府民政部门审批。",
)

LVYOU = Doc(
    "lvyou",
    "某某县乡村旅游行动方案",
    "某某县乡村旅游行动方案\n以黄河、长城、太行“三个人家”为抓手,打造1000个乡村旅游示范村，带动农户增收。",
)

KB = FakeKnowledgeBase([TEKUN, LISHI, SHENPI, LVYOU])
ANSWERER = Answerer(KB, KB, KB.reader(), SETTINGS)


def _exact(answer: Answer) -> None:
    for c in answer.citations + answer.related:
        assert KB.text(c.doc_id)[c.start : c.end] == c.quote, c


def test_an_enumeration_is_answered_with_the_items_its_lead_in_announces() -> None:
    """The lead-in (…包括：) is one sentence and each item another: the answer is the items, and the
    citation runs from the lead-in to the end of the last item."""
    answer = ANSWERER.answer("特困人员供养的内容包括哪些？")
    assert answer.question_type == "list"
    assert answer.short_answer == "提供基本生活条件；对生活不能自理的给予照料；提供疾病治疗；办理丧葬事宜"
    (cite,) = answer.citations
    article = TEKUN.text.split("\n")[2]
    assert cite.quote == article and cite.start == TEKUN.text.index(article)
    assert "办理丧葬事宜" in answer.answer
    _exact(answer)


def test_items_numbered_yi_shi_er_shi_are_read_across_sentences() -> None:
    answer = ANSWERER.answer("乡镇供养服务机构的工作主要包括哪几个方面？")
    assert answer.short_answer == "做好入住登记；开展日常照护；组织文体活动"
    assert answer.citations[0].quote.endswith("三是组织文体活动。")
    _exact(answer)


def test_items_on_their_own_lines_are_gathered_and_bounded() -> None:
    text = "第三十六条 集体财产主要包括：\n\n（一）集体所有的土地；\n\n（二）集体所有的建筑物；\n\n（三）集体所有的资金。\n\n第三十七条 其他。"
    start = text.index("第三十六条")
    end = start + len("第三十六条 集体财产主要包括：")
    items = lead_in_items(text, start, end, limit=200)
    assert items is not None and items.text == "集体所有的土地；集体所有的建筑物；集体所有的资金"
    assert text[items.start : items.end].startswith("（一）") and text[items.end - 1] == "。"
    short = lead_in_items(text, start, end, limit=30)  # only the items that fit
    assert short is not None and short.text == "集体所有的土地；集体所有的建筑物"
    assert lead_in_items("没有列项的句子。", 0, 8, limit=200) is None


def test_a_range_leads_whole_not_its_upper_bound() -> None:
    answer = ANSWERER.answer("合作社理事会由几人组成？")
    assert answer.question_type == "number" and answer.short_answer == "三至七人"
    assert answer.answer.startswith("三至七人。")
    bounds = "每人每月不低于500元，至少有一人就业，代表多于二十人，期限不超过三年"
    assert [s.text for s in quantities(bounds)] == ["不低于500元", "至少有一人", "多于二十人", "不超过三年"]
    # The bound keeps the word that forbids crossing it: 少于三十五人 alone says the opposite of 不得少于三十五人.
    forbidden = "人数不得少于三十五人，层数不得超过三层，不应低于60%，境内未超过一年，人均耕地超过三亩的"
    assert [s.text for s in quantities(forbidden)] == [
        "不得少于三十五人", "不得超过三层", "不应低于60%", "未超过一年", "超过三亩",
    ]  # fmt: skip
    assert [s.text for s in dates("推广该品种种子未超过四年的，具备新颖性")] == ["未超过四年"]
    _exact(answer)


def test_structural_numbering_is_never_a_figure() -> None:
    assert [s.text for s in quantities("依照本章程第五条、六条的规定选举产生")] == []
    assert [s.text for s in quantities("笫五十四条 财政专项扶贫资金")] == []
    assert [s.text for s in quantities("出台十七条措施，每年两次")] == ["十七条", "两次"]
    answer = ANSWERER.answer("有下列情形之一的，依照几条处理？")
    assert answer.short_answer is None or "条" not in answer.short_answer
    assert not answer.answer.startswith("十一条")


def test_a_verdict_comes_from_the_next_clause_when_the_best_one_only_says_a_duty() -> None:
    """应当提交表决。未经表决的，不得实施: asked whether one may go ahead, the answer is 不能, never 应当."""
    answer = ANSWERER.answer("集体资产处置方案没经成员大会表决，能不能实施？")
    assert answer.question_type == "yesno" and answer.short_answer == "不能"
    assert answer.answer.startswith("不能。") and "不得实施" in answer.answer
    _exact(answer)


def test_the_responsible_body_comes_from_the_most_specific_clause() -> None:
    """A broad 县级以上人民政府 clause scores a little higher (it repeats 负责, 政府); the approval clause
    names the asked subject as well and a named body: it answers."""
    answer = ANSWERER.answer("临时救助申请由政府哪个部门负责审批？")
    assert answer.question_type == "procedure"
    assert answer.short_answer == "县级人民政府民政部门"
    assert answer.citations[0].quote.startswith("第十条")
    _exact(answer)


def test_a_figure_the_question_states_is_not_the_figure_it_asks_for() -> None:
    answer = ANSWERER.answer("以黄河、长城、太行“三个人家”为抓手,打造多少乡村旅游示范村？")
    assert answer.question_type == "number" and answer.short_answer == "1000个"
    _exact(answer)


def test_units_are_read_whole_and_a_first_item_is_not_cut_inside_a_word() -> None:
    assert [s.text for s in quantities("未满16周岁的未成年人，3个月内办结")] == ["16周岁", "3个月"]
    (run,) = enumerations("坚持以我为主、立足国内、确保产能、适度进口、科技支撑的粮食安全战略")
    assert run.text.startswith("以我为主、立足国内")
    (run,) = enumerations("加快培育高产高油大豆、短生育期油菜、耐盐碱作物新品种")
    assert "高产高油大豆、短生育期油菜" in run.text


def test_periods_are_deadlines_but_a_takes_effect_question_wants_the_day() -> None:
    assert [s.text for s in dates("应当于会议召开十日前通知全体成员；理事会成员的任期为五年")] == [
        "十日前",
        "任期为五年",
    ]
    answer = ANSWERER.answer("召开成员大会，最晚什么时候通知全体成员？")
    assert answer.question_type == "deadline" and answer.short_answer == "十日前"
    answer = ANSWERER.answer("股份经济合作社章程什么时候施行？")
    assert answer.short_answer == "自2024年6月1日起施行"
    _exact(answer)


BUXUAN = Doc(
    "buxuan",
    "某某县村民委员会选举办法",
    "某某县村民委员会选举办法\n"
    "第二十九条 村民委员会成员因故出缺，其成员满三人的，经村民代表会议同意可以不补选；"
    "其成员不满三人的，应当在三个月内由村民会议或者村民代表会议进行补选。\n"
    "第三十条 补选的村民委员会成员的任期，到本届村民委员会任期届满为止。",
)


def test_a_clause_after_a_semicolon_answers_with_its_sentence_subject() -> None:
    """The time is in the clause after the ；, the question's words in the clause before it: the rule is
    one sentence, so the time is the answer, not 未找到依据."""
    kb = FakeKnowledgeBase([BUXUAN])
    answer = Answerer(kb, kb, kb.reader(), SETTINGS).answer(
        "村委会有人走了，成员不到三个人，最晚多长时间里要补选？"
    )
    assert answer.found and answer.short_answer == "三个月内"


FABU = Doc(
    "fabu",
    "某某县抗旱办法",
    "某某县抗旱办法\n"
    "第九条 旱情由县防汛抗旱指挥机构统一审核、发布；旱灾由县水行政主管部门会同民政部门审核、发布；"
    "农业灾情由县农业主管部门发布；气象信息由县气象主管机构发布。\n"
    "第十条 抗旱经费列入县级财政预算。",
)


def test_a_sentence_split_at_semicolons_is_quoted_to_its_end_as_one_citation() -> None:
    """Each clause answers one part of a 分别 question: the quote reads on from the best clause to the
    sentence's end while it fits the answer's room, and its citation is the whole run."""
    kb = FakeKnowledgeBase([FABU])
    answer = Answerer(kb, kb, kb.reader(), SETTINGS).answer(
        "旱情由哪个部门统一审核发布？旱灾、农业灾情、气象信息又分别由谁发布？"
    )
    assert answer.found
    for key in ("防汛抗旱指挥机构", "水行政主管部门", "农业主管部门", "气象主管机构"):
        assert key in answer.answer
    (cite,) = answer.citations
    assert cite.quote.startswith("第九条 旱情由") and cite.quote.endswith("气象主管机构发布。")
    assert kb.text(cite.doc_id)[cite.start : cite.end] == cite.quote
    assert "抗旱经费" not in answer.answer  # the next sentence is another rule


CAOCHANG = Doc(
    "caochang",
    "某某县草场保护办法",
    "某某县草场保护办法\n"
    "第二十条 未经批准在草场上采土、采砂的，由县草原主管部门责令停止违法行为，没收违法所得，"
    "可以并处违法所得一倍以上二倍以下的罚款；没有违法所得的，可以并处二万元以下的罚款。\n"
    "第二十一条 草场承包期为三十年。",
)


def test_the_figure_of_the_clause_whose_condition_the_question_states_leads() -> None:
    """没挣着钱 is the lexicon's 没有违法所得: the clause after the ； that states it gives the fine; a
    question without the condition keeps the first clause's figure."""
    kb = FakeKnowledgeBase([CAOCHANG])
    answerer = Answerer(kb, kb, kb.reader(), SETTINGS)
    stated = answerer.answer("有人没经批准在草场上挖沙，也没挣着钱，能罚多少？")
    assert stated.found and stated.short_answer == "二万元以下"
    assert "二万元以下" in stated.citations[0].quote
    plain = answerer.answer("有人没经批准在草场上挖沙，能罚多少？")
    assert plain.found and plain.short_answer == "一倍以上二倍以下"


JIATING = Doc(
    "jiating",
    "某某市最低生活保障条例",
    "某某市最低生活保障条例\n"
    "第五条 本条例所指的共同生活的家庭成员包括：（一）配偶；（二）未成年子女；"
    "（三）其他长期共同生活的人员。\n"
    "第六条 最低生活保障标准由市人民政府确定。",
)


def test_a_definition_by_its_items_is_answered_with_the_items() -> None:
    """“共同生活的家庭成员”具体包括哪些人 asks what the term covers: the lead-in (所指的…包括：) defines it by
    its numbered items, so the items are the answer, not the lead-in's clause."""
    kb = FakeKnowledgeBase([JIATING])
    answer = Answerer(kb, kb, kb.reader(), SETTINGS).answer(
        "条例里说的“共同生活的家庭成员”，具体包括哪些人？"
    )
    assert answer.question_type == "definition"
    assert answer.found and answer.short_answer is not None
    for item in ("配偶", "未成年子女", "其他长期共同生活的人员"):
        assert item in answer.short_answer
    for c in answer.citations:
        assert kb.text(c.doc_id)[c.start : c.end] == c.quote


LINDI = Doc(
    "lindi",
    "某某县林地保护办法",
    "某某县林地保护办法\n"
    "第十四条 集体林地的权属争议，由乡（民族乡、镇）人民政府调处；协调不成的，报县人民政府处理。\n"
    "第十五条 林地保护经费列入县级财政预算。",
)


def test_a_later_clause_is_quoted_with_the_clause_it_leans_on() -> None:
    """协调不成的，报县人民政府处理 answers 谈不拢找谁, but it leans on the clause before its ；: the quote
    reads back to the sentence's start as one citation, so the first body asked of is there too."""
    kb = FakeKnowledgeBase([LINDI])
    answer = Answerer(kb, kb, kb.reader(), SETTINGS).answer(
        "两个村为集体林地的权属吵起来了，协调不成的报谁处理？"
    )
    assert answer.found and "乡（民族乡、镇）人民政府调处" in answer.answer
    (cite,) = answer.citations
    assert cite.quote.startswith("第十四条 集体林地") and cite.quote.endswith("报县人民政府处理。")
    assert kb.text(cite.doc_id)[cite.start : cite.end] == cite.quote
    assert "经费" not in answer.answer


LINMU = Doc(
    "linmu",
    "某某县集体林木管护办法",
    "某某县集体林木管护办法\n"
    "第九条 村集体所有的林木，应当由村集体经济组织统一组织管护并建立管护档案；"
    "因特殊情况需要由农户自行管护的，应当经乡镇人民政府批准。\n"
    "第十条 农户自行管护林木的，应当与村集体经济组织签订书面管护协议，明确管护的范围、责任、期限以及林木受损时的"
    "赔偿办法，并在签订后报乡镇人民政府林业工作站备案，林业工作站应当定期检查管护情况并记录在案。\n",
)


def test_the_rule_an_exception_departs_from_is_read_before_a_second_sentence() -> None:
    """因特殊情况…自行管护的，应当经乡镇人民政府批准 answers 要经谁批准, but only with the rule before its ；
    (统一组织管护): the quote reads back to its sentence's start before a long next article may take the room."""
    kb = FakeKnowledgeBase([LINMU])
    answer = Answerer(kb, kb, kb.reader(), SETTINGS).answer("农户自行管护集体林木，要经谁批准？")
    assert answer.found and answer.short_answer == "乡镇人民政府"
    assert "统一组织管护" in answer.answer and "应当经乡镇人民政府批准" in answer.answer
    assert answer.citations[0].quote.startswith("第九条 村集体所有的林木")
    for c in answer.citations:
        assert kb.text(c.doc_id)[c.start : c.end] == c.quote


FUXU = Doc(
    "fuxu",
    "某某抚恤办法",
    "某某抚恤办法\n"
    "第十条 军人死亡，由收到《军人病故通知书》的县级人民政府退役军人工作主管部门按照以下标准发给其遗属一次性抚恤金："
    "烈士和因公牺牲的，为上一年度全国城镇居民人均可支配收入的20倍加本人40个月的基本工资；"
    "病故的，为上一年度全国城镇居民人均可支配收入的2倍加本人40个月的基本工资。\n"
    "第十一条 抚恤金由县级人民政府发放。",
)


def test_a_stated_condition_named_elsewhere_in_the_best_clause_still_applies() -> None:
    """病故 is in the best clause only inside 《军人病故通知书》: the clause 病故的，… is still the one the
    question states, and its figure leads."""
    kb = FakeKnowledgeBase([FUXU])
    answer = Answerer(kb, kb, kb.reader(), SETTINGS).answer(
        "当兵的在部队得病走了，属于病故，家里一次性抚恤金是人均可支配收入的几倍？"
    )
    assert answer.found and answer.short_answer == "2倍"


LINSHI = Doc(
    "linshi",
    "某某省临时救助办法",
    "某某省临时救助办法\n第九条 临时救助标准如下：\n"
    "（一）家庭财产遭受重大损失的，给予每人当地最低生活保障标准六倍以下的一次性基本生活救助；"
    "特别困难的，可以适当增加，但最高不超过当地最低生活保障标准的十二倍；\n"
    "（二）住房损毁，无处居住的，给予临时安置，特别困难的，最高给予当地最低生活保障标准的三倍住房修建补助。\n"
    "第十条 临时救助资金列入财政预算。",
)


def test_the_best_clause_reads_back_even_when_a_second_sentence_follows() -> None:
    """特别困难的…十二倍 leans on the clause before its ；: it is quoted with it though a second sentence
    (the next item) is quoted as well."""
    kb = FakeKnowledgeBase([LINSHI])
    answer = Answerer(kb, kb, kb.reader(), SETTINGS).answer(
        "特别困难的，临时救助最高能给到当地低保标准的几倍？"
    )
    assert answer.found and answer.short_answer == "十二倍" and len(answer.citations) == 2
    first = answer.citations[0]
    assert first.quote.startswith("（一）家庭财产") and "六倍以下" in first.quote
    assert kb.text(first.doc_id)[first.start : first.end] == first.quote
    assert len(answer.answer) <= 150


DENGJI = Doc(
    "dengji",
    "某某县养老服务办法",
    "某某县养老服务办法\n"
    "第一条 为了规范养老服务，制定本办法。\n"
    "第十八条 举办营利性养老机构的，向市场监督管理部门办理登记。"
    "举办非营利性养老机构的，向民政部门办理登记。\n"
    "第十九条 养老机构应当公开收费项目。",
)


def test_a_question_of_two_cases_quotes_the_neighbouring_sentence_that_rules_the_other() -> None:
    """营利性的和非营利性的分别去哪儿登记: the law rules each case in a sentence of its own, side by side;
    the answer quotes both, whichever one reads best."""
    kb = FakeKnowledgeBase([DENGJI])
    answer = Answerer(kb, kb, kb.reader(), SETTINGS).answer("营利性的和非营利性的养老院分别去哪儿登记？")
    assert answer.found and "市场监督管理部门" in answer.answer and "民政部门" in answer.answer
    one = Answerer(kb, kb, kb.reader(), SETTINGS).answer("非营利性的养老院去哪儿登记？")
    assert one.found and "民政部门" in one.answer and "市场监督管理部门" not in one.answer


YANGZHI = Doc(
    "yangzhi",
    "某某省渔业条例",
    "某某省渔业条例\n"
    "第二十条 单位和个人使用水域从事养殖生产的，应当向县级渔业行政主管部门提出申请。"
    "县级渔业行政主管部门应当对申请人提供的材料进行审核。"
    "符合条件的，报本级人民政府批准，核发养殖证；不符合条件的，书面说明理由。\n"
    "第二十一条 养殖证不得买卖、出租。",
)


def test_a_sentence_that_takes_up_the_one_before_is_quoted_with_it() -> None:
    """符合条件的，报…批准，核发养殖证 answers 养殖证怎么批, but it takes up the sentence before it (…进行审核):
    the quote reads back across the 。 so the step it continues is there, as one citation."""
    kb = FakeKnowledgeBase([YANGZHI])
    answer = Answerer(kb, kb, kb.reader(), SETTINGS).answer("养殖证最后由哪一级批准核发？")
    assert answer.found and "进行审核" in answer.answer and "核发养殖证" in answer.answer
    (cite,) = answer.citations
    assert cite.quote.startswith("县级渔业行政主管部门应当对申请人")
    assert kb.text(cite.doc_id)[cite.start : cite.end] == cite.quote


SENLIN = Doc(
    "senlin",
    "某某省森林防火条例",
    "某某省森林防火条例\n"
    "第三十条 任何单位和个人发现森林火灾，应当立即报告。"
    "接到报告的当地人民政府应当立即派人赶赴现场，调查核实，组织扑救。\n"
    "第三十一条 森林防火经费列入本级财政预算。",
)


def test_a_question_of_two_questions_is_answered_by_both_neighbouring_sentences() -> None:
    """老百姓该咋办？乡里接到报告以后要干些啥？ asks two things, ruled in two neighbouring sentences."""
    kb = FakeKnowledgeBase([SENLIN])
    answer = Answerer(kb, kb, kb.reader(), SETTINGS).answer(
        "放羊时看见山上着火了，老百姓该怎么办？乡政府接到报告以后怎么处理？"
    )
    assert answer.found and "立即报告" in answer.answer and "赶赴现场" in answer.answer
    # Any second question counts, not only one that asks 谁; one question with a comma is one.
    assert asks_two_cases("老百姓该怎么办？乡政府接到报告以后怎么处理？")
    assert asks_two_cases("验收该谁来组织？要不要叫受益户来？")
    assert not asks_two_cases("看见山上着火了，老百姓该怎么办？")


def test_a_list_question_read_at_one_item_is_answered_with_the_whole_list() -> None:
    """离任审计主要查哪些, read best at its item （三）: the list is the answer, so the read unit around the
    item that announces the list (第十一条 …按下列内容…：) is quoted and cited instead of the one item.
    A question of another type keeps the item."""
    text = (
        "第十一条 审计机构对即将离任的合作社主要负责人应当按下列内容进行离任审计：（一）财务收支的合法性；"
        "（二）经济指标、经营成果等任期目标完成情况的真实性；（三）集体资产、负债、损益；（四）其他需要审计的事项。"
    )
    chunk = chunks_of(Doc("shenji", "某某县合作经济审计办法", text))[0]
    hit = Hit(chunk, "某某县合作经济审计办法", "", "", 1.0)
    item_at = text.index("（三）")
    item_end = text.index("（四）")
    item = Evidence(hit, item_at, item_end, text[item_at:item_end], 0.8, 1.0, 1.0, ())
    whole = Evidence(hit, 0, len(text), text, 0.5, 1.0, 0.7, ())
    answer = compose("离任审计主要查哪些？", analyse("离任审计主要查哪些？"), [hit], [item, whole], ["审计"])
    for listed in (
        "财务收支的合法性",
        "任期目标完成情况的真实性",
        "集体资产、负债、损益",
        "其他需要审计的事项",
    ):
        assert listed in answer.answer, answer.answer
    assert (answer.citations[0].start, answer.citations[0].end) == (0, len(text))
    other = compose("集体资产要审计吗？", analyse("集体资产要审计吗？"), [hit], [item, whole], ["审计"])
    assert "财务收支" not in other.answer
    # a lead-in closed by an ASCII colon (下列服务:) announces its list as well
    ascii_text = text.replace("：", ":")
    ascii_hit = Hit(
        chunks_of(Doc("shenji", "某某县合作经济审计办法", ascii_text))[0],
        "某某县合作经济审计办法",
        "",
        "",
        1.0,
    )
    ascii_item = Evidence(ascii_hit, item_at, item_end, ascii_text[item_at:item_end], 0.8, 1.0, 1.0, ())
    ascii_whole = Evidence(ascii_hit, 0, len(ascii_text), ascii_text, 0.5, 1.0, 0.7, ())
    listed = compose(
        "离任审计主要查哪些？",
        analyse("离任审计主要查哪些？"),
        [ascii_hit],
        [ascii_item, ascii_whole],
        ["审计"],
    )
    assert "财务收支的合法性" in listed.answer


ROADS = Doc(
    "roads",
    "某某省乡村振兴促进条例",
    "某某省乡村振兴促进条例\n"
    "第二十条 加强农村道路建设，推进村内道路硬底化。\n"
    "第六十条 本条例自2022年9月1日起施行，《某某省农村扶贫开发条例》同时废止。",
)


def test_a_closing_clause_answers_only_when_the_text_took_effect_or_what_it_replaced() -> None:
    """本条例自…起施行，《…》同时废止 says nothing about roads: asked how the 条例 has roads built, the answer
    quotes the road clause, never the closing one; asked when it took effect or what it replaced, the
    closing clause answers."""
    kb = FakeKnowledgeBase([ROADS])
    answerer = Answerer(kb, kb, kb.reader(), SETTINGS)
    answer = answerer.answer("某某省条例说农村扶贫开发那块的路要怎么修？")
    assert all("施行" not in c.quote for c in answer.citations)
    assert not answer.found or "硬底化" in answer.answer
    assert answerer.answer("某某省乡村振兴促进条例是哪天开始施行的？").short_answer == "自2022年9月1日起施行"
    for question in (
        "某某省乡村振兴促进条例施行以后，原来的扶贫开发条例还管用吗？",
        "某某省农村扶贫开发条例现在还有效吗？",
    ):
        answer = answerer.answer(question)
        assert answer.found and "同时废止" in answer.citations[0].quote
