"""Regression floors (回归下限) on the validation set: aggregates only, never single questions.

The validation knowledge base is the dev corpus plus the five laws of ``../shared/corpus-validation``,
built cheaply: the session's built dev index is copied and only the five laws are ingested (their
chunks alone are embedded). ``POLICY_ASSISTANT_TEST_VAL_INDEX`` may name an already built validation
index to copy instead (brought up to date by an incremental ingest). Floors and the false-refusal
ceiling live in ``evaluation/floors-validation.json``; raise them as answers improve with
``policy-assistant eval run ../shared/datasets/validation_qa.jsonl --index DIR --config hybrid
--floors evaluation/floors-validation.json --raise-floors``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from index_kit import build_index, cache_is_current, writable_copy

from assistant import Assistant, Settings
from evaluation.floors import check_floors, load_floors, metric_value
from evaluation.gold import load_gold
from evaluation.scoring import score

FLOORS = Path(__file__).resolve().parents[2] / "evaluation" / "floors-validation.json"
LAWS = 5


@pytest.fixture(scope="module")
def validation_index(corpus_index: Path, shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("validation-index") / "index"
    laws = shared_dir / "corpus-validation"
    cached = os.environ.get("POLICY_ASSISTANT_TEST_VAL_INDEX")
    if cached and cache_is_current(Path(cached)):
        writable_copy(Path(cached), target)
        build_index(target, [shared_dir / "corpus", laws])
    else:
        writable_copy(corpus_index, target)
        report = build_index(target, [laws])  # waits for the vectors of the new chunks
        assert len(report.added) == LAWS, report
    return target


def test_validation_set_meets_the_floors(validation_index: Path, shared_dir: Path) -> None:
    spec = load_floors(FLOORS)
    gold_path = shared_dir / "datasets" / "validation_qa.jsonl"
    assert spec["config"] == "hybrid" and Path(spec["dataset"]).name == gold_path.name
    gold = load_gold(gold_path)
    assistant = Assistant(Settings(index_dir=validation_index))
    try:
        assert assistant.settings.mode == "hybrid" and assistant.pending_vectors() == 0
        assert len(assistant.documents()) == 11 + LAWS
        preds = {item.id: assistant.ask(item.question).to_dict(item.id) for item in gold}
    finally:
        assistant.close()
    report = score(gold, preds)
    problems = check_floors(report, spec["floors"], spec.get("ceilings"))
    keys = [*spec["floors"], *spec.get("ceilings", {})]
    measured = ", ".join(f"{k} = {metric_value(report, k)}" for k in keys)
    assert not problems, "\n".join(problems) + f"\nmeasured: {measured}"
