"""Paraphrase stability (改写稳定性): the same question in other words must get the same answer.

A paraphrase set is a gold set (JSONL, the fields of :mod:`evaluation.gold`) whose answerable items
each carry ``rewordings``: the question as others would ask it (colloquial words, another order, a
loose or missing document name), same meaning, same gold answer. The packaged set
(``evaluation/data/paraphrases.jsonl``) holds 30 dev-set questions with three rewordings each.

The original and every rewording are asked. A rewording is *answered like the original* when

- both are answered (found), and
- their answer spans match: the lead citation (lowest ``n``, the one the short answer is drawn from)
  of each is in the same document and the two character ranges overlap, and
- their short answers match: equal after :func:`evaluation.textnorm.normalize`, or both state a gold
  answer (能 and 可以 are the same answer to a yes/no question).

A group is *stable* when all its rewordings are answered like its original. Whether the original is
right is reported beside it (short answer states a gold answer and a citation quotes the evidence,
the scorer's rules): a stable group with a wrong original is stable, not correct.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evaluation import metrics
from evaluation.edge import read_jsonl
from evaluation.errors import EvaluationError
from evaluation.gold import GoldItem, load_gold
from evaluation.textnorm import normalize, strip_citation_markers

__all__ = [
    "DEFAULT_SET",
    "GroupResult",
    "ParaphraseGroup",
    "RewordingResult",
    "StabilityReport",
    "load_paraphrases",
    "run_stability",
    "same_span",
    "score_stability",
]

DEFAULT_SET = Path(__file__).resolve().parent / "data" / "paraphrases.jsonl"

Prediction = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class ParaphraseGroup:
    """A gold question and its rewordings (改写组)."""

    item: GoldItem
    rewordings: tuple[str, ...]


def _rewordings(raw: Any, where: str, question: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not raw or not all(isinstance(r, str) and r.strip() for r in raw):
        raise EvaluationError(
            f"{where}: field 'rewordings' must be a non-empty list of questions; got {raw!r}"
        )
    texts = tuple(r.strip() for r in raw)
    if len(set(texts)) != len(texts) or question in texts:
        raise EvaluationError(f"{where}: field 'rewordings' repeats a question: {list(texts)!r}")
    return texts


def load_paraphrases(path: str | Path) -> list[ParaphraseGroup]:
    """Read a paraphrase set (JSONL): gold items, each answerable and with ``rewordings``."""
    path = Path(path)
    if path.suffix.lower() != ".jsonl":
        raise EvaluationError(f"{path}: a paraphrase set must be a .jsonl file")
    items = load_gold(path)  # the gold fields, validated as any gold set; 'rewordings' is extra there
    rows = list(read_jsonl(path, EvaluationError))
    groups = []
    for item, (where, row) in zip(items, rows, strict=True):
        if not item.answerable:
            raise EvaluationError(f"{where}: question {item.id} has type 'none'; rewordings need an answer")
        groups.append(ParaphraseGroup(item, _rewordings(row.get("rewordings"), where, item.question)))
    return groups


# ---------------------------------------------------------------- comparing two answers


def _short(pred: Prediction) -> str:
    return strip_citation_markers(str(pred.get("short_answer") or pred.get("answer") or ""))


def _lead_citation(pred: Prediction) -> Mapping[str, Any] | None:
    citations = list(pred.get("citations") or [])
    return min(citations, key=lambda c: c.get("n", 0)) if citations else None


def same_span(a: Prediction, b: Prediction) -> bool:
    """Both answers' lead citations are in the same document and their ranges overlap (同一出处)."""
    ca, cb = _lead_citation(a), _lead_citation(b)
    if ca is None or cb is None:
        return False
    if ca.get("doc_id") and cb.get("doc_id"):
        if ca["doc_id"] != cb["doc_id"]:
            return False
    elif not metrics.same_source(str(ca.get("source") or ""), str(cb.get("source") or "")):
        return False
    sa, ea, sb, eb = ca.get("start"), ca.get("end"), cb.get("start"), cb.get("end")
    if all(isinstance(v, int) for v in (sa, ea, sb, eb)):
        return bool(sa < eb and sb < ea)  # type: ignore[operator]
    # Another system's citations without offsets: the quotes must share a passage.
    qa, qb = str(ca.get("quote") or ""), str(cb.get("quote") or "")
    return bool(qa and qb) and (qa in qb or qb in qa)


