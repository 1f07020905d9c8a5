"""Regression floors (回归下限): the committed floors file and the check that enforces it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evaluation.errors import EvaluationError
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
    # floors sit at or under what was last measured
    for key, floor in spec["floors"].items():
        assert floor <= spec["measured"][key]


def test_bad_floors_file(tmp_path: Path) -> None:
    path = tmp_path / "floors.json"
    path.write_text(json.dumps({"floors": {"retrieval.hit_at_1": "high"}}))
    with pytest.raises(EvaluationError, match="expected"):
        load_floors(path)
    path.write_text("{")
    with pytest.raises(EvaluationError, match="cannot read"):
        load_floors(path)
