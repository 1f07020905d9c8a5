"""The third holdout set (第三留出集, evaluation/data/holdout3_qa.jsonl): fresh colloquial questions.

It cites ../shared/corpus and five laws no other holdout set uses (the last five of holdout_laws.txt, after
the thirteen of the first two holdout sets). Every evidence string must occur verbatim in its
document, and the set must stay independent of the first two: no shared law, question or evidence.
"""

from __future__ import annotations

import pytest
from holdout_kit import (
    DATA,
    LAW_FILES,
    check_evidence_verbatim,
    check_fresh_set,
    check_keys_stated,
    cited_documents,
    cited_laws,
    rows,
)

from evaluation.gold import NO_ANSWER

GOLD = DATA / "holdout3_qa.jsonl"
ROWS = rows(GOLD)
EARLIER_ROWS = rows(DATA / "holdout_qa.jsonl") + rows(DATA / "holdout2_qa.jsonl")


@pytest.fixture(scope="module")
def documents() -> dict[str, str]:
    return cited_documents()


def test_loader_accepts_the_set_with_m_ids_and_all_types() -> None:
    check_fresh_set(GOLD, "m")


def test_every_key_is_in_the_evidence_or_an_answer() -> None:
    check_keys_stated(ROWS)


def test_every_evidence_occurs_verbatim_in_its_document(documents: dict[str, str]) -> None:
    check_evidence_verbatim(ROWS, documents)


def test_the_last_five_laws_and_the_corpus_are_cited() -> None:
    fresh = cited_laws(ROWS)
    assert len(LAW_FILES) == 18
    assert fresh == set(LAW_FILES[-5:])
    assert not fresh & cited_laws(EARLIER_ROWS)
    assert fresh | cited_laws(EARLIER_ROWS) == set(LAW_FILES)
    corpus = {row["doc"] for row in ROWS if row["type"] != NO_ANSWER and row["doc"].endswith(".txt")}
    assert len(corpus) >= 5


def test_independent_of_the_earlier_holdout_sets() -> None:
    assert not {row["question"] for row in ROWS} & {row["question"] for row in EARLIER_ROWS}
    earlier_evidence = {row["evidence"] for row in EARLIER_ROWS if row["type"] != NO_ANSWER}
    assert not {row["evidence"] for row in ROWS if row["type"] != NO_ANSWER} & earlier_evidence
    assert len({row["question"] for row in ROWS}) == len(ROWS)
