"""The Markdown report (Markdown 评测报告): summary, configurations, accuracy by type and failures.

Rendered from the JSON report alone (:mod:`evaluation.report`); table cells are kept on one line and
their ``|`` escaped, so a question or an answer cannot break the table.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from evaluation.report_tables import summary_table, type_accuracy_table

__all__ = ["render_markdown"]


def _md_cell(text: Any, limit: int | None = None) -> str:
    s = str(text).replace("\r", " ").replace("\n", " ").replace("|", "\\|")
    return s if limit is None or len(s) <= limit else s[: limit - 1] + "…"


def _md_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
    return lines


def render_markdown(data: dict[str, Any], max_failures: int = 50) -> str:
    """The report as Markdown: summary, accuracy by type, then the first configuration's failures."""
    gold, git = data["gold"], data["git"]
    dirty = " (uncommitted changes)" if git.get("dirty") else ""
    lines = [
        f"# {data['title']}",
        "",
        f"- gold set: `{gold['path']}`: {gold['n_items']} questions "
        f"({gold['n_answerable']} answerable, {gold['n_none']} unanswerable)",
        f"- commit: `{git['commit']}`{dirty}",
        f"- run: {data['started_at']}, {data['seconds']:.0f} s; machine: {data['machine']['cpus']} CPUs, "
        f"{data['machine']['platform']}",
    ]
    manifest = data["index"]["manifest"]
    if manifest:
        lines.append(
            f"- index: `{data['index']['dir']}`: {manifest.get('documents')} documents, "
            f"{manifest.get('chunks')} chunks, embedder {manifest.get('embedder')}, chunker {manifest.get('chunker')}"
        )
    lines += ["", "## Summary", ""]
    header, rows = summary_table(data)
    lines += _md_table(header, rows)
    lines += [
        "",
        "Rates over answerable questions; refusal P/R over refusals and unanswerable questions.",
        "",
    ]
    lines += ["## Configurations", ""]
    lines += [f"- **{c['name']}**: {c['description']} ({c['seconds']:.0f} s)" for c in data["configs"]]
    lines += ["", "## Accuracy by question type (key accuracy; `none`: refusal accuracy)", ""]
    lines += _md_table(*type_accuracy_table(data))
    for c in data["configs"]:
        if c["errors"]:
            lines += ["", f"## Errors in {c['name']}", ""]
            lines += [f"- {_md_cell(e)}" for e in c["errors"]]
    if data["configs"]:
        first = data["configs"][0]
        failures = first["scores"]["failures"]
        lines += ["", f"## Failures of {first['name']} ({len(failures)})", ""]
        rows = []
        for f in failures[:max_failures]:
            top = f["top_retrieved"][0] if f["top_retrieved"] else None
            top_text = "–" if top is None else f"{top['source']}: {top['text']}"
            rows.append(
                [
                    f["id"],
                    f["type"],
                    _md_cell(f["question"], 60),
                    "; ".join(f["reasons"]),
                    _md_cell(f["answer"] or "–", 80),
                    _md_cell(top_text, 100),
                ]
            )
        lines += _md_table(["id", "type", "question", "why", "answer", "top passage"], rows)
        if len(failures) > max_failures:
            lines.append(f"\n… {len(failures) - max_failures} more in the JSON and HTML reports.")
    return "\n".join(lines) + "\n"
