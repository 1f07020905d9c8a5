"""Acceptance (验收): of 50 items generated on ../shared/corpus, at least 95% pass an independent check.

The checker knows only the item (its JSON form) and the documents as loaded from disk; it shares no
code with the generator. An item passes when the cited quote is the exact text at the cited span,
the quote states the key, the stem does not contain the key, the options are distinct, and exactly
the keyed options are true per the documents.

Run as a script for the figure and the failures:
    python tests/quiz/test_quiz_acceptance.py --index /tmp/pa_dev_index_quiz --n 50 --seed 1
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

import pytest

BLANK = "（　　）"
LETTERS = "ABCDE"
PASS_RATE = 0.95


def load_documents(corpus: Path) -> dict[str, str]:
    from corpus.loaders import load_file

    return {p.name: load_file(p).text for p in sorted(corpus.iterdir()) if p.is_file()}


def excerpt_pieces(stem: str) -> list[str]:
    """The document words quoted by a stem: the part after 根据《…》…，, split where it was cut (……)."""
    body = re.sub(r"^根据《[^》]*》[^，]*，", "", stem)
    body = body.split("下列属于括号中所列内容的有")[0]
    return [p.rstrip("。；！？") for p in body.split("……") if p.rstrip("。；！？")]


def _stated_anywhere(piece: str, docs: dict[str, str]) -> bool:
    return any(piece in text for text in docs.values())


def _one_change(piece: str, quote: str) -> bool:
    """``piece`` is ``quote`` text with one short stretch changed (a swapped number, date or body)."""
    i = max((k for k in range(len(piece) + 1) if piece[:k] in quote), default=0)
    j = max((k for k in range(len(piece) + 1) if piece[len(piece) - k :] in quote), default=0)
    return i < len(piece) and len(piece) - i - j <= 16 and i + j >= min(len(piece), 8)


def check_item(item: dict[str, Any], docs: dict[str, str]) -> list[str]:
    """The problems with one item (empty when it passes)."""
    problems: list[str] = []
    c = item["citation"]
    text = docs.get(c["source"])
    if text is None:
        return [f"unknown source {c['source']}"]
    quote = c["quote"]
    if text[c["start"] : c["end"]] != quote:
        problems.append("quote is not the document text at the span")
    kind, stem, options, answer = item["type"], item["stem"], item["options"], item["answer"]
    if len(set(options)) != len(options):
        problems.append("options not distinct")
    if kind in ("single", "multi"):
        if not answer or any(a not in LETTERS[: len(options)] for a in answer):
            return [*problems, "answer letters invalid"]
        keyed = [options[LETTERS.index(a)] for a in answer]
        others = [o for i, o in enumerate(options) if LETTERS[i] not in answer]
        if kind == "single" and len(keyed) != 1:
            problems.append("single item with several keys")
        if kind == "multi" and not 2 <= len(keyed) <= 4:
            problems.append("multi item without 2-4 keys")
        if any(k in stem for k in keyed):
            problems.append("stem contains the key")
        if any(k not in quote for k in keyed):
            problems.append("quote does not state a keyed option")
        if kind == "single":
            pieces = excerpt_pieces(stem)
            filled = [p.replace(BLANK, keyed[0]) for p in pieces]
            if any(p not in quote for p in filled):
                problems.append("stem filled with the key is not the quote")
            for o in others:
                wrong = [p.replace(BLANK, o) for p in pieces if BLANK in p]
                if any(_stated_anywhere(w, docs) for w in wrong):
                    problems.append(f"distractor {o!r} is also true per the documents")
        else:
            if any(o in quote for o in others):
                problems.append("a non-keyed option is in the quote")
    elif kind == "judge":
        pieces = excerpt_pieces(stem)
        if answer == ["A"]:
            if any(p not in quote for p in pieces):
                problems.append("true statement not stated by the quote")
        elif answer == ["B"]:
            false = [p for p in pieces if not _stated_anywhere(p, docs)]
            if not false:
                problems.append("false statement is stated by the documents")
            elif not all(_one_change(p, quote) for p in false):
                problems.append("false statement is not the quote with one change")
        else:
            problems.append("judge answer must be A or B")
    elif kind == "blank":
        if not answer or any(a in stem for a in answer):
            problems.append("stem contains the key")
        if any(a not in quote for a in answer):
            problems.append("quote does not state the answer")
        pieces = excerpt_pieces(stem)
        if any(p.replace(BLANK, answer[0]) not in quote for p in pieces if answer):
            problems.append("stem filled with the answer is not the quote")
    else:
        problems.append(f"unknown type {kind}")
    return problems


def generate(index: Path, n: int, seed: int) -> tuple[list[dict[str, Any]], str]:
    from assistant.config import Settings
    from assistant.engine import Assistant
    from quiz import QuizGenerator, QuizSpec

    assistant = Assistant(Settings(index_dir=index))
    try:
        quiz = QuizGenerator(assistant, assistant).generate(QuizSpec.even(n, seed=seed))
    finally:
        assistant.close()
    return [i.to_dict() for i in quiz.items], quiz.report.summary()


@pytest.mark.slow
def test_acceptance_on_shared_corpus(corpus_index: Path, corpus_dir: Path) -> None:
    items, summary = generate(corpus_index, 50, seed=1)
    docs = load_documents(corpus_dir)
    assert len(items) == 50, summary
    failures = {i: p for i, item in enumerate(items) if (p := check_item(item, docs))}
    rate = 1 - len(failures) / len(items)
    print(f"\nacceptance: {rate:.0%} of {len(items)} pass; {summary}")
    assert rate >= PASS_RATE, {i: (items[i]["stem"], p) for i, p in failures.items()}
    assert {i["type"] for i in items} == {"single", "multi", "judge", "blank"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Independent acceptance check of generated quiz items")
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument(
        "--corpus", type=Path, default=Path(__file__).resolve().parents[3] / "shared" / "corpus"
    )
    parser.add_argument("--n", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    items, summary = generate(args.index, args.n, args.seed)
    docs = load_documents(args.corpus)
    failures = 0
    for i, item in enumerate(items, start=1):
        problems = check_item(item, docs)
        if problems:
            failures += 1
            print(
                f"[{i}] {item['type']} {item['stem']}\n    options={item['options']} answer={item['answer']}"
            )
            print(f"    quote={item['citation']['quote']}\n    -> {'; '.join(problems)}")
    rate = 1 - failures / len(items) if items else 0.0
    print(summary)
    print(f"acceptance: {len(items) - failures}/{len(items)} pass ({rate:.1%}); required {PASS_RATE:.0%}")
    return 0 if items and rate >= PASS_RATE else 1


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    sys.exit(main())
