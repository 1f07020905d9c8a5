"""End-to-end answers over the real shared corpus index (real jieba, Chroma, bundled embedder)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.engine import Assistant, Turn


def _exact(assistant: Assistant, answer) -> None:  # type: ignore[no-untyped-def]
    for c in answer.citations:
        assert assistant.document_text(c.doc_id)[c.start : c.end] == c.quote


@pytest.mark.parametrize("question", ["山西省的县分为哪几类？", "山西的县分几类？"])
def test_shanxi_county_classes_are_cited_from_the_article(
    assistant_on_corpus: Assistant, question: str
) -> None:
    # 山西的县分几类: the article says 全省, so the province's name must not pull in sentences that only
    # repeat it (习近平总书记…视察山西), as it did before AnswerPolicy.region_term_weight
    answer = assistant_on_corpus.ask(question)
    assert answer.found
    first = answer.citations[0]
    assert first.source == "shanxi-juji-wuda-nengli.txt"
    for kind in ("乡村振兴重点帮扶县", "整体推进县", "先行示范县"):
        assert kind in first.quote and kind in answer.answer
    assert answer.retrieved[0].chunk.source == "shanxi-juji-wuda-nengli.txt"
    _exact(assistant_on_corpus, answer)


@pytest.mark.parametrize(
    ("question", "short", "source"),
    [
        ("村级光伏电站有多少座？", "5479座", "shanxi-juji-wuda-nengli.txt"),
        (
            "社会救助暂行办法是从哪天开始施行的？",
            "2014年5月1日",
            "2014-02-21_shehui-jiuzhu-zanxing-banfa.txt",
        ),
        (
            "贫困户的精准识别和精准退出由哪一级政府负责？",
            "县级人民政府",
            "2017-12-01_henan-fupin-kaifa-tiaoli.txt",
        ),
    ],
)
def test_short_answers_lead_and_are_backed(
    assistant_on_corpus: Assistant, question: str, short: str, source: str
) -> None:
    answer = assistant_on_corpus.ask(question)
    assert answer.found and answer.short_answer is not None and short in answer.short_answer
    assert answer.answer.startswith(answer.short_answer)
    assert answer.citations[0].source == source and short in answer.citations[0].quote
    assert len(answer.answer) <= 150
    _exact(assistant_on_corpus, answer)


def test_yes_no_answer_states_the_governing_clause(assistant_on_corpus: Assistant) -> None:
    answer = assistant_on_corpus.ask("县里能不能要求农民先退出宅基地才给进城落户？")
    assert answer.found and answer.short_answer == "不能"
    assert "不得" in answer.answer and "不得" in answer.citations[0].quote


@pytest.mark.parametrize(
    "question",
    [
        "农村宅基地一户最多能批多少平方米？",
        "河南省乡村振兴促进条例是什么时候开始施行的？",
        "育儿补贴每个孩子一年能领多少钱？",
    ],
)
def test_refusals_show_related_passages(assistant_on_corpus: Assistant, question: str) -> None:
    answer = assistant_on_corpus.ask(question)
    assert not answer.found and answer.citations == ()
    assert answer.answer.startswith("现有文件中") and ("未找到" in answer.answer or "没有" in answer.answer)
    assert answer.related and answer.retrieved


def test_missing_named_document_is_named(assistant_on_corpus: Assistant) -> None:
    """The corpus holds 广东's and 北京's 乡村振兴促进条例, not 河南's: the refusal names the region and
    shows the other regions' rules as related (it used to say only 未找到《河南省乡村振兴促进条例》)."""
    answer = assistant_on_corpus.ask("河南省乡村振兴促进条例是什么时候开始施行的？")
    assert not answer.found
    assert answer.answer.startswith("现有文件中没有河南的乡村振兴促进条例；")
    assert "广东" in answer.answer and "北京" in answer.answer
    assert "乡村振兴促进条例" in answer.related[0].title
    answer = assistant_on_corpus.ask("请问根据土地管理法，宅基地怎么审批？")
    assert answer.answer == "现有文件中未找到《土地管理法》，无法据此回答。"


def test_a_citys_own_regulation_is_refused_and_its_province_answers_for_it(
    assistant_on_corpus: Assistant,
) -> None:
    """The corpus holds 河南省扶贫开发条例: a question on 郑州市's own 条例 is refused by name, one on
    郑州 without naming its own document is answered from the province's rule."""
    answer = assistant_on_corpus.ask("郑州市的扶贫开发条例里，扶贫项目公示牌要在开工后几天内立起来？")
    assert not answer.found and answer.answer == "现有文件中没有郑州市的扶贫开发条例，无法据此回答。"
    answer = assistant_on_corpus.ask("郑州的扶贫项目开工后几天内要设公示牌？")
    assert answer.found and answer.short_answer == "十日内"
    assert answer.citations[0].source == "2017-12-01_henan-fupin-kaifa-tiaoli.txt"


def test_follow_ups_in_a_conversation(assistant_on_corpus: Assistant) -> None:
    first = assistant_on_corpus.ask("重点帮扶县主要任务是什么？")
    assert first.found and "持续巩固拓展脱贫攻坚成果" in first.answer
    second = assistant_on_corpus.ask("那整体推进县呢？", [Turn("重点帮扶县主要任务是什么？", first)])
    assert second.found and "农业农村现代化" in second.answer
    third = assistant_on_corpus.ask("这是哪个文件规定的？", [Turn("那整体推进县呢？", second)])
    assert third.found and "聚焦五大能力" in third.answer
    assert third.citations[0].doc_id == second.citations[0].doc_id


def test_filters_restrict_documents(assistant_on_corpus: Assistant) -> None:
    from assistant.retrieve import Filters

    hits = assistant_on_corpus.search("施行日期", 10, Filters(docs=("北京市乡村振兴促进条例",)))
    assert hits and {h.chunk.source for h in hits} == {"2024-05-31_beijing-xiangcun-zhenxing-tiaoli.txt"}
    hits = assistant_on_corpus.search("施行日期", 10, Filters(date_from="2024-01-01", date_to="2024-12-31"))
    assert hits and all(h.date.startswith("2024") for h in hits)
    assert assistant_on_corpus.search("施行日期", 10, Filters(issuer="不存在的机关")) == []


def test_cli_ask_json_and_batch(corpus_index: Path, tmp_path: Path) -> None:
    cli = [sys.executable, "-m", "assistant.cli"]
    out = subprocess.run(
        [*cli, "ask", "山西省的县分为哪几类？", "--json", "--index", str(corpus_index)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    data = json.loads(out.stdout)
    assert set(data) >= {
        "id",
        "question",
        "found",
        "answer",
        "short_answer",
        "question_type",
        "citations",
        "retrieved",
    }
    assert data["citations"][0]["source"] == "shanxi-juji-wuda-nengli.txt" and len(data["retrieved"]) == 10
    batch = tmp_path / "in.jsonl"
    batch.write_text(
        '{"id": "a", "question": "社会救助暂行办法什么时候施行？", "extra": 1}\n{"id": "b"}\n'
        '{"id": "c", "question": "驻村第一书记一任要干几年？"}\n',
        encoding="utf-8",
    )
    res = subprocess.run(
        [*cli, "ask", "--batch", str(batch), "--out", str(tmp_path / "out.jsonl"), "--index", str(corpus_index)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert res.returncode == 1 and "第 2 行" in res.stderr
    rows = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["a", "c"]
    assert rows[0]["found"] and not rows[1]["found"]
