"""Report tables (报告表格): the score tables every report format shows, as header and rows of strings.

The summary (one row per configuration), one configuration's scores by question type (分题型) and the
accuracy of every configuration by type come from the JSON report alone, so the Markdown and HTML
reports, the charts and ``eval score`` show the same numbers.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "SUMMARY_METRICS",
    "TYPE_METRICS",
    "fmt",
    "metric_value",
    "question_types",
    "summary_table",
    "type_accuracy",
    "type_accuracy_table",
    "type_table",
]

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


def fmt(value: Any, digits: int = 3) -> str:
    """A score as a table shows it: ``–`` for none, floats to ``digits`` places."""
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
                *(fmt(s[group].get(metric)) for group, metric, _ in SUMMARY_METRICS),
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
        rows.append([qtype, str(group["n"]), *(fmt(values[name]) for name, _ in TYPE_METRICS)])
    overall = {
        "hit_at_1": scores["retrieval"].get("hit_at_1"),
        "hit_at_5": scores["retrieval"].get("hit_at_5"),
        "key_accuracy": scores["answers"].get("key_accuracy"),
        "short_accuracy": scores["answers"].get("short_accuracy"),
        "citation_correct": scores["citations"].get("citation_correct"),
        "refusal_accuracy": scores["refusal"].get("refusal_recall"),
        "false_refusal_rate": scores["refusal"].get("false_refusal_rate"),
    }
    rows.append(["all", str(scores["n_items"]), *(fmt(overall[name]) for name, _ in TYPE_METRICS)])
    return header, rows


def metric_value(scores: dict[str, Any], label: str) -> float:
    """The summary metric of column ``label`` in one configuration's scores (0.0 when not measured)."""
    for group, metric, name in SUMMARY_METRICS:
        if name == label:
            value = scores[group].get(metric)
            return 0.0 if value is None else float(value)
    raise KeyError(label)


def question_types(data: dict[str, Any]) -> list[str]:
    """The question types of every configuration's scores, in the order they first appear."""
    seen: dict[str, None] = {}
    for c in data["configs"]:
        seen.update(dict.fromkeys(c["scores"]["by_type"]))
    return list(seen)


def type_accuracy(group: dict[str, Any], qtype: str) -> float | None:
    """Key accuracy of one question type's scores; refusal accuracy for ``none``."""
    # For unanswerable questions the "right answer" is the refusal.
    value = group["refusal_accuracy"] if qtype == "none" else group["key_accuracy"]
    return None if value is None else float(value)


def type_accuracy_table(data: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the accuracy by question type: one row per type, one column per configuration."""
    rows = []
    for qtype in question_types(data):
        row = [qtype]
        for c in data["configs"]:
            group = c["scores"]["by_type"].get(qtype)
            row.append("–" if group is None else f"{fmt(type_accuracy(group, qtype))} (n={group['n']})")
        rows.append(row)
    return ["type", *(c["name"] for c in data["configs"])], rows
