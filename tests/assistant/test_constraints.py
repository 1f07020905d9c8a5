"""Constraint-aware answering (问题约束) on an in-memory knowledge base: a named document, its year and
its region must be satisfied by the evidence's document, else the refusal names what is missing.
Subjects the evidence must name are in test_constraint_subjects.py, values asked in test_asked_values.py."""

from __future__ import annotations

from dataclasses import replace

from assistant_fakes import SETTINGS, Doc, FakeKnowledgeBase
from rural_revitalization_kit import KB, cited

from assistant.answerer import Answerer
from assistant.constraints import pinned_years, prefer_asked_region
from assistant.policy import AnswerPolicy
from assistant.question import analyse
from assistant.reader import Evidence
from assistant.types import Chunk, Hit
from index.catalog import DocRecord

ANSWERER = Answerer(KB, KB, KB.reader(), SETTINGS)


def test_a_year_the_knowledge_base_lacks_is_refused_with_the_other_years_as_related() -> None:
    answer = ANSWERER.answer("2024年一号文件里，新建高标准农田多少亩？")
    assert not answer.found and answer.citations == () and answer.short_answer is None
    assert (
        answer.answer == "现有文件中没有2024年一号文件；2023年、2025年一号文件的相关规定见下方（仅供参考）。"
    )
    assert {c.doc_id for c in answer.related[:2]} == {"yh2023", "yh2025"}


def test_another_five_year_plan_is_refused_with_the_held_plan_as_related() -> None:
    plan = Doc(
        "plan15",
        "中共中央关于制定国民经济和社会发展第十五个五年规划的建议",
        "中共中央关于制定国民经济和社会发展第十五个五年规划的建议\n实施城乡居民增收计划，有效增加低收入群体收入。",
    )
    kb = FakeKnowledgeBase([plan])
    answerer = Answerer(kb, kb, kb.reader(), SETTINGS)
    answer = answerer.answer("十四五规划建议里对农民增收提的啥目标？")
    assert not answer.found and answer.citations == ()
    assert answer.answer == "现有文件中没有十四五规划建议；十五五规划建议的相关内容见下方（仅供参考）。"
    assert [c.doc_id for c in answer.related[:1]] == ["plan15"]
    answer = answerer.answer("十五五规划建议里对农民增收提的啥目标？")
    assert answer.found and "城乡居民增收计划" in answer.answer


def test_a_two_digit_year_and_a_loose_name_pick_that_years_document() -> None:
    answer = ANSWERER.answer("请问23年一号文件里，新建高标准农田多少亩？")
    assert answer.found and cited(answer)[0] == "yh2023" and answer.short_answer == "4500万亩"
    answer = ANSWERER.answer("按照2025年的中央一号文件，新建高标准农田多少亩？")
    assert answer.found and cited(answer)[0] == "yh2025" and answer.short_answer == "不少于3000万亩"


def test_a_year_pinned_without_a_name_must_match_a_documents_year() -> None:
    answer = ANSWERER.answer("2019年的政策里，新建高标准农田多少亩？")
    assert not answer.found and answer.answer.startswith("现有文件中没有2019年的政策")
    assert pinned_years("24年出台的规定怎么说") == [("2024", "规定")]
    assert pinned_years("到2035年基本实现农业现代化") == []


def test_another_regions_document_never_answers() -> None:
    """广东 asked, only 北京's clause states the figure: refused, naming the region whose own document
    was read and does not say it."""
    answer = ANSWERER.answer("广东农村公路养护资金每公里每年多少钱？")
    assert not answer.found
    assert (
        answer.answer
        == "现有广东的文件中未找到相关规定，无法据此回答；其他地区的相关规定见下方（仅供参考）。"
    )
    assert answer.related and answer.related[0].doc_id == "bj"
    assert ANSWERER.answer("北京农村公路养护资金每公里每年多少钱？").short_answer == "不低于1万元"
    # No 山东 document is held at all: the refusal says so.
    answer = ANSWERER.answer("山东农村公路养护资金每公里每年多少钱？")
    assert answer.answer == "现有文件中没有山东的相关规定，无法据此回答。"


def test_a_named_document_is_the_only_source_of_evidence() -> None:
    """村庄保洁 is in both provincial rules: naming 北京's (loosely) answers from it."""
    answer = ANSWERER.answer("请问北京的条例里，村庄保洁由谁组织实施？")
    assert answer.found and set(cited(answer)) == {"bj"}
    # 乡村振兴考核评价制度 is only in the national law: naming 北京's rule, the law never answers.
    loose = Answerer(KB, KB, KB.reader(), SETTINGS, policy=replace(AnswerPolicy(), restrict_to_named=False))
    question = "北京条例里，乡村振兴考核评价制度由谁建立？"
    assert cited(loose.answer(question)) == ["law"]
    assert not ANSWERER.answer(question).found


def test_openers_and_prepositions_are_not_part_of_a_name() -> None:
    for question in (
        "请问乡村振兴促进法里，什么时候开始施行？",
        "问一下，根据乡村振兴促进法，什么时候开始施行？",
        "咨询一下，按照中华人民共和国乡村振兴促进法，什么时候开始施行？",
    ):
        answer = ANSWERER.answer(question)
        assert answer.found and cited(answer) == ["law"], question


def test_a_misspelled_or_loose_name_is_matched_not_refused() -> None:
    for question in ("乡村振新法什么时候开始施行？", "乡村振兴促近法什么时候开始施行？"):
        answer = ANSWERER.answer(question)
        assert answer.found and cited(answer) == ["law"], question


def test_generic_phrases_name_no_document() -> None:
    answer = ANSWERER.answer("根据法律法规，乡村振兴考核评价制度由谁建立？")
    assert answer.found and "未找到" not in answer.answer


def test_a_document_the_knowledge_base_lacks_is_still_refused_by_name() -> None:
    answer = ANSWERER.answer("请问根据土地管理法，村庄保洁经费每村每年多少钱？")
    assert not answer.found and answer.answer == "现有文件中未找到《土地管理法》，无法据此回答。"


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
    assert answer.found and answer.short_answer == "不能" and cited(answer) == ["cq"]
    assert cited(off.answer(asked)) == ["senlin"]
    assert cited(answerer.answer("林木权属争议还没解决，能砍有争议的林木吗？")) == ["senlin"]


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
