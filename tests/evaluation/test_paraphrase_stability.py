"""Paraphrase stability (改写稳定性) on the dev corpus: ``eval paraphrase`` over the packaged set meets its floors.

The floors live in ``evaluation/floors-paraphrase.json``; raise them as answers improve
(``policy-assistant eval paraphrase --index DIR --floors evaluation/floors-paraphrase.json --raise-floors``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.cli import main
from evaluation.floors import load_floors

FLOORS = Path(__file__).resolve().parents[2] / "evaluation" / "floors-paraphrase.json"


def test_paraphrase_stability_meets_the_floors(
    corpus_index: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = load_floors(FLOORS)
    out = tmp_path / "paraphrase.json"
    status = main(
        ["eval", "paraphrase", "--index", str(corpus_index), "--floors", str(FLOORS), "--out", str(out)]
    )
    printed = capsys.readouterr()
    figures = json.loads(out.read_text(encoding="utf-8"))["paraphrase"]
    assert figures["groups"] == 30 and figures["rewordings"] == 90
    assert "稳定的组：" in printed.out
    assert status == 0, f"{printed.err}\nmeasured: {figures}\nfloors: {spec['floors']}"
