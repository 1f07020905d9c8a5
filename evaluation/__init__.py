"""Evaluation (评测): gold sets, matching normalization, metrics and scoring of assistant answers."""

from evaluation.errors import EvaluationError, GoldSetError, PredictionError
from evaluation.gold import GoldItem, load_gold, load_predictions
from evaluation.scoring import ScoreReport, score
from evaluation.textnorm import normalize

__all__ = [
    "EvaluationError",
    "GoldItem",
    "GoldSetError",
    "PredictionError",
    "ScoreReport",
    "load_gold",
    "load_predictions",
    "normalize",
    "score",
]
