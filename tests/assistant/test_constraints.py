"""Constraint-aware answering (问题约束) on an in-memory knowledge base: a named document, its year and
its region must be satisfied by the evidence's document, else the refusal names what is missing."""

from __future__ import annotations

from dataclasses import replace

import pytest
from assistant_fakes import SETTINGS, Doc, FakeKnowledgeBase

from assistant.answerer import Answerer
from assistant.asked_values import unstated_rate, unstated_value
from assistant.constraints import (
    Subjects,
    pinned_years,
    prefer_asked_region,
    subject_gap,
    subjects,
    unqualified,
)
from assistant.policy import AnswerPolicy
from assistant.question import analyse
from assistant.reader import Evidence
from assistant.types import Answer, Chunk, Hit
from index.catalog import DocRecord

YIHAO_2023 = Doc(
    "yh2023",
    "中共中央 国务院关于做好2023年全面推进乡村振兴重点工作的意见（2023年中央一号文件）",
    "中共中央 国务院关于做好2023年全面推进乡村振兴重点工作的意见\n"
    "加强高标准农田建设，2023年新建高标准农田4500万亩，改造提升高标准农田。\n"
    "健全种粮农民收益保障机制，稳定种粮农民补贴。",
    issuer="中共中央 国务院",
    date="2023-01-02",
)
YIHAO_2025 = Doc(
    "yh2025",
    "中共中央 国务院关于进一步深化农村改革 扎实推进乡村全面振兴的意见（2025年中央一号文件）",
    "中共中央 国务院关于进一步深化农村改革 扎实推进乡村全面振兴的意见\n"
    "高标准农田建设要提高标准，2025年新建高标准农田不少于3000万亩。\n"
    "完善覆盖农村人口的常态化防止返贫致贫机制。",
    issuer="中共中央 国务院",
    date="2025-01-01",
)
GUANGDONG = Doc(
    "gd",
    "广东省乡村振兴促进条例",
    "广东省乡村振兴促进条例\n第二十条 村庄保洁经费由县级人民政府统筹安排，每村每年不少于5万元。",
    issuer="广东省人民代表大会常务委员会",
    date="2022-06-01",
)
BEIJING = Doc(
    "bj",
    "北京市乡村振兴促进条例",
    "北京市乡村振兴促进条例\n第三十条 农村公路养护资金由区人民政府统筹安排，每公里每年不低于1万元。\n"
    "第三十一条 村庄保洁由村民委员会组织实施。",
    issuer="北京市人民代表大会常务委员会",
    date="2024-05-31",
)
LAW = Doc(
    "law",
    "中华人民共和国乡村振兴促进法",
    "中华人民共和国乡村振兴促进法\n第十条 国家建立乡村振兴考核评价制度。\n"
    "第二十条 各级人民政府应当支持农业社会化服务企业发展。\n"
    "第二十一条 农民专业合作社依法自主开展经营活动。\n"
    "第七十四条 本法自2021年6月1日起施行。",
    issuer="全国人民代表大会常务委员会",
    date="2021-04-29",
)

KB = FakeKnowledgeBase([YIHAO_2023, YIHAO_2025, GUANGDONG, BEIJING, LAW])
ANSWERER = Answerer(KB, KB, KB.reader(), SETTINGS)
# The subject check is on by default (assistant/policy.py says why); its tests say so explicitly.
CHECKED = Answerer(KB, KB, KB.reader(), SETTINGS, policy=replace(AnswerPolicy(), check_subject=True))
UNCHECKED = Answerer(KB, KB, KB.reader(), SETTINGS, policy=replace(AnswerPolicy(), check_subject=False))


def _cited(answer: Answer) -> list[str]:
    return [c.doc_id for c in answer.citations]


def test_a_year_the_knowledge_base_lacks_is_refused_with_the_other_years_as_related() -> None:
    answer = ANSWERER.answer("2024年一号文件里，新建高标准农田多少亩？")
    assert not answer.found and answer.citations == () and answer.short_answer is None
    assert (
        answer.answer == "现有文件中没有2024年一号文件；2023年、2025年一号文件的相关规定见下方（仅供参考）。"
    )
    assert {c.doc_id for c in answer.related[:2]} == {"yh2023", "yh2025"}


