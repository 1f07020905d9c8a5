"""The trainer review (培训师审核) of 50 items from the shared corpus: each rule of issue 16 holds for at
least 95% of the items it applies to — whole-sentence stems (no ……), whole-phrase blanks, distractors
of the key's category, judge items on a point that matters — and no trainer-facing 出处 shows offsets.

Seed 1, all four types, the assistant-agreement gate on: the quiz ``policy-assistant quiz --n 50 --seed 1``
makes. The rates are measured by :func:`quiz.gates.pass_rates` on the kept items.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from quiz import QuizGenerator, QuizSpec, gates, items_to_rows
from quiz.export import source_text

PASS_RATE = 0.95


@pytest.fixture(scope="module")
def quiz_of_50(assistant_on_corpus: Any) -> Any:
    return QuizGenerator(assistant_on_corpus, assistant_on_corpus).generate(QuizSpec.even(50, seed=1))


@pytest.mark.parametrize("gate", [name for name, _ in gates.TRAINER_GATES])
def test_trainer_gate_pass_rate_on_50_corpus_items(
    quiz_of_50: Any, assistant_on_corpus: Any, gate: str
) -> None:
    assert len(quiz_of_50.items) == 50, quiz_of_50.report.summary()
    passed, applies = gates.pass_rates(quiz_of_50.items, assistant_on_corpus.tokenizer)[gate]
    assert applies >= 10  # every type is in the quiz, so every rule is exercised
    failing = [
        i.stem
        for i in quiz_of_50.items
        if (g := dict(gates.TRAINER_GATES)[gate])
        and (g(i, assistant_on_corpus.tokenizer) if gate == "whole_phrase" else g(i))
    ]
    assert passed / applies >= PASS_RATE, (gate, f"{passed}/{applies}", failing)


def test_no_stem_is_cut_and_no_trainer_facing_source_shows_offsets(quiz_of_50: Any) -> None:
    assert not [i.stem for i in quiz_of_50.items if "…" in i.stem]
    offsets = re.compile(r"\[\d+, ?\d+\)")
    assert not [source_text(i) for i in quiz_of_50.items if offsets.search(source_text(i))]
    assert not [r for r in items_to_rows(quiz_of_50.items) if offsets.search(str(r[-1]))]
