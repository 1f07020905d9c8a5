"""The second holdout set (第二留出集, evaluation/data/holdout2_qa.jsonl): fresh colloquial questions.

It cites ../shared/corpus and five laws no other set uses (listed in holdout_laws.txt after the
eight of the first holdout set). Every evidence string must occur verbatim in its document, and the
set must stay independent of the first holdout set: no shared law, question or evidence.
"""

from __future__ import annotations

import pytest
from holdout_kit import (
    DATA,
    LAW_FILES,
    LAWS,
    check_evidence_verbatim,
    check_fresh_set,
    check_keys_stated,
    cited_documents,
    rows,
)

from evaluation.gold import NO_ANSWER

GOLD = DATA / "holdout2_qa.jsonl"
ROWS = rows(GOLD)
FIRST_ROWS = rows(DATA / "holdout_qa.jsonl")


def _cited_laws(rows: list[dict]) -> set[str]:
    return {row["doc"] for row in rows if row["type"] != NO_ANSWER and row["doc"].endswith(".md")}


@pytest.fixture(scope="module")
def documents() -> dict[str, str]:
    return cited_documents()


def test_loader_accepts_the_set_with_k_ids_and_all_types() -> None:
    check_fresh_set(GOLD, "k")


def test_every_key_is_in_the_evidence_or_an_answer() -> None:
    check_keys_stated(ROWS)


def test_every_evidence_occurs_verbatim_in_its_document(documents: dict[str, str]) -> None:
    check_evidence_verbatim(ROWS, documents)


def test_five_fresh_laws_and_the_corpus_are_cited() -> None:
    fresh = _cited_laws(ROWS)
    assert len(fresh) == 5 and fresh <= {f"{slug}.md" for slug in LAWS}
    assert not fresh & _cited_laws(FIRST_ROWS)
    # The third holdout set's laws come after these thirteen (test_holdout3_set.py).
    assert fresh | _cited_laws(FIRST_ROWS) == set(LAW_FILES[:13])
    corpus = {row["doc"] for row in ROWS if row["type"] != NO_ANSWER and row["doc"].endswith(".txt")}
    assert len(corpus) >= 5


def test_independent_of_the_first_holdout_set() -> None:
    assert not {row["question"] for row in ROWS} & {row["question"] for row in FIRST_ROWS}
    first_evidence = {row["evidence"] for row in FIRST_ROWS if row["type"] != NO_ANSWER}
    assert not {row["evidence"] for row in ROWS if row["type"] != NO_ANSWER} & first_evidence
    assert len({row["question"] for row in ROWS}) == len(ROWS)