def test_a_two_digit_year_and_a_loose_name_pick_that_years_document() -> None:
    answer = ANSWERER.answer("请问23年一号文件里，新建高标准农田多少亩？")
    assert answer.found and _cited(answer)[0] == "yh2023" and answer.short_answer == "4500万亩"
    answer = ANSWERER.answer("按照2025年的中央一号文件，新建高标准农田多少亩？")
    assert answer.found and _cited(answer)[0] == "yh2025" and answer.short_answer == "不少于3000万亩"


def test_a_year_pinned_without_a_name_must_match_a_documents_year() -> None:
    answer = ANSWERER.answer("2019年的政策里，新建高标准农田多少亩？")
    assert not answer.found and answer.answer.startswith("现有文件中没有2019年的政策")
    assert pinned_years("24年出台的规定怎么说") == [("2024", "规定")]
    assert pinned_years("到2035年基本实现农业现代化") == []


def test_another_regions_document_never_answers() -> None:
    """广东 asked, only 北京's clause states the figure: refused, naming the region."""
    answer = ANSWERER.answer("广东农村公路养护资金每公里每年多少钱？")
    assert not answer.found and answer.answer == "现有文件中没有广东的相关规定，无法据此回答。"
    assert answer.related and answer.related[0].doc_id == "bj"
    assert ANSWERER.answer("北京农村公路养护资金每公里每年多少钱？").short_answer == "不低于1万元"


def test_a_named_document_is_the_only_source_of_evidence() -> None:
    """村庄保洁 is in both provincial rules: naming 北京's (loosely) answers from it."""
    answer = ANSWERER.answer("请问北京的条例里，村庄保洁由谁组织实施？")
    assert answer.found and set(_cited(answer)) == {"bj"}
    # 乡村振兴考核评价制度 is only in the national law: naming 北京's rule, the law never answers.
    loose = Answerer(KB, KB, KB.reader(), SETTINGS, policy=replace(AnswerPolicy(), restrict_to_named=False))
    question = "北京条例里，乡村振兴考核评价制度由谁建立？"
    assert _cited(loose.answer(question)) == ["law"]
    assert not ANSWERER.answer(question).found


def test_openers_and_prepositions_are_not_part_of_a_name() -> None:
    for question in (
        "请问乡村振兴促进法里，什么时候开始施行？",
        "问一下，根据乡村振兴促进法，什么时候开始施行？",
        "咨询一下，按照中华人民共和国乡村振兴促进法，什么时候开始施行？",
    ):
        answer = ANSWERER.answer(question)
        assert answer.found and _cited(answer) == ["law"], question


def test_a_misspelled_or_loose_name_is_matched_not_refused() -> None:
    for question in ("乡村振新法什么时候开始施行？", "乡村振兴促近法什么时候开始施行？"):
        answer = ANSWERER.answer(question)
        assert answer.found and _cited(answer) == ["law"], question


def test_generic_phrases_name_no_document() -> None:
    answer = ANSWERER.answer("根据法律法规，乡村振兴考核评价制度由谁建立？")
    assert answer.found and "未找到" not in answer.answer


def test_a_document_the_knowledge_base_lacks_is_still_refused_by_name() -> None:
    answer = ANSWERER.answer("请问根据土地管理法，村庄保洁经费每村每年多少钱？")
    assert not answer.found and answer.answer == "现有文件中未找到《土地管理法》，无法据此回答。"


def test_a_subject_no_document_mentions_is_refused_by_name() -> None:
    answer = CHECKED.answer("外卖骑手的收益保障机制怎么健全？")
    assert not answer.found and answer.answer == "现有文件中没有关于“外卖骑手”的规定，无法据此回答。"
    answer = CHECKED.answer("种粮农民的收益保障机制怎么健全？")
    assert answer.found and _cited(answer) == ["yh2023"]
    assert UNCHECKED.answer("外卖骑手的收益保障机制怎么健全？").found  # what the check prevents


def test_a_short_form_of_a_subject_the_documents_name_is_not_refused() -> None:
    """村委会 is never written, but 村民委员会 is: the abbreviation is no reason to refuse."""
    answer = CHECKED.answer("北京的条例里，村庄保洁由村委会负责吗？")
    assert "没有关于" not in answer.answer


