"""``policy-assistant eval``: run, score and report evaluations; turn a quiz into a gold set.

- ``eval run GOLD [--index DIR] [--config NAME ...] [--out DIR]``: ask the gold questions under each
  configuration (default: hybrid, bm25, dense, hybrid-noreader, topk-5 and the LangChain baseline;
  ``all`` adds chunk-60 and chunk-160) and write predictions and reports to ``--out``.
- ``eval score --gold GOLD --predictions PRED.jsonl [--out DIR]`` (or positionally): score the answers
  of any system: our batch contract, or another system's (citations with only a quote, retrieved
  passages with only text or source, its own question types); prints the scores overall and by type.
- ``eval from-quiz QUIZ.(json|xlsx) OUT.jsonl``: a reviewed quiz as a gold set.
- ``eval generate CORPUS... --out OUT.jsonl [-n 2000] [--seed 13] [--unanswerable 0.2]``: a large
  generated gold set from the documents (see :mod:`evaluation.generated`).

GOLD may be JSONL, CSV or XLSX (see :mod:`evaluation.gold`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from assistant.cli_options import add_index_options, settings_from
from evaluation.errors import EvaluationError

__all__ = ["register"]


def _print_table(header: list[str], rows: list[list[str]], keep: list[int] | None = None) -> None:
    columns = keep if keep is not None else list(range(len(header)))
    widths = [max(len(header[i]), *(len(r[i]) for r in rows)) for i in columns]
    print("  ".join(header[i].ljust(w) for i, w in zip(columns, widths, strict=True)))
    for row in rows:
        print("  ".join(row[i].ljust(w) for i, w in zip(columns, widths, strict=True)))


def _print_summary(data: dict[str, Any], by_type: bool = False) -> None:
    from evaluation.report import summary_table, type_table

    header, rows = summary_table(data)
    keep = [header.index(h) for h in ("config", "hit@1", "hit@5", "MRR", "doc@1", "key acc", "concise acc",
                                      "short acc", "F1", "cite correct", "refusal R", "false refusal",
                                      "p50 ms", "p95 ms")]  # fmt: skip
    _print_table(header, rows, keep)
    if by_type:
        for config in data["configs"]:
            print(f"\n按题型（{config['name']}）：")
            _print_table(*type_table(config))


def _finish(data: dict[str, Any], out: Path, floors: Path | None, by_type: bool = False) -> int:
    from evaluation.report import write_reports

    paths = write_reports(data, out)
    _print_summary(data, by_type)
    print(f"报告：{paths.html}\n      {paths.markdown}\n      {paths.json}")
    status = 0
    if floors is not None:
        from evaluation.runner import check_floors, load_floors

        spec = load_floors(floors)
        name = spec.get("config", "hybrid")
        row = next((c for c in data["configs"] if c["name"] == name), None)
        if row is None:
            print(f"下限检查：本次运行没有配置 {name}", file=sys.stderr)
            return 1
        problems = check_floors(row["scores"], spec["floors"])
        for p in problems:
            print(f"低于下限：{p}", file=sys.stderr)
        status = 1 if problems else 0
    return status


def cmd_run(args: argparse.Namespace) -> int:
    from evaluation.report import report_data
    from evaluation.runner import run_evaluation

    settings = settings_from(args)
    run = run_evaluation(args.gold, settings, args.config, args.out, progress=not args.quiet)
    return _finish(report_data(run), args.out, args.floors)


def cmd_score(args: argparse.Namespace) -> int:
    from evaluation.report import report_data
    from evaluation.runner import score_file

    gold = _one_path(args.gold_option, args.gold, "--gold", "标准答案集")
    predictions = _one_path(args.predictions_option, args.predictions, "--predictions", "预测结果")
    run = score_file(gold, predictions, args.name)
    return _finish(report_data(run), args.out, args.floors, by_type=True)


def _one_path(option: Path | None, positional: Path | None, flag: str, what: str) -> Path:
    if option is not None and positional is not None and option != positional:
        raise EvaluationError(f"{what}给了两次：{flag} {option} 与 {positional}；请只给一个")
    path = option or positional
    if path is None:
        raise EvaluationError(f"缺少{what}文件：请用 {flag} 文件 指定")
    return path


def cmd_from_quiz(args: argparse.Namespace) -> int:
    from evaluation.gold import load_gold
    from evaluation.quizgold import convert_quiz

    n = convert_quiz(args.quiz, args.out, prefix=args.prefix)
    load_gold(args.out)  # the result must pass the gold-set validation it will meet in `eval run`
    print(f"已写入 {n} 道题：{args.out}")
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    from collections import Counter

    from evaluation.generated import generate_from_paths, write_jsonl
    from evaluation.gold import load_gold

    questions = generate_from_paths(args.corpus, args.n, args.seed, args.unanswerable)
    n = write_jsonl(questions, args.out)
    load_gold(args.out)  # what `eval score` will read must pass its validation
    counts = Counter(q.type for q in questions)
    print(f"已写入 {n} 道题：{args.out}（" + "，".join(f"{t} {c}" for t, c in sorted(counts.items())) + "）")
    return 0


def _guarded(func: Any) -> Any:
    def run(args: argparse.Namespace) -> int:
        try:
            return int(func(args))
        except EvaluationError as exc:
            print(f"错误：{exc}", file=sys.stderr)
            return 2

    return run


def register(subparsers: Any) -> None:
    """Add ``eval`` and its sub-commands to the ``policy-assistant`` parser."""
    from evaluation.runner import CONFIGS, DEFAULT_CONFIGS

    p = subparsers.add_parser("eval", help="评测：在标准答案集上运行并打分，生成报告")
    sub = p.add_subparsers(dest="eval_command", required=True)

    names = ", ".join(CONFIGS)
    r = sub.add_parser("run", help="用标准答案集（JSONL/CSV/XLSX）评测助手，可同时比较多个配置")
    r.add_argument("gold", type=Path, help="标准答案集：.jsonl .csv .xlsx")
    r.add_argument(
        "--config",
        action="append",
        metavar="NAME",
        help=f"配置（可多次或逗号分隔）：{names}；default = {', '.join(DEFAULT_CONFIGS)}；all = 全部",
    )
    r.add_argument("--out", type=Path, default=Path("eval-out"), help="输出目录（默认 ./eval-out）")
    r.add_argument("--floors", type=Path, help="下限文件（如 evaluation/floors.json）：低于下限时退出码为 1")
    r.add_argument("--quiet", action="store_true", help="不显示进度条")
    add_index_options(r)
    r.set_defaults(func=_guarded(cmd_run))

    s = sub.add_parser("score", help="给任意系统的回答（JSONL，ask --json 格式或其它系统的格式）打分")
    s.add_argument("gold", type=Path, nargs="?", help="标准答案集（也可用 --gold）")
    s.add_argument("predictions", type=Path, nargs="?", help="预测结果 JSONL（也可用 --predictions）")
    s.add_argument(
        "--gold", dest="gold_option", type=Path, metavar="GOLD", help="标准答案集：.jsonl .csv .xlsx"
    )
    s.add_argument(
        "--predictions",
        dest="predictions_option",
        type=Path,
        metavar="PRED",
        help="预测结果：.jsonl 或 .json",
    )
    s.add_argument("--out", type=Path, default=Path("eval-out"), help="输出目录（默认 ./eval-out）")
    s.add_argument("--name", help="报告中的名称（默认为预测文件名）")
    s.add_argument("--floors", type=Path, help="下限文件：低于下限时退出码为 1")
    s.set_defaults(func=_guarded(cmd_score))

    q = sub.add_parser("from-quiz", help="把审核过的试题（.json/.xlsx）转成标准答案集 JSONL")
    q.add_argument("quiz", type=Path)
    q.add_argument("out", type=Path)
    q.add_argument("--prefix", default="quiz", help="题目编号前缀（默认 quiz）")
    q.set_defaults(func=_guarded(cmd_from_quiz))

    g = sub.add_parser(
        "generate", help="从文件生成大量带标准答案与依据的问题（含不可回答的问题），写成标准答案集 JSONL"
    )
    g.add_argument("corpus", type=Path, nargs="+", help="文件或文件夹（与 ingest 相同）")
    g.add_argument("--out", type=Path, required=True, help="输出的标准答案集 .jsonl")
    g.add_argument("-n", type=int, default=2000, help="题目数（默认 2000）")
    g.add_argument("--seed", type=int, default=13, help="随机种子：同样的文件和种子生成同样的题目（默认 13）")
    g.add_argument("--unanswerable", type=float, default=0.2, help="不可回答题目的比例（默认 0.2）")
    g.set_defaults(func=_guarded(cmd_generate))
