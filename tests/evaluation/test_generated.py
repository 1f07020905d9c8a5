"""Generated question sets (evaluation.generated): gold spans are the documents' own words, unanswerable
questions name what the corpus lacks, and the same seed gives the same file."""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from corpus.loaders import load_paths
from evaluation.cli import register
from evaluation.errors import GoldSetError
from evaluation.generated import (
    MAX_WORDINGS,
    SWAP_KINDS,
    GeneratedQuestion,
    generate,
    generate_from_paths,
    write_jsonl,
)
from evaluation.generated_names import doc_names, misspell
from evaluation.gold import QUESTION_TYPES, load_gold

YIHAO = """title: 中共中央 国务院关于做好2023年乡村振兴重点工作的意见（2023年中央一号文件）
date: 2023-01-02
---
中共中央 国务院关于做好2023年乡村振兴重点工作的意见

一、抓好粮食生产

（一）全力抓好粮食生产。确保全国粮食产量保持在1.3万亿斤以上，各省都要稳住面积。全省建成300个示范村，带动周边发展。
（二）加强耕地保护。县级人民政府应当建立耕地保护责任制度。任何组织不得通过下指标、定任务等方式推动土地流转。
（三）完善社会保障。健全最低生活保障、特困人员供养、临时救助等社会救助制度，兜住民生底线。
（四）保障农民工权益。农民工工资应当按时足额支付，拖欠农民工工资的，由县级人民政府负责督促清偿。
"""

