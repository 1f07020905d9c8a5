"""``policy-assistant quiz`` end to end: generate to every format, import the reviewed sheet back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from assistant.cli import main
from quiz.cli import parse_types


def test_parse_types() -> None:
    assert parse_types("single,multi,judge,blank", 10) == (
        ("single", 3),
        ("multi", 3),
        ("judge", 2),
        ("blank", 2),
    )
    assert parse_types("单选=5,判断=3", 99) == (("single", 5), ("judge", 3))
    with pytest.raises(Exception, match="未知题型"):
        parse_types("essay", 3)


def test_quiz_to_xlsx_then_import(
    quiz_index: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "quiz.xlsx"
    report = tmp_path / "report.json"
    args = [
        "quiz",
        "--index",
        str(quiz_index),
        "--n",
        "8",
        "--seed",
        "1",
        "--out",
        str(out),
        "--report",
        str(report),
    ]
    assert main(args) == 0
    err = capsys.readouterr().err
    assert "保留 8 题" in err and "助手复核" in err
    assert json.loads(report.read_text(encoding="utf-8"))["kept"] == 8
    rows = list(load_workbook(out).active.iter_rows(values_only=True))  # type: ignore[union-attr]
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
    assert len(rows) == 9

    back = tmp_path / "back.json"
    assert main(["quiz", "import", str(out), "--index", str(quiz_index), "--out", str(back)]) == 0
    assert "出处已与知识库原文核对" in capsys.readouterr().err
    assert (
        main(
            ["quiz", "--index", str(quiz_index), "--n", "8", "--seed", "1", "--out", str(tmp_path / "q.json")]
        )
        == 0
    )
    same = json.loads((tmp_path / "q.json").read_text(encoding="utf-8"))
    imported = json.loads(back.read_text(encoding="utf-8"))
    assert [i["stem"] for i in imported] == [i["stem"] for i in same]
    assert [i["citation"] for i in imported] == [i["citation"] for i in same]


@pytest.mark.parametrize("suffix", [".docx", ".csv", ".md"])
def test_quiz_other_formats(quiz_index: Path, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"quiz{suffix}"
    args = ["quiz", "--index", str(quiz_index), "--n", "4", "--types", "judge,blank", "--no-verify"]
    assert main([*args, "--docs", "社会救助", "--out", str(out)]) == 0
    assert out.stat().st_size > 0


def test_quiz_errors(
    quiz_index: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # `quiz import` checks quotes against the default knowledge base when there is one: give it none.
    monkeypatch.setenv("POLICY_ASSISTANT_HOME", str(tmp_path / "home"))
    assert main(["quiz", "--index", str(quiz_index), "--types", "essay"]) == 2
    assert "未知题型" in capsys.readouterr().err
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a workbook")
    assert main(["quiz", "import", str(bad), "--out", str(tmp_path / "x.json")]) == 2
    assert "无法打开工作簿" in capsys.readouterr().err
    assert (
        main(
            ["quiz", "--index", str(quiz_index), "--n", "2", "--no-verify", "--out", str(tmp_path / "q.pdf")]
        )
        == 2
    )
