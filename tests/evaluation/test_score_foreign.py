"""``eval score`` on another system's answers (外部系统的回答): no offsets, no ``found``, bare
retrieval lists, and a gold set with its own question types."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assistant.cli import main
from evaluation.errors import PredictionError
from evaluation.gold import load_gold
from evaluation.predictions import is_refusal_text, load_predictions
from evaluation.scoring import score

EV1 = "用于产业发展的比重力争提高到60%以上"
EV3 = "本办法自2014年5月1日起施行"
EV_B = "县级人民政府负责本行政区域内的社会救助工作"

GOLD = [
    {"id": "g1", "type": "Factoid", "question": "什么时候施行？", "answers": ["2014年5月1日"],
     "keys": ["2014年5月1日"], "doc": "a.txt", "evidence": EV3},
    {"id": "g2", "type": "multi-hop", "question": "比例要到多少？", "answers": ["60%以上"], "keys": ["60%"],
     "doc": "a.txt", "evidence": EV1},
    {"id": "g3", "type": "unanswerable", "question": "宅基地多少平方米？", "answers": [], "keys": [],
     "doc": "", "evidence": ""},
    {"id": "g4", "type": "factoid", "question": "谁负责？", "answers": ["县级人民政府"], "keys": ["县级人民政府"],
     "doc": "b.txt", "evidence": EV_B},
]  # fmt: skip

# The foreign system: no ``found``, no ``n``/``start``/``end``, its own key names, bare strings.
FOREIGN = [
    {
        "id": "g1",
        "answer": "自2014年5月1日起施行。",
        # The quote differs from the evidence only in spacing; the document is named as ``doc``.
        "citations": [{"doc": "a.txt", "quote": "本办法自 2014 年 5 月 1 日起施行"}],
        "retrieved": [{"source": "b.txt"}, {"source": "a.txt"}],  # file names only: judged by document
    },
    {
        "id": "g2",
        "answer": "力争提高到60%以上",
        "short_answer": "６０％以上",
        # Full-width digits, the file named without extension, 12 characters of the evidence.
        "citations": [{"source": "a", "quote": "比重力争提高到６０％以上"}],
        "retrieved": ["无关段落", "……用于产业发展的比重力争提高到60%以上。"],  # texts only
    },
    {"id": "g3", "answer": "抱歉，现有文档中没有相关规定。"},  # a refusal, said in words
    {
        "id": "g4",
        "answer": "未找到相关内容",  # a false refusal
        "retrieved": [{"text": EV_B + "。", "source": "b.txt"}],
    },
]


def _jsonl(path: Path, rows: list[Any]) -> Path:
    path.write_text(
        "".join(
            (row if isinstance(row, str) else json.dumps(row, ensure_ascii=False)) + "\n" for row in rows
        ),
        encoding="utf-8",
    )
    return path


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    return _jsonl(tmp_path / "gold.jsonl", GOLD), _jsonl(tmp_path / "other-system.jsonl", FOREIGN)


def test_foreign_answers_are_scored_by_quote_text_and_their_own_types(files: tuple[Path, Path]) -> None:
    gold_path, pred_path = files
    report = score(load_gold(gold_path), load_predictions(pred_path))
    assert report.missing_ids == ()
    assert report.retrieval["hit_at_1"] == pytest.approx(1 / 3)  # only g4 has the evidence first
    assert report.retrieval["hit_at_5"] == 1.0
    assert report.answers["key_accuracy"] == pytest.approx(2 / 3)
    assert report.answers["short_accuracy"] == pytest.approx(2 / 3)  # ６０％以上 states 60%以上
    assert report.citations["citation_correct"] == pytest.approx(2 / 3)  # g1 and g2, without offsets
    assert report.refusal["refusal_recall"] == 1.0  # g3 refused in words
    assert report.refusal["false_refusal_rate"] == pytest.approx(1 / 3)  # g4
    assert set(report.by_type) == {"factoid", "multi-hop", "none"}
    factoid = report.by_type["factoid"]
    assert (factoid.n, factoid.hit_at_1, factoid.citation_correct, factoid.false_refusal_rate) == (
        2,
        0.5,
        0.5,
        0.5,
    )
    assert report.by_type["none"].refusal_accuracy == 1.0


def test_cli_prints_overall_and_per_type(
    files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gold_path, pred_path = files
    out = tmp_path / "out"
    assert (
        main(["eval", "score", "--gold", str(gold_path), "--predictions", str(pred_path), "--out", str(out)])
        == 0
    )
    printed = capsys.readouterr().out
    header, overall = printed.splitlines()[:2]
    assert header.split()[:3] == ["config", "hit@1", "hit@5"] and "short acc" in header
    assert overall.split()[:3] == ["other-system", "0.333", "1.000"]
    rows = {line.split()[0]: line.split() for line in printed.splitlines() if line.split()}
    # type, n, hit@1, hit@5, answer acc, short acc, cite correct, refused (none), false refusal
    assert rows["factoid"] == ["factoid", "2", "0.500", "1.000", "0.500", "0.500", "0.500", "–", "0.500"]
    assert rows["multi-hop"] == ["multi-hop", "1", "0.000", "1.000", "1.000", "1.000", "1.000", "–", "0.000"]
    assert rows["none"][:2] == ["none", "1"] and rows["none"][-2:] == ["1.000", "–"]
    assert rows["all"] == ["all", "4", "0.333", "1.000", "0.667", "0.667", "0.667", "1.000", "0.333"]
    assert (out / "report.json").is_file()


def test_positional_paths_still_work(files: tuple[Path, Path], tmp_path: Path) -> None:
    gold_path, pred_path = files
    assert main(["eval", "score", str(gold_path), str(pred_path), "--out", str(tmp_path / "o")]) == 0


def test_no_retrieval_reported_is_not_measured_not_zero(tmp_path: Path) -> None:
    answers = [{"id": "g1", "answer": "2014年5月1日"}]  # g2 and g4 missing; nobody reports retrieval
    report = score(
        load_gold(_jsonl(tmp_path / "g.jsonl", GOLD)), load_predictions(_jsonl(tmp_path / "p.jsonl", answers))
    )
    assert report.retrieval["hit_at_1"] is None and report.retrieval["mrr"] is None
    assert report.answers["key_accuracy"] == pytest.approx(1 / 3)
    assert not any("retrieval miss" in reason for f in report.failures for reason in f.reasons)


def test_json_object_keyed_by_id(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_text(
        json.dumps({"g1": {"answer": "2014年5月1日"}, "g3": {"answer": "无法回答"}}), encoding="utf-8"
    )
    preds = load_predictions(path)
    assert (preds["g1"]["found"], preds["g3"]["found"]) == (True, False)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            '{"id": "g2", "answer": "x", "citations": [{"doc": "a.txt"}]}',
            "field 'citations.0.quote' is missing",
        ),
        (
            '{"id": "g2", "answer": "x", "retrieved": [{"score": 0.3}]}',
            "a retrieved passage needs 'text' or 'source'",
        ),
        ('{"id": "g2", "citations": []}', "field 'answer' is missing"),
        ('{"id": "g2", "answer": "x", "found": "yes"}', "field 'found' is invalid"),
        ("[1, 2]", "expected a JSON object"),
        ('{"id": "g2", "answer": ', "not valid JSON"),
    ],
)
def test_malformed_answers_name_file_and_line(
    files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str], line: str, expected: str
) -> None:
    gold_path, _ = files
    pred_path = _jsonl(tmp_path / "broken.jsonl", [FOREIGN[0], line])
    with pytest.raises(PredictionError, match=r"^broken\.jsonl line 2: ") as info:
        load_predictions(pred_path)
    assert expected in str(info.value)
    code = main(
        ["eval", "score", "--gold", str(gold_path), "--predictions", str(pred_path), "--out", str(tmp_path)]
    )
    assert code == 2
    assert capsys.readouterr().err.startswith("错误：broken.jsonl line 2: ")


def test_missing_gold_option_is_named(files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    _, pred_path = files
    assert main(["eval", "score", "--predictions", str(pred_path)]) == 2
    assert "--gold" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("answer", "refusal"),
    [
        ("", True),
        ("现有文件中未找到相关规定。", True),
        ("文件中没有明确规定。", True),
        ("无法回答", True),
        ("N/A", True),
        ("2014年5月1日起施行", False),
        ("无需审批，直接备案即可。", False),
        (
            "第十条规定：" + "县级人民政府应当组织实施，未规定的事项按国家规定执行。" * 3,
            False,
        ),  # long: an answer
    ],
)
def test_refusal_in_words(answer: str, refusal: bool) -> None:
    assert is_refusal_text(answer) is refusal
