"""Calibration on many questions (多题校准): dev, validation and a generated set side by side, per type,
and the refusal threshold swept on the generated set.

    python bench/calibrate.py --index DIR [--validation-index DIR] --generated N [--seed 13]
        [--corpus ../shared/corpus] [--dev ../shared/datasets/dev_qa.jsonl]
        [--validation ../shared/datasets/validation_qa.jsonl] [--values 0.1,0.15,...] [--out DIR]

Every index is copied to a temporary folder first (the given folders are never written). Questions
are asked in-process through the public ``Assistant`` API, exactly as ``ask --batch`` does, and each
set's answers are written to ``<out>/answers-<set>.jsonl`` so ``policy-assistant eval score``
reproduces them. The generated gold set (``<out>/gold-generated.jsonl``) comes from
:mod:`evaluation.generated` over ``--corpus``;
the validation questions are only measured, never used to generate or to choose a value.

The sweep varies ``AnswerPolicy.min_coverage`` (the share of the question's weighted terms the best
sentence must cover, else 未找到依据). That threshold only gates answer against refusal, so lowering
it turns some refusals into answers and leaves every other answer unchanged: the sweep asks every
question at the highest value, then re-asks only the refused ones at each lower value.
Objective: balanced accuracy of the refuse decision, (refusal recall on unanswerable + 1 − false
refusal rate on answerable) / 2; a value keeping false refusal ≤ 0.05 with the highest refusal recall
is printed too. The value in the code is not changed: the script reports.

Figures per type (the issue's Measurement): hit@1/hit@5, answer acc (every gold key in the answer),
short acc (the short answer states a gold answer), citation acc, refusal on unanswerable, false
refusal, and "lead figure right": for answered number/deadline questions, the first figure of the
short answer (else of the answer) is a figure of the gold answer. The assistant runs with default
settings (the environment is ignored, so an LLM configured there cannot change the figures).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # run from a checkout without installing

from assistant import Assistant, Settings  # noqa: E402
from evaluation.generated import generate_from_paths, write_jsonl  # noqa: E402
from evaluation.gold import GoldItem, load_gold  # noqa: E402
from evaluation.scoring import ScoreReport, score  # noqa: E402
from evaluation.textnorm import normalize, strip_citation_markers  # noqa: E402

SHARED = REPO.parent / "shared"
DEFAULT_VALUES = (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5)
PARAMETER = "min_coverage"
_FIGURE = re.compile(r"\d+(?:\.\d+)?")

# ---------------------------------------------------------------- the assistant under a policy


def _default_policy() -> Any:
    from assistant.policy import DEFAULT_POLICY  # not public API: the bench reads the one policy object

    return DEFAULT_POLICY


def current_threshold() -> float:
    """The refusal threshold in the code now (``AnswerPolicy.min_coverage``)."""
    return float(getattr(_default_policy(), PARAMETER))


def open_assistant(index_dir: Path, threshold: float | None = None, kb: Any = None) -> Assistant:
    """An assistant on ``index_dir`` with the refusal threshold set to ``threshold`` (None: as coded);
    ``kb`` shares an open knowledge base between assistants of different thresholds."""
    settings = Settings.from_env({}, index_dir=index_dir)
    policy = _default_policy()
    if threshold is not None:
        policy = dataclasses.replace(policy, **{PARAMETER: threshold})
    return Assistant(settings, kb, policy=policy)


def ask_all(
    assistant: Assistant, gold: Sequence[GoldItem], out: Path | None = None
) -> dict[str, dict[str, Any]]:
    """Every question asked as ``ask --batch`` would (the answer contract), written to ``out``."""
    preds = {g.id: assistant.ask(g.question).to_dict(g.id) for g in gold}
    if out is not None:
        out.write_text(
            "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in preds.values()), encoding="utf-8"
        )
    return preds


def answer_set(
    name: str, index: Path, gold: Sequence[GoldItem], out: Path, log: Callable[[str], None]
) -> dict[str, dict[str, Any]]:
    """Every question of ``gold`` asked on ``index`` after one warm-up question; the answers are written
    to ``out/answers-<name>.jsonl`` and the time taken logged."""
    path = out / f"answers-{name}.jsonl"
    t0 = time.perf_counter()
    assistant = open_assistant(index)
    try:
        assistant.ask(gold[0].question)  # warm-up: the first answer loads the models
        preds = ask_all(assistant, gold, path)
    finally:
        assistant.close()
    log(f"{name}: {len(gold)} questions in {time.perf_counter() - t0:.0f} s → {path}")
    return preds


# ---------------------------------------------------------------- figures


def lead_figure_right(item: GoldItem, pred: Mapping[str, Any]) -> bool | None:
    """For an answered number/deadline question: the first figure the answer shows is a gold figure.

    The lead is the short answer, else the answer text; figures are compared after normalization
    (Chinese numerals → digits). None when not applicable (other types, refused, no figure in gold)."""
    if item.type not in ("number", "deadline") or not pred.get("found"):
        return None
    gold_figures = {f for a in item.answers for f in _FIGURE.findall(normalize(a))}
    if not gold_figures:
        return None
    lead = pred.get("short_answer") or strip_citation_markers(str(pred.get("answer") or ""))
    shown = _FIGURE.findall(normalize(str(lead)))
    return bool(shown) and shown[0] in gold_figures


def _mean(values: Sequence[float | bool | None]) -> float | None:
    present = [float(v) for v in values if v is not None]
    return sum(present) / len(present) if present else None


def type_rows(
    gold: Sequence[GoldItem], report: ScoreReport, preds: Mapping[str, Mapping[str, Any]]
) -> dict[str, dict[str, Any]]:
    """Per question type (and ``all``): the figures the issue's Measurement names."""
    by_id = {g.id: g for g in gold}
    rows: dict[str, dict[str, Any]] = {}
    groups: dict[str, list[Any]] = {}
    for r in report.items:
        groups.setdefault(r.type, []).append(r)
    groups["all"] = list(report.items)
    for name, results in groups.items():
        answerable = [r for r in results if r.type != "none"]
        nones = [r for r in results if r.type == "none"]
        leads = [lead_figure_right(by_id[r.id], preds[r.id]) for r in answerable if r.id in preds]
        rows[name] = {
            "n": len(results),
            "hit@1": _mean([r.hit(1) for r in answerable]),
            "hit@5": _mean([r.hit(5) for r in answerable]),
            "answer acc": _mean([r.key_ok for r in answerable]),
            "short acc": _mean([r.short_ok for r in answerable]),
            "citation acc": _mean([r.citation_ok for r in answerable]),
            "refusal (unanswerable)": _mean([r.found is False for r in nones]),
            "false refusal": _mean([r.found is False for r in answerable]),
            "lead figure right": _mean(leads),
        }
    return rows


