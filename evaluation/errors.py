"""Errors raised by the evaluation layer (评测错误); messages name the file, the line or row and the field."""

from __future__ import annotations

from corpus.errors import PolicyAssistantError

__all__ = ["EvaluationError", "GoldSetError", "PredictionError"]


class EvaluationError(PolicyAssistantError):
    """Base class for evaluation input problems."""


class GoldSetError(EvaluationError):
    """A gold set (标准答案集) file is missing, unreadable or has an invalid row."""


class PredictionError(EvaluationError):
    """A predictions file or prediction object does not follow the assistant's answer contract."""
