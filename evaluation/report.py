"""Evaluation reports (评测报告): JSON, Markdown and one self-contained HTML page.

The JSON report is the record: stamped with the git commit, the index manifest and each
configuration's settings, and holding every score. Markdown and HTML are rendered from that JSON
alone, so a report can be re-rendered later. The HTML page embeds its charts as base64 PNGs
(matplotlib, Agg) and loads nothing from the network; every text from documents, questions and
answers is HTML-escaped. Chart labels are Chinese only when a CJK font is installed.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import json
import os
import platform
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from evaluation.runner import EvalRun

__all__ = [
    "SUMMARY_METRICS",
    "ReportPaths",
    "git_commit",
    "render_html",
    "render_markdown",
    "report_data",
    "summary_table",
    "type_table",
    "write_reports",
]

REPO = Path(__file__).resolve().parents[1]

# (group, metric, column label) in the order tables and charts show them.
SUMMARY_METRICS: tuple[tuple[str, str, str], ...] = (
    ("retrieval", "hit_at_1", "hit@1"),
    ("retrieval", "hit_at_3", "hit@3"),
    ("retrieval", "hit_at_5", "hit@5"),
    ("retrieval", "hit_at_10", "hit@10"),
    ("retrieval", "mrr", "MRR"),
    ("retrieval", "ndcg_at_10", "nDCG@10"),
    ("retrieval", "doc_at_1", "doc@1"),
    ("answers", "key_accuracy", "key acc"),
    ("answers", "concise_accuracy", "concise acc"),
    ("answers", "exact_match", "EM"),
    ("answers", "char_f1", "F1"),
    ("answers", "short_accuracy", "short acc"),
    ("answers", "verdict_accuracy", "verdict acc"),
    ("citations", "citation_correct", "cite correct"),
    ("citations", "citation_precision", "cite precision"),
    ("refusal", "refusal_precision", "refusal P"),
    ("refusal", "refusal_recall", "refusal R"),
    ("refusal", "false_refusal_rate", "false refusal"),
)
_CHART_METRICS = (
    "hit@1",
    "hit@5",
    "MRR",
    "doc@1",
    "key acc",
    "concise acc",
    "F1",
    "cite correct",
    "refusal R",
)


@dataclass(frozen=True, slots=True)
class ReportPaths:
    json: Path
    markdown: Path
    html: Path


# ---------------------------------------------------------------- the JSON record


def git_commit(repo: Path = REPO) -> dict[str, Any]:
    """``{"commit": <HEAD sha or "unknown">, "dirty": bool | None}`` of the code that ran."""
    try:
        head = subprocess.run(
            ["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10
        )
        if head.returncode != 0:
            return {"commit": "unknown", "dirty": None}
        status = subprocess.run(
            ["git", "-C", str(repo), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return {"commit": "unknown", "dirty": None}
    dirty = bool(status.stdout.strip()) if status.returncode == 0 else None
    return {"commit": head.stdout.strip(), "dirty": dirty}


def report_data(run: EvalRun, title: str = "政策通评测报告") -> dict[str, Any]:
    """The JSON report (评测记录) of a run."""
    gold = run.gold
    types: dict[str, int] = {}
    for item in gold:
        types[item.type] = types.get(item.type, 0) + 1

    return {
        "title": title,
        "generated_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "started_at": run.started_at,
        "seconds": round(run.seconds, 2),
        "git": git_commit(),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "gold": {
            "path": str(run.gold_path),
            "n_items": len(gold),
            "n_answerable": sum(item.type != "none" for item in gold),
            "n_none": sum(item.type == "none" for item in gold),
            "types": dict(sorted(types.items())),
        },
        "index": {"dir": run.index_dir, "manifest": run.manifest},
        "configs": [
            {
                "name": r.name,
                "description": r.description,
                "settings": r.settings,
                "index_dir": r.index_dir,
                "manifest": r.manifest,
                "build": r.build,
                "predictions": str(r.predictions),
                "seconds": round(r.seconds, 2),
                "errors": list(r.errors),
                "scores": r.report.to_dict(),
            }
            for r in run.runs
        ],
    }


# ---------------------------------------------------------------- shared formatting


def _fmt(value: Any, digits: int = 3) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _ms(value: Any) -> str:
    return "–" if value is None else f"{value:.0f}"


def summary_table(data: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the per-configuration summary (one row per configuration)."""
    header = ["config", *(label for _, _, label in SUMMARY_METRICS), "p50 ms", "p95 ms"]
    rows = []
    for c in data["configs"]:
        s = c["scores"]
        rows.append(
            [
                c["name"],
                # .get: a report written before a metric existed still renders ("–").
                *(_fmt(s[group].get(metric)) for group, metric, _ in SUMMARY_METRICS),
                _ms(s["latency"]["p50_ms"]),
                _ms(s["latency"]["p95_ms"]),
            ]
        )
    return header, rows