COLUMNS = ("n", "hit@1", "hit@5", "answer acc", "short acc", "citation acc", "refusal (unanswerable)",
           "false refusal", "lead figure right")  # fmt: skip


def _f(value: Any) -> str:
    if value is None:
        return "–"
    return str(value) if isinstance(value, int) else f"{value:.3f}"


def markdown_table(
    first: str, rows: Mapping[str, Mapping[str, Any]], columns: Sequence[str] = COLUMNS
) -> str:
    lines = [f"| {first} | " + " | ".join(columns) + " |", "|" + "---|" * (len(columns) + 1)]
    order = sorted((k for k in rows if k != "all"), key=lambda k: (k == "none", k)) + (
        ["all"] if "all" in rows else []
    )
    for key in order:
        lines.append(f"| {key} | " + " | ".join(_f(rows[key].get(c)) for c in columns) + " |")
    return "\n".join(lines)


def side_by_side(sets: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> str:
    """Aggregate figures of every set in one table: one row per metric, one column per set."""
    names = list(sets)
    lines = ["| metric | " + " | ".join(names) + " |", "|" + "---|" * (len(names) + 1)]
    for metric in COLUMNS:
        lines.append(f"| {metric} | " + " | ".join(_f(sets[n]["all"].get(metric)) for n in names) + " |")
    return "\n".join(lines)


def variant_rows(gold_path: Path, report: ScoreReport) -> dict[str, dict[str, Any]]:
    """Generated set by how the question was worded: answerable ones by name form (formal, loose,
    misspelled, dropped), unanswerable ones by the constraint swapped (year, region, …)."""
    rows = [json.loads(line) for line in gold_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    group = {
        r["id"]: (f"swap: {r['swap']}" if r.get("swap") else f"name: {r.get('name_form', '')}") for r in rows
    }
    groups: dict[str, list[Any]] = {}
    for item in report.items:
        groups.setdefault(group.get(item.id, "?"), []).append(item)
    out = {}
    for name, results in sorted(groups.items()):
        answerable = [r for r in results if r.type != "none"]
        nones = [r for r in results if r.type == "none"]
        out[name] = {
            "n": len(results),
            "short acc": _mean([r.short_ok for r in answerable]),
            "citation acc": _mean([r.citation_ok for r in answerable]),
            "false refusal": _mean([r.found is False for r in answerable]),
            "refusal (unanswerable)": _mean([r.found is False for r in nones]),
        }
    return out


VARIANT_COLUMNS = ("n", "short acc", "citation acc", "false refusal", "refusal (unanswerable)")


# ---------------------------------------------------------------- sweep


def sweep(
    index_dir: Path, gold: Sequence[GoldItem], values: Sequence[float], log: Callable[[str], None]
) -> list[dict[str, Any]]:
    """Refusal recall and false refusal at each threshold (highest first, re-asking only refusals)."""
    first = open_assistant(index_dir)
    answerable = {g.id for g in gold if g.answerable}
    found: dict[str, bool] = {}
    curve = []
    try:
        for value in sorted(values, reverse=True):
            assistant = open_assistant(index_dir, value, first.kb)
            todo = [g for g in gold if not found.get(g.id, False)]
            t0 = time.perf_counter()
            for g in todo:
                found[g.id] = bool(assistant.ask(g.question).found)
            n_none = len(gold) - len(answerable)
            refusal = sum(not found[g.id] for g in gold if g.id not in answerable) / max(n_none, 1)
            false_refusal = sum(not found[i] for i in answerable) / max(len(answerable), 1)
            curve.append({"value": value, "refusal": refusal, "false_refusal": false_refusal,
                          "objective": (refusal + 1 - false_refusal) / 2})  # fmt: skip
            log(f"  {PARAMETER}={value}: asked {len(todo)} in {time.perf_counter() - t0:.0f} s")
    finally:
        first.close()
    return sorted(curve, key=lambda c: c["value"])


def sweep_table(curve: Sequence[Mapping[str, Any]], coded: float) -> str:
    lines = [f"| {PARAMETER} | refusal on unanswerable | false refusal | objective |", "|---|---|---|---|"]
    for c in curve:
        mark = " (code)" if abs(c["value"] - coded) < 1e-9 else ""
        lines.append(
            f"| {c['value']:g}{mark} | {c['refusal']:.3f} | {c['false_refusal']:.3f} | {c['objective']:.3f} |"
        )
    return "\n".join(lines)


# ---------------------------------------------------------------- main


def _copy(index: Path, into: Path) -> Path:
    if not (index / "catalog.sqlite").exists():
        raise SystemExit(f"错误：{index} 不是索引目录（缺少 catalog.sqlite）；请先 policy-assistant ingest")
    target = into / index.name
    shutil.copytree(index, target, ignore=shutil.ignore_patterns("*.lock"))
    return target


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument(
        "--index", type=Path, required=True, help="index over ../shared/corpus (copied, never written)"
    )
    p.add_argument("--validation-index", type=Path, help="index over corpus + corpus-validation (copied)")
    p.add_argument("--generated", type=int, default=2000, help="generated questions (default 2000; 0 = none)")
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--corpus", type=Path, action="append", help="folders the questions are generated from")
    p.add_argument("--dev", type=Path, default=SHARED / "datasets" / "dev_qa.jsonl")
    p.add_argument("--validation", type=Path, default=SHARED / "datasets" / "validation_qa.jsonl")
    p.add_argument("--values", help=f"thresholds to sweep, comma-separated (default {DEFAULT_VALUES})")
    p.add_argument("--no-sweep", action="store_true")
    p.add_argument("--out", type=Path, help="where answers and the generated set go (default: a temp folder)")
    args = p.parse_args(argv)

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    values = tuple(float(v) for v in args.values.split(",")) if args.values else DEFAULT_VALUES
    with tempfile.TemporaryDirectory(prefix="calibrate-") as tmp:
        work = Path(tmp)
        out = args.out or work / "out"
        out.mkdir(parents=True, exist_ok=True)
        dev_index = _copy(args.index, work / "dev")
        sets: dict[str, tuple[list[GoldItem], Path]] = {"dev": (load_gold(args.dev), dev_index)}
        if args.validation_index is not None:
            sets["validation"] = (load_gold(args.validation), _copy(args.validation_index, work / "val"))
        if args.generated > 0:
            corpus = args.corpus or [SHARED / "corpus"]
            gen_path = out / "gold-generated.jsonl"
            write_jsonl(generate_from_paths(corpus, args.generated, args.seed), gen_path)
            sets["generated"] = (load_gold(gen_path), dev_index)
            log(f"generated set: {gen_path}")
        tables: dict[str, dict[str, dict[str, Any]]] = {}
        variants: dict[str, dict[str, Any]] = {}
        for name, (gold, index) in sets.items():
            preds = answer_set(name, index, gold, out, log)
            report = score(gold, preds)
            tables[name] = type_rows(gold, report, preds)
            if name == "generated":
                variants = variant_rows(out / "gold-generated.jsonl", report)
        print("## Side by side (all questions)\n")
        print(side_by_side(tables))
        for name, rows in tables.items():
            if name == "validation":
                continue  # validation is reported in aggregate only
            print(f"\n## {name}: by question type\n")
            print(markdown_table("type", rows))
        if variants:
            print("\n## generated: by wording (name form) and by swapped constraint\n")
            print(markdown_table("group", variants, VARIANT_COLUMNS))
        if "generated" in sets and not args.no_sweep:
            coded = current_threshold()
            log(f"sweep of {PARAMETER} on the generated set: {', '.join(map(str, values))}")
            curve = sweep(dev_index, sets["generated"][0], values, log)
            print(f"\n## Sweep of {PARAMETER} on the generated set (value in code: {coded:g})\n")
            print(sweep_table(curve, coded))
            best = max(curve, key=lambda c: (c["objective"], -abs(c["value"] - coded)))
            within = [c for c in curve if c["false_refusal"] <= 0.05]
            print(f"\nBest balanced accuracy: {PARAMETER} = {best['value']:g} "
                  f"(refusal {best['refusal']:.3f}, false refusal {best['false_refusal']:.3f}).")  # fmt: skip
            if within:
                pick = max(within, key=lambda c: (c["refusal"], -c["value"]))
                print(f"Highest refusal with false refusal ≤ 0.05: {PARAMETER} = {pick['value']:g} "
                      f"(refusal {pick['refusal']:.3f}).")  # fmt: skip
            else:
                print("No swept value keeps false refusal ≤ 0.05.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
