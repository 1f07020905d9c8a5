"""Metrics (评测指标) on hand-checked values."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluation.metrics import (
    char_f1,
    citation_correct,
    citation_precision,
    cmrc_tokens,
    concise_accuracy,
    contains,
    doc_at_1,
    evidence_hit,
    exact_match,
    hit_at_k,
    key_accuracy,
    longest_common_substring,
    mrr,
    ndcg_at_k,
    offsets_valid,
    refusal_correct,
    same_source,
)

DOC = "2024-06-28_nongcun-jiti-jingji-zuzhi-fa.txt"
EVIDENCE = "理事会成员、财务人员、会计人员及其近亲属不得担任监事会成员或者监事"  # 32 characters


# ---------------------------------------------------------------- evidence hits


def test_passage_containing_the_evidence_hits() -> None:
    passage = "第三十条 监事会成员由成员大会选举产生。" + EVIDENCE + "。"
    assert evidence_hit(passage, DOC, DOC, EVIDENCE)
    assert not evidence_hit(passage, "other.txt", DOC, EVIDENCE)


def test_source_given_as_a_path_matches_the_file_name() -> None:
    assert same_source("/data/corpus/" + DOC, DOC)
    assert same_source("C:\\corpus\\" + DOC, DOC)
    assert not same_source("", "")


def test_cut_evidence_with_12_characters_hits_and_11_does_not() -> None:
    second_half = EVIDENCE[16:]  # chunk border cut the evidence; 16 characters remain
    assert len(second_half) >= 12
    assert evidence_hit(second_half + "。第三十一条 ……", DOC, DOC, EVIDENCE)
    assert evidence_hit("前文。" + EVIDENCE[-12:], DOC, DOC, EVIDENCE)
    assert not evidence_hit("前文。" + EVIDENCE[-11:], DOC, DOC, EVIDENCE)


def test_short_evidence_needs_to_be_contained_whole() -> None:
    assert evidence_hit("……每三年两次……", DOC, DOC, "三年两次")
    assert not evidence_hit("……每三年一次……", DOC, DOC, "三年两次")
    assert not evidence_hit("any text", DOC, DOC, "")


def test_overlap_is_also_checked_on_normalized_text() -> None:
    evidence = "代表人数应当多于二十人，任期五年"
    passage = "代表人数应当多于20人，任期5年。"  # raw common substring is only 8 characters
    assert longest_common_substring(passage, evidence) < 12
    assert evidence_hit(passage, DOC, DOC, evidence)


@settings(max_examples=300)
@given(st.text("ab", min_size=1, max_size=30), st.text("ab", max_size=40))
def test_overlap_agrees_with_reference_longest_common_substring(evidence: str, passage: str) -> None:
    # Over the letters a/b normalization is the identity, so only the raw rule applies.
    expected = longest_common_substring(passage, evidence) >= min(12, len(evidence))
    assert evidence_hit(passage, DOC, DOC, evidence) == expected


# ---------------------------------------------------------------- retrieval

RELS = [False, False, True, False, True]


def test_hit_at_k() -> None:
    assert not hit_at_k(RELS, 1)
    assert not hit_at_k(RELS, 2)
    assert hit_at_k(RELS, 3)
    assert not hit_at_k([], 10)


def test_reciprocal_rank() -> None:
    assert mrr(RELS) == pytest.approx(1 / 3)
    assert mrr([True]) == 1.0
    assert mrr([False] * 10) == 0.0
    assert mrr(RELS, k=2) == 0.0


def test_ndcg_first_relevant() -> None:
    assert ndcg_at_k(RELS, 10) == pytest.approx(0.5)  # 1 / log2(3 + 1)
    assert ndcg_at_k([True, True], 10) == 1.0
    assert ndcg_at_k(RELS, 2) == 0.0


def test_ndcg_multi_relevant() -> None:
    dcg = 1 / math.log2(4) + 1 / math.log2(6)  # relevant at ranks 3 and 5
    assert ndcg_at_k(RELS, 10, multi=True) == pytest.approx(dcg / (1 + 1 / math.log2(3)))
    assert ndcg_at_k(RELS, 10, multi=True) == pytest.approx(0.54377, abs=1e-5)
    assert ndcg_at_k(RELS, 10, multi=True, n_relevant=3) == pytest.approx(0.41618, abs=1e-5)
    assert ndcg_at_k([False, False], 10, multi=True) == 0.0


def test_doc_at_1() -> None:
    assert doc_at_1([True, False])
    assert not doc_at_1([False, True])
    assert not doc_at_1([])


# ---------------------------------------------------------------- answers


def test_contains_respects_number_boundaries() -> None:
    assert contains("比重提高到60%以上", "60%")
    assert not contains("比重提高到160%以上", "60%")
    assert not contains("30000000", "3000000")
    assert not contains("1.5", "5")
    assert contains("4g5g", "5g")


def test_key_accuracy() -> None:
    assert key_accuracy("本办法自2014年5月1日起施行[1]。", ["2014年5月1日"])  # marker next to 日
    assert key_accuracy("比重力争提高到百分之六十以上", ["60%"])
    assert key_accuracy("力争实现3000万人以上", ["三千万人"])
    assert key_accuracy("每五户至十五户选举代表一人，代表人数应当多于二十人", ["五户至十五户", "二十人"])
    assert not key_accuracy("比重力争提高到160%", ["60%"])
    assert not key_accuracy("理事会成员和财务人员", ["理事会成员", "会计人员"])
    assert key_accuracy("任何回答", [])


def test_concise_accuracy_counts_characters_without_markers() -> None:
    answer = "不得" + "啊" * 148
    assert len(answer) == 150
    assert concise_accuracy(answer + "[1][2]", ["不得"])
    assert not concise_accuracy(answer + "啊", ["不得"])
    assert not concise_accuracy("可以", ["不得"])


def test_cmrc_tokens() -> None:
    assert cmrc_tokens("GDP增长6.5%") == ["gdp", "增", "长", "6.5", "%"]
    assert cmrc_tokens("４Ｇ、5G 第[1]条") == ["4g", "5g", "第", "1", "条"]
    assert cmrc_tokens("3,000万元") == ["30000000", "元"]


def test_exact_match() -> None:
    assert exact_match("2014年5月1日。", ["2014年5月1日"])
    assert exact_match("3年2次[1]", ["三年两次"])
    assert not exact_match("2014年5月", ["2014年5月1日"])


def test_char_f1_by_hand() -> None:
    # pred 9 tokens (2014 年 5 月 1 日 起 施 行), gold 6; LCS 6: P=2/3, R=1, F1=0.8
    assert char_f1("2014年5月1日起施行", ["2014年5月1日"]) == pytest.approx(0.8)
    # 不能 vs 不得: LCS 1 of 2 each side -> 0.5; max over gold answers
    assert char_f1("不能", ["不得", "完全不相干的答案"]) == pytest.approx(0.5)
    # CMRC uses the longest *contiguous* run: 4g 和 5g 信 号 vs 4g 5g -> LCS 1, P=1/5, R=1/2
    assert char_f1("4G和5G信号", ["4G 5G"]) == pytest.approx(2 * 0.2 * 0.5 / 0.7)
    assert char_f1("三年两次", ["3年2次"]) == 1.0
    assert char_f1("无关", ["2014年"]) == 0.0
    assert char_f1("", ["2014年"]) == 0.0


# ---------------------------------------------------------------- citations


def _cite(source: str, quote: str) -> dict[str, object]:
    return {"n": 1, "source": source, "quote": quote, "start": 0, "end": len(quote)}


def test_citation_correct() -> None:
    assert citation_correct([_cite("x.txt", "无关"), _cite(DOC, EVIDENCE + "。")], DOC, EVIDENCE)
    assert citation_correct([_cite(DOC, EVIDENCE[-12:])], DOC, EVIDENCE)
    assert not citation_correct([_cite(DOC, EVIDENCE[-11:])], DOC, EVIDENCE)
    assert not citation_correct([_cite("x.txt", EVIDENCE)], DOC, EVIDENCE)
    assert not citation_correct([], DOC, EVIDENCE)


def test_citation_precision() -> None:
    good, elsewhere = _cite(DOC, EVIDENCE), _cite("x.txt", EVIDENCE)
    key_only = _cite(DOC, "监事会成员不得由会计人员担任")  # same doc, states a key, no 12-char overlap
    assert citation_precision([good, elsewhere], DOC, EVIDENCE) == 0.5
    assert citation_precision([good, key_only], DOC, EVIDENCE) == 0.5
    assert citation_precision([good, key_only], DOC, EVIDENCE, keys=["会计人员"]) == 1.0
    assert citation_precision([], DOC, EVIDENCE) == 0.0


def test_offsets_valid() -> None:
    text = "第一条 为了规范农村集体经济组织……"
    assert offsets_valid({"start": 4, "end": 6, "quote": "为了"}, text)
    assert not offsets_valid({"start": 4, "end": 6, "quote": "规范"}, text)
    assert not offsets_valid({"start": 6, "end": 4, "quote": ""}, text)
    assert not offsets_valid({"start": 0, "end": 999, "quote": text}, text)


# ---------------------------------------------------------------- refusal


def test_refusal_correct() -> None:
    assert refusal_correct("none", found=False)
    assert not refusal_correct("none", found=True)
    assert not refusal_correct("number", found=False)  # a false refusal
    assert refusal_correct("number", found=True)
