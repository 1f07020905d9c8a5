"""Export (导出) in every format, and importing a reviewed workbook back (导入) with clear errors."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import docx
import pytest
from openpyxl import Workbook, load_workbook

from quiz.export import COLUMNS, QuizExportError, answer_key_path, export
from quiz.importer import QuizImportError, parse_location, read_quiz
from quiz.types import BLANK, JUDGE_OPTIONS, ItemCitation, QuizItem

DOC_TEXT = "前言。本办法自2014年5月1日起施行。乡镇人民政府、街道办事处负责申请受理。遵循公开、公平、公正、及时的原则。"


def cite(quote: str) -> ItemCitation:
    start = DOC_TEXT.index(quote)
    return ItemCitation("办法.txt", "第七章 附则 > 第七十条", start, start + len(quote), quote, "某某办法")


def expl(lead: str, quote: str) -> str:
    return f"{lead}依据《某某办法》，出处原文：“{quote}”"


Q1, Q2, Q3 = (
    "本办法自2014年5月1日起施行。",
    "乡镇人民政府、街道办事处负责申请受理。",
    "遵循公开、公平、公正、及时的原则。",
)
ITEMS = [
    QuizItem("single", f"本办法自{BLANK}起施行。", ("2015年5月1日", "2014年5月1日", "2014年7月1日", "2013年5月1日"),
             ("B",), expl("正确答案为B。", Q1), cite(Q1), "medium", ("某某办法", "日期")),
    QuizItem("multi", f"遵循{BLANK}的原则。下列属于括号中所列内容的有：", ("公开", "自愿", "公正", "及时", "因地制宜"),
             ("A", "C", "D"), expl("正确答案为ACD。", Q3), cite(Q3), "hard", ("某某办法",)),
    QuizItem("judge", "县级以上人民政府、街道办事处负责申请受理。", JUDGE_OPTIONS, ("B",), expl("该说法错误。", Q2), cite(Q2), "easy"),
    QuizItem("blank", f"本办法自{BLANK}起施行。", (), ("2014年5月1日",), expl("答案：2014年5月1日。", Q1), cite(Q1), "medium"),
]  # fmt: skip


SPAN = f"[{DOC_TEXT.index(Q1)}, {DOC_TEXT.index(Q1) + len(Q1)})"


def doc_text(source: str) -> str | None:
    return DOC_TEXT if source == "办法.txt" else None


def test_xlsx_has_the_exam_columns(tmp_path: Path) -> None:
    path = export(ITEMS, tmp_path / "quiz.xlsx")
    ws = load_workbook(path).active
    assert ws is not None
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:11] == (
        "题型",
        "题干",
        "选项A",
        "选项B",
        "选项C",
        "选项D",
        "选项E",
        "正确答案",
        "解析",
        "出处",
        "难度",
    )
    assert rows[1][0] == "单选题" and rows[1][7] == "B" and rows[1][10] == "中"
    assert rows[2][7] == "ACD" and rows[2][6] == "因地制宜"
    assert rows[3][7] == "错误" and rows[4][7] == "2014年5月1日"
    # 出处 in a trainer's words; the offsets only in the machine column 出处位置 (read back on import)
    assert rows[1][9] == "《某某办法》第七章 附则 > 第七十条" and not re.search(r"\[\d+, ?\d+\)", rows[1][9])
    assert rows[0][12] == "出处位置" and rows[1][12] == f"办法.txt {SPAN}"
    assert parse_location({"出处": str(rows[1][9]), "出处位置": str(rows[1][12])}) == (
        "某某办法",
        "第七章 附则 > 第七十条",
        "办法.txt",
        *ITEMS[0].citation_span,
    )


def test_xlsx_round_trip(tmp_path: Path) -> None:
    path = export(ITEMS, tmp_path / "quiz.xlsx")
    back = read_quiz(path, doc_text)
    assert [i.to_dict() | {"id": 0} for i in back] == [i.to_dict() | {"id": 0} for i in ITEMS]
    assert read_quiz(path) == back  # without the documents the quote comes from the explanation


def test_json_is_the_documented_shape(tmp_path: Path) -> None:
    data = json.loads(export(ITEMS, tmp_path / "quiz.json").read_text(encoding="utf-8"))
    assert data[0]["type"] == "single" and data[0]["answer"] == ["B"]
    assert set(data[0]) >= {
        "type",
        "stem",
        "options",
        "answer",
        "explanation",
        "citation",
        "difficulty",
        "tags",
    }
    assert set(data[0]["citation"]) == {"source", "section", "start", "end", "quote"}
    assert data[3]["answer"] == ["2014年5月1日"] and data[3]["options"] == []
    assert [i.to_dict() for i in read_quiz(tmp_path / "quiz.json")] == data


def test_csv_and_markdown(tmp_path: Path) -> None:
    with export(ITEMS, tmp_path / "quiz.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    assert tuple(rows[0]) == COLUMNS and len(rows) == 5
    md = export(ITEMS, tmp_path / "quiz.md").read_text(encoding="utf-8")
    assert "## 一、单选题" in md and "## 参考答案与解析" in md and "   - B. 2014年5月1日" in md


def test_docx_paper_and_separate_answer_key(tmp_path: Path) -> None:
    path = export(ITEMS, tmp_path / "quiz.docx", title="测试卷")
    paper = [p.text for p in docx.Document(str(path)).paragraphs]
    key_path = answer_key_path(path)
    assert key_path == tmp_path / "quiz-答案.docx" and key_path.exists()
    key = [p.text for p in docx.Document(str(key_path)).paragraphs]
    assert paper[0] == "测试卷" and any(t.startswith("一、单选题") for t in paper)
    assert f"1. 本办法自{BLANK}起施行。" in paper and "B. 2014年5月1日" in paper
    assert not any("答案：" in t or t.startswith(("解析：", "出处：")) for t in paper)
    assert key[0] == "测试卷 · 参考答案与解析"
    assert "1. 答案：B" in key and "2. 答案：ACD" in key and "3. 答案：错误" in key
    assert any(t.startswith("出处：《某某办法》") for t in key)


def test_unknown_format_is_refused(tmp_path: Path) -> None:
    with pytest.raises(QuizExportError, match=r"\.pdf"):
        export(ITEMS, tmp_path / "quiz.pdf")


def sheet(tmp_path: Path, rows: list[list[object]], header: tuple[str, ...] = COLUMNS) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(list(header))
    for r in rows:
        ws.append(r)
    path = tmp_path / "reviewed.xlsx"
    wb.save(path)
    return path


def good_row() -> list[object]:
    return [
        "单选题",
        "题干",
        "甲",
        "乙",
        "丙",
        "丁",
        None,
        "A",
        expl("", Q1),
        f"《某某办法》第七十条（办法.txt {SPAN}）",
        "中",
    ]


def test_import_reports_row_and_column(tmp_path: Path) -> None:
    bad = [
        good_row(),
        [
            "单选题",
            "题干",
            "甲",
            "乙",
            "丙",
            "丁",
            None,
            "AB",
            expl("", Q1),
            f"《某某办法》（办法.txt {SPAN}）",
            "中",
        ],
        ["多选题", "题干", "甲", "乙", "丙", "丁", None, "E", expl("", Q1), f"（办法.txt {SPAN}）", "中"],
        [
            "判断题",
            "题干",
            None,
            None,
            None,
            None,
            None,
            "也许",
            expl("", Q1),
            f"（办法.txt {SPAN}）",
            "很难",
        ],
        ["问答题", "题干"],
        ["填空题", "", None, None, None, None, None, "x", "没有原文", "第七十条", "易"],
        [
            "单选题",
            "题干",
            "甲",
            "乙",
            "丙",
            "丁",
            None,
            "A",
            expl("", "改过的原文"),
            f"（办法.txt {SPAN}）",
            "中",
        ],
    ]
    with pytest.raises(QuizImportError) as err:
        read_quiz(sheet(tmp_path, bad), doc_text)
    messages = err.value.errors
    assert "第 3 行「正确答案」列：单选题只能有一个答案，收到 'AB'" in messages
    assert any(m.startswith("第 4 行「正确答案」列：E 不是已填写的选项") for m in messages)
    assert any(m.startswith("第 5 行「正确答案」列：判断题应为") for m in messages)
    assert any(m.startswith("第 5 行「难度」列") for m in messages)
    assert any(m.startswith("第 6 行「题型」列") for m in messages)
    assert any(m.startswith("第 7 行「题干」列：不能为空") for m in messages)
    assert any(m.startswith("第 7 行「出处」列：格式应为") for m in messages)
    assert any(m.startswith("第 8 行「解析」列：引用原文与 办法.txt") for m in messages)
    assert not any(m.startswith("第 2 行") for m in messages)
    assert "reviewed.xlsx 有" in str(err.value)


def test_import_needs_the_columns(tmp_path: Path) -> None:
    with pytest.raises(QuizImportError, match="第 1 行缺少列：正确答案"):
        read_quiz(sheet(tmp_path, [], tuple(c for c in COLUMNS if c != "正确答案")))
