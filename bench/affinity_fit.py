"""Fit the learned affinity weights (语义贴合度, :mod:`assistant.affinity`) on questions' readings.

Each question gives its vector q and the stored vectors v of the sentences read for it, some holding
the gold evidence. The score of a sentence is Σᵢ (aᵢ + bₜ,ᵢ)·qᵢ·vᵢ: ``a`` shared by every question,
``bₜ`` by those of answer type t. Both are fitted listwise (softmax over the question's sentences,
the gold ones the target), with Adam in mini-batches, ``a`` starting at a constant that makes the
score the cosine times :data:`START` (a softmax over cosines that differ by hundredths needs that
scale to learn from). A fixed number of passes and a fixed seed, so a rerun gives the same weights;
few passes and no penalty, because fitting longer learned the training documents (measured with
sets held out: gold first 1,741 of 2,870 after 15 passes, 1,728 after 10, fewer after 30).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assistant.affinity import ANY_TYPE, FORMAT, Affinity

# The model of the vectors fitted on (the holdout indexes are built with the default embedder, a build of it);
# the assistant reads the weights only over an index embedded with the same model.
MODEL = "multilingual-e5-small"
START = 30.0
PASSES = 15
BATCH = 64
RATE = 0.5
SEED = 1


@dataclass(frozen=True)
class Reading:
    """One question for fitting: its type, vector, its sentences' vectors (rows; a sentence without a
    vector left out) and which of them hold the gold evidence."""

    qtype: str
    query: np.ndarray
    vectors: np.ndarray
    gold: np.ndarray


def reading(qtype: str, query: Sequence[float] | None, vectors: Sequence[Sequence[float] | None],
            labels: Sequence[bool]) -> Reading | None:  # fmt: skip
    """The question's :class:`Reading`, or None when no vector of a gold sentence is stored."""
    keep = [i for i, v in enumerate(vectors) if v is not None]
    if query is None or not keep or not any(labels[i] for i in keep):
        return None
    return Reading(
        qtype,
        np.asarray(query, dtype=np.float64),
        np.asarray([vectors[i] for i in keep], dtype=np.float64),
        np.asarray([float(labels[i]) for i in keep]),
    )


def fit(readings: Sequence[Reading], types: Sequence[str]) -> dict[str, list[float]]:
    """Weights per answer type in ``types`` (shared plus the type's own), and the shared ones under
    ``ANY_TYPE``."""
    if not readings:
        raise ValueError("no question with a gold sentence to fit affinity weights on")
    dim = readings[0].query.size
    shared = np.full(dim, START)
    own = {t: np.zeros(dim) for t in types}
    params = [shared, *own.values()]
    first = [np.zeros(dim) for _ in params]
    second = [np.zeros(dim) for _ in params]
    slot = {t: i + 1 for i, t in enumerate(types)}
    rng = np.random.default_rng(SEED)
    step = 0
    for _ in range(PASSES):
        order = rng.permutation(len(readings))
        for start in range(0, len(order), BATCH):
            batch = order[start : start + BATCH]
            grads = [np.zeros(dim) for _ in params]
            for k in batch:
                r = readings[k]
                typed = own.get(r.qtype)
                w = shared + typed if typed is not None else shared
                s = r.vectors @ (w * r.query)
                p = np.exp(s - s.max())
                p /= p.sum()
                g = r.query * (r.vectors.T @ (p - r.gold / r.gold.sum()))
                grads[0] += g
                if typed is not None:
                    grads[slot[r.qtype]] += g
            step += 1
            for i, param in enumerate(params):
                g = grads[i] / len(batch)
                first[i] = 0.9 * first[i] + 0.1 * g
                second[i] = 0.999 * second[i] + 0.001 * g * g
                m, v = first[i] / (1 - 0.9**step), second[i] / (1 - 0.999**step)
                param -= RATE * m / (np.sqrt(v) + 1e-8)
    out = {t: [float(x) for x in shared + own[t]] for t in types}
    out[ANY_TYPE] = [float(x) for x in shared]
    return out


def scores(weights: dict[str, list[float]], qtype: str, query: Sequence[float] | None,
           vectors: Sequence[Sequence[float] | None]) -> list[float | None] | None:  # fmt: skip
    """The affinity of each sentence under ``weights`` (None without a vector), as the assistant reads it."""
    if query is None:
        return None
    w = np.asarray(Affinity({k: tuple(v) for k, v in weights.items()}).for_type(qtype)) * np.asarray(query)
    return [None if v is None else float(np.asarray(v) @ w) for v in vectors]


def export(weights: dict[str, list[float]], trained_on: dict[str, int]) -> dict[str, object]:
    return {
        "format": FORMAT,
        "model": MODEL,
        "weights": weights,
        "trained_on": trained_on,
        "fitted_with": f"bench/affinity_fit.py listwise softmax, {PASSES} passes, batch {BATCH}, Adam rate {RATE}",
    }