def test_a_subject_qualified_otherwise_than_the_evidence_is_refused() -> None:
    """服务企业 asked, a clause about 合作社 found: refused; asked about what the law says of them: answered."""
    answer = CHECKED.answer("物业服务企业依法自主开展什么活动？")
    assert not answer.found and answer.answer == "现有文件中没有关于“物业服务企业”的规定，无法据此回答。"
    answer = CHECKED.answer("农业社会化服务企业由谁支持发展？")
    assert answer.found and _cited(answer) == ["law"]


def test_a_region_the_knowledge_base_lacks_names_the_regions_it_has() -> None:
    answer = ANSWERER.answer("请问湖南省乡村振兴促进条例里，村庄保洁由谁组织实施？")
    assert not answer.found and answer.citations == ()
    assert (
        answer.answer
        == "现有文件中没有湖南的乡村振兴促进条例；广东、北京的乡村振兴促进条例见下方（仅供参考）。"
    )
    assert {c.doc_id for c in answer.related} <= {"gd", "bj"}


def test_a_year_no_document_has_must_be_stated_by_the_evidence() -> None:
    """2030: no document's year, and the clause about 高标准农田 says nothing of it."""
    answer = ANSWERER.answer("2030年新建高标准农田多少亩？")
    assert not answer.found and answer.answer == "现有文件中没有关于2030年的规定，无法据此回答。"
    assert ANSWERER.answer("2023年新建高标准农田多少亩？").short_answer == "4500万亩"


def test_a_verb_before_a_subject_word_does_not_qualify_it() -> None:
    """防止 + 农户 in 怎么防止农户返贫: an action on 农户, not a kind of 农户 the evidence must name."""
    doc = Doc("fp", "防止返贫办法", "第三条 县级人民政府应当建立防止返贫监测机制，对农户开展定期排查。")
    kb = FakeKnowledgeBase([doc])
    checked = Answerer(kb, kb, kb.reader(), SETTINGS, policy=replace(AnswerPolicy(), check_subject=True))
    answer = checked.answer("怎么防止农户返贫？")
    assert answer.found and "没有关于" not in answer.answer
    answer = checked.answer("外卖骑手返贫怎么排查？")
    assert not answer.found and "外卖骑手" in answer.answer  # a never-used role still does
    answer = checked.answer("养殖大户返贫怎么排查？")
    assert answer.found  # 大户, 散户, 债主: everyday words for households and owners are no missing subject


FOREST_LAW = Doc(
    "senlin",
    "中华人民共和国森林法",
    "中华人民共和国森林法\n第二十二条 在林木、林地权属争议解决前，当事人任何一方不得砍伐有争议的林木或者改变林地现状。",
    issuer="全国人民代表大会常务委员会",
    date="2019-12-28",
)
CHONGQING_FOREST = Doc(
    "cq",
    "重庆市林地保护管理条例",
    "重庆市林地保护管理条例\n第十五条 在林地争议解决之前，任何一方不得采伐有争议的林木，破坏有争议的林地及附着物。",
    issuer="重庆市人民代表大会常务委员会",
    date="2018-07-26",
)


def test_a_region_asked_is_answered_from_its_own_rule_before_a_national_one() -> None:
    """The national law's words match 砍 better, but 重庆这边 asks the rule 重庆 applies; unasked, the
    national law leads; with the preference off (window 0), the national law leads either way."""
    kb = FakeKnowledgeBase([FOREST_LAW, CHONGQING_FOREST])
    answerer = Answerer(kb, kb, kb.reader(), SETTINGS)
    off = Answerer(kb, kb, kb.reader(), SETTINGS, policy=replace(AnswerPolicy(), asked_region_window=0))
    asked = "重庆这边林木权属争议还没解决，能砍有争议的林木吗？"
    answer = answerer.answer(asked)
    assert answer.found and answer.short_answer == "不能" and _cited(answer) == ["cq"]
    assert _cited(off.answer(asked)) == ["senlin"]
    assert _cited(answerer.answer("林木权属争议还没解决，能砍有争议的林木吗？")) == ["senlin"]


