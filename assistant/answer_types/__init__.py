"""Answer types (题型): one module per type, one registry that classifies questions.

Adding a type is one new module with an :class:`AnswerType` subclass (its cues, span extractor, fit,
short answer and whether it leads) and one line here; nothing else branches on type names.
"""

from __future__ import annotations

from assistant.answer_types.base import AnswerType, Cue, QuestionInfo, proximity
from assistant.answer_types.classification import CLASSIFICATION
from assistant.answer_types.deadline import DEADLINE
from assistant.answer_types.definition import DEFINITION
from assistant.answer_types.enumeration import ENUMERATION
from assistant.answer_types.none import NONE
from assistant.answer_types.number import NUMBER
from assistant.answer_types.procedure import PROCEDURE
from assistant.answer_types.registry import AnswerTypes
from assistant.answer_types.yesno import YESNO

ANSWER_TYPES = AnswerTypes(
    [NUMBER, DEADLINE, CLASSIFICATION, ENUMERATION, DEFINITION, PROCEDURE, YESNO], fallback=NONE
)

__all__ = ["ANSWER_TYPES", "AnswerType", "AnswerTypes", "Cue", "QuestionInfo", "proximity"]
