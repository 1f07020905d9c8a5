"""Evaluation runs (评测运行) over a small real index: configurations, predictions, run == score, CLI.

The index holds two documents of the shared corpus (real jieba, Chroma and the bundled embedder) and
is built once for this module; one run of five configurations is shared by the tests below.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from assistant.cli import main
from assistant.config import Settings
from assistant.engine import Assistant
from corpus.chunker import chunk_document
from evaluation.errors import EvaluationError
from evaluation.gold import load_predictions
from evaluation.runner import (
    CONFIGS,
    DEFAULT_CONFIGS,
    EvalRun,
    resolve_configs,
    run_evaluation,
    score_file,
)
from index.embedder import DEFAULT_EMBEDDER
from index.manifest import Manifest, write_manifest

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
FILES = ("shanxi-juji-wuda-nengli.txt", "2014-02-21_shehui-jiuzhu-zanxing-banfa.txt")
SHANXI, SHEHUI = FILES
GOLD: list[dict[str, Any]] = [
    {"id": "t1", "type": "classification", "question": "山西省的县分为哪几类？",
     "answers": ["乡村振兴重点帮扶县、整体推进县、先行示范县"], "keys": ["重点帮扶县", "整体推进县", "先行示范县"],
     "doc": SHANXI, "evidence": "将全省117个县分为三类"},
    {"id": "t2", "type": "deadline", "question": "社会救助暂行办法从哪天开始施行？",
     "answers": ["2014年5月1日"], "keys": ["2014年5月1日"], "doc": SHEHUI, "evidence": "本办法自2014年5月1日起施行"},
    {"id": "t3", "type": "number", "question": "骗取社会救助款物的，罚款是几倍？",
     "answers": ["1倍以上3倍以下"], "keys": ["1倍以上3倍以下"], "doc": SHEHUI,
     "evidence": "可以处非法获取的救助款额或者物资价值1倍以上3倍以下的罚款"},
    {"id": "t4", "type": "none", "question": "农村宅基地一户最多能批多少平方米？",
     "answers": ["没有相关规定"], "keys": [], "doc": "", "evidence": ""},
]  # fmt: skip
RUN_CONFIGS = ["hybrid", "bm25", "hybrid-noreader", "chunk-160", "langchain-baseline"]


@pytest.fixture(scope="module")
def small_index(tmp_path_factory: pytest.TempPathFactory, built_index: Any) -> Path:
    docs = tmp_path_factory.mktemp("docs")
    for name in FILES:
        shutil.copy(CORPUS / name, docs / name)
    return built_index("eval-small", [docs], added=2)


@pytest.fixture(scope="module")
def gold_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("gold") / "tiny.jsonl"
    path.write_text("".join(json.dumps(g, ensure_ascii=False) + "\n" for g in GOLD), encoding="utf-8")
    return path


LOG: list[str] = []


@pytest.fixture(scope="module")
def run(small_index: Path, gold_file: Path, tmp_path_factory: pytest.TempPathFactory) -> EvalRun:
    out = tmp_path_factory.mktemp("out")
    # A stale cache from an earlier run with another chunker must be rebuilt, not refused.
    stale = out / "indexes" / "chunk-160"
    stale.mkdir(parents=True)
    write_manifest(stale, Manifest(DEFAULT_EMBEDDER, 384, {"max_tokens": 160, "chunker": "old"}, "pa-old"))
    return run_evaluation(
        gold_file, Settings(index_dir=small_index), RUN_CONFIGS, out, progress=False, log=LOG.append
    )


def _row(run: EvalRun, name: str) -> Any:
    return next(r for r in run.runs if r.name == name)


def test_every_configuration_answers_every_question(run: EvalRun) -> None:
    assert [r.name for r in run.runs] == RUN_CONFIGS
    for row in run.runs:
        assert row.errors == ()
        preds = load_predictions(row.predictions)  # validates the batch contract line by line
        assert list(preds) == [g["id"] for g in GOLD]
        assert all(p["latency_ms"] is not None and p["latency_ms"] > 0 for p in preds.values())
        assert row.report.missing_ids == ()


def test_easy_questions_are_retrieved(run: EvalRun) -> None:
    # Two documents, questions that name their evidence: every row must find it in its top 10.
    for row in run.runs:
        assert row.report.retrieval["hit_at_10"] == 1.0, row.name


def test_configurations_change_what_they_say(run: EvalRun, small_index: Path) -> None:
    assert _row(run, "bm25").settings["mode"] == "bm25"
    assert _row(run, "hybrid").settings["mode"] == "hybrid"
    assert _row(run, "hybrid-noreader").settings["reader"] is False
    chunk = _row(run, "chunk-160")
    assert chunk.settings["chunk_tokens"] == 160
    assert Path(chunk.index_dir).name == "chunk-160" and Path(chunk.index_dir) != small_index
    assert chunk.manifest is not None and chunk.manifest["chunker"]["max_tokens"] == 160
    assert chunk.manifest["documents"] == 2 and chunk.manifest["chunker"] != {
        "max_tokens": 160,
        "chunker": "old",
    }
    assert any("built with other settings; rebuilding" in line for line in LOG)
    assert _row(run, "hybrid").manifest["chunker"]["max_tokens"] == Settings().chunk_tokens


def test_baseline_row_is_the_plain_recipe(run: EvalRun) -> None:
    row = _row(run, "langchain-baseline")
    assert row.settings["chunk_size"] == 750 and row.settings["chunk_overlap"] == 150
    assert row.build is not None and row.build["passages"] > 2
    for pred in load_predictions(row.predictions).values():
        assert len(pred["retrieved"]) == min(10, row.build["passages"])
        assert all(len(p["text"]) <= 750 for p in pred["retrieved"])
        scores = [p["score"] for p in pred["retrieved"]]
        assert scores == sorted(scores, reverse=True)  # dense ranking, best first
        top = pred["retrieved"][0]
        assert pred["answer"] == top["text"] + "[1]"  # the answer is the top passage
        assert pred["citations"][0]["quote"] == top["text"]


def test_baseline_citations_point_into_the_documents(run: EvalRun) -> None:
    row = _row(run, "langchain-baseline")
    for pred in load_predictions(row.predictions).values():
        c = pred["citations"][0]
        text = (CORPUS / c["source"]).read_text(encoding="utf-8")
        assert text[c["start"] : c["end"]] == c["quote"]


def test_score_of_the_saved_predictions_equals_the_run(run: EvalRun, gold_file: Path) -> None:
    for row in run.runs:
        again = score_file(gold_file, row.predictions).runs[0].report
        assert again == row.report
        assert again.to_dict() == row.report.to_dict()


def test_eval_score_command_reproduces_eval_run_figures(
    run: EvalRun, gold_file: Path, tmp_path: Path
) -> None:
    for row in run.runs:
        out = tmp_path / row.name
        assert main(["eval", "score", str(gold_file), str(row.predictions), "--out", str(out)]) == 0
        data = json.loads((out / "report.json").read_text(encoding="utf-8"))
        assert data["configs"][0]["scores"] == json.loads(json.dumps(row.report.to_dict()))


def test_catalog_documents_rechunk_to_the_same_chunks(small_index: Path) -> None:
    assistant = Assistant(Settings(index_dir=small_index))
    try:
        kb = assistant.kb
        docs = assistant.source_documents()
        assert sorted(d.source for d in docs) == sorted(FILES)
        for doc in docs:
            chunks = chunk_document(doc, kb.tokenizer.count, kb.chunk_settings)
            assert [c.chunk_id for c in chunks] == kb.catalog.chunk_ids(doc.doc_id)
            assert doc.skip  # the Shanxi web page's boilerplate, the other file's header, stay skipped
    finally:
        assistant.close()


def test_eval_run_command_takes_excel_gold_and_writes_reports(small_index: Path, tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["编号", "题型", "问题", "答案", "关键词", "出处", "依据"])
    for g in GOLD:
        sheet.append(
            [
                g["id"],
                g["type"],
                g["question"],
                "|".join(g["answers"]),
                "|".join(g["keys"]),
                g["doc"],
                g["evidence"],
            ]
        )
    gold = tmp_path / "题库.xlsx"
    workbook.save(gold)
    out = tmp_path / "out"
    args = [
        "eval",
        "run",
        str(gold),
        "--index",
        str(small_index),
        "--config",
        "bm25",
        "--out",
        str(out),
        "--quiet",
    ]
    assert main(args) == 0
    assert (out / "predictions" / "bm25.jsonl").is_file()
    data = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert data["gold"]["n_items"] == 4 and [c["name"] for c in data["configs"]] == ["bm25"]
    assert data["index"]["manifest"]["documents"] == 2
    assert (out / "report.html").stat().st_size > 10_000 and (out / "report.md").is_file()


def test_eval_run_floors_fail_the_command(small_index: Path, gold_file: Path, tmp_path: Path) -> None:
    floors = tmp_path / "floors.json"
    floors.write_text(json.dumps({"config": "bm25", "floors": {"retrieval.hit_at_10": 1.01}}))
    args = ["eval", "run", str(gold_file), "--index", str(small_index), "--config", "bm25"]
    args += ["--out", str(tmp_path / "out"), "--quiet", "--floors", str(floors)]
    assert main(args) == 1
    floors.write_text(json.dumps({"config": "bm25", "floors": {"retrieval.hit_at_10": 0.5}}))
    assert main(args) == 0


def test_configuration_names() -> None:
    assert [c.name for c in resolve_configs(None)] == list(DEFAULT_CONFIGS)
    assert [c.name for c in resolve_configs(["bm25,dense", "bm25"])] == ["bm25", "dense"]
    assert [c.name for c in resolve_configs(["all"])] == list(CONFIGS)
    assert {"chunk-60", "chunk-160", "topk-5", "langchain-baseline"} <= set(CONFIGS)
    with pytest.raises(EvaluationError, match="unknown configuration 'bm52'"):
        resolve_configs(["bm52"])


def test_run_without_an_index_says_to_ingest(gold_file: Path, tmp_path: Path) -> None:
    with pytest.raises(EvaluationError, match="policy-assistant ingest"):
        run_evaluation(
            gold_file, Settings(index_dir=tmp_path / "none"), ["bm25"], tmp_path / "out", progress=False
        )
    assert (
        main(["eval", "run", str(gold_file), "--index", str(tmp_path / "none"), "--out", str(tmp_path)]) == 2
    )
