"""Quiz builder (出题): exam items with answer keys, distractors and exact sources, from the documents."""

from assistant.quiz.export import export
from assistant.quiz.generate import Quiz, QuizGenerator, generate_quiz
from assistant.quiz.importer import QuizImportError, read_quiz
from assistant.quiz.types import ItemCitation, QuizItem, QuizReport, QuizSpec

__all__ = [
    "ItemCitation",
    "Quiz",
    "QuizGenerator",
    "QuizImportError",
    "QuizItem",
    "QuizReport",
    "QuizSpec",
    "export",
    "generate_quiz",
    "read_quiz",
]
