"""Review (审核): items as editable table rows and back, with the same checks as the XLSX import.

The web tab shows a quiz as rows; a trainer edits stems, options, keys and explanations in place.
Citations are never edited here: they stay tied to the sentence the item was made from.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from quiz.export import COLUMNS, LOCATOR_COLUMN, source_text
from quiz.importer import _answer
from quiz.types import DIFFICULTY_NAMES, JUDGE_OPTIONS, LETTERS, TYPE_NAMES, QuizItem

# The export columns a trainer may edit, after a row number, then 出处 (document and article, no offsets)
# to read; 出处, 标签 and the machine column 出处位置 are not edited here.
REVIEW_COLUMNS = ("序号", *(c for c in COLUMNS if c not in ("出处", "标签", LOCATOR_COLUMN)), "出处")
_DIFFICULTY = {v: k for k, v in DIFFICULTY_NAMES.items()} | {k: k for k in DIFFICULTY_NAMES}


def items_to_rows(items: Sequence[QuizItem]) -> list[list[Any]]:
    rows = []
    for n, item in enumerate(items, start=1):
        options = [*item.options, *[""] * 5][:5] if item.type != "judge" else ["正确", "错误", "", "", ""]
        answer = item.answer_text if item.type != "judge" else JUDGE_OPTIONS[LETTERS.index(item.answer[0])]
        rows.append(
            [
                n,
                TYPE_NAMES[item.type],
                item.stem,
                *options,
                answer,
                item.explanation,
                DIFFICULTY_NAMES[item.difficulty],
                source_text(item),
            ]
        )
    return rows


def rows_to_items(
    items: Sequence[QuizItem], rows: Sequence[Sequence[Any]]
) -> tuple[list[QuizItem], list[str]]:
    """Apply edited rows to ``items`` (matched by position); invalid rows keep the old item and say why."""
    out = list(items)
    errors: list[str] = []
    for n, values in enumerate(rows[: len(items)], start=1):
        cells = ["" if v is None else str(v).strip() for v in values]
        cells += [""] * (len(REVIEW_COLUMNS) - len(cells))
        old = items[n - 1]
        row_errors: list[str] = []

        def err(column: str, message: str, n: int = n, row_errors: list[str] = row_errors) -> None:
            row_errors.append(f"第 {n} 题「{column}」：{message}")

        stem = cells[2]
        if not stem:
            err("题干", "不能为空")
        options = [] if old.type == "blank" else list(JUDGE_OPTIONS) if old.type == "judge" else cells[3:8]
        while options and not options[-1]:
            options.pop()
        if "" in options:
            err("选项", "选项中间不能留空")
        if len(set(options)) != len(options):
            err("选项", "选项有重复")
        answer = _answer(old.type, cells[8], options, err)
        difficulty = _DIFFICULTY.get(cells[10] or DIFFICULTY_NAMES[old.difficulty])
        if difficulty is None:
            err("难度", f"应为 易/中/难，收到 {cells[10]!r}")
        if row_errors or difficulty is None:
            errors += row_errors
            continue
        out[n - 1] = old.with_(
            stem=stem, options=tuple(options), answer=answer, explanation=cells[9] or old.explanation,
            difficulty=difficulty,
        )  # fmt: skip
    return out, errors
