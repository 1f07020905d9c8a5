"""Learned evidence ranking and answerability (学习排序与作答判定): tree ensembles over the reader's readings.

The reader scores each sentence by hand-set weights (coverage, type fit, closeness in meaning,
passage rank) and answers when its best sentence covers enough of the question. Those weights and
that threshold were tuned question set by question set, with a lexicon written from the same
questions' failures: on questions worded afresh, coverage runs lower and the threshold refuses
answerable questions. Two gradient-boosted ensembles, fitted by ``bench/train_ranker.py`` on the
development set, twenty-seven holdout sets and five training sets written independently over the corpus
and 163 laws (3,697 questions read), read the same signals together:

- the **ranker** reorders the reader's first ``rank_window`` sentences (which of them holds the evidence);
- the **gate** gives the probability that the documents answer the question at all, from the
  readings of the best sentences (whether to answer, in place of the coverage threshold).

The ranker also reads each sentence's learned affinity to the question (:mod:`assistant.affinity`), a
weighted dot product of their stored vectors fitted on the same questions.

The models are data (``assistant/data/evidence_ranker.json``, ``assistant/data/answerability.json``,
``assistant/data/affinity.json``), read by :mod:`assistant.trees` and :mod:`assistant.affinity` without
any learning library.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from assistant.affinity import AFFINITY_FEATURES, Affinity, affinity_columns, load_affinity
from assistant.answer_types import QuestionInfo
from assistant.reader import Evidence, SentenceSimilarity
from assistant.trees import TreeEnsemble, load_ensemble
from assistant.types import Hit
from corpus.normalize import normalize_text
from corpus.tokenize import char_bigrams

RANKER_FILE = "evidence_ranker.json"
GATE_FILE = "answerability.json"

# Answer types are one-hot inputs (data for the model, not branches in code). Listed here rather than read
# from the registry: a type added later reads as none of these, and the shipped models stay valid.
TYPES = ("number", "deadline", "yesno", "list", "definition", "classification", "procedure", "none")
_BASE = (
    "score", "score_gap", "hand_rank", "coverage", "coverage_gap", "coverage_rank", "fit", "fits",
    "closeness", "closest", "passage_rank", "keyword_rank", "dense_rank", "doc_share", "top_doc",
    "log_length", "article_head", "into_article", "prohibits", "has_spans", "bigram_jaccard",
    "bigram_recall",
)  # fmt: skip
FEATURES: tuple[str, ...] = (
    *_BASE,
    *(f"fit_{t}" for t in TYPES),
    *(f"closeness_{t}" for t in TYPES),
    *AFFINITY_FEATURES,
)

_ARTICLE = re.compile(r"第[一二三四五六七八九十百零〇\d]+条")
_PROHIBITS = re.compile(r"不得|禁止|严禁|不准|不予")


def _recip(rank: int | None) -> float:
    return 0.0 if rank is None else 1.0 / (1.0 + rank)


def _into_article(ev: Evidence) -> float:
    """Sentences between the article's head (第X条) and this one in its passage; 0 for the head."""
    chunk = ev.hit.chunk
    before = chunk.text[: max(ev.start - chunk.start, 0)]
    heads = list(_ARTICLE.finditer(before))
    tail = before[heads[-1].end() :] if heads else before
    return float(min(tail.count("。") + tail.count("；"), 10))


def features(
    info: QuestionInfo,
    evidence: Sequence[Evidence],
    hits: Sequence[Hit],
    affinities: Sequence[float | None] | None = None,
) -> list[list[float]]:
    """One row of :data:`FEATURES` per sentence of ``evidence`` (best first by the reader's score);
    ``affinities`` are the sentences' learned affinities to the question (:mod:`assistant.affinity`),
    None when not read."""
    if not evidence:
        return []
    learned = affinity_columns(affinities, len(evidence))
    best = evidence[0].score
    top_cov = max(ev.coverage for ev in evidence)
    by_cov = sorted(range(len(evidence)), key=lambda i: -evidence[i].coverage)
    cov_rank = {i: r for r, i in enumerate(by_cov)}
    passage = {h.chunk.chunk_id: i for i, h in enumerate(hits)}
    share: dict[str, float] = {}
    for ev in evidence[:10]:
        share[ev.hit.chunk.doc_id] = share.get(ev.hit.chunk.doc_id, 0.0) + ev.score
    total = sum(share.values()) or 1.0
    top_doc = hits[0].chunk.doc_id if hits else None
    asked = set(char_bigrams(normalize_text(info.text)))
    onehot = [1.0 if info.qtype == t else 0.0 for t in TYPES]
    rows = []
    for i, ev in enumerate(evidence):
        grams = set(char_bigrams(normalize_text(ev.text)))
        common = len(asked & grams)
        base = [
            ev.score,
            ev.score - best,
            _recip(i),
            ev.coverage,
            ev.coverage - top_cov,
            _recip(cov_rank[i]),
            ev.fit,
            float(ev.fit >= 1.0),
            ev.closeness,
            float(ev.closeness >= 1.0),
            _recip(passage.get(ev.hit.chunk.chunk_id, len(hits))),
            _recip(ev.hit.bm25_rank),
            _recip(ev.hit.dense_rank),
            share.get(ev.hit.chunk.doc_id, 0.0) / total,
            float(ev.hit.chunk.doc_id == top_doc),
            math.log1p(len(ev.text)),
            float(bool(_ARTICLE.match(ev.text))),
            _into_article(ev),
            float(bool(_PROHIBITS.search(ev.text))),
            float(bool(ev.spans)),
            common / (len(asked | grams) or 1),
            common / (len(asked) or 1),
        ]
        rows.append(base + [ev.fit * x for x in onehot] + [ev.closeness * x for x in onehot] + learned[i])
    return rows


