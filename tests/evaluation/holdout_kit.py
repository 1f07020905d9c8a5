"""What the two holdout-set tests share (留出集): the extractor, the laws list, the documents the sets
cite, and the checks every gold row must pass."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType

import pytest

from evaluation.gold import GoldItem

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


def rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def cited_documents() -> dict[str, str]:
    """The shared corpus and the holdout laws read from the scale tarball as the extractor reads them."""
    if not (SHARED / holdout.TARBALL).is_file():
        pytest.skip(f"{SHARED / holdout.TARBALL} missing: holdout laws cannot be read")
    docs = holdout.read_holdout_docs(SHARED, LAWS)
    docs.update({p.name: p.read_text(encoding="utf-8") for p in (SHARED / "corpus").glob("*.txt")})
    return docs


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