# (GroupScores field, column label) of the per-type table ``eval score`` prints.
TYPE_METRICS: tuple[tuple[str, str], ...] = (
    ("hit_at_1", "hit@1"),
    ("hit_at_5", "hit@5"),
    ("key_accuracy", "answer acc"),
    ("short_accuracy", "short acc"),
    ("citation_correct", "cite correct"),
    ("refusal_accuracy", "refused (none)"),
    ("false_refusal_rate", "false refusal"),
)


def type_table(config: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Header and rows of one configuration's scores by question type (分题型), ``all`` last.

    Types are the gold set's own labels, ours or not. "refused (none)" is the share of unanswerable
    questions refused; "false refusal" the share of answerable ones refused.
    """
    scores = config["scores"]
    header = ["type", "n", *(label for _, label in TYPE_METRICS)]
    rows = []
    for qtype, group in scores["by_type"].items():
        values = {name: group.get(name) for name, _ in TYPE_METRICS}
        if qtype != "none":
            values["refusal_accuracy"] = None
        rows.append([qtype, str(group["n"]), *(_fmt(values[name]) for name, _ in TYPE_METRICS)])
    overall = {
        "hit_at_1": scores["retrieval"].get("hit_at_1"),
        "hit_at_5": scores["retrieval"].get("hit_at_5"),
        "key_accuracy": scores["answers"].get("key_accuracy"),
        "short_accuracy": scores["answers"].get("short_accuracy"),
        "citation_correct": scores["citations"].get("citation_correct"),
        "refusal_accuracy": scores["refusal"].get("refusal_recall"),
        "false_refusal_rate": scores["refusal"].get("false_refusal_rate"),
    }
    rows.append(["all", str(scores["n_items"]), *(_fmt(overall[name]) for name, _ in TYPE_METRICS)])
    return header, rows


def _metric(scores: dict[str, Any], label: str) -> float:
    for group, metric, name in SUMMARY_METRICS:
        if name == label:
            value = scores[group].get(metric)
            return 0.0 if value is None else float(value)
    raise KeyError(label)


def _types(data: dict[str, Any]) -> list[str]:
    seen: dict[str, None] = {}
    for c in data["configs"]:
        seen.update(dict.fromkeys(c["scores"]["by_type"]))
    return list(seen)


def _type_accuracy(group: dict[str, Any], qtype: str) -> float | None:
    # For unanswerable questions the "right answer" is the refusal.
    value = group["refusal_accuracy"] if qtype == "none" else group["key_accuracy"]
    return None if value is None else float(value)


# ---------------------------------------------------------------- Markdown


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
    types = _types(data)
    lines += ["", "## Accuracy by question type (key accuracy; `none`: refusal accuracy)", ""]
    rows = []
    for qtype in types:
        row = [qtype]
        for c in data["configs"]:
            group = c["scores"]["by_type"].get(qtype)
            row.append("–" if group is None else f"{_fmt(_type_accuracy(group, qtype))} (n={group['n']})")
        rows.append(row)
    lines += _md_table(["type", *(c["name"] for c in data["configs"])], rows)
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


# ---------------------------------------------------------------- charts


@cache
def cjk_font() -> str | None:
    """Name of an installed font that can draw Chinese, or None (then charts use English labels)."""
    from matplotlib import font_manager

    hints = (
        "cjk",
        "wenquanyi",
        "wqy",
        "simhei",
        "simsun",
        "heiti",
        "song",
        "yahei",
        "source han",
        "droid sans fallback",
    )
    for font in font_manager.fontManager.ttflist:
        if any(h in font.name.lower() for h in hints):
            return str(font.name)
    return None


def _label(english: str, chinese: str) -> str:
    return f"{chinese} {english}" if cjk_font() else english


def _png(draw: Callable[[Any], None], size: tuple[float, float]) -> str:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    font = cjk_font()
    if font:
        import matplotlib

        with matplotlib.rc_context({"font.sans-serif": [font, "DejaVu Sans"], "axes.unicode_minus": False}):
            draw(fig)
            return _encode(fig)
    draw(fig)
    return _encode(fig)


def _encode(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _grouped_bars(
    ax: Any, groups: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]], ylabel: str
) -> None:
    n = max(len(series), 1)
    width = 0.8 / n
    for i, (name, values) in enumerate(series):
        xs = [g + (i - (n - 1) / 2) * width for g in range(len(groups))]
        ax.bar(xs, [0.0 if v is None else v for v in values], width, label=name)
    ax.set_xticks(range(len(groups)), groups, rotation=30, ha="right")
    ax.set_ylim(0, 1.2)  # headroom above 1.0 keeps the legend off the bars
    ax.set_yticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
    ax.set_ylabel(ylabel)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8, ncols=min(n, 6), loc="upper center", frameon=False)


def charts(data: dict[str, Any]) -> dict[str, str]:
    """Base64 PNGs: metric bars per configuration, accuracy per question type, latency histogram."""
    configs = data["configs"]

    def metric_bars(fig: Any) -> None:
        ax = fig.add_subplot()
        series = [(c["name"], [_metric(c["scores"], m) for m in _CHART_METRICS]) for c in configs]
        _grouped_bars(ax, _CHART_METRICS, series, _label("rate", "比例"))
        ax.set_title(_label("Metrics by configuration", "各配置指标"))

    types = _types(data)

    def type_bars(fig: Any) -> None:
        ax = fig.add_subplot()
        series = []
        for c in configs:
            by_type = c["scores"]["by_type"]
            series.append(
                (c["name"], [_type_accuracy(by_type[t], t) if t in by_type else None for t in types])
            )
        labels = [
            f"{t} (n={max(c['scores']['by_type'].get(t, {}).get('n', 0) for c in configs)})" for t in types
        ]
        _grouped_bars(ax, labels, series, _label("accuracy", "准确率"))
        ax.set_title(_label("Key accuracy by question type (none: refusal accuracy)", "各题型要点准确率"))

    def latency_hist(fig: Any) -> None:
        ax = fig.add_subplot()
        values = {
            c["name"]: [i["latency_ms"] for i in c["scores"]["items"] if i["latency_ms"] is not None]
            for c in configs
        }
        everything = [v for vs in values.values() for v in vs]
        if everything:
            low, high = min(everything), max(everything)
            bins: Any = 10
            if low > 0 and high / low > 20:  # e.g. BM25 in milliseconds beside a reader in seconds
                bins = [low * (high / low) ** (k / 30) for k in range(31)]
                ax.set_xscale("log")
            elif high > low:
                bins = [low + (high - low) * k / 30 for k in range(31)]
            for name, vs in values.items():
                if vs:
                    ax.hist(vs, bins=bins, histtype="step", linewidth=1.5, label=name)
            ax.legend(fontsize=8)
        else:
            ax.text(0.5, 0.5, "no latencies recorded", ha="center", va="center", transform=ax.transAxes)
        ax.set_xlabel(_label("latency per question (ms)", "每题耗时（毫秒）"))
        ax.set_ylabel(_label("questions", "题数"))
        ax.set_title(_label("Answer latency", "回答耗时分布"))

    width = max(8.0, 1.0 + 0.35 * len(configs) * len(_CHART_METRICS) / 2)
    return {
        "metrics": _png(metric_bars, (width, 4.2)),
        "types": _png(type_bars, (max(8.0, 1.2 * len(types) * max(1, len(configs)) / 2), 4.2)),
        "latency": _png(latency_hist, (8.0, 3.6)),
    }


# ---------------------------------------------------------------- HTML

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
            f"({_fmt(p.get('score'), 4)})<br>{_e(_clip(p.get('text'), passage_chars))}</div>"
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

    types = _types(data)
    type_rows = []
    for qtype in types:
        row = [qtype]
        for c in data["configs"]:
            group = c["scores"]["by_type"].get(qtype)
            row.append("–" if group is None else f"{_fmt(_type_accuracy(group, qtype))} (n={group['n']})")
        type_rows.append(row)
    parts.append("<h2>By question type</h2><p>key accuracy; for <code>none</code>, refusal accuracy</p>")
    parts.append(_html_table(["type", *(c["name"] for c in data["configs"])], type_rows))

    for index, c in enumerate(data["configs"]):
        s = c["scores"]
        doc_rows = [
            [doc, str(g["n"]), _fmt(g["hit_at_1"]), _fmt(g["key_accuracy"]), _fmt(g["concise_accuracy"])]
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


# ---------------------------------------------------------------- files


def write_reports(data: dict[str, Any], out_dir: str | Path, stem: str = "report") -> ReportPaths:
    """Write ``<stem>.json``, ``<stem>.md`` and ``<stem>.html`` into ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = ReportPaths(out / f"{stem}.json", out / f"{stem}.md", out / f"{stem}.html")
    paths.json.write_text(json.dumps(data, ensure_ascii=False, indent=1, allow_nan=False), encoding="utf-8")
    paths.markdown.write_text(render_markdown(data), encoding="utf-8")
    paths.html.write_text(render_html(data), encoding="utf-8")
    return paths