def test_a_two_character_role_word_is_everyday_speech_not_a_missing_subject() -> None:
    """司机 (the documents say 承运人), 人手, or 羊会 cut from 羊会咋处理: never refused as a subject the
    documents lack, though no document writes them; 外卖骑手 still is."""
    tok = KB.tokenizer

    def never_seen(word: str) -> float:
        return 0.0

    def asked(question: str) -> str:
        return subjects(analyse(question), tok.words, never_seen, lambda w: False, tok.tagged).absent

    assert asked("在广东拉生猪的货车，司机能不能顺手卖了？") == ""
    assert asked("这车羊会咋处理？") == ""
    assert asked("外卖骑手返贫怎么排查？") == "外卖骑手"
    # A city the question names (湖州农户) says where, not who: it is neither a subject nor its modifier.
    city = analyse("湖州农户自家院里的污水设施出了毛病，该咋办？")
    assert subjects(city, tok.words, lambda w: 1.0, lambda w: False, tok.tagged).qualified == ()


def test_a_preposition_is_not_part_of_the_subject_it_leads_into() -> None:
    """除了身份证 names 身份证: a document speaking of 身份证件 speaks of it, so no refusal for it."""
    tok = KB.tokenizer
    info = analyse("办事除了身份证还让开一堆证明，可以随便要吗？")
    found = subjects(info, tok.words, lambda w: 0.0, lambda w: False, tok.tagged)
    assert found.absent == "身份证"
    assert subject_gap(found, ["要求其提供身份证件以外的其他证明材料的，应当有法律依据。"]) is None


def test_a_member_or_owner_is_spoken_of_by_its_kind() -> None:
    """合作社社员 asked, a clause about 合作社成员 found: the same people, not a subject the evidence misses."""
    tok = KB.tokenizer
    found = subjects(analyse("合作社社员能不能查账？"), tok.words, lambda w: 3.0, lambda w: False, tok.tagged)
    assert ("合作社", "社员", "合作社社员") in found.qualified
    clause = "农民专业合作社成员有权查阅本社的财务会计报告。"
    assert unqualified(found, clause, clause) is None
    other = "物业服务企业应当公开收费标准。"
    assert unqualified(found, other, other) is not None


def test_the_asked_regions_rule_is_looked_for_five_sentences_down() -> None:
    """The region's sentence fourth in line, behind three national ones, still leads; a window of two
    (the earlier default) leaves the national lead."""

    def record(doc_id: str, title: str) -> DocRecord:
        return DocRecord(doc_id, f"{doc_id}.txt", title, "", "2022-01-01", "", "", 1, 0.0)

    def sentence(doc_id: str, text: str, score: float) -> Evidence:
        chunk = Chunk(f"{doc_id}-{score}", doc_id, f"{doc_id}.txt", "", 0, len(text), text, 0)
        return Evidence(Hit(chunk, doc_id, "", "2022-01-01", 1.0), 0, len(text), text, 0.5, 1.0, score, ())

    docs = [
        record("nat", "中共中央 国务院关于做好2023年全面推进乡村振兴重点工作的意见"),
        record("gd", "广东省乡村振兴促进条例"),
    ]
    evidence = [sentence("nat", f"全国的帮扶措施{k}。", 1.0 - k / 10) for k in range(3)]
    evidence.append(sentence("gd", "对监测对象采取产业帮扶、以工代赈、消费帮扶等措施。", 0.6))
    info = analyse("广东对防返贫监测户，能上哪些帮扶措施？")
    assert info.regions == ("广东",)
    assert (
        prefer_asked_region(info, docs, evidence, AnswerPolicy().asked_region_window)[0].hit.chunk.doc_id
        == "gd"
    )
    assert prefer_asked_region(info, docs, evidence, 2)[0].hit.chunk.doc_id == "nat"


def test_a_household_or_a_place_of_origin_qualifies_no_subject() -> None:
    """种粮大户 (a household, as cadres speak of one) and 外地企业 (any 企业, from elsewhere) are no kinds the
    evidence must name when the corpus knows both words; 服务企业 still is."""
    tok = KB.tokenizer

    def qualified(question: str) -> tuple[tuple[str, str, str], ...]:
        return subjects(analyse(question), tok.words, lambda w: 3.0, lambda w: False, tok.tagged).qualified

    assert qualified("乡里要求种粮大户都得买某个厂家的收割机，行吗？") == ()
    assert qualified("外地企业来镇上收稻谷，得去哪个部门备案？") == ()
    assert ("服务", "企业", "服务企业") in qualified("服务企业能不能收费？")
    # a certificate is asked of by its kind: 优待证 asked, a clause on 优待 in general does not answer it
    assert ("老年人", "优待证", "老年人优待证") in qualified("老年人优待证去哪办，需要带哪些材料？")


