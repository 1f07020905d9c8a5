"""What the holdout-set tests share (留出集): the extractor, the laws list, the documents the sets
cite, and the checks every gold row must pass."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType

import pytest

from evaluation.gold import NO_ANSWER, GoldItem

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
DATA = REPO / "evaluation" / "data"
REFUSAL = "现有文件中没有相关规定，无法回答"


def _extractor() -> ModuleType:
    spec = importlib.util.spec_from_file_location("holdout_corpus", REPO / "bench" / "holdout_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


holdout = _extractor()
LAWS = holdout.load_laws()
# The laws' file names in list order: each holdout set's fresh laws follow the earlier sets' laws.
LAW_FILES = [f"{slug}.md" for slug in LAWS]


def rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def cited_documents() -> dict[str, str]:
    """The shared corpus and the holdout laws read from the scale tarball as the extractor reads them."""
    if not (SHARED / holdout.TARBALL).is_file():
        pytest.skip(f"{SHARED / holdout.TARBALL} missing: holdout laws cannot be read")
    docs = holdout.read_holdout_docs(SHARED, LAWS)
    docs.update({p.name: p.read_text(encoding="utf-8") for p in (SHARED / "corpus").glob("*.txt")})
    return docs


def cited_laws(gold_rows: Iterable[dict]) -> set[str]:
    """The law files (``.md``) the answerable rows cite."""
    return {row["doc"] for row in gold_rows if row["type"] != NO_ANSWER and row["doc"].endswith(".md")}


def check_answer_fields(items: Iterable[GoldItem]) -> None:
    """An answerable item has keys, answers, a document and evidence; an unanswerable one the refusal."""
    for item in items:
        if item.answerable:
            assert item.keys and item.answers and item.doc and item.evidence, item.id
        else:
            assert item.answers == (REFUSAL,) and not item.keys, item.id


def check_keys_stated(gold_rows: Iterable[dict]) -> None:
    """Every key occurs in the evidence or in an answer: a key nothing states cannot be scored."""
    for row in gold_rows:
        for key in row["keys"]:
            assert key in row["evidence"] or any(key in a for a in row["answers"]), (row["id"], key)


def check_fresh_set(path: Path, prefix: str) -> None:
    """A later holdout set: ids ``<prefix>001``… in order, all eight types, 20 unanswerable, answers set."""
    from evaluation.gold import QUESTION_TYPES, load_gold

    items = load_gold(path)
    assert len(items) == len(rows(path)) >= 110
    assert [item.id for item in items] == [f"{prefix}{n:03d}" for n in range(1, len(items) + 1)]
    types = {item.type for item in items}
    assert types == set(QUESTION_TYPES) and len(types) == 8
    assert sum(not item.answerable for item in items) == 20
    check_answer_fields(items)


def check_evidence_verbatim(gold_rows: Iterable[dict], documents: dict[str, str]) -> None:
    """Every answerable row's evidence occurs word for word in the document it cites."""
    for row in gold_rows:
        if row["type"] == NO_ANSWER:
            continue
        assert row["doc"] in documents, (row["id"], row["doc"])
        assert row["evidence"] in documents[row["doc"]], row["id"]


def check_fresh_laws(gold_rows: list[dict], earlier_rows: list[dict], fresh_laws: list[str]) -> None:
    """A later set cites exactly its own laws (the next ones in the list) and at least five documents of
    ../shared/corpus; together with the earlier sets it covers every law before and including its own."""
    fresh = cited_laws(gold_rows)
    assert fresh == set(fresh_laws)
    assert not fresh & cited_laws(earlier_rows)
    assert fresh | cited_laws(earlier_rows) == set(LAW_FILES[: LAW_FILES.index(fresh_laws[-1]) + 1])
    corpus = {row["doc"] for row in gold_rows if row["type"] != NO_ANSWER and row["doc"].endswith(".txt")}
    assert len(corpus) >= 5


def check_independent(gold_rows: list[dict], earlier_rows: list[dict]) -> None:
    """No question or evidence shared with the earlier sets, and no question asked twice."""
    assert not {row["question"] for row in gold_rows} & {row["question"] for row in earlier_rows}
    earlier_evidence = {row["evidence"] for row in earlier_rows if row["type"] != NO_ANSWER}
    assert not {row["evidence"] for row in gold_rows if row["type"] != NO_ANSWER} & earlier_evidence
    assert len({row["question"] for row in gold_rows}) == len(gold_rows)
