"""Gold set and prediction loading (标准答案集/预测结果): all three formats and every validation error."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from evaluation.errors import GoldSetError, PredictionError
from evaluation.gold import QUESTION_TYPES, GoldItem, load_gold, load_predictions

SHARED_GOLD = Path(__file__).resolve().parents[2].parent / "shared" / "datasets" / "dev_qa.jsonl"

ROW: dict[str, Any] = {
    "id": "q008",
    "type": "deadline",
    "question": "社会救助暂行办法是从哪天开始施行的？",
    "answers": ["2014年5月1日"],
    "keys": ["2014年5月1日"],
    "doc": "2014-02-21_shehui-jiuzhu-zanxing-banfa.txt",
    "evidence": "本办法自2014年5月1日起施行",
}
NONE_ROW: dict[str, Any] = {
    "id": "q002",
    "type": "none",
    "question": "农村宅基地一户最多能批多少平方米？",
    "answers": ["现有文件中没有相关规定，无法回答"],
    "keys": [],
    "doc": "",
    "evidence": "",
}
EXPECTED = GoldItem(
    id="q008",
    type="deadline",
    question=ROW["question"],
    answers=("2014年5月1日",),
    keys=("2014年5月1日",),
    doc=ROW["doc"],
    evidence=ROW["evidence"],
)


def _jsonl(path: Path, rows: list[Any]) -> Path:
    path.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows) + "\n"
    )
    return path


def _xlsx(path: Path, rows: list[list[Any]]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


# ---------------------------------------------------------------- formats


def test_jsonl_loads_frozen_items(tmp_path: Path) -> None:
    items = load_gold(_jsonl(tmp_path / "dev.jsonl", [ROW, "", NONE_ROW]))
    assert items[0] == EXPECTED
    assert [i.answerable for i in items] == [True, False]
    with pytest.raises(dataclasses.FrozenInstanceError):
        items[0].id = "x"  # type: ignore[misc]


def test_csv_with_english_headers_and_pipe_lists(tmp_path: Path) -> None:
    path = tmp_path / "dev.csv"
    path.write_text(
        "id,type,question,answers,keys,doc,evidence\n"
        f"q008,deadline,{ROW['question']},2014年5月1日,2014年5月1日 | ,{ROW['doc']},{ROW['evidence']}\n"
        'q010,list,"哪些人不能当监事？","理事会成员|财务人员","理事会成员；财务人员",a.txt,理事会成员、财务人员\n',
        encoding="utf-8-sig",
    )
    items = load_gold(path)
    assert items[0] == EXPECTED
    assert items[1].answers == ("理事会成员", "财务人员")
    assert items[1].keys == ("理事会成员", "财务人员")


def test_csv_with_chinese_headers_json_array_and_gbk(tmp_path: Path) -> None:
    path = tmp_path / "题库.csv"
    text = (
        "编号,题型,问题,答案,关键词,出处,依据,备注\n"
        f'q008,时间,{ROW["question"]},"[""2014年5月1日""]",2014年5月1日,{ROW["doc"]},{ROW["evidence"]},培训用\n'
    )
    path.write_bytes(text.encode("gbk"))  # as Excel on Chinese Windows saves it
    assert load_gold(path) == [EXPECTED]


def test_xlsx_with_chinese_headers(tmp_path: Path) -> None:
    path = _xlsx(
        tmp_path / "题库.xlsx",
        [
            ["编号", "类型", "问题", "答案", "关键词", "文件", "依据", "备注"],
            [
                8,
                "deadline",
                ROW["question"],
                dt.datetime(2014, 5, 1),
                "2014年5月1日",
                ROW["doc"],
                ROW["evidence"],
                None,
            ],
            [None, None, None, None, None, None, None, None],
            [
                "q002",
                "无答案",
                NONE_ROW["question"],
                "现有文件中没有相关规定，无法回答",
                None,
                None,
                None,
                "拒答",
            ],
        ],
    )
    items = load_gold(path)
    assert items[0] == dataclasses.replace(EXPECTED, id="8")  # numeric id and date cell come back as text
    assert items[1].type == "none" and items[1].keys == ()


def test_shared_dev_set_loads() -> None:
    if not SHARED_GOLD.is_file():
        pytest.skip("shared dev set not present")
    items = load_gold(SHARED_GOLD)
    assert len(items) == 71
    assert {i.type for i in items} == set(QUESTION_TYPES)


# ---------------------------------------------------------------- validation errors


def _error(tmp_path: Path, rows: list[Any]) -> str:
    with pytest.raises(GoldSetError) as info:
        load_gold(_jsonl(tmp_path / "dev.jsonl", rows))
    return str(info.value)


def test_other_type_labels_are_kept_as_their_own_category(tmp_path: Path) -> None:
    # Another system's gold set: its own labels stay; its unanswerable label means our ``none``.
    rows = [
        {**ROW, "type": "Multi-Hop"},
        {**NONE_ROW, "type": "unanswerable"},
        {**ROW, "id": "x", "type": "比较"},
    ]
    items = load_gold(_jsonl(tmp_path / "other.jsonl", rows))
    assert [i.type for i in items] == ["multi-hop", "none", "比较"]
    assert [i.answerable for i in items] == [True, False, True]


def test_empty_type_names_line_and_field(tmp_path: Path) -> None:
    message = _error(tmp_path, [NONE_ROW, {**ROW, "type": " "}])
    assert message == "dev.jsonl line 2: field 'type' must not be empty"


def test_jsonl_keys_may_be_spelled_as_table_headers(tmp_path: Path) -> None:
    row = {"编号": "a1", "题型": "数字", "问题": "多少？", "answer": "60%", "关键词": "60%", "文件": "a.txt"}
    items = load_gold(_jsonl(tmp_path / "g.jsonl", [{**row, "依据": "比重达到60%"}]))
    assert (items[0].id, items[0].type, items[0].answers, items[0].evidence) == (
        "a1",
        "number",
        ("60%",),
        "比重达到60%",
    )


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"question": None}, "dev.jsonl line 1: field 'question'"),
        ({"question": "  "}, "dev.jsonl line 1: field 'question' must not be empty"),
        ({"keys": []}, "dev.jsonl line 1: field 'keys' must not be empty for answerable type 'deadline'"),
        ({"doc": ""}, "dev.jsonl line 1: field 'doc' must not be empty"),
        ({"evidence": ""}, "dev.jsonl line 1: field 'evidence' must not be empty"),
        ({"answers": "[broken"}, "dev.jsonl line 1: field 'answers' is invalid: not a valid JSON array"),
        ({"keys": [1, 2]}, "dev.jsonl line 1: field 'keys.0'"),
    ],
)
def test_each_field_problem_is_named(tmp_path: Path, change: dict[str, Any], expected: str) -> None:
    assert _error(tmp_path, [{**ROW, **change}]).startswith(expected)


def test_missing_field(tmp_path: Path) -> None:
    row = {k: v for k, v in ROW.items() if k != "question"}
    assert _error(tmp_path, [row]) == "dev.jsonl line 1: field 'question' is missing"


def test_none_type_must_not_name_a_document(tmp_path: Path) -> None:
    message = _error(tmp_path, [{**NONE_ROW, "doc": "a.txt"}])
    assert message == "dev.jsonl line 1: field 'doc' must be empty for type 'none'; got 'a.txt'"


def test_duplicate_id(tmp_path: Path) -> None:
    message = _error(tmp_path, [ROW, NONE_ROW, ROW])
    assert message == "dev.jsonl line 3: duplicate id 'q008' (first at dev.jsonl line 1)"


def test_every_problem_is_reported(tmp_path: Path) -> None:
    message = _error(tmp_path, [{**ROW, "type": ""}, ROW, {**NONE_ROW, "question": ""}])
    lines = message.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("dev.jsonl line 1: field 'type'")
    assert (
        lines[1] == "dev.jsonl line 2: duplicate id 'q008' (first at dev.jsonl line 1)"
    )  # line 1 was invalid
    assert lines[2].startswith("dev.jsonl line 3: field 'question'")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('{"id": "q1",', "dev.jsonl line 1: not valid JSON"),
        ("[1, 2]", "dev.jsonl line 1: expected a JSON object; got list"),
    ],
)
def test_malformed_jsonl_line(tmp_path: Path, line: str, expected: str) -> None:
    assert _error(tmp_path, [line]).startswith(expected)


def test_xlsx_row_error_names_the_row(tmp_path: Path) -> None:
    header = ["编号", "题型", "问题", "答案", "关键词", "出处", "依据"]
    path = _xlsx(
        tmp_path / "bank.xlsx", [header, ["q1", "none", "问？", "", "", "", ""], ["q2", "numbr", "问？"]]
    )
    with pytest.raises(
        GoldSetError,
        match=r"^bank\.xlsx row 3: field 'answers' must not be empty for answerable type 'numbr'",
    ):
        load_gold(path)


def test_missing_and_duplicate_columns(tmp_path: Path) -> None:
    path = tmp_path / "bank.csv"
    path.write_text("编号,题型,问题,答案,关键词,出处\nq1,none,问？,,,\n")
    with pytest.raises(
        GoldSetError, match=r"bank\.csv: missing column\(s\) 'evidence' \(依据/原文/原文依据\)"
    ):
        load_gold(path)
    path.write_text("编号,题型,问题,答案,关键词,文件,出处,依据\n")
    with pytest.raises(GoldSetError, match="columns '文件' and '出处' both mean 'doc'"):
        load_gold(path)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("dev.xls", b"x", "unsupported gold set format '.xls'"),
        ("dev.jsonl", b"\n\n", "dev.jsonl: no questions found"),
        ("dev.xlsx", b"not a zip", "dev.xlsx: not a readable .xlsx workbook"),
        ("dev.jsonl", b'{"id": "\xff"}', "dev.jsonl: not UTF-8 at byte"),
    ],
)
def test_unreadable_files(tmp_path: Path, name: str, content: bytes, expected: str) -> None:
    (tmp_path / name).write_bytes(content)
    with pytest.raises(GoldSetError, match=expected.replace(".", r"\.").replace("(", r"\(")):
        load_gold(tmp_path / name)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(GoldSetError, match="gold set file not found"):
        load_gold(tmp_path / "nope.jsonl")


# ---------------------------------------------------------------- predictions

PRED: dict[str, Any] = {
    "id": "q008",
    "question": ROW["question"],
    "found": True,
    "answer": "2014年5月1日[1]",
    "short_answer": "2014年5月1日",
    "question_type": "deadline",
    "citations": [
        {
            "n": 1,
            "doc_id": "d1",
            "source": ROW["doc"],
            "title": "t",
            "section": "s",
            "start": 5,
            "end": 20,
            "quote": "q",
        }
    ],
    "retrieved": [{"chunk_id": "c1", "source": ROW["doc"], "section": "s", "score": 0.5, "text": "本办法"}],
    "latency_ms": 12.3,
    "debug": {"kept": True},
}


def test_load_predictions(tmp_path: Path) -> None:
    preds = load_predictions(
        _jsonl(tmp_path / "preds.jsonl", [PRED, {**PRED, "id": 9, "short_answer": None}])
    )
    assert set(preds) == {"q008", "9"}
    assert preds["q008"]["citations"][0]["quote"] == "q"
    assert preds["q008"]["debug"] == {"kept": True}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"found": "false"}, "preds.jsonl line 2: field 'found' is invalid: input should be a valid boolean"),
        ({"retrieved": [{"score": 1.0}]}, "preds.jsonl line 2: field 'retrieved.0' is invalid: a retrieved"),
        ({"citations": [{"source": "a.txt"}]}, "preds.jsonl line 2: field 'citations.0.quote' is missing"),
        (
            {"citations": [{**PRED["citations"][0], "end": 1}]},
            "preds.jsonl line 2: field 'citations.0' is invalid: end (1) is before start (5)",
        ),
        ({"latency_ms": -1}, "preds.jsonl line 2: field 'latency_ms'"),
    ],
)
def test_prediction_errors_name_line_and_field(tmp_path: Path, change: dict[str, Any], expected: str) -> None:
    path = _jsonl(tmp_path / "preds.jsonl", [{**PRED, "id": "other"}, {**PRED, **change}])
    with pytest.raises(PredictionError) as info:
        load_predictions(path)
    assert str(info.value).startswith(expected)


def test_prediction_missing_field_and_duplicate(tmp_path: Path) -> None:
    row = {k: v for k, v in PRED.items() if k not in ("answer", "short_answer")}
    with pytest.raises(PredictionError, match=r"^preds\.jsonl line 1: field 'answer' is missing$"):
        load_predictions(_jsonl(tmp_path / "preds.jsonl", [row]))
    with pytest.raises(
        PredictionError, match=r"line 2: duplicate id 'q008' \(first at preds\.jsonl line 1\)"
    ):
        load_predictions(_jsonl(tmp_path / "preds.jsonl", [PRED, PRED]))
    with pytest.raises(PredictionError, match="predictions file not found"):
        load_predictions(tmp_path / "none.jsonl")
