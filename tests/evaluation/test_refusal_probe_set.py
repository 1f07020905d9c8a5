"""The refusal probe set (拒答探针集, evaluation/data/refusal_probe_qa.jsonl): colloquial questions close to a
real clause that the documents cannot answer, plus answerable controls phrased the same way.

60 unanswerable rows carry ``kind`` (which way the question misses the documents) and ``near`` (``file: text``,
the tempting clause); 30 answerable controls cite evidence word for word, so refusing everything scores badly.
"""

from __future__ import annotations

from collections import Counter

import pytest
from holdout_kit import (
    DATA,
    SHARED,
    check_answer_fields,
    check_evidence_verbatim,
    check_keys_stated,
    cited_documents,
    rows,
)

from evaluation.gold import NO_ANSWER, load_gold

GOLD = DATA / "refusal_probe_qa.jsonl"
ROWS = rows(GOLD)
KINDS = {"figure", "subject", "place", "procedure", "yesno", "future"}
OTHER_SETS = [p for p in sorted(DATA.glob("*.jsonl")) if p != GOLD] + sorted(
    (SHARED / "datasets").glob("*.jsonl")
)


@pytest.fixture(scope="module")
def documents() -> dict[str, str]:
    return cited_documents()


def test_loader_accepts_60_unanswerable_and_30_answerable_rows_in_id_order() -> None:
    items = load_gold(GOLD)
    assert len(items) == len(ROWS) == 90
    assert [item.id for item in items] == [f"r{n:03d}" for n in range(1, 91)]
    assert sum(not item.answerable for item in items) == 60
    assert {item.type for item in items if item.answerable} <= {"deadline", "number", "yesno", "procedure"}
    check_answer_fields(items)


def test_every_unanswerable_row_names_its_kind_and_tempting_clause(documents: dict[str, str]) -> None:
    refusals = [row for row in ROWS if row["type"] == NO_ANSWER]
    counts = Counter(row["kind"] for row in refusals)
    assert set(counts) == KINDS and min(counts.values()) >= 8, counts
    for row in refusals:
        assert "doc" not in row and "evidence" not in row, row["id"]
        name, text = row["near"].split(": ", 1)
        assert text in documents[name], row["id"]


def test_every_key_is_in_the_evidence_or_an_answer() -> None:
    check_keys_stated(ROWS)


def test_every_evidence_occurs_verbatim_in_its_document(documents: dict[str, str]) -> None:
    check_evidence_verbatim(ROWS, documents)


def test_independent_of_the_other_sets() -> None:
    other = [row for path in OTHER_SETS for row in rows(path)]
    assert other
    assert len({row["question"] for row in ROWS}) == len(ROWS)
    assert not {row["question"] for row in ROWS} & {row.get("question") for row in other}
    earlier = [row["evidence"] for row in other if row.get("evidence")]
    for row in ROWS:
        if row["type"] != NO_ANSWER:
            assert not any(row["evidence"] in e or e in row["evidence"] for e in earlier), row["id"]
