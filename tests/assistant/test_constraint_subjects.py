"""Who or what a question asks about (主体) on an in-memory knowledge base: a subject no document
mentions, or one qualified otherwise than the evidence, is refused by name; everyday words, short forms
and kinds the evidence speaks of are not."""

from __future__ import annotations

from dataclasses import replace

from assistant_fakes import SETTINGS, Doc, FakeKnowledgeBase
from rural_revitalization_kit import KB, cited

from assistant.answerer import Answerer
from assistant.constraints import Subjects, subject_gap, subjects, unqualified
from assistant.policy import AnswerPolicy
from assistant.question import analyse

# The subject check is on by default (assistant/policy.py says why); its tests say so explicitly.
CHECKED = Answerer(KB, KB, KB.reader(), SETTINGS, policy=replace(AnswerPolicy(), check_subject=True))
UNCHECKED = Answerer(KB, KB, KB.reader(), SETTINGS, policy=replace(AnswerPolicy(), check_subject=False))


def test_a_subject_no_document_mentions_is_refused_by_name() -> None:
    answer = CHECKED.answer("外卖骑手的收益保障机制怎么健全？")
    assert not answer.found and answer.answer == "现有文件中没有关于“外卖骑手”的规定，无法据此回答。"
    answer = CHECKED.answer("种粮农民的收益保障机制怎么健全？")
    assert answer.found and cited(answer) == ["yh2023"]
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
    assert answer.found and cited(answer) == ["law"]


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
