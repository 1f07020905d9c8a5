"""Review (审核): table rows round-trip, edits are validated, and the web tab builds."""

from __future__ import annotations

from typing import Any

import pytest

from quiz.review import REVIEW_COLUMNS, items_to_rows, rows_to_items
from quiz.types import BLANK, JUDGE_OPTIONS, ItemCitation, QuizItem

CITE = ItemCitation("办法.txt", "第七十条", 0, 18, "本办法自2014年5月1日起施行。")
ITEMS = [
    QuizItem("single", f"本办法自{BLANK}起施行。", ("甲", "乙", "丙", "丁"), ("B",), "解析", CITE),
    QuizItem("judge", "本办法自2015年5月1日起施行。", JUDGE_OPTIONS, ("B",), "解析", CITE, "easy"),
    QuizItem("blank", f"本办法自{BLANK}起施行。", (), ("2014年5月1日",), "解析", CITE),
]


def test_rows_round_trip() -> None:
    rows = items_to_rows(ITEMS)
    assert all(len(r) == len(REVIEW_COLUMNS) for r in rows)
    assert rows[1][8] == "错误" and rows[0][8] == "B"
    assert rows_to_items(ITEMS, rows) == (ITEMS, [])


def test_edits_apply_and_bad_edits_are_reported() -> None:
    rows = items_to_rows(ITEMS)
    rows[0][2] = "改过的题干（　　）"
    rows[0][8] = "C"
    rows[1][8] = "正确"
    rows[2][8] = ""
    new, errors = rows_to_items(ITEMS, rows)
    assert new[0].stem == "改过的题干（　　）" and new[0].answer == ("C",)
    assert new[1].answer == ("A",)
    assert new[2] == ITEMS[2] and errors == ["第 3 题「正确答案」：不能为空"]


def test_the_tab_builds(quiz_assistant: Any) -> None:
    gr = pytest.importorskip("gradio")
    from ui.quiz_tab import build_quiz_tab

    with gr.Blocks() as demo, gr.Tabs():
        build_quiz_tab(quiz_assistant)
    labels = [getattr(b, "label", None) for b in demo.blocks.values()]
    assert "出题" in labels and "审核（可直接修改后点“保存修改”）" in labels