def reading_units(evidence: Sequence[Evidence]) -> list[tuple[str, int, int, str]]:
    """Each sentence as the reading unit its vector is stored under: ``(chunk_id, start, end, text)``,
    offsets into the passage."""
    return [
        (ev.hit.chunk.chunk_id, ev.start - ev.hit.chunk.start, ev.end - ev.hit.chunk.start, ev.text)
        for ev in evidence
    ]


GATE_FEATURES: tuple[str, ...] = (
    "lead_coverage", "lead_fit", "lead_closeness", "lead_score", "max_coverage", "covering_20",
    "covering_30", "top_margin", "margin_gap", "learned_coverage", "learned_fit", "learned_closeness",
    "learned_doc_share", "learned_bigram_recall", "max_bigram_recall", "candidates",
    "learned_affinity", "max_affinity",
    *(f"asks_{t}" for t in TYPES),
)  # fmt: skip
_COL = {name: i for i, name in enumerate(FEATURES)}


def gate_features(
    qtype: str, lead: Evidence, rows: Sequence[Sequence[float]], margins: Sequence[float]
) -> list[float]:
    """One row of :data:`GATE_FEATURES`: the reader's lead, the candidates' ``rows`` (:func:`features`)
    and the ranker's ``margins`` for them."""
    if not rows:
        return [lead.coverage, lead.fit, lead.closeness, lead.score] + [0.0] * (len(GATE_FEATURES) - 4)
    col = _COL

    def column(name: str) -> list[float]:
        return [r[col[name]] for r in rows]

    coverage = column("coverage")
    order = sorted(range(len(rows)), key=lambda i: (-margins[i], i))
    top = rows[order[0]]
    gap = margins[order[0]] - margins[order[1]] if len(order) > 1 else 0.0
    return [
        lead.coverage,
        lead.fit,
        lead.closeness,
        lead.score,
        max(coverage),
        float(sum(c >= 0.2 for c in coverage)),
        float(sum(c >= 0.3 for c in coverage)),
        margins[order[0]],
        gap,
        top[col["coverage"]],
        top[col["fit"]],
        top[col["closeness"]],
        top[col["doc_share"]],
        top[col["bigram_recall"]],
        max(column("bigram_recall")),
        float(len(rows)),
        top[col["affinity"]],
        max(column("affinity")),
        *(1.0 if qtype == t else 0.0 for t in TYPES),
    ]


@dataclass(frozen=True, slots=True)
class Readings:
    """The learned models' view of one question: the candidates in the learned order and the
    probability that the documents answer it (None without a gate)."""

    ordered: list[Evidence]
    answerable: float | None


@dataclass(frozen=True, slots=True)
class EvidenceModels:
    """The ranker, (optionally) the gate and the affinity weights; ``window`` candidates are read."""

    ranker: TreeEnsemble
    gate: TreeEnsemble | None = None
    window: int = 30
    affinity: Affinity | None = None

    def read(
        self,
        info: QuestionInfo,
        evidence: Sequence[Evidence],
        lead: Evidence | None,
        hits: Sequence[Hit],
        similarity: SentenceSimilarity | None = None,
    ) -> Readings:
        """The first ``window`` sentences reordered by the ranker (ties keep the reader's order; the
        rest keep theirs), and the gate's probability for ``lead``, the reader's selected lead.
        ``similarity`` reads the sentences' learned affinity from their stored vectors."""
        head = list(evidence[: self.window])
        affinities = None
        if self.affinity is not None and similarity is not None and head:
            weights = self.affinity.for_type(info.qtype)
            affinities = similarity(info.search_text, reading_units(head), weights)
        rows = features(info, head, hits, affinities)
        margins = self.ranker.margins(rows)
        order = sorted(range(len(head)), key=lambda i: (-margins[i], i))
        ordered = [head[i] for i in order] + list(evidence[self.window :])
        if self.gate is None or lead is None:
            return Readings(ordered, None)
        return Readings(ordered, self.gate.probability(gate_features(info.qtype, lead, rows, margins)))


def load_models(
    ranker: Path | None = None, gate: Path | None = None, window: int = 30, affinity: Path | None = None
) -> EvidenceModels:
    """The models in the given files, or those shipped with the package."""
    return EvidenceModels(
        load_ensemble(FEATURES, ranker, RANKER_FILE),
        load_ensemble(GATE_FEATURES, gate, GATE_FILE),
        window,
        load_affinity(affinity),
    )


@lru_cache(maxsize=4)
def shipped_models(window: int = 30) -> EvidenceModels:
    """The packaged models, read once per process."""
    return load_models(window=window)
