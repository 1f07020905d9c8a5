"""Paraphrase stability (改写稳定性): the packaged set, the comparison of answers, the report (fake answers)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assistant.cli import main
from evaluation.errors import EvaluationError
from evaluation.floors import check_floors, load_floors
from evaluation.gold import GoldItem, load_gold
from evaluation.paraphrase import (
    DEFAULT_SET,
    ParaphraseGroup,
    load_paraphrases,
    run_stability,
    same_span,
    score_stability,
)

FLOORS = Path(__file__).resolve().parents[2] / "evaluation" / "floors-paraphrase.json"
DOC = "2014-02-21_shehui-jiuzhu-zanxing-banfa.txt"
EVIDENCE = "救助金额较小的，县级人民政府民政部门可以委托乡镇人民政府"
CLAUSE = "救助金额较小的，县级人民政府民政部门可以委托乡镇人民政府、街道办事处审批"
ITEM = GoldItem(
    "q029", "yesno", "临时救助金额不大，乡镇能不能自己审批？", ("可以",), ("委托",), DOC, EVIDENCE
)


def _answer(short: str | None, start: int = 100, doc_id: str = "d1", quote: str = CLAUSE) -> dict[str, Any]:
    citation = {
        "n": 1,
        "doc_id": doc_id,
        "source": DOC,
        "start": start,
        "end": start + len(quote),
        "quote": quote,
    }
    return {"found": True, "answer": f"{short}。{quote}[1]", "short_answer": short, "citations": [citation]}


REFUSAL: dict[str, Any] = {"found": False, "answer": "现有文件中未找到相关规定。", "short_answer": None,
                           "citations": []}  # fmt: skip


def test_same_span_needs_the_same_document_and_overlapping_ranges() -> None:
    a = _answer("可以", start=100)
    assert same_span(a, _answer("可以", start=120))  # overlapping ranges
    assert not same_span(a, _answer("可以", start=100 + len(CLAUSE)))  # adjacent, not overlapping
    assert not same_span(a, _answer("可以", start=100, doc_id="d2"))  # another document
    assert not same_span(a, REFUSAL) and not same_span(REFUSAL, REFUSAL)
    # the lead citation (lowest n) is the answer span, whatever the list order
    b = _answer("可以", start=5000)
    b["citations"].append({**a["citations"][0], "n": 0})
    assert same_span(a, b)
    # another system's citations without offsets or doc ids: by source and quote text
    bare = {"found": True, "answer": "可以", "citations": [{"source": DOC, "quote": CLAUSE[:20]}]}
    assert same_span(a, bare)
    assert not same_span(a, {**bare, "citations": [{"source": DOC, "quote": "本办法自2014年5月1日起施行"}]})


def test_score_stability_compares_each_rewording_with_the_original() -> None:
    group = ParaphraseGroup(ITEM, ("乡镇能直接批吗？", "街道办能批不？", "小额的乡镇能审批吗？"))
    answers = {
        ITEM.question: _answer("可以"),
        "乡镇能直接批吗？": _answer("可以", start=110),  # same span, same short answer
        "街道办能批不？": _answer("能", start=100),  # another wording of a gold answer: the same answer
        "小额的乡镇能审批吗？": _answer(
            "可以", start=900, quote="第十二条 临时救助的具体办法由省人民政府制定"
        ),
    }
    report = score_stability([group], answers)
    (result,) = report.groups
    assert result.correct and result.found
    assert [r.like_original for r in result.rewordings] == [True, False, False]
    assert [r.same_span for r in result.rewordings] == [True, True, False]
    assert [r.same_short for r in result.rewordings] == [True, False, True]
    assert not result.stable
    figures = report.figures()
    assert figures["stable_groups"] == 0 and figures["like_original"] == 1 and figures["rewordings"] == 3
    assert figures["original_accuracy"] == 1.0 and figures["rewording_accuracy"] == pytest.approx(1 / 3)

    # 能 is a gold answer once the gold says so: two right answers in other words are the same answer
    item = GoldItem(ITEM.id, ITEM.type, ITEM.question, ("可以", "能"), ITEM.keys, DOC, EVIDENCE)
    stable = score_stability([ParaphraseGroup(item, group.rewordings[:2])], answers)
    assert stable.groups[0].stable and stable.figures()["stable_rate"] == 1.0


def test_a_refused_or_wrong_original() -> None:
    group = ParaphraseGroup(ITEM, ("乡镇能直接批吗？",))
    refused = score_stability([group], {ITEM.question: REFUSAL, "乡镇能直接批吗？": REFUSAL})
    # two refusals agree on nothing: an answerable question must be answered
    assert not refused.groups[0].stable and refused.figures()["like_original"] == 0
    wrong = _answer("不能")
    wrong_report = score_stability([group], {ITEM.question: wrong, "乡镇能直接批吗？": wrong})
    # stable, but wrong: both are reported
    assert wrong_report.groups[0].stable and not wrong_report.groups[0].correct
    assert wrong_report.to_dict()["paraphrase"]["original_accuracy"] == 0.0
    with pytest.raises(EvaluationError, match="no answer for a rewording of q029"):
        score_stability([group], {ITEM.question: wrong})


def test_run_stability_asks_each_question_once() -> None:
    groups = [ParaphraseGroup(ITEM, ("乡镇能直接批吗？", "街道办能批不？"))]
    asked: list[str] = []

    def ask(question: str) -> dict[str, Any]:
        asked.append(question)
        return _answer("可以")

    report = run_stability([*groups, *groups], ask)
    assert asked == [ITEM.question, "乡镇能直接批吗？", "街道办能批不？"]
    assert report.figures()["stable_groups"] == 2


def test_packaged_set_is_thirty_dev_questions_with_three_rewordings(dev_set: Path) -> None:
    groups = load_paraphrases(DEFAULT_SET)
    assert len(groups) == 30 and all(len(g.rewordings) == 3 for g in groups)
    dev = {item.id: item for item in load_gold(dev_set)}
    for group in groups:
        # taken from the dev set (never the validation set), gold answer unchanged
        assert dev[group.item.id] == group.item
    assert len({g.item.doc for g in groups}) == 11  # every document of the dev corpus
    questions = [q for g in groups for q in (g.item.question, *g.rewordings)]
    assert len(set(questions)) == len(questions) == 120


def _write(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_bad_paraphrase_sets(tmp_path: Path) -> None:
    row = {"id": "a1", "type": "number", "question": "罚几倍？", "answers": ["3倍"], "keys": ["3倍"],
           "doc": DOC, "evidence": "3倍以下的罚款", "rewordings": ["罚款是多少倍？"]}  # fmt: skip
    assert load_paraphrases(_write(tmp_path / "ok.jsonl", [row]))[0].rewordings == ("罚款是多少倍？",)
    cases = {
        "missing.jsonl": ({**row, "rewordings": None}, "must be a non-empty list"),
        "empty.jsonl": ({**row, "rewordings": ["", "x"]}, "must be a non-empty list"),
        "repeat.jsonl": ({**row, "rewordings": ["罚几倍？"]}, "repeats a question"),
        "none.jsonl": (
            {"id": "a2", "type": "none", "question": "几亩？", "answers": ["无"], "rewordings": ["多少亩？"]},
            "type 'none'",
        ),
    }
    for name, (bad, message) in cases.items():
        with pytest.raises(EvaluationError, match=message) as caught:
            load_paraphrases(_write(tmp_path / name, [bad]))
        assert f"{name} line 1" in str(caught.value)
    with pytest.raises(EvaluationError, match=r"must be a \.jsonl file"):
        load_paraphrases(tmp_path / "set.csv")


def test_committed_paraphrase_floors_name_real_figures() -> None:
    spec = load_floors(FLOORS)
    assert Path(spec["dataset"]).name == DEFAULT_SET.name
    report = score_stability([ParaphraseGroup(ITEM, ("乡镇能直接批吗？",))], {ITEM.question: REFUSAL,
                             "乡镇能直接批吗？": REFUSAL})  # fmt: skip
    problems = check_floors(report, spec["floors"], spec.get("ceilings"))
    assert problems and not [p for p in problems if "no such metric" in p]
    for key, floor in spec["floors"].items():
        assert 0 < floor <= spec["measured"][key]


def test_cli_raise_floors_needs_a_floors_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["eval", "paraphrase", "--index", str(tmp_path / "none"), "--raise-floors"]) == 2
    assert "--raise-floors 需要与 --floors" in capsys.readouterr().err
    assert main(["eval", "paraphrase", "--index", str(tmp_path / "none")]) == 2
    assert "no index at" in capsys.readouterr().err
