"""Quiz builder (出题): exam items with answer keys, distractors and exact sources, from the documents.

A peer of ``ui`` and ``evaluation``: it consumes the assistant's public API (``from assistant import …``)
and is consumed by the web app's quiz tab and the evaluation's quiz-derived gold sets.
"""

from quiz.export import QuizExportError, answer_key_path, export
from quiz.facts import WordSplitter, extract_enumerations, extract_facts
from quiz.generate import Quiz, QuizGenerator, generate_quiz
from quiz.importer import QuizImportError, read_quiz
from quiz.review import REVIEW_COLUMNS, items_to_rows, rows_to_items
from quiz.source import QuizSource
from quiz.types import ITEM_TYPES, TYPE_NAMES, ItemCitation, QuizItem, QuizReport, QuizSpec

__all__ = [
    "ITEM_TYPES",
    "REVIEW_COLUMNS",
    "TYPE_NAMES",
    "ItemCitation",
    "Quiz",
    "QuizExportError",
    "QuizGenerator",
    "QuizImportError",
    "QuizItem",
    "QuizReport",
    "QuizSource",
    "QuizSpec",
    "WordSplitter",
    "answer_key_path",
    "export",
    "extract_enumerations",
    "extract_facts",
    "generate_quiz",
    "items_to_rows",
    "read_quiz",
    "rows_to_items",
]