def _correct(pred: Prediction, item: GoldItem) -> bool:
    """The answer is right by the scorer's rules: short answer states a gold answer, citation quotes the evidence."""
    return (
        bool(pred.get("found"))
        and metrics.short_answer_correct(_short(pred), item.answers)
        and metrics.citation_correct(pred.get("citations") or [], item.doc, item.evidence)
    )


@dataclass(frozen=True, slots=True)
class RewordingResult:
    """One rewording's answer compared with the original's (改写题结果)."""

    question: str
    found: bool
    short_answer: str
    same_span: bool
    same_short: bool
    correct: bool

    @property
    def like_original(self) -> bool:
        return self.found and self.same_span and self.same_short


@dataclass(frozen=True, slots=True)
class GroupResult:
    """One group (改写组结果): the original's answer and how each rewording compares with it."""

    id: str
    type: str
    question: str
    found: bool
    short_answer: str
    correct: bool
    rewordings: tuple[RewordingResult, ...]

    @property
    def stable(self) -> bool:
        return self.found and all(r.like_original for r in self.rewordings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "type": self.type, "question": self.question, "found": self.found,
            "short_answer": self.short_answer, "correct": self.correct, "stable": self.stable,
            "rewordings": [
                {"question": r.question, "found": r.found, "short_answer": r.short_answer,
                 "same_span": r.same_span, "same_short": r.same_short, "correct": r.correct,
                 "like_original": r.like_original}
                for r in self.rewordings
            ],
        }  # fmt: skip


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


@dataclass(frozen=True, slots=True)
class StabilityReport:
    """Stability over a paraphrase set (改写稳定性报告)."""

    groups: tuple[GroupResult, ...]

    def figures(self) -> dict[str, Any]:
        """Aggregates; the ``paraphrase`` group of :meth:`to_dict`, which floors are checked against."""
        rewordings = [r for g in self.groups for r in g.rewordings]
        stable = sum(g.stable for g in self.groups)
        like = sum(r.like_original for r in rewordings)
        return {
            "groups": len(self.groups),
            "stable_groups": stable,
            "stable_rate": _ratio(stable, len(self.groups)),
            "rewordings": len(rewordings),
            "like_original": like,
            "like_original_rate": _ratio(like, len(rewordings)),
            "original_accuracy": _ratio(sum(g.correct for g in self.groups), len(self.groups)),
            "rewording_accuracy": _ratio(sum(r.correct for r in rewordings), len(rewordings)),
        }

    def to_dict(self) -> dict[str, Any]:
        return {"paraphrase": self.figures(), "groups": [g.to_dict() for g in self.groups]}


def score_stability(groups: Sequence[ParaphraseGroup], answers: Mapping[str, Prediction]) -> StabilityReport:
    """Compare the answers (``question text -> answer contract dict``) within each group (打分)."""
    results = []
    for group in groups:
        item = group.item
        original = answers.get(item.question)
        if original is None:
            raise EvaluationError(f"no answer for question {item.id}: {item.question}")
        original_correct = _correct(original, item)
        reworded = []
        for question in group.rewordings:
            pred = answers.get(question)
            if pred is None:
                raise EvaluationError(f"no answer for a rewording of {item.id}: {question}")
            correct = _correct(pred, item)
            same_short = normalize(_short(pred)) == normalize(_short(original)) or (
                correct and original_correct
            )
            reworded.append(
                RewordingResult(
                    question,
                    bool(pred.get("found")),
                    _short(pred),
                    same_span(original, pred),
                    same_short,
                    correct,
                )
            )
        results.append(
            GroupResult(
                item.id,
                item.type,
                item.question,
                bool(original.get("found")),
                _short(original),
                original_correct,
                tuple(reworded),
            )
        )
    return StabilityReport(tuple(results))


def run_stability(groups: Sequence[ParaphraseGroup], ask: Callable[[str], Prediction]) -> StabilityReport:
    """Ask every original and rewording once (``ask(question) -> answer contract dict``) and score."""
    answers: dict[str, Prediction] = {}
    for group in groups:
        for question in (group.item.question, *group.rewordings):
            if question not in answers:
                answers[question] = ask(question)
    return score_stability(groups, answers)
