"""How early a thing is done and a region's rules in general: 提前多久 is answered by a time before an
event (期满前3个月, 提前二十四小时), not by a time allowed after one (受理之日起15日内); terms written unit
last after an event (合格后一年) are periods; 河南的规定 points to that region's documents and a clause
describing a plan (村委会拿出来的公开方案) names no missing document."""

from __future__ import annotations

import pytest
from assistant_fakes import SETTINGS, Doc, FakeKnowledgeBase, records

from assistant.answer_types.deadline import DEADLINE
from assistant.answerer import Answerer
from assistant.constraints import document_gap
from assistant.docmatch import document_hints
from assistant.extract import dates
from assistant.question import analyse

YISHENG = Doc(
    "yisheng",
    "某某省乡村医生管理办法",
    "某某省乡村医生管理办法\n"
    "第十六条 乡村医生执业证书有效期为5年。\n"
    "第十七条 乡村医生应当在执业证书有效期满前3个月申请再注册。"
    "县级人民政府卫生行政主管部门应当自受理申请之日起15日内进行审核。",
)
KB = FakeKnowledgeBase([YISHENG])
ANSWERER = Answerer(KB, KB, KB.reader(), SETTINGS)


@pytest.mark.parametrize(
    ("sentence", "span"),
    [
        # terms before or after an event are periods
        ("乡村医生应当在执业证书有效期满前3个月申请再注册。", "前3个月"),
        ("保修期限不得少于交工验收合格后一年。", "后一年"),
        ("供水单位应当提前二十四小时通知用水户。", "提前二十四小时"),
        # a span of the calendar without 每年
        ("全省5月15日至9月30日为汛期。", "5月15日至9月30日"),
        ("十一月一日至次年三月三十一日为森林防火期。", "十一月一日至次年三月三十一日"),
        # every year's month or end, not 每年 alone
        ("每年的十一月份为本省的森林防火宣传月。", "每年的十一月份"),
        ("参保人员应当在每年年底前缴纳下一年度的医疗保险费。", "每年年底前"),
        # how often without 每: the period and the count it closes with; a calendar year is none
        ("村民委员会制定的应急预案至少三年修订一次。", "至少三年修订一次"),
        ("县级人民政府五年开展一次普查。", "五年开展一次"),
    ],
)
def test_a_date_or_period_is_read_as_the_whole_span_it_names(sentence: str, span: str) -> None:
    assert [s.text for s in dates(sentence)] == [span]


def test_a_lookback_is_no_period_of_its_own() -> None:
    assert dates("按照前三个月的平均用水量计量。") == []  # 前 after no event: which months, not how early
    assert dates("2023年召开一次表彰大会。") == []  # a calendar year is no period


def test_at_least_once_bounds_how_often_not_the_period() -> None:
    """至少三年修订一次 answers 最长多久修订一次: its 至少 is on the count, so it is no floor on the period."""
    sentence = "村民委员会制定的应急预案至少三年修订一次。"
    for question in ("应急预案最长多久要修订一次？", "应急预案至少多久得修订一回？"):
        info = analyse(question)
        assert DEADLINE.fit(info, sentence, DEADLINE.spans(info, sentence)) == 1.0, question


def test_how_early_is_answered_by_a_time_before_not_a_time_allowed_after() -> None:
    info = analyse("想接着干，得提前多久去办再注册？")
    sentence = "乡村医生应当在执业证书有效期满前3个月申请再注册，卫生部门应当自受理申请之日起15日内审核。"
    spans = DEADLINE.spans(info, sentence)
    assert {s.text for s in spans} == {"前3个月", "15日内"}
    assert DEADLINE.pick(info, sentence, spans, ["再注册"]).text == "前3个月"
    assert (
        DEADLINE.fit(info, "应当自受理申请之日起15日内审核。", dates("应当自受理申请之日起15日内审核。"))
        < 1.0
    )
    within = analyse("受理以后多少天内得审核完？")
    assert (
        DEADLINE.fit(within, "应当自受理申请之日起15日内审核。", dates("应当自受理申请之日起15日内审核。"))
        == 1.0
    )


def test_how_early_leads_with_the_time_before_end_to_end() -> None:
    answer = ANSWERER.answer("乡村医生执业证快到期了，想接着干得提前多久去办再注册？")
    assert answer.found and answer.short_answer == "前3个月"


# -- a region's rules in general, a described plan --------------------------------------------------------


DOCS = records("河南省农村公路条例", "山东省村务公开条例", "中华人民共和国乡村振兴促进法")


def test_a_regions_rules_in_general_point_to_that_regions_documents() -> None:
    info = analyse("按河南的规定，修路养路的钱都能从哪些渠道来？")
    hints = document_hints(info, DOCS)
    assert hints.missing == () and hints.weights["d0"] > hints.weights.get("d2", 1.0)
    assert document_gap(info, DOCS, hints) is None


def test_a_region_without_documents_is_still_refused_with_its_name() -> None:
    info = analyse("按湖南的规定，修路养路的钱都能从哪些渠道来？")
    gap = document_gap(info, DOCS, document_hints(info, DOCS))
    assert gap is not None and "湖南" in gap.message


@pytest.mark.parametrize(
    "question",
    ["村务监督委员会对村委会拿出来的公开方案有意见，几天之内得提？", "合作社理事会定的分红方案谁来批？"],
)
def test_a_plan_described_by_a_clause_is_no_missing_document(question: str) -> None:
    info = analyse(question)
    assert document_gap(info, DOCS, document_hints(info, DOCS)) is None


def test_a_month_day_span_answers_from_which_day_and_a_period_names_no_month() -> None:
    info = analyse("这边的汛期是从哪天到哪天？")
    sentence = "全省5月15日至9月30日为汛期。"
    assert DEADLINE.fit(info, sentence, DEADLINE.spans(info, sentence)) == 1.0
    assert [s.text for s in dates("每年的三个月内完成。")] == ["每年", "三个月内"]