PERMITS = Doc(
    "shouyao",
    "兽药管理条例",
    "兽药管理条例\n第二十三条 兽药经营许可证有效期为5年。有效期届满，需要继续经营兽药的，应当在许可证有效期届满前6个月"
    "到发证机关申请换发兽药经营许可证。",
)


def test_a_permit_is_named_by_what_it_permits_and_must_be_the_evidence_s() -> None:
    """捕捞许可证 asked, a clause about 兽药经营许可证 found: 捕捞 (a verb) names which permit, so the
    figure is another permit's; the permit the clause is about is answered. (捕捞 is a word the
    knowledge base uses, in another document: a word it never uses is checked otherwise.)"""
    fishing = Doc("yuye", "渔业法", "渔业法\n第三十条 禁止在禁渔区、禁渔期进行捕捞。")
    kb = FakeKnowledgeBase([PERMITS, fishing])
    checked = Answerer(kb, kb, kb.reader(), SETTINGS, policy=replace(AnswerPolicy(), check_subject=True))
    answer = checked.answer("捕捞许可证的有效期是几年？")
    assert not answer.found and answer.answer == "现有文件中没有关于“捕捞许可证”的规定，无法据此回答。"
    answer = checked.answer("兽药经营许可证的有效期是几年？")
    assert answer.found and answer.short_answer == "5年"


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
        ("护理员跟失能老人的配比是几比几？", "配备规定数量的养老护理人员。", True),
        ("护理员跟失能老人的配比是几比几？", "护理员与失能老人按照1:4配备。", False),
    ],
)
def test_a_time_of_day_colour_discount_or_ratio_asked_must_be_stated(
    question: str, sentence: str, refused: bool
) -> None:
    assert (unstated_value(analyse(question), sentence) is not None) is refused


def test_a_clause_about_the_topic_but_not_the_value_asked_is_no_answer() -> None:
    """几点开门 asked, the clause saying the hours are published found: refused with the value named."""
    doc = Doc(
        "xf",
        "信访工作条例",
        "信访工作条例\n第十八条 各级机关、单位应当向社会公布网络信访渠道、通信地址、咨询投诉电话、信访接待的时间和地点。",
    )
    kb = FakeKnowledgeBase([doc])
    answer = Answerer(kb, kb, kb.reader(), SETTINGS).answer("信访接待的地点每天几点开门？")
    assert not answer.found and answer.answer == "现有文件中没有规定具体时间，无法据此回答。"
    assert Answerer(kb, kb, kb.reader(), SETTINGS).answer("信访接待的时间和地点要向社会公布吗？").found


def test_a_short_form_may_skip_three_characters_of_its_full_name() -> None:
    """村监会 is 村务监督委员会 (村, 监 of 监督, 会 of 委员会): not a subject the documents lack."""
    passage = "村务监督委员会对村民委员会的决定有异议的，可以建议召开村民会议。"
    assert subject_gap(Subjects("村监会", "村监会"), [passage]) is None
    assert subject_gap(Subjects("外卖骑手", "骑手"), [passage]) is not None


def test_a_kind_of_people_may_be_named_by_the_article_rather_than_the_sentence() -> None:
    """独生子女家庭 asked: the article speaks of 独生子女 and its sentence of 子女's leave; a sentence of an
    article about other people is still refused."""
    asked = Subjects("", "", (("独生子女", "家庭", "独生子女家庭"),))
    sentence = "患病住院治疗的，给予其子女每年累计不超过十五日的护理假。"
    article = "第三十二条 独生子女父母年满六十周岁的，按照规定享受奖励扶助；" + sentence
    assert unqualified(asked, sentence, article) is None
    assert unqualified(asked, sentence, "第三十二条 职工" + sentence) is not None
