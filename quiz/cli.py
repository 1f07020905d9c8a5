"""``policy-assistant quiz``: generate a quiz, or import a reviewed one (命令行出题).

policy-assistant quiz --n 20 --types single,multi,judge,blank --seed 1 --out quiz.xlsx
policy-assistant quiz --docs 社会救助暂行办法 --types single=5,judge=5 --out quiz.docx
policy-assistant quiz import reviewed.xlsx --out quiz.json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from assistant import Assistant, IndexLayout, build_chat_model
from assistant.cli_options import add_index_options, open_assistant, settings_from
from quiz.types import DIFFICULTIES, ITEM_TYPES, QuizSpec

_TYPE_ALIASES = {"单选": "single", "多选": "multi", "判断": "judge", "填空": "blank"}


def parse_types(text: str, n: int) -> tuple[tuple[str, int], ...]:
    """``single,judge`` (``n`` spread evenly) or ``single=5,judge=3`` (explicit counts)."""
    parts = [p.strip() for p in text.replace("，", ",").split(",") if p.strip()]
    if not parts:
        raise argparse.ArgumentTypeError("--types 不能为空")
    named: list[tuple[str, int | None]] = []
    for part in parts:
        name, _, count = part.partition("=")
        name = _TYPE_ALIASES.get(name.strip(), name.strip())
        if name not in ITEM_TYPES:
            raise argparse.ArgumentTypeError(
                f"未知题型 {name!r}：可选 {', '.join(ITEM_TYPES)}（或 单选/多选/判断/填空）"
            )
        if count and not count.strip().isdigit():
            raise argparse.ArgumentTypeError(f"题量应为整数：{part!r}")
        named.append((name, int(count) if count else None))
    if all(c is not None for _, c in named):
        return tuple((t, c) for t, c in named if c)
    return QuizSpec.even(n, tuple(t for t, _ in named)).counts


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("quiz", help="根据文件出题（单选/多选/判断/填空），导出 Excel/Word/JSON")
    p.add_argument("--docs", nargs="+", default=[], help="只从这些文件出题（编号、文件名或标题片段）")
    p.add_argument("--sections", nargs="+", default=[], help="只从这些章节出题（如 第二章）")
    p.add_argument("--n", type=int, default=20, help="题目总数（默认 20）")
    p.add_argument(
        "--types",
        default="single,multi,judge,blank",
        help="题型：single,multi,judge,blank 或 single=5,judge=5",
    )
    p.add_argument("--seed", type=int, default=1, help="随机种子：同一种子出同一套题")
    p.add_argument("--difficulty", choices=DIFFICULTIES, help="只要某一难度的题")
    p.add_argument("--no-verify", action="store_true", help="跳过“用问答助手复核答案”这一关（更快）")
    p.add_argument("--title", default="政策文件学习测试", help="试卷标题（Word/Markdown）")
    p.add_argument("--out", type=Path, help="输出文件：.xlsx .docx .json .csv .md（默认在标准输出打印 JSON）")
    p.add_argument("--report", type=Path, help="把出题报告写成 JSON")
    add_index_options(p)
    p.set_defaults(func=cmd_quiz)

    sub = p.add_subparsers(dest="quiz_action")
    imp = sub.add_parser("import", help="导入审核后的 Excel（校验后另存为其他格式）")
    imp.add_argument("file", type=Path, help="审核后的 .xlsx（或 .json）")
    imp.add_argument(
        "--out", type=Path, required=True, dest="import_out", help="输出：.json .xlsx .docx .csv .md"
    )
    imp.add_argument("--title", default="政策文件学习测试", dest="import_title")
    add_index_options(imp)
    imp.set_defaults(func=cmd_import)


def cmd_quiz(args: argparse.Namespace) -> int:
    from quiz.export import QuizExportError, export
    from quiz.generate import QuizGenerator

    if args.n < 1:
        print("错误：--n 至少为 1", file=sys.stderr)
        return 2
    try:
        counts = parse_types(args.types, args.n)
    except argparse.ArgumentTypeError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    spec = QuizSpec(
        counts=counts, docs=tuple(args.docs), sections=tuple(args.sections), difficulty=args.difficulty,
        seed=args.seed, verify=not args.no_verify,
    )  # fmt: skip
    assistant = open_assistant(args)
    try:
        if not assistant.documents():
            print("错误：知识库为空，请先 policy-assistant ingest 导入文件", file=sys.stderr)
            return 2
        llm = None
        if assistant.settings.llm_enabled:
            llm = build_chat_model(assistant.settings)  # rewords stems; every rewording is checked
        quiz = QuizGenerator(assistant, assistant, llm).generate(spec)
    finally:
        assistant.close()
    print(quiz.report.summary(), file=sys.stderr)
    for note in quiz.report.notes:
        print(f"提示：{note}", file=sys.stderr)
    if args.report:
        args.report.write_text(
            json.dumps(quiz.report.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8"
        )
    if not quiz.items:
        print("错误：没有生成任何题目（换一些文件或题型再试）", file=sys.stderr)
        return 1
    if args.out is None:
        print(json.dumps([i.to_dict() for i in quiz.items], ensure_ascii=False, indent=2))
        return 0
    try:
        export(quiz.items, args.out, args.title)
    except QuizExportError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    print(f"已写入 {args.out}（{len(quiz.items)} 题）", file=sys.stderr)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from quiz.export import QuizExportError, export
    from quiz.importer import QuizImportError, read_quiz

    doc_text = _doc_text(args)
    try:
        items = read_quiz(args.file, doc_text)
        export(items, args.import_out, args.import_title)
    except (QuizImportError, QuizExportError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2  # bad input, as for every PolicyAssistantError (assistant.cli.main)
    checked = "，出处已与知识库原文核对" if doc_text else ""
    print(f"已导入 {len(items)} 题{checked}，写入 {args.import_out}", file=sys.stderr)
    return 0


def _doc_text(args: argparse.Namespace) -> Any:
    """Source file → document text from the knowledge base, when one exists (to verify quotes).

    Works for a local index and for a Chroma server (``--chroma-url``) alike.
    """
    settings = settings_from(args)
    if not settings.chroma_url and not IndexLayout(settings.index_dir).manifest.exists():
        return None
    assistant = Assistant(settings)

    def doc_text(source: str) -> str | None:
        rec = assistant.find_document(source)
        return assistant.document_text(rec.doc_id) if rec else None

    return doc_text
