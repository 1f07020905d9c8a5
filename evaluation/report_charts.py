"""The report's charts (评测图表): metric bars per configuration, accuracy per question type and a
latency histogram, each a base64 PNG for the HTML report to embed.

Drawn with matplotlib's Agg canvas. Chart labels are Chinese only when a CJK font is installed;
otherwise they are English alone.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from evaluation.report_tables import metric_value, question_types, type_accuracy

__all__ = ["charts", "cjk_font"]

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
        series = [(c["name"], [metric_value(c["scores"], m) for m in _CHART_METRICS]) for c in configs]
        _grouped_bars(ax, _CHART_METRICS, series, _label("rate", "比例"))
        ax.set_title(_label("Metrics by configuration", "各配置指标"))

    types = question_types(data)

    def type_bars(fig: Any) -> None:
        ax = fig.add_subplot()
        series = []
        for c in configs:
            by_type = c["scores"]["by_type"]
            series.append(
                (c["name"], [type_accuracy(by_type[t], t) if t in by_type else None for t in types])
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
