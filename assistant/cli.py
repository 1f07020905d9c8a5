"""Command line (命令行): ``policy-assistant ingest | list | remove | search | ask``, the index's
maintenance commands and plug-ins.

``doctor``, ``backup``, ``restore``, ``export`` and ``migrate`` live beside the index (:mod:`index.cli`);
this module hands them the index options and where the knowledge base is. ``serve`` (web chat),
``eval`` and ``quiz`` are contributed by the higher layers through the ``policy_assistant.commands``
entry-point group, so this module never imports them.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from assistant.cli_ask import ask_batch, interactive, print_answer
from assistant.cli_options import add_index_options, index_target, open_assistant, settings_from
from assistant.engine import Assistant, open_knowledge_base
from assistant.retrieve import Filters
from corpus.errors import PolicyAssistantError
from corpus.names import visible
from index import cli as maintenance
from index.audit import audit_log, cli_user, ingest_result
from index.embed_queue import DrainProgress
from index.jobs import CancelToken

Handler = Callable[[argparse.Namespace], int]


def _filters(args: argparse.Namespace) -> Filters:
    return Filters(
        docs=tuple(args.doc or ()), issuer=args.issuer, date_from=args.date_from, date_to=args.date_to
    )


# -- commands -------------------------------------------------------------------------------------------
def cmd_ingest(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    settings = settings_from(args)
    assistant = Assistant(settings, open_knowledge_base(settings, check_manifest=not args.rebuild))
    bar = tqdm(total=0, unit="doc", desc="入库", file=sys.stderr, disable=args.quiet)
    state = {"chunks": 0}

    def progress(name: str, done: int, total: int, chunks: int) -> None:
        bar.total = total
        bar.update(done - bar.n)
        elapsed = max(bar.format_dict["elapsed"], 1e-6)
        state["chunks"] = chunks
        bar.set_postfix_str(f"{chunks} 块, {chunks / elapsed:.1f} 块/秒, {name[:24]}")

    log = audit_log(settings.index_dir)
    try:
        with _interrupt_cancels() as token:
            if args.wait and assistant.pending_vectors():  # what an earlier ingest left queued, with an ETA
                _fill_vectors(assistant, token, args.quiet)
            report = assistant.ingest(
                args.paths, progress=progress, rebuild=args.rebuild, cancel=token, wait=args.wait
            )
    except Exception as exc:
        log.record(
            cli_user(), "ingest", [str(p) for p in args.paths], f"error: {type(exc).__name__}: {exc}"[:500]
        )
        raise
    log.record(
        cli_user(), "ingest", [*report.added, *report.updated],
        "cancelled" if report.cancelled else ingest_result(report),
        added=list(report.added), updated=list(report.updated),
        paths=[str(p) for p in args.paths], unchanged=len(report.unchanged), rebuild=args.rebuild,
        failed=[f.reason for f in report.failed], **({"cancelled": list(report.cancelled)} if report.cancelled else {}),
    )  # fmt: skip
    bar.close()
    print(report.summary("full"))
    for failure in report.failed:
        print(f"失败: {visible(failure.reason)}", file=sys.stderr)
    if report.queued:
        print(_queued_advice(report.queued, args), file=sys.stderr)
    assistant.close()
    if report.cancelled:
        left = "、".join(visible(n) for n in report.cancelled[:5]) + (
            "等" if len(report.cancelled) > 5 else ""
        )
        print(
            f"已取消（Ctrl-C）：{len(report.cancelled)} 个文件未导入（{left}）；之前已导入的文件保留，索引完好，"
            "再次运行同一命令即可继续（未变的文件会跳过）",
            file=sys.stderr,
        )
        return 130
    return 1 if report.failed else 0


def _queued_advice(queued: int, args: argparse.Namespace) -> str:
    """How the queued vectors get filled (the same index options as the ingest that queued them)."""
    options = "".join(
        f" {flag} {value}"
        for flag, value in (
            ("--index", args.index),
            ("--embedder", args.embedder),
            ("--kb-name", args.kb_name),
        )
        if value
    )
    return (
        f"已可按关键词检索；{queued} 块的向量（语义检索）尚未计算。补齐：policy-assistant embed{options}"
        "（可随时 Ctrl-C，下次接着算），或启动 serve 由网页服务在后台补齐；脚本中可用 ingest --wait 等待全部完成"
    )


def _fill_vectors(
    assistant: Assistant, token: CancelToken, quiet: bool, batch: int | None = None
) -> DrainProgress:
    """Drain the vector queue with a progress bar (passages, rate, ETA)."""
    from tqdm import tqdm

    bar = tqdm(total=assistant.pending_vectors(), unit="块", desc="计算向量", file=sys.stderr, disable=quiet)

    def on_batch(p: DrainProgress) -> None:
        bar.total = p.total
        bar.update(p.done - bar.n)

    sentences = tqdm(total=0, unit="句", desc="计算句向量", file=sys.stderr, disable=quiet, delay=0.5)

    def on_sentences(done: int, total: int) -> None:
        sentences.total = total
        sentences.update(done - sentences.n)

    try:
        return assistant.embed_pending(
            cancel=token, on_batch=on_batch, batch_size=batch, on_sentences=on_sentences
        )
    finally:
        bar.close()
        sentences.close()


def cmd_embed(args: argparse.Namespace) -> int:
    """Fill the queued vectors (向量补齐); Ctrl-C stops after the current batch, nothing is lost."""
    assistant = open_assistant(args)
    try:
        before = assistant.pending_vectors()
        if not before and not assistant.pending_sentences():
            print("没有等待计算向量的文本块，索引已完整")
            return 0
        print(f"{before} 块等待计算向量", file=sys.stderr)
        with _interrupt_cancels(
            "正在停止：当前这批算完即停，已算好的向量保留（再按一次 Ctrl-C 立即退出）"
        ) as token:
            result = _fill_vectors(assistant, token, args.quiet, args.batch)
    finally:
        assistant.close()
    print(f"已计算 {result.done} 块向量，用时 {result.seconds:.1f} 秒；剩余 {result.left} 块")
    if result.left:
        print("已中断：已算好的向量已保存，再次运行 policy-assistant embed 即从中断处继续", file=sys.stderr)
        return 130
    return 0


@contextmanager
def _interrupt_cancels(
    notice: str = "正在取消：当前这批向量算完即停止，已导入的文件保留（再按一次 Ctrl-C 立即退出）",
) -> Iterator[CancelToken]:
    """The first Ctrl-C cancels the ingest cleanly (at the next document or embedding batch); a second
    one stops the process at once (the next run recovers, see index.doctor)."""
    token = CancelToken()
    if threading.current_thread() is not threading.main_thread():
        yield token
        return

    def on_interrupt(signum: int, frame: object) -> None:
        token.cancel()
        signal.signal(signal.SIGINT, signal.default_int_handler)
        print("\n" + notice, file=sys.stderr)

    previous = signal.signal(signal.SIGINT, on_interrupt)
    try:
        yield token
    finally:
        signal.signal(signal.SIGINT, previous if previous is not None else signal.default_int_handler)


def cmd_list(args: argparse.Namespace) -> int:
    assistant = open_assistant(args)
    docs = assistant.documents()
    if args.json:
        print(
            json.dumps(
                [d.__dict__ if hasattr(d, "__dict__") else _rec(d) for d in docs],
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for d in docs:
            # Names and titles are shown escaped: a stored name must not drive the terminal (corpus.names).
            print(
                f"{d.doc_id}  {d.n_chunks:>4} 块  {visible(d.date or '----------')}  {visible(d.source)}  "
                f"《{visible(d.title)}》"
            )
        stats = assistant.stats()
        print(f"共 {stats['documents']} 个文件，{stats['chunks']} 块", file=sys.stderr)
    return 0


def _rec(d: Any) -> dict[str, Any]:
    return {k: getattr(d, k) for k in d.__slots__}


def cmd_remove(args: argparse.Namespace) -> int:
    assistant = open_assistant(args)
    log = audit_log(assistant.settings.index_dir)
    status = 0
    for key in args.docs:
        rec = assistant.remove(key)
        log.record(cli_user(), "delete", [rec.source if rec else key], "ok" if rec else "not_found")
        if rec is None:
            print(
                f"未找到文件：{visible(key)}（可用 policy-assistant list 查看文件名或编号）", file=sys.stderr
            )
            status = 1
        else:
            print(f"已删除 {visible(rec.source)}（{rec.n_chunks} 块）")
    return status


def cmd_search(args: argparse.Namespace) -> int:
    assistant = open_assistant(args)
    hits = assistant.search(args.question, args.k, _filters(args))
    if args.json:
        print(json.dumps([h.to_dict() for h in hits], ensure_ascii=False, indent=2))
        return 0
    for i, h in enumerate(hits, start=1):
        c = h.chunk
        print(f"[{i}] {h.score:.4f}  {visible(c.source)}  {visible(c.section)}  [{c.start}, {c.end})")
        print("    " + c.text.replace("\n", " ")[:160])
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    assistant = open_assistant(args)
    if args.batch:
        return ask_batch(assistant, args.batch, args.out, _filters(args))
    if args.question:
        answer = assistant.ask(" ".join(args.question), filters=_filters(args))
        if args.json:
            print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
        else:
            print_answer(answer)
        return 0
    return interactive(assistant, _filters(args))


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"应为正整数，收到 {value!r}")
    return number


# -- parser ---------------------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="policy-assistant", description="政策通：离线政策文件问答（答案均附原文出处）"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="导入文件或文件夹（.txt .md .html .docx .pdf）")
    p.add_argument("paths", nargs="+", type=Path)
    p.add_argument("--rebuild", action="store_true", help="清空后重建索引")
    p.add_argument(
        "--wait", action="store_true", help="等全部向量算完再返回（默认可按关键词检索即返回，向量在后台补齐）"
    )
    p.add_argument("--quiet", action="store_true")
    add_index_options(p)
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("embed", help="补齐导入后尚未计算的向量（可随时 Ctrl-C，下次接着算）")
    p.add_argument("--batch", type=_positive, help="每批块数（默认按向量模型，32）")
    p.add_argument("--quiet", action="store_true")
    add_index_options(p)
    p.set_defaults(func=cmd_embed)

    p = sub.add_parser("list", help="列出已入库的文件")
    p.add_argument("--json", action="store_true")
    add_index_options(p)
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("remove", help="删除文件（编号、文件名或标题）")
    p.add_argument("docs", nargs="+")
    add_index_options(p)
    p.set_defaults(func=cmd_remove)

    for name, func, help_text in (
        ("search", cmd_search, "检索相关条文"),
        ("ask", cmd_ask, "提问（不带问题则进入交互模式）"),
    ):
        p = sub.add_parser(name, help=help_text)
        if name == "search":
            p.add_argument("question")
            p.add_argument("-k", type=int, default=10)
        else:
            p.add_argument("question", nargs="*")
            p.add_argument("--batch", type=Path, help="JSONL 输入，每行含 id 和 question")
            p.add_argument("--out", type=Path, help="批量结果输出 JSONL（默认标准输出）")
        p.add_argument("--json", action="store_true")
        p.add_argument("--doc", action="append", help="只在某文件中查找（可多次）")
        p.add_argument("--issuer")
        p.add_argument("--date-from")
        p.add_argument("--date-to")
        add_index_options(p)
        p.set_defaults(func=func)

    maintenance.register(sub, add_index_options, index_target)  # doctor backup restore export migrate

    for ep in entry_points(group="policy_assistant.commands"):
        try:
            register = ep.load()
        except ImportError as exc:  # a broken plug-in must not take the core commands down with it
            print(f"警告：命令 {ep.name} 不可用（{exc}）", file=sys.stderr)
            continue
        register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except PolicyAssistantError as exc:  # any user-facing error: one line, exit code 2, no traceback
        print(f"错误：{visible(str(exc))}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
