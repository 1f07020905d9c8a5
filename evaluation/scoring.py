"""Scoring a run against a gold set (评测打分).

Denominators, chosen so that a missing or refused answer always costs something:

- retrieval, answer and citation-correct metrics: every answerable item; a missing prediction
  scores 0 everywhere and a refusal (found == false) keeps its retrieval but fails the answer;
- citation precision: answerable items the assistant answered (found == true);
- refusal recall: items of type ``none`` (a missing prediction is not a refusal); refusal
  precision: refused predictions; false refusal rate: answerable items;
- verdict accuracy: yes/no items answered whose first gold answer opens with a verdict (不能，… /
  可以。…), the share whose short answer opens with the same one (a cadre reads the verdict first);
- EM/F1 and short-answer accuracy compare ``short_answer`` (or, when it is null, the answer
  without citation markers) with the gold ``answers``; key and concise accuracy use the full
  ``answer``;
- a prediction without ``retrieved`` (another system that does not expose it) is not scored on
  retrieval: its hit@k is "not measured" (None), not 0.

Question types are whatever the gold set says: a label that is not ours is its own category in
``by_type``; only ``none`` means "must be refused".
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from evaluation import metrics
from evaluation.gold import GoldItem, parse_prediction
from evaluation.textnorm import strip_citation_markers

__all__ = ["Failure", "GroupScores", "ItemResult", "ScoreReport", "percentile", "score"]

TOP_K = 10


@dataclass(frozen=True, slots=True)
class ItemResult:
    """Outcome of one gold question (单题结果); ``None`` means not applicable."""

    id: str
    type: str
    doc: str
    missing: bool
    found: bool | None
    rels: tuple[bool, ...] = ()
    doc_at_1: bool | None = None
    rr: float | None = None
    ndcg: float | None = None
    key_ok: bool | None = None
    concise_ok: bool | None = None
    em: bool | None = None
    f1: float | None = None
    short_ok: bool | None = None
    verdict_ok: bool | None = None
    citation_ok: bool | None = None
    citation_precision: float | None = None
    refusal_ok: bool = False
    latency_ms: float | None = None
    answer_length: int = 0

    def hit(self, k: int) -> bool | None:
        return None if self.rr is None else metrics.hit_at_k(self.rels, k)


@dataclass(frozen=True, slots=True)
class GroupScores:
    """Averages over a group of questions (分组统计), by type or by document."""

    n: int
    n_missing: int
    hit_at_1: float | None
    hit_at_5: float | None
    mrr: float | None
    key_accuracy: float | None
    concise_accuracy: float | None
    char_f1: float | None
    citation_correct: float | None
    refusal_accuracy: float | None
    short_accuracy: float | None = None
    false_refusal_rate: float | None = None


@dataclass(frozen=True, slots=True)
class Failure:
    """A question that went wrong (失败案例), with enough context to see why."""

    id: str
    type: str
    question: str
    doc: str
    reasons: tuple[str, ...]
    answer: str | None
    top_retrieved: tuple[dict[str, Any], ...]


@dataclass(frozen=True, slots=True)
class ScoreReport:
    """All scores of one run (评测报告). Rates are in [0, 1]; ``None`` when nothing was measured."""

    n_items: int
    n_answerable: int
    n_none: int
    missing_ids: tuple[str, ...]
    unknown_ids: tuple[str, ...]
    retrieval: dict[str, float | None]
    answers: dict[str, float | None]
    citations: dict[str, float | None]
    refusal: dict[str, float | None]
    latency: dict[str, float | None]
    by_type: dict[str, GroupScores]
    by_doc: dict[str, GroupScores]
    failures: tuple[Failure, ...]
    items: tuple[ItemResult, ...] = field(repr=False, default=())

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-safe dict (lists, not tuples; no NaN)."""
        return _jsonable(asdict(self))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _mean(values: Sequence[float | bool | None]) -> float | None:
    present = [float(v) for v in values if v is not None]
    return sum(present) / len(present) if present else None


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def percentile(values: Sequence[float], q: float) -> float | None:
    """Percentile with linear interpolation between closest ranks (numpy's default method)."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low, high = math.floor(pos), math.ceil(pos)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def _passage_hit(passage: Mapping[str, Any], item: GoldItem) -> bool:
    # A passage given only as a source (another system's retrieval list of file names) is judged by
    # document: it hits when it is the gold document.
    if not str(passage["text"]).strip():
        return metrics.same_source(str(passage["source"]), item.doc)
    return metrics.evidence_hit(passage["text"], passage["source"], item.doc, item.evidence)


def _judge(item: GoldItem, pred: Mapping[str, Any] | None, retrieval: bool = True) -> ItemResult:
    base = ItemResult(item.id, item.type, item.doc, missing=pred is None, found=None)
    if pred is None:
        if not item.answerable:
            return base
        if retrieval:  # a system that reports no retrieval at all is not scored on it
            base = replace(base, doc_at_1=False, rr=0.0, ndcg=0.0)
        return replace(
            base,
            key_ok=False,
            concise_ok=False,
            em=False,
            f1=0.0,
            short_ok=False,
            citation_ok=False,
        )
    found, answer = bool(pred["found"]), str(pred["answer"])
    base = replace(
        base,
        found=found,
        refusal_ok=metrics.refusal_correct(item.type, found),
        latency_ms=pred.get("latency_ms"),
        answer_length=len(strip_citation_markers(answer)),
    )
    if not item.answerable:
        return base
    short = pred.get("short_answer") or answer
    citations = list(pred["citations"])
    if pred.get("retrieved") is not None:
        passages = list(pred["retrieved"])[:TOP_K]
        rels = tuple(_passage_hit(p, item) for p in passages)
        named = any(p["source"] for p in passages) or not passages
        base = replace(
            base,
            rels=rels,
            doc_at_1=metrics.doc_at_1([metrics.same_source(p["source"], item.doc) for p in passages])
            if named
            else None,
            rr=metrics.mrr(rels),
            ndcg=metrics.ndcg_at_k(rels, TOP_K),
        )
    return replace(
        base,
        key_ok=metrics.key_accuracy(answer, item.keys),
        concise_ok=metrics.concise_accuracy(answer, item.keys),
        em=metrics.exact_match(short, item.answers),
        f1=metrics.char_f1(short, item.answers),
        short_ok=metrics.short_answer_correct(short, item.answers),
        # Only for the yes/no answers given: a refusal is judged as a refusal, not as a wrong verdict.
        verdict_ok=metrics.verdict_agrees(short, item.answers) if item.type == "yesno" and found else None,
        citation_ok=metrics.citation_correct(citations, item.doc, item.evidence),
        # Precision only means something for an answer that was given.
        citation_precision=(
            metrics.citation_precision(citations, item.doc, item.evidence, item.keys) if found else None
        ),
    )


def _reasons(item: GoldItem, result: ItemResult) -> list[str]:
    if result.missing:
        return ["missing prediction"]
    if not item.answerable:
        return (
            [] if result.refusal_ok else ["answered although the documents do not cover it (should refuse)"]
        )
    reasons = [] if result.found else ["false refusal"]
    if result.hit(TOP_K) is False:
        reasons.append(f"retrieval miss: evidence not in top {TOP_K}")
    if not result.key_ok:
        reasons.append("answer lacks key(s): " + "、".join(item.keys))
    elif not result.concise_ok:
        reasons.append(f"answer too long: {result.answer_length} > {metrics.CONCISE_LIMIT} characters")
    if not result.citation_ok:
        reasons.append("no citation from the gold document quotes the evidence")
    return reasons


def _group(results: Sequence[ItemResult]) -> GroupScores:
    answerable = [r for r in results if r.type != "none"]
    return GroupScores(
        n=len(results),
        n_missing=sum(r.missing for r in results),
        hit_at_1=_mean([r.hit(1) for r in answerable]),
        hit_at_5=_mean([r.hit(5) for r in answerable]),
        mrr=_mean([r.rr for r in answerable]),
        key_accuracy=_mean([r.key_ok for r in answerable]),
        concise_accuracy=_mean([r.concise_ok for r in answerable]),
        char_f1=_mean([r.f1 for r in answerable]),
        citation_correct=_mean([r.citation_ok for r in answerable]),
        refusal_accuracy=_mean([r.refusal_ok for r in results]),
        short_accuracy=_mean([r.short_ok for r in answerable]),
        false_refusal_rate=_ratio(sum(r.found is False for r in answerable), len(answerable)),
    )


def _failure(item: GoldItem, pred: Mapping[str, Any] | None, reasons: list[str]) -> Failure:
    top = (
        ()
        if pred is None
        else tuple(
            {k: p.get(k) for k in ("source", "section", "score", "text")}
            for p in list(pred.get("retrieved") or [])[:3]
        )
    )
    answer = None if pred is None else str(pred["answer"])
    return Failure(item.id, item.type, item.question, item.doc, tuple(reasons), answer, top)


def score(gold: Sequence[GoldItem], preds: Mapping[str, Mapping[str, Any]]) -> ScoreReport:
    """Score predictions (``id -> answer contract dict``) against the gold items (计算全部指标)."""
    checked = {key: parse_prediction(value, f"prediction {key!r}") for key, value in preds.items()}
    gold_ids = {g.id for g in gold}
    results: list[ItemResult] = []
    failures: list[Failure] = []
    retrieval = not checked or any(p.get("retrieved") is not None for p in checked.values())
    for item in gold:
        pred = checked.get(item.id)
        result = _judge(item, pred, retrieval)
        results.append(result)
        reasons = _reasons(item, result)
        if reasons:
            failures.append(_failure(item, pred, reasons))

    answerable = [r for r in results if r.type != "none"]
    nones = [r for r in results if r.type == "none"]
    refused = [r for r in results if r.found is False]
    latencies = [r.latency_ms for r in results if r.latency_ms is not None]
    by_type: dict[str, list[ItemResult]] = defaultdict(list)
    by_doc: dict[str, list[ItemResult]] = defaultdict(list)
    for r in results:
        by_type[r.type].append(r)
        if r.type != "none":
            by_doc[r.doc].append(r)

    return ScoreReport(
        n_items=len(results),
        n_answerable=len(answerable),
        n_none=len(nones),
        missing_ids=tuple(r.id for r in results if r.missing),
        unknown_ids=tuple(sorted(set(checked) - gold_ids)),
        retrieval={
            **{f"hit_at_{k}": _mean([r.hit(k) for r in answerable]) for k in (1, 3, 5, 10)},
            "mrr": _mean([r.rr for r in answerable]),
            "ndcg_at_10": _mean([r.ndcg for r in answerable]),
            "doc_at_1": _mean([r.doc_at_1 for r in answerable]),
        },
        answers={
            "key_accuracy": _mean([r.key_ok for r in answerable]),
            "concise_accuracy": _mean([r.concise_ok for r in answerable]),
            "exact_match": _mean([r.em for r in answerable]),
            "char_f1": _mean([r.f1 for r in answerable]),
            "short_accuracy": _mean([r.short_ok for r in answerable]),
            "verdict_accuracy": _mean([r.verdict_ok for r in answerable]),
        },
        citations={
            "citation_correct": _mean([r.citation_ok for r in answerable]),
            "citation_precision": _mean([r.citation_precision for r in answerable]),
        },
        refusal={
            "refusal_precision": _ratio(sum(r.type == "none" for r in refused), len(refused)),
            "refusal_recall": _ratio(sum(r.found is False for r in nones), len(nones)),
            "false_refusal_rate": _ratio(sum(r.found is False for r in answerable), len(answerable)),
        },
        latency={
            "n": len(latencies),
            "p50_ms": percentile(latencies, 50),
            "p95_ms": percentile(latencies, 95),
        },
        by_type={t: _group(rs) for t, rs in sorted(by_type.items())},
        by_doc={d: _group(rs) for d, rs in sorted(by_doc.items())},
        failures=tuple(failures),
        items=tuple(results),
    )
