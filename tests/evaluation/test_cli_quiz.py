"""``policy-assistant eval from-quiz`` and ``eval score``: a reviewed quiz becomes a gold set."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from assistant.cli import build_parser, main
from evaluation.errors import GoldSetError
from evaluation.gold import load_gold
from evaluation.quizgold import convert_quiz, infer_type, quiz_item_to_gold
from evaluation.scoring import score

DOC = "2014-02-21_shehui-jiuzhu-zanxing-banfa.txt"


def _citation(quote: str, source: str = DOC) -> dict[str, Any]:
    return {"source": source, "section": "第七十条", "start": 10, "end": 10 + len(quote), "quote": quote}


QUIZ: list[dict[str, Any]] = [
    {"type": "single", "stem": "社会救助暂行办法自何时起施行？",
     "options": ["2014年2月21日", "2014年5月1日", "2015年1月1日", "2013年5月1日"], "answer": ["B"],
     "explanation": "原文：“本办法自2014年5月1日起施行。”", "citation": _citation("本办法自2014年5月1日起施行。"),
     "difficulty": "易", "tags": ["施行"]},
    {"type": "multi", "stem": "下列属于社会救助的有哪些？",
     "options": ["A. 最低生活保障", "B. 特困人员供养", "C. 商业保险", "D. 受灾人员救助"], "answer": ["A", "B", "D"],
     "explanation": "", "citation": _citation("最低生活保障、特困人员供养、受灾人员救助"), "difficulty": "中", "tags": []},
    {"type": "judge", "stem": "骗取社会救助的，可以处非法获取的救助款额1倍以上5倍以下的罚款。",
     "options": ["正确", "错误"], "answer": ["B"], "explanation": "",
     "citation": _citation("可以处非法获取的救助款额或者物资价值1倍以上3倍以下的罚款"), "difficulty": "难", "tags": []},
    {"type": "blank", "stem": "申请最低生活保障，由共同生活的家庭成员向户籍所在地的____提出书面申请。",
     "options": [], "answer": ["乡镇人民政府、街道办事处"], "explanation": "",
     "citation": {**_citation("向户籍所在地的乡镇人民政府、街道办事处提出书面申请"), "source": f"/data/{DOC}"},
     "difficulty": "中", "tags": []},
]  # fmt: skip


def test_quiz_items_map_to_gold_rows() -> None:
    rows = [quiz_item_to_gold(item, f"q{i}") for i, item in enumerate(QUIZ)]
    single, multi, judge, blank = rows
    assert single["type"] == "deadline" and single["keys"] == ["2014年5月1日"]
    assert single["question"].startswith("社会救助暂行办法自何时起施行？\nA. 2014年2月21日  B. 2014年5月1日")
    assert single["doc"] == DOC and single["evidence"] == "本办法自2014年5月1日起施行。"
    assert multi["type"] == "list" and multi["keys"] == ["最低生活保障", "特困人员供养", "受灾人员救助"]
    assert multi["answers"] == ["最低生活保障、特困人员供养、受灾人员救助"]
    assert judge["type"] == "yesno" and judge["answers"][0] == "错误"
    assert judge["question"].startswith("以下说法是否正确？骗取")
    assert judge["keys"] == ["可以处非法获取的救助款额"]  # what the statement shares with the quote
    assert blank["keys"] == ["乡镇人民政府、街道办事处"] and blank["doc"] == DOC  # path reduced to file name


def test_type_inference_by_content() -> None:
    assert infer_type(["2014年5月1日"]) == "deadline"
    assert infer_type(["十日内"]) == "deadline"
    assert infer_type(["60%"]) == "number"
    assert infer_type(["四分之三以上"]) == "number"
    assert infer_type(["城市化地区"], "主体功能区分为哪几类？") == "classification"
    assert infer_type(["懂农业", "爱农村"]) == "list"
    assert infer_type(["民政部门"], "低保的审批程序是什么？") == "procedure"
    assert infer_type(["分层分类"]) == "definition"


def test_from_quiz_json_writes_a_valid_gold_set(tmp_path: Path) -> None:
    quiz = tmp_path / "quiz.json"
    quiz.write_text(json.dumps({"items": QUIZ}, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "gold.jsonl"
    assert main(["eval", "from-quiz", str(quiz), str(out)]) == 0
    gold = load_gold(out)
    assert [g.id for g in gold] == ["quiz-001", "quiz-002", "quiz-003", "quiz-004"]
    assert [g.type for g in gold] == ["deadline", "list", "yesno", "definition"]


def test_from_quiz_xlsx(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(
        ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "选项E", "正确答案", "解析", "出处", "难度"]
    )
    sheet.append(
        [
            "单选",
            "社会救助暂行办法自何时起施行？",
            "2014年2月21日",
            "2014年5月1日",
            "2015年1月1日",
            "2013年5月1日",
            None,
            "B",
            "依据原文“本办法自2014年5月1日起施行。”",
            f"《社会救助暂行办法》 {DOC} 第七十条",
            "易",
        ]
    )
    sheet.append(
        [
            "判断",
            "社会救助暂行办法自2014年5月1日起施行。",
            "正确",
            "错误",
            None,
            None,
            None,
            "正确",
            "原文：“本办法自2014年5月1日起施行。”",
            DOC,
            "易",
        ]
    )
    sheet.append(["填空", "社会救助暂行办法自____起施行。", None, None, None, None, None, "2014年5月1日",
                  "原文：“本办法自2014年5月1日起施行。”", DOC, "易"])  # fmt: skip
    quiz = tmp_path / "reviewed.xlsx"
    workbook.save(quiz)
    out = tmp_path / "gold.jsonl"
    assert convert_quiz(quiz, out) == 3
    single, judge, blank = load_gold(out)
    assert (
        single.keys == ("2014年5月1日",)
        and single.doc == DOC
        and single.evidence == "本办法自2014年5月1日起施行。"
    )
    assert (
        judge.type == "yesno" and judge.answers[0] == "正确" and judge.keys == ("办法自2014年5月1日起施行",)
    )
    assert blank.type == "deadline" and blank.keys == ("2014年5月1日",)


def test_from_quiz_reports_every_bad_item_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = [
        {**QUIZ[0], "answer": ["F"]},
        {**QUIZ[1], "citation": {"source": DOC}},
        {**QUIZ[2], "answer": ["也许"], "options": []},
        {**QUIZ[3], "type": "essay"},
    ]
    quiz = tmp_path / "quiz.json"
    quiz.write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(GoldSetError) as err:
        convert_quiz(quiz, tmp_path / "gold.jsonl")
    lines = str(err.value).splitlines()
    assert lines == [
        "quiz.json item 1: answer letter(s) F have no option (4 given)",
        "quiz.json item 2: field 'citation.quote' is missing; a gold question needs its source and quote",
        "quiz.json item 3: field 'answer' must say true or false (正确/错误); got ['也许']",
        "quiz.json item 4: field 'type' must be one of single, multi, judge, blank; got 'essay'",
    ]
    assert not (tmp_path / "gold.jsonl").exists()
    assert main(["eval", "from-quiz", str(quiz), str(tmp_path / "gold.jsonl")]) == 2
    assert "quiz.json item 4" in capsys.readouterr().err


def test_eval_commands_are_registered() -> None:
    parser = build_parser()
    args = parser.parse_args(
        ["eval", "run", "gold.xlsx", "--config", "bm25", "--config", "dense,hybrid", "--index", "/x"]
    )
    assert args.config == ["bm25", "dense,hybrid"] and str(args.index) == "/x" and str(args.out) == "eval-out"
    assert parser.parse_args(["eval", "score", "g.jsonl", "p.jsonl"]).predictions.name == "p.jsonl"
    assert parser.parse_args(["eval", "from-quiz", "q.json", "o.jsonl"]).quiz.name == "q.json"


def test_eval_score_on_another_systems_answers(tmp_path: Path) -> None:
    quiz = tmp_path / "quiz.json"
    quiz.write_text(json.dumps(QUIZ[:1], ensure_ascii=False), encoding="utf-8")
    gold_path = tmp_path / "gold.jsonl"
    convert_quiz(quiz, gold_path)
    pred = {"id": "quiz-001", "found": True, "answer": "自2014年5月1日起施行[1]", "short_answer": "2014年5月1日",
            "citations": [{"n": 1, "source": DOC, "start": 0, "end": 15, "quote": "本办法自2014年5月1日起施行。"}],
            "retrieved": [{"source": DOC, "text": "第七十条 本办法自2014年5月1日起施行。"}], "latency_ms": 900}  # fmt: skip
    preds = tmp_path / "llm.jsonl"
    preds.write_text(json.dumps(pred, ensure_ascii=False) + "\n", encoding="utf-8")
    assert main(["eval", "score", str(gold_path), str(preds), "--out", str(tmp_path / "r")]) == 0
    data = json.loads((tmp_path / "r" / "report.json").read_text(encoding="utf-8"))
    assert data["configs"][0]["name"] == "llm"
    expected = score(load_gold(gold_path), {"quiz-001": pred}).to_dict()
    assert data["configs"][0]["scores"] == expected
    assert expected["answers"]["exact_match"] == 1.0 and expected["retrieval"]["hit_at_1"] == 1.0
