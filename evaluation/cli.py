"""``policy-assistant eval``: run, score and report evaluations; turn a quiz into a gold set.

- ``eval run GOLD [--index DIR] [--config NAME ...] [--out DIR]``: ask the gold questions under each
  configuration (default: hybrid, bm25, dense, hybrid-noreader, topk-5 and the LangChain baseline;
  ``all`` adds chunk-60 and chunk-160) and write predictions and reports to ``--out``.
- ``eval score --gold GOLD --predictions PRED.jsonl [--out DIR]`` (or positionally): score the answers
  of any system: our batch contract, or another system's (citations with only a quote, retrieved
  passages with only text or source, its own question types); prints the scores overall and by type.
- ``eval paraphrase [--set FILE] [--index DIR] [--out JSON]``: paraphrase stability: ask each question
  of a paraphrase set and its rewordings, report which groups keep the same answer span and short
  answer (see :mod:`evaluation.paraphrase`).
- ``--floors FILE`` (run, score, paraphrase): exit 1 when an aggregate is under its floor or over its
  ceiling; ``--raise-floors`` then tightens the file to the run's values (see :mod:`evaluation.floors`).
- ``eval from-quiz QUIZ.(json|xlsx) OUT.jsonl``: a reviewed quiz as a gold set.
- ``eval generate CORPUS... --out OUT.jsonl [-n 2000] [--seed 13] [--unanswerable 0.2]``: a large
  generated gold set from the documents (see :mod:`evaluation.generated`).

GOLD may be JSONL, CSV or XLSX (see :mod:`evaluation.gold`).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from assistant.cli_options import add_index_options, settings_from
from evaluation.errors import EvaluationError

__all__ = ["register"]

RAISE_HELP = "与 --floors 同用：通过时按本次结果收紧下限（及上限）并写回下限文件"


def _print_table(header: list[str], rows: list[list[str]], keep: list[int] | None = None) -> None:
    columns = keep if keep is not None else list(range(len(header)))
    widths = [max(len(header[i]), *(len(r[i]) for r in rows)) for i in columns]
    print("  ".join(header[i].ljust(w) for i, w in zip(columns, widths, strict=True)))
    for row in rows:
        print("  ".join(row[i].ljust(w) for i, w in zip(columns, widths, strict=True)))


def _print_summary(data: dict[str, Any], by_type: bool = False) -> None:
    from evaluation.report_tables import summary_table, type_table

    header, rows = summary_table(data)
    keep = [header.index(h) for h in ("config", "hit@1", "hit@5", "MRR", "doc@1", "key acc", "concise acc",
                                      "short acc", "verdict acc", "F1", "cite correct", "refusal R", "false refusal",
                                      "p50 ms", "p95 ms")]  # fmt: skip
    _print_table(header, rows, keep)
    if by_type:
        for config in data["configs"]:
            print(f"\n按题型（{config['name']}）：")
            _print_table(*type_table(config))


def _raise_needs_floors(args: argparse.Namespace) -> None:
    if args.raise_floors and args.floors is None:
        raise EvaluationError("--raise-floors 需要与 --floors 下限文件一起使用")


def _check_floors(scores: Any, floors: Path, spec: dict[str, Any], tighten: bool) -> int:
    """Exit status of the floors (and ceilings) check; with ``tighten`` a passing run raises them."""
    from evaluation.floors import check_floors, raise_floors, write_floors

    problems = check_floors(scores, spec["floors"], spec.get("ceilings"))
    for p in problems:
        print(f"未达下限/超过上限：{p}", file=sys.stderr)
    if problems:
        return 1
    print(f"下限检查通过：{floors}")
    if tighten:
        write_floors(floors, raise_floors(spec, scores))
        print(f"已按本次结果收紧下限/上限：{floors}")
    return 0


def _finish(
    data: dict[str, Any], out: Path, floors: Path | None, by_type: bool = False, raise_floors: bool = False
) -> int:
    from evaluation.report import write_reports

    paths = write_reports(data, out)
    _print_summary(data, by_type)
    print(f"报告：{paths.html}\n      {paths.markdown}\n      {paths.json}")
    if floors is None:
        return 0
    from evaluation.floors import load_floors

    spec = load_floors(floors)
    name = spec.get("config", "hybrid")
    row = next((c for c in data["configs"] if c["name"] == name), None)
    if row is None:
        print(f"下限检查：本次运行没有配置 {name}", file=sys.stderr)
        return 1
    return _check_floors(row["scores"], floors, spec, raise_floors)


def cmd_run(args: argparse.Namespace) -> int:
    from evaluation.report import report_data
    from evaluation.runner import run_evaluation

    _raise_needs_floors(args)
    settings = settings_from(args)
    run = run_evaluation(args.gold, settings, args.config, args.out, progress=not args.quiet)
    return _finish(report_data(run), args.out, args.floors, raise_floors=args.raise_floors)


def cmd_score(args: argparse.Namespace) -> int:
    from evaluation.report import report_data
    from evaluation.runner import score_file

    _raise_needs_floors(args)
    gold = _one_path(args.gold_option, args.gold, "--gold", "标准答案集")
    predictions = _one_path(args.predictions_option, args.predictions, "--predictions", "预测结果")
    run = score_file(gold, predictions, args.name)
    return _finish(report_data(run), args.out, args.floors, by_type=True, raise_floors=args.raise_floors)


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


def cmd_paraphrase(args: argparse.Namespace) -> int:
    from assistant import Assistant, IndexLayout
    from evaluation.paraphrase import load_paraphrases, run_stability

    _raise_needs_floors(args)
    groups = load_paraphrases(args.paraphrase_set)
    spec = None
    if args.floors is not None:
        from evaluation.floors import load_floors

        spec = load_floors(args.floors)  # a bad floors file fails before minutes of questions
    settings = settings_from(args)
    if not settings.chroma_url and not IndexLayout(settings.index_dir).catalog.exists():
        raise EvaluationError(
            f"no index at {settings.index_dir}; build it first: "
            f"policy-assistant ingest <folder> --index {settings.index_dir}"
        )
    assistant = Assistant(settings)
    try:
        report = run_stability(groups, lambda question: assistant.ask(question).to_dict())
    finally:
        assistant.close()
    rows = [
        [g.id, g.type, "对" if g.correct else "错", f"{sum(r.same_span for r in g.rewordings)}/{len(g.rewordings)}",
         f"{sum(r.same_short for r in g.rewordings)}/{len(g.rewordings)}", "是" if g.stable else "否",
         g.short_answer[:24]]
        for g in report.groups
    ]  # fmt: skip
    _print_table(["id", "type", "原题", "同出处", "同答案", "稳定", "原题简答"], rows)
    f = report.figures()
    print(
        f"\n稳定的组：{f['stable_groups']}/{f['groups']}；与原题答得一样的改写：{f['like_original']}/{f['rewordings']}；"
        f"原题正确率 {f['original_accuracy']:.3f}，改写正确率 {f['rewording_accuracy']:.3f}"
    )
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(
            json.dumps(report.to_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        print(f"逐组结果：{args.out}")
    if spec is None:
        return 0
    return _check_floors(report.to_dict(), args.floors, spec, args.raise_floors)


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
    from evaluation.paraphrase import DEFAULT_SET
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
    r.add_argument("--raise-floors", action="store_true", help=RAISE_HELP)
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
    s.add_argument("--raise-floors", action="store_true", help=RAISE_HELP)
    s.set_defaults(func=_guarded(cmd_score))

    pp = sub.add_parser("paraphrase", help="改写稳定性：同一问题换几种说法，答案和出处是否不变")
    pp.add_argument(
        "--set",
        dest="paraphrase_set",
        type=Path,
        default=DEFAULT_SET,
        metavar="FILE",
        help="改写题集 JSONL（标准答案集字段 + rewordings；默认为自带的 30 组开发集题目）",
    )
    pp.add_argument("--out", type=Path, help="把逐组结果写成 JSON 文件")
    pp.add_argument(
        "--floors", type=Path, help="下限文件（如 evaluation/floors-paraphrase.json）：未达下限时退出码为 1"
    )
    pp.add_argument("--raise-floors", action="store_true", help=RAISE_HELP)
    add_index_options(pp)
    pp.set_defaults(func=_guarded(cmd_paraphrase))

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
