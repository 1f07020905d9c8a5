"""Scoring a run (评测打分): a hand-checked five-question run, the oracle run and the report shape."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import evaluation
from evaluation.errors import PredictionError
from evaluation.gold import GoldItem, load_gold
from evaluation.scoring import percentile, score

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
DOC_A, DOC_B = "a.txt", "b.txt"
EV1 = "用于产业发展的比重力争提高到60%以上"
EV3 = "本办法自2014年5月1日起施行"

GOLD = [
    GoldItem("q1", "number", "比例要到多少？", ("60%以上",), ("60%",), DOC_A, EV1),
    GoldItem("q2", "deadline", "什么时候施行？", ("2014年5月1日",), ("2014年5月1日",), DOC_B, EV3),
    GoldItem("q3", "deadline", "哪天施行？", ("2014年5月1日",), ("2014年5月1日",), DOC_B, EV3),
    GoldItem("n1", "none", "宅基地多少平方米？", ("没有相关规定",), (), "", ""),
    GoldItem("n2", "none", "低保标准多少钱？", ("没有相关规定",), (), "", ""),
]


def _passage(source: str, text: str) -> dict[str, Any]:
    return {"chunk_id": "c", "source": source, "section": "", "score": 1.0, "text": text}


def _pred(pid: str, found: bool, answer: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": pid,
        "question": "",
        "found": found,
        "answer": answer,
        "citations": [],
        "retrieved": [],
        **extra,
    }


REFUSAL = "现有文件中没有相关规定，无法回答"
PREDS = {
    # q1: right answer; evidence at rank 2 behind another document; one good and one stray citation
    "q1": _pred(
        "q1",
        True,
        "力争提高到60%以上[1]",
        short_answer="60%以上",
        retrieved=[_passage(DOC_B, "无关段落"), _passage(DOC_A, "……" + EV1 + "。"), _passage(DOC_A, "其他")],
        citations=[
            {"n": 1, "source": DOC_A, "start": 0, "end": len(EV1), "quote": EV1},
            {"n": 2, "source": DOC_B, "start": 0, "end": 4, "quote": "无关段落"},
        ],
        latency_ms=100.0,
    ),
    # q2: missing. q3: evidence retrieved first, but the assistant refused (false refusal)
    "q3": _pred("q3", False, REFUSAL, retrieved=[_passage(DOC_B, EV3)], latency_ms=300.0),
    "n1": _pred("n1", False, REFUSAL, latency_ms=200.0),  # correct refusal
    "n2": _pred("n2", True, "每人每月800元", latency_ms=400.0),  # should have refused
    "zz": _pred("zz", True, "不在标准集里"),
}


@pytest.fixture(scope="module")
def report() -> evaluation.ScoreReport:
    return score(GOLD, PREDS)


def test_counts_and_ids(report: evaluation.ScoreReport) -> None:
    assert (report.n_items, report.n_answerable, report.n_none) == (5, 3, 2)
    assert report.missing_ids == ("q2",)
    assert report.unknown_ids == ("zz",)


def test_retrieval_scores(report: evaluation.ScoreReport) -> None:
    r = report.retrieval
    assert r["hit_at_1"] == pytest.approx(1 / 3)  # only q3 has the evidence first
    assert r["hit_at_3"] == pytest.approx(2 / 3)
    assert r["hit_at_10"] == pytest.approx(2 / 3)
    assert r["mrr"] == pytest.approx((1 / 2 + 0 + 1) / 3)
    assert r["doc_at_1"] == pytest.approx(1 / 3)


def test_answer_and_citation_scores(report: evaluation.ScoreReport) -> None:
    a, c = report.answers, report.citations
    assert a["key_accuracy"] == pytest.approx(1 / 3)
    assert a["concise_accuracy"] == pytest.approx(1 / 3)
    assert a["exact_match"] == pytest.approx(1 / 3)
    assert a["char_f1"] == pytest.approx(1 / 3)  # q1 F1 1.0, missing q2 0, refusal q3 0
    assert c["citation_correct"] == pytest.approx(1 / 3)
    assert c["citation_precision"] == pytest.approx(0.5)  # only q1 was answered: 1 of 2 citations


def test_refusal_scores(report: evaluation.ScoreReport) -> None:
    f = report.refusal
    assert f["refusal_precision"] == pytest.approx(1 / 2)  # refused q3 and n1; only n1 is right
    assert f["refusal_recall"] == pytest.approx(1 / 2)  # n1 refused, n2 answered
    assert f["false_refusal_rate"] == pytest.approx(1 / 3)  # q3 of three answerable


def test_latency_percentiles(report: evaluation.ScoreReport) -> None:
    # 100, 200, 300, 400 (the unknown id does not count): p50 between 200 and 300, p95 at rank 2.85
    assert report.latency == {"n": 4, "p50_ms": pytest.approx(250.0), "p95_ms": pytest.approx(385.0)}


def test_failures_list_what_went_wrong(report: evaluation.ScoreReport) -> None:
    failures = {f.id: f for f in report.failures}
    assert set(failures) == {"q2", "q3", "n2"}
    assert failures["q2"].reasons == ("missing prediction",)
    assert failures["q2"].answer is None and failures["q2"].top_retrieved == ()
    assert failures["q3"].reasons[0] == "false refusal"
    assert "answer lacks key(s): 2014年5月1日" in failures["q3"].reasons
    assert failures["q3"].top_retrieved[0]["text"] == EV3
    assert failures["n2"].reasons == ("answered although the documents do not cover it (should refuse)",)


def test_breakdowns(report: evaluation.ScoreReport) -> None:
    assert set(report.by_type) == {"number", "deadline", "none"}
    deadline = report.by_type["deadline"]
    assert (deadline.n, deadline.n_missing, deadline.key_accuracy) == (2, 1, 0.0)
    assert deadline.hit_at_1 == pytest.approx(0.5)
    none = report.by_type["none"]
    assert none.refusal_accuracy == pytest.approx(0.5) and none.hit_at_1 is None
    assert set(report.by_doc) == {DOC_A, DOC_B}
    assert report.by_doc[DOC_A].key_accuracy == 1.0


def test_to_dict_is_json_safe(report: evaluation.ScoreReport) -> None:
    data = report.to_dict()
    assert json.loads(json.dumps(data, allow_nan=False)) == data
    assert data["failures"][0]["reasons"] == ["missing prediction"]
    assert data["by_type"]["none"]["mrr"] is None


def test_too_long_answer_and_missing_citation_are_failures() -> None:
    long_answer = "60%以上" + "。" * 150
    preds = {"q1": _pred("q1", True, long_answer, retrieved=[_passage(DOC_A, EV1)])}
    result = score(GOLD[:1], preds)
    assert result.answers["key_accuracy"] == 1.0 and result.answers["concise_accuracy"] == 0.0
    assert result.failures[0].reasons == (
        "answer too long: 155 > 150 characters",
        "no citation from the gold document quotes the evidence",
    )


def test_malformed_prediction_names_id_and_field() -> None:
    bad = {**PREDS["q1"], "found": "yes"}
    with pytest.raises(PredictionError, match=r"^prediction 'q1': field 'found' is invalid: input should be"):
        score(GOLD, {"q1": bad})
    no_quote = {**PREDS["q1"], "citations": [{"source": DOC_A}]}
    with pytest.raises(PredictionError, match=r"^prediction 'q1': field 'citations\.0\.quote' is missing$"):
        score(GOLD, {"q1": no_quote})


def test_no_predictions_scores_zero_not_nan() -> None:
    result = score(GOLD, {})
    assert result.retrieval["hit_at_10"] == 0.0 and result.answers["key_accuracy"] == 0.0
    assert result.refusal["refusal_precision"] is None  # nothing was refused
    assert result.refusal["refusal_recall"] == 0.0
    assert result.latency["p50_ms"] is None
    assert len(result.failures) == 5


@pytest.mark.parametrize("values", [[3.0], [5.0, 1.0], [1.0, 2.0, 10.0, 7.5, 3.3, 100.0]])
@pytest.mark.parametrize("q", [0, 50, 95, 100])
def test_percentile_matches_numpy(values: list[float], q: float) -> None:
    assert percentile(values, q) == pytest.approx(float(np.percentile(values, q)))


def test_oracle_run_on_the_shared_dev_set_scores_perfectly() -> None:
    gold_path, corpus = SHARED / "datasets" / "dev_qa.jsonl", SHARED / "corpus"
    if not gold_path.is_file():
        pytest.skip("shared dev set not present")
    preds: dict[str, Any] = {}
    for item in load_gold(gold_path):
        if not item.answerable:
            preds[item.id] = _pred(item.id, False, REFUSAL)
            continue
        text = (corpus / item.doc).read_text(encoding="utf-8")
        start = text.index(item.evidence)  # the gold evidence is verbatim in its document
        end = start + len(item.evidence)
        cite = {"n": 1, "source": item.doc, "start": start, "end": end, "quote": item.evidence}
        window = _passage(item.doc, text[max(0, start - 40) : end + 40])
        preds[item.id] = _pred(
            item.id,
            True,
            item.evidence + "[1]",
            short_answer=item.answers[0],
            citations=[cite],
            retrieved=[window],
        )
    result = score(load_gold(gold_path), preds)
    assert result.failures == ()
    for group in (result.retrieval, result.answers, result.citations):
        assert set(group.values()) == {1.0}
    assert result.refusal == {"refusal_precision": 1.0, "refusal_recall": 1.0, "false_refusal_rate": 0.0}


def test_public_api_and_light_import() -> None:
    for name in evaluation.__all__:
        assert getattr(evaluation, name) is not None
    # Scoring another system's predictions needs the answer-type names (a light registry), never the
    # engine: no index, no vectors, no spreadsheet writer.
    code = (
        "import sys, evaluation; print(sorted(m for m in sys.modules if m.split('.')[0] in"
        " ('openpyxl', 'numpy', 'jieba', 'chromadb', 'index') or m in ('assistant.engine', 'assistant.answerer')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parents[2],
    )
    assert out.stdout.strip() == "[]"


def test_verdict_accuracy_compares_the_opening_verdicts_of_yes_no_answers() -> None:
    rule = "禁止在滑坡危险区取土"
    gold = [
        GoldItem("y1", "yesno", "滑坡区能取土吗？", ("不能，禁止在滑坡危险区取土",), (rule,), DOC_A, rule),
        GoldItem("y2", "yesno", "挖沙合法不？", ("不合法",), (rule,), DOC_A, rule),
        GoldItem("y3", "yesno", "要办证吗？", ("要，应当办理许可证",), ("许可证",), DOC_A, "应当办理许可证"),
        GoldItem("y4", "yesno", "有规定吗？", ("对农民免费提供",), ("免费",), DOC_A, "免费提供"),
        GoldItem("y5", "yesno", "能种树吗？", ("可以",), ("种树",), DOC_A, "可以种树"),
    ]
    preds = {
        "y1": _pred("y1", True, "不能。" + rule + "[1]", short_answer="不能"),
        "y2": _pred("y2", True, "可以。" + rule + "[1]", short_answer="可以"),  # the opposite verdict
        "y3": _pred("y3", True, "要。应当办理许可证[1]"),  # no short answer: the answer's opening is read
        "y4": _pred("y4", True, "可以。免费提供[1]", short_answer="可以"),  # gold opens with no verdict
        "y5": _pred("y5", False, REFUSAL),  # a refusal is scored as a refusal, not as a verdict
    }
    result = score(gold, preds)
    assert [item.verdict_ok for item in result.items] == [True, False, True, None, None]
    assert result.answers["verdict_accuracy"] == pytest.approx(2 / 3)
