"""Rank fusion (排序融合): pure functions, unit-tested on their own."""

from __future__ import annotations

from collections.abc import Sequence

RRF_K = 60  # Cormack et al. 2009; the constant most hybrid systems use


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[str]], k: int = RRF_K, weights: Sequence[float] | None = None
) -> list[tuple[str, float]]:
    """Fuse ranked id lists: score(id) = Σ w_i / (k + rank_i), rank starting at 1. Ties keep first-seen order."""
    w = list(weights) if weights is not None else [1.0] * len(rankings)
    if len(w) != len(rankings):
        raise ValueError("one weight per ranking")
    scores: dict[str, float] = {}
    for ranking, weight in zip(rankings, w, strict=True):
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda kv: -kv[1])