HENAN = """title: 河南省扶贫开发条例
date: 2017-12-01
---
河南省扶贫开发条例

第一条 为了推进扶贫开发，根据有关法律，结合本省实际，制定本条例。
第二条 扶贫对象的申请材料，由乡镇人民政府负责初审，审核后报县级人民政府扶贫开发部门。
第三条 项目开工建设后十日内应当在项目所在地设立项目公示牌。
第四条 贫困户中有劳动能力的人员，可以优先安排担任生态护林员和保洁员。
第五条 本条例所称扶贫对象，是指家庭年人均纯收入低于国家扶贫标准的农村居民。
第六条 扶贫项目资金分为发展类、保障类、奖补类三类，分别核算使用。
第七条 本条例自2018年1月1日起施行。
"""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    (folder / "2023-01-02_yihao-wenjian-2023.txt").write_text(YIHAO, encoding="utf-8")
    (folder / "2017-12-01_henan-fupin-kaifa-tiaoli.txt").write_text(HENAN, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def questions(corpus: Path) -> list[GeneratedQuestion]:
    return generate_from_paths([corpus], n=120, seed=7, unanswerable_share=0.3)


def _texts(corpus: Path) -> dict[str, str]:
    docs, failures = load_paths([corpus])
    assert not failures
    return {d.source: d.text for d in docs}


def test_answerable_questions_carry_exact_gold_spans(
    corpus: Path, questions: list[GeneratedQuestion]
) -> None:
    texts = _texts(corpus)
    answerable = [q for q in questions if q.answerable]
    assert len(answerable) >= 50
    per_fact = Counter((q.doc, q.start, q.answers[0]) for q in answerable)
    assert max(per_fact.values()) <= MAX_WORDINGS  # a fact is asked again only in other wordings
    for q in answerable:
        assert q.doc in texts
        assert q.evidence and texts[q.doc][q.start : q.end] == q.evidence, q
        assert all(k in q.evidence for k in q.keys), q  # the keys are stated by the evidence
        assert q.question.endswith("？") and q.answers and q.type in QUESTION_TYPES
        # The question asks for the fact; it does not state it.
        if q.type in ("number", "deadline"):
            assert q.answers[0] not in q.question, q
    types = Counter(q.type for q in answerable)
    assert {"number", "deadline", "procedure", "list", "yesno"} <= set(types), types


def test_wording_varies_names_and_question_words(questions: list[GeneratedQuestion]) -> None:
    answerable = [q for q in questions if q.answerable]
    forms = Counter(q.name_form for q in answerable)
    assert {"formal", "loose", "dropped", "misspelled"} <= set(forms), forms
    asked = " ".join(q.question for q in answerable)
    for word in ("能不能", "谁", "哪些", "多少"):
        assert word in asked, word
    misspelled = [q for q in answerable if q.name_form == "misspelled"]
    assert all(
        "河南省扶贫开发条例" not in q.question and "2023年中央一号文件" not in q.question for q in misspelled
    )
    # A question without a document name keeps words found in one document only.
    dropped = [q for q in answerable if q.name_form == "dropped"]
    assert all("一号文件" not in q.question and "条例" not in q.question for q in dropped)


def test_unanswerable_swaps_name_what_the_corpus_lacks(
    corpus: Path, questions: list[GeneratedQuestion]
) -> None:
    texts = _texts(corpus)
    nones = [q for q in questions if not q.answerable]
    assert len(nones) == round(120 * 0.3)
    kinds = Counter(q.swap for q in nones)
    assert set(kinds) == set(SWAP_KINDS), kinds
    by_id = {q.id: q for q in questions}
    for q in nones:
        assert q.type == "none" and q.doc == "" and q.evidence == "" and q.keys == ()
        named = q.swapped_in[2:] if q.swap == "year" else q.swapped_in  # 2024年 or 24年
        assert named in q.question or q.swap == "unit", q
        base = by_id[q.base_id]
        assert base.answerable
        if q.swap == "year":
            assert q.swapped_in != "2023年" and not any(
                q.swapped_in + "中央一号文件" in t for t in texts.values()
            )
        elif q.swap == "region":
            assert not any(q.swapped_in[:2] in t for t in texts.values())
        elif q.swap == "document":
            assert not any(q.swapped_in in t.splitlines()[0] for t in texts.values())
        elif q.swap == "subject":
            assert not any(q.swapped_in in t for t in texts.values())
        else:  # unit: 多少钱 of a clause that gives no amount
            assert base.type == "number" and re.search("多少(钱|元)", q.question)
            assert "元" not in base.evidence


def test_same_seed_same_set_other_seed_other_set(corpus: Path, questions: list[GeneratedQuestion]) -> None:
    again = generate_from_paths([corpus], n=120, seed=7, unanswerable_share=0.3)
    assert [q.to_row() for q in again] == [q.to_row() for q in questions]
    other = generate_from_paths([corpus], n=120, seed=8, unanswerable_share=0.3)
    assert [q.question for q in other] != [q.question for q in questions]


def test_written_set_is_a_gold_set_the_scorer_reads(
    tmp_path: Path, questions: list[GeneratedQuestion]
) -> None:
    path = tmp_path / "generated.jsonl"
    assert write_jsonl(questions, path) == len(questions)
    gold = load_gold(path)
    assert [g.id for g in gold] == [q.id for q in questions]
    assert len({g.id for g in gold}) == len(gold)
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert all(r["answerable"] is (r["type"] != "none") for r in rows)
    assert sum(not g.answerable for g in gold) == sum(not r["answerable"] for r in rows)


def test_names_and_misspellings() -> None:
    names = doc_names("中共中央 国务院关于做好2023年乡村振兴重点工作的意见（2023年中央一号文件）")
    assert names.formal == "2023年中央一号文件" and names.year == "2023"
    assert "23年一号文件" in names.loose
    law = doc_names("中华人民共和国乡村振兴促进法")
    assert law.formal == "乡村振兴促进法" and "乡村振兴法" in law.loose
    province = doc_names("北京市乡村振兴促进条例")
    assert province.region == "北京市" and "北京乡村振兴条例" in province.loose
    assert doc_names("中共中央关于制定国民经济和社会发展第十五个五年规划的建议").loose[0] == "十五五规划建议"
    import random

    typo = misspell("乡村振兴促进法", random.Random(1))
    assert len(typo) == len("乡村振兴促进法") and typo != "乡村振兴促进法"
    assert sum(a != b for a, b in zip(typo, "乡村振兴促进法", strict=True)) == 1


def test_bad_requests_are_named(tmp_path: Path) -> None:
    with pytest.raises(GoldSetError, match="题目数 -n 至少为 1"):
        generate([], n=0)
    with pytest.raises(GoldSetError, match="中没有可读的文件"):
        generate_from_paths([tmp_path], n=10)
    with pytest.raises(GoldSetError, match=r"找不到文件或文件夹：.*nowhere"):
        generate_from_paths([tmp_path / "nowhere"], n=10)


def _eval(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="policy-assistant")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["eval", *argv])
    return int(args.func(args))


def test_eval_generate_writes_a_gold_set(
    tmp_path: Path, corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "gen.jsonl"
    assert _eval("generate", str(corpus), "--out", str(out), "-n", "40", "--seed", "3") == 0
    assert len(load_gold(out)) == 40 and "已写入 40 道题" in capsys.readouterr().out
    assert _eval("generate", str(tmp_path / "nowhere"), "--out", str(out)) == 2
    assert "找不到文件或文件夹" in capsys.readouterr().err
