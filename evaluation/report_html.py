"""The HTML report (HTML 评测报告): one self-contained page, rendered from the JSON report alone.

The page embeds its charts as base64 PNGs (:mod:`evaluation.report_charts`) and loads nothing from the
network; every text from documents, questions and answers is HTML-escaped.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from typing import Any

from evaluation.report_charts import charts
from evaluation.report_tables import fmt, summary_table, type_accuracy_table

__all__ = ["render_html"]

_CSS = """
body{font-family:system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em auto;max-width:1200px;
padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:14px}
th,td{border:1px solid #ccc;padding:4px 8px;vertical-align:top;text-align:left}
th{background:#f0f0f0} td.n{text-align:right;font-variant-numeric:tabular-nums}
.passage{font-size:12px;color:#444;margin:2px 0;max-width:520px;white-space:pre-wrap}
.why{color:#a00} img{max-width:100%} code{background:#f4f4f4;padding:0 3px}
"""


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _html_table(header: Sequence[str], rows: Sequence[Sequence[str]], numeric_from: int = 1) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="n">{_e(cell)}</td>' if i >= numeric_from else f"<td>{_e(cell)}</td>"
            for i, cell in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _failures_html(config: dict[str, Any], passage_chars: int = 400) -> str:
    rows = []
    for f in config["scores"]["failures"]:
        passages = "".join(
            f'<div class="passage">[{n}] <b>{_e(p.get("source"))}</b> {_e(p.get("section"))} '
            f"({fmt(p.get('score'), 4)})<br>{_e(_clip(p.get('text'), passage_chars))}</div>"
            for n, p in enumerate(f["top_retrieved"], start=1)
        )
        rows.append(
            f"<tr><td>{_e(f['id'])}</td><td>{_e(f['type'])}</td><td>{_e(f['question'])}"
            f"<br><small>{_e(f['doc'])}</small></td>"
            f'<td class="why">{"<br>".join(_e(r) for r in f["reasons"])}</td>'
            f"<td>{_e(_clip(f['answer'] or '–', passage_chars))}</td><td>{passages or '–'}</td></tr>"
        )
    if not rows:
        return "<p>No failures.</p>"
    head = "".join(
        f"<th>{h}</th>"
        for h in ("id", "type", "question / gold document", "why", "answer", "retrieved (top 3)")
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _clip(text: Any, limit: int) -> str:
    s = "" if text is None else str(text)
    return s if len(s) <= limit else s[: limit - 1] + "…"


def render_html(data: dict[str, Any]) -> str:
    """A single self-contained page: summary, charts as embedded PNGs, breakdowns and failures."""
    images = charts(data)
    gold, git = data["gold"], data["git"]
    header, rows = summary_table(data)
    parts = [
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">',
        f"<title>{_e(data['title'])}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(data['title'])}</h1>",
        "<ul>",
        f"<li>gold set: <code>{_e(gold['path'])}</code>, {gold['n_items']} questions "
        f"({gold['n_answerable']} answerable, {gold['n_none']} unanswerable)</li>",
        f"<li>commit: <code>{_e(git['commit'])}</code>{' (uncommitted changes)' if git.get('dirty') else ''}</li>",
        f"<li>run: {_e(data['started_at'])}, {data['seconds']:.0f} s; {data['machine']['cpus']} CPUs, "
        f"{_e(data['machine']['platform'])}</li>",
    ]
    manifest = data["index"]["manifest"]
    if manifest:
        parts.append(
            f"<li>index: <code>{_e(data['index']['dir'])}</code>: {_e(manifest.get('documents'))} documents, "
            f"{_e(manifest.get('chunks'))} chunks, embedder {_e(manifest.get('embedder'))}, "
            f"chunker {_e(json.dumps(manifest.get('chunker'), ensure_ascii=False))}</li>"
        )
    parts.append("</ul><h2>Summary</h2>")
    parts.append(_html_table(header, rows))
    parts.append(
        "<ul>"
        + "".join(f"<li><b>{_e(c['name'])}</b>: {_e(c['description'])}</li>" for c in data["configs"])
        + "</ul>"
    )
    parts.append(
        f'<h2>Charts</h2><img alt="metrics by configuration" src="data:image/png;base64,{images["metrics"]}">'
    )
    parts.append(f'<img alt="accuracy by question type" src="data:image/png;base64,{images["types"]}">')
    parts.append(f'<img alt="latency histogram" src="data:image/png;base64,{images["latency"]}">')

    parts.append("<h2>By question type</h2><p>key accuracy; for <code>none</code>, refusal accuracy</p>")
    parts.append(_html_table(*type_accuracy_table(data)))

    for index, c in enumerate(data["configs"]):
        s = c["scores"]
        doc_rows = [
            [doc, str(g["n"]), fmt(g["hit_at_1"]), fmt(g["key_accuracy"]), fmt(g["concise_accuracy"])]
            for doc, g in s["by_doc"].items()
        ]
        body = [
            _html_table(["document", "n", "hit@1", "key acc", "concise acc"], doc_rows),
            f"<p>{len(s['failures'])} failures</p>",
            _failures_html(c),
        ]
        if c["errors"]:
            body.insert(0, "<ul>" + "".join(f'<li class="why">{_e(e)}</li>' for e in c["errors"]) + "</ul>")
        summary = (
            f"<summary><h2 style='display:inline'>{_e(c['name'])}: by document and failures</h2></summary>"
        )
        parts.append(f"<details{' open' if index == 0 else ''}>{summary}{''.join(body)}</details>")
    parts.append("</body></html>")
    return "\n".join(parts)
