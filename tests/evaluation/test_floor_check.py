"""Regression floors (回归下限): the committed floors file and the check that enforces it."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from assistant.cli import main
from evaluation.errors import EvaluationError
from evaluation.floors import raise_floors
from evaluation.gold import GoldItem
from evaluation.runner import check_floors, load_floors
from evaluation.scoring import score

FLOORS = Path(__file__).resolve().parents[2] / "evaluation" / "floors.json"
DOC = "a.txt"
GOLD = [
    GoldItem(
        "q1",
        "deadline",
        "哪天施行？",
        ("2014年5月1日",),
        ("2014年5月1日",),
        DOC,
        "本办法自2014年5月1日起施行",
    ),
    GoldItem("q2", "number", "几倍？", ("3倍",), ("3倍",), DOC, "处1倍以上3倍以下的罚款"),
]


def _pred(qid: str, passage: str, answer: str) -> dict[str, object]:
    return {"id": qid, "found": True, "answer": answer, "citations": [],
            "retrieved": [{"source": DOC, "text": passage}]}  # fmt: skip


REPORT = score(
    GOLD,
    {
        "q1": _pred("q1", "第七十条 本办法自2014年5月1日起施行。", "2014年5月1日"),
        "q2": _pred("q2", "无关的段落", "不知道"),
    },
)


def test_below_a_floor_is_reported() -> None:
    assert REPORT.retrieval["hit_at_1"] == 0.5
    assert check_floors(REPORT, {"retrieval.hit_at_1": 0.5, "answers.concise_accuracy": 0.5}) == []
    assert check_floors(REPORT, {"retrieval.hit_at_1": 0.6}) == [
        "retrieval.hit_at_1 = 0.5000 is below the floor 0.6000"
    ]
    # the JSON form of a report (as stored in report.json) is checked the same way
    assert check_floors(REPORT.to_dict(), {"answers.key_accuracy": 0.51}) == [
        "answers.key_accuracy = 0.5000 is below the floor 0.5100"
    ]


def test_unknown_or_unmeasured_metrics_fail() -> None:
    assert check_floors(REPORT, {"retrieval.hit_at_2": 0.1})[0].startswith(
        "retrieval.hit_at_2: no such metric"
    )
    assert check_floors(REPORT, {"refusal.refusal_recall": 0.0}) == [
        "refusal.refusal_recall = not measured is below the floor 0.0000"
    ]


def test_committed_floors_file_is_usable() -> None:
    spec = load_floors(FLOORS)
    assert spec["config"] == "hybrid"
    assert spec["dataset"].endswith("dev_qa.jsonl")
    assert set(spec["floors"]) >= {"retrieval.hit_at_1", "answers.concise_accuracy"}
    assert all(0.0 <= v <= 1.0 for v in spec["floors"].values())
    # every floor names a real metric, so a typo cannot switch a floor off
    assert not [p for p in check_floors(REPORT, spec["floors"]) if "no such metric" in p]
    # floors sit at or under what was last measured, ceilings at or over it
    for key, floor in spec["floors"].items():
        assert floor <= spec["measured"][key]
    assert spec["ceilings"] and all(spec["measured"][k] <= c for k, c in spec["ceilings"].items())
    assert not [p for p in check_floors(REPORT, {}, spec["ceilings"]) if "no such metric" in p]


def test_bad_floors_file(tmp_path: Path) -> None:
    path = tmp_path / "floors.json"
    path.write_text(json.dumps({"floors": {"retrieval.hit_at_1": "high"}}))
    with pytest.raises(EvaluationError, match="expected"):
        load_floors(path)
    path.write_text("{")
    with pytest.raises(EvaluationError, match="cannot read"):
        load_floors(path)


VALIDATION_FLOORS = FLOORS.with_name("floors-validation.json")


def test_ceilings_bound_from_above() -> None:
    assert REPORT.refusal["false_refusal_rate"] == 0.0
    assert check_floors(REPORT, {}, {"refusal.false_refusal_rate": 0.0}) == []
    assert check_floors(REPORT, {}, {"retrieval.hit_at_1": 0.4}) == [
        "retrieval.hit_at_1 = 0.5000 is above the ceiling 0.4000"
    ]
    assert check_floors(REPORT, {}, {"refusal.false_refusal": 0.1})[0].startswith(
        "refusal.false_refusal: no such metric"
    )
    # no unanswerable item in the gold: refusal recall is not measured, which no bound lets pass
    assert check_floors(REPORT, {}, {"refusal.refusal_recall": 1.0}) == [
        "refusal.refusal_recall = not measured is above the ceiling 1.0000"
    ]


def test_raise_floors_tightens_and_never_loosens() -> None:
    spec = {"floors": {"retrieval.hit_at_1": 0.2, "answers.key_accuracy": 0.9},
            "ceilings": {"refusal.false_refusal_rate": 0.5}, "margin": 0.02,
            "margins": {"answers.key_accuracy": 0.1}, "measured": {"on": "before"}}  # fmt: skip
    raised = raise_floors(spec, REPORT, on="today")
    assert raised["floors"] == {"retrieval.hit_at_1": 0.48, "answers.key_accuracy": 0.9}  # 0.5 - 0.1 < 0.9
    assert raised["ceilings"] == {"refusal.false_refusal_rate": 0.02}
    assert raised["measured"] == {"retrieval.hit_at_1": 0.5, "answers.key_accuracy": 0.5,
                                  "refusal.false_refusal_rate": 0.0, "on": "today"}  # fmt: skip
    assert spec["floors"]["retrieval.hit_at_1"] == 0.2  # the given spec is not changed
    assert check_floors(REPORT, raised["floors"], raised["ceilings"]) == [
        "answers.key_accuracy = 0.5000 is below the floor 0.9000"
    ]


def test_committed_validation_floors_are_usable() -> None:
    spec = load_floors(VALIDATION_FLOORS)
    assert spec["config"] == "hybrid" and spec["dataset"].endswith("validation_qa.jsonl")
    assert set(spec["floors"]) >= {
        "retrieval.hit_at_1", "retrieval.hit_at_5", "answers.key_accuracy", "answers.concise_accuracy",
        "answers.short_accuracy", "citations.citation_correct", "refusal.refusal_recall",
    }  # fmt: skip
    assert set(spec["ceilings"]) == {"refusal.false_refusal_rate"}
    problems = check_floors(REPORT, spec["floors"], spec["ceilings"])
    assert not [p for p in problems if "no such metric" in p]
    for key, floor in spec["floors"].items():
        assert 0 < floor <= spec["measured"][key]
    for key, ceiling in spec["ceilings"].items():
        assert spec["measured"][key] <= ceiling < 1


def test_bad_ceilings_or_margins(tmp_path: Path) -> None:
    path = tmp_path / "floors.json"
    for bad, message in (
        ({"ceilings": {"refusal.false_refusal_rate": None}}, "'ceilings'"),
        ({"margin": 2}, "margin of 'margin'"),
        ({"margins": {"retrieval.hit_at_1": "a lot"}}, "margin of 'retrieval.hit_at_1'"),
        ({"margins": [0.1]}, "'margins'"),
    ):
        path.write_text(json.dumps({"floors": {"retrieval.hit_at_1": 0.5}, **bad}))
        with pytest.raises(EvaluationError, match=message):
            load_floors(path)


def test_eval_score_raise_floors_writes_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        "".join(json.dumps(dataclasses.asdict(g), ensure_ascii=False) + "\n" for g in GOLD), encoding="utf-8"
    )
    preds = tmp_path / "preds.jsonl"
    rows = [
        _pred("q1", "第七十条 本办法自2014年5月1日起施行。", "2014年5月1日"),
        _pred("q2", "无关", "不知道"),
    ]
    preds.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    floors = tmp_path / "floors.json"
    floors.write_text(json.dumps({"config": "preds", "floors": {"retrieval.hit_at_1": 0.3},
                                  "ceilings": {"refusal.false_refusal_rate": 0.9}}))  # fmt: skip
    args = ["eval", "score", str(gold), str(preds), "--out", str(tmp_path / "out"), "--floors", str(floors)]
    assert main([*args, "--raise-floors"]) == 0
    spec = load_floors(floors)
    assert spec["floors"] == {"retrieval.hit_at_1": 0.48} and spec["ceilings"] == {
        "refusal.false_refusal_rate": 0.02
    }
    assert spec["measured"]["retrieval.hit_at_1"] == 0.5
    # a run under a floor fails and leaves the file as it was
    floors.write_text(json.dumps({**spec, "floors": {"retrieval.hit_at_1": 0.6}}))
    before = floors.read_text()
    assert main([*args, "--raise-floors"]) == 1
    assert floors.read_text() == before
    assert "retrieval.hit_at_1 = 0.5000 is below the floor 0.6000" in capsys.readouterr().err
