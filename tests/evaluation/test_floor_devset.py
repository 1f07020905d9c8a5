"""The regression floors (回归下限) on the dev set: hybrid aggregates, and the false-refusal ceiling.

Floors live in ``evaluation/floors.json``; raise them as results improve (the file records the
values last measured). Locally, ``POLICY_ASSISTANT_TEST_INDEX=/tmp/pa_dev_index_eval`` reuses a
built index between runs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluation.gold import load_gold
from evaluation.runner import check_floors, load_floors
from evaluation.scoring import score

FLOORS = Path(__file__).resolve().parents[2] / "evaluation" / "floors.json"


@pytest.mark.slow
def test_dev_set_meets_the_floors(assistant_on_corpus, dev_set: Path) -> None:  # type: ignore[no-untyped-def]
    spec = load_floors(FLOORS)
    assert spec["config"] == "hybrid" and assistant_on_corpus.settings.mode == "hybrid"
    assert Path(spec["dataset"]).name == dev_set.name
    gold = load_gold(dev_set)
    preds = {item.id: assistant_on_corpus.ask(item.question).to_dict(item.id) for item in gold}
    report = score(gold, preds)
    bounds = {**spec["floors"], **spec.get("ceilings", {})}
    problems = check_floors(report, spec["floors"], spec.get("ceilings"))
    measured = ", ".join(f"{k} = {v:.4f}" for k, v in sorted(_values(report, bounds).items()))
    assert not problems, "\n".join(problems) + f"\nmeasured: {measured}"


def _values(report, floors) -> dict[str, float]:  # type: ignore[no-untyped-def]
    data = report.to_dict()
    out = {}
    for key in floors:
        group, _, metric = key.partition(".")
        value = data.get(group, {}).get(metric)
        out[key] = float("nan") if value is None else value
    return out
