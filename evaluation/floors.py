"""Regression floors (回归下限) and ceilings (上限): the aggregates CI holds a run to.

A floors file is JSON::

    {"dataset": "...", "config": "hybrid",
     "floors":   {"retrieval.hit_at_1": 0.9, "answers.short_accuracy": 0.7},
     "ceilings": {"refusal.false_refusal_rate": 0.2},
     "margin": 0.02, "margins": {"refusal.refusal_recall": 0.05},
     "measured": {"retrieval.hit_at_1": 0.93, ...}}

Keys are ``<group>.<metric>`` of a report's JSON form (:meth:`ScoreReport.to_dict`, or the
``paraphrase`` group of a stability report). A floor is a lower bound, a ceiling an upper bound
(for rates where less is better, such as false refusal). ``measured`` records the values the bounds
were last set from; :func:`raise_floors` moves each bound to its margin (``margins`` per metric, else
``margin``) from a new run's value, never loosening it (``eval run … --floors FILE --raise-floors`` writes the file).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from evaluation.errors import EvaluationError

__all__ = ["DEFAULT_MARGIN", "check_floors", "load_floors", "metric_value", "raise_floors", "write_floors"]

DEFAULT_MARGIN = 0.02


def _numbers(value: Any) -> bool:
    return isinstance(value, dict) and all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in value.values()
    )


def load_floors(path: str | Path) -> dict[str, Any]:
    """A floors file: ``{"floors": {"<group>.<metric>": number, ...}, "ceilings": {...}?, ...}``."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise EvaluationError(f"{path}: cannot read the floors file ({exc})") from exc
    if not isinstance(data, dict) or not _numbers(data.get("floors")):
        raise EvaluationError(f"{path}: expected {{'floors': {{'<group>.<metric>': number, ...}}}}")
    if not _numbers(data.get("ceilings", {})):
        raise EvaluationError(f"{path}: expected 'ceilings' as {{'<group>.<metric>': number, ...}}")
    if not isinstance(data.get("margins", {}), dict):
        raise EvaluationError(f"{path}: expected 'margins' as {{'<group>.<metric>': number, ...}}")
    margins = {"margin": data.get("margin", DEFAULT_MARGIN), **data.get("margins", {})}
    for key, margin in margins.items():
        if not isinstance(margin, int | float) or isinstance(margin, bool) or not 0 <= margin < 1:
            raise EvaluationError(f"{path}: margin of {key!r} must be a number in [0, 1); got {margin!r}")
    return data


def _as_dict(report: Any) -> Mapping[str, Any]:
    return report if isinstance(report, Mapping) else report.to_dict()


def metric_value(report: Any, key: str) -> float | None:
    """The value of ``<group>.<metric>`` in a report (or its ``to_dict()``); ``KeyError`` if it has none."""
    group, _, metric = key.partition(".")
    section = _as_dict(report).get(group)
    if not isinstance(section, Mapping) or metric not in section:
        raise KeyError(key)
    value = section[metric]
    return None if value is None else float(value)


def check_floors(
    report: Any, floors: Mapping[str, float], ceilings: Mapping[str, float] | None = None
) -> list[str]:
    """Metrics below their floor or above their ceiling, as readable lines; empty means the run passes.

    ``report`` is a :class:`~evaluation.scoring.ScoreReport`, a stability report, or their ``to_dict()``
    (as stored in the JSON report). A bound naming no metric fails, so a typo cannot switch it off.
    """
    data = _as_dict(report)
    problems = []
    for bounds, word, fails in ((floors, "below the floor", float.__lt__),
                                (ceilings or {}, "above the ceiling", float.__gt__)):  # fmt: skip
        for key, bound in bounds.items():
            try:
                value = metric_value(data, key)
            except KeyError:
                problems.append(f"{key}: no such metric (use <group>.<metric>, e.g. retrieval.hit_at_1)")
                continue
            if value is None or fails(value, float(bound)):
                shown = "not measured" if value is None else f"{value:.4f}"
                problems.append(f"{key} = {shown} is {word} {bound:.4f}")
    return problems


def raise_floors(spec: Mapping[str, Any], report: Any, on: str | None = None) -> dict[str, Any]:
    """``spec`` with each bound moved to its margin from the measured value, never loosened (收紧下限).

    Floors become ``max(floor, measured - margin)`` rounded down to 0.01, ceilings
    ``min(ceiling, measured + margin)`` rounded up; ``measured`` records the new values. The margin
    is ``margins[key]`` or ``margin``: where one question moves a rate by more than ``margin`` (a
    handful of unanswerable questions), give that metric its own.
    """
    floors, ceilings = dict(spec["floors"]), dict(spec.get("ceilings", {}))
    measured: dict[str, Any] = dict(spec.get("measured", {}))
    for key in [*floors, *ceilings]:
        try:
            value = metric_value(report, key)
        except KeyError:
            continue  # check_floors reports it
        if value is None:
            continue
        measured[key] = round(value, 3)
        margin = float(spec.get("margins", {}).get(key, spec.get("margin", DEFAULT_MARGIN)))
        if key in floors:
            floors[key] = max(floors[key], math.floor((value - margin) * 100 + 1e-9) / 100)
        else:
            ceilings[key] = min(ceilings[key], math.ceil((value + margin) * 100 - 1e-9) / 100)
    measured["on"] = on or dt.date.today().isoformat()
    out = {**spec, "floors": floors, "measured": measured}
    if ceilings:
        out["ceilings"] = ceilings
    return out


def write_floors(path: str | Path, spec: Mapping[str, Any]) -> None:
    """Write a floors file the way it is committed (UTF-8, indented, keys in their order)."""
    Path(path).write_text(json.dumps(spec, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
