"""Asking from the command line (命令行问答): ``policy-assistant ask`` prints an answer with its sources,
answers a JSONL file of questions (``--batch``), or holds an interactive conversation with follow-ups."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from assistant.engine import Assistant
from assistant.retrieve import Filters
from assistant.types import Answer, Turn
from corpus.names import visible


def print_answer(answer: Answer) -> None:
    print(answer.answer)
    for c in answer.citations:
        print(
            f"  [{c.n}] 《{visible(c.title)}》 {visible(c.section)}  {visible(c.source)} [{c.start}, {c.end})"
        )
        print(f"      “{c.quote}”")
    if not answer.found and answer.related:
        print("  可能相关的条文：")
        for c in answer.related:
            print(f"   - 《{visible(c.title)}》 {visible(c.section)}：{c.quote[:80]}")


def ask_batch(assistant: Assistant, src: Path, out: Path | None, filters: Filters) -> int:
    sink = out.open("w", encoding="utf-8") if out else sys.stdout
    bad = 0
    with src.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                qid, question = item["id"], item["question"]
                if not isinstance(question, str) or not question.strip():
                    raise ValueError("question 为空")
            except (ValueError, KeyError, TypeError) as exc:
                print(f"{src.name} 第 {lineno} 行无效：{exc}（每行需要 id 和 question）", file=sys.stderr)
                bad += 1
                continue
            sink.write(
                json.dumps(assistant.ask(question, filters=filters).to_dict(qid), ensure_ascii=False) + "\n"
            )
            sink.flush()
    if out:
        sink.close()
    return 1 if bad else 0


def interactive(assistant: Assistant, filters: Filters) -> int:
    print("政策通：请输入问题（直接回车或输入 exit 退出；“新对话”清空上下文）")
    history: list[Turn] = []
    while True:
        try:
            question = input("问> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if question in ("", "exit", "quit", "退出"):
            return 0
        if question in ("新对话", "清空"):
            history.clear()
            continue
        answer = assistant.ask(question, history, filters)
        print_answer(answer)
        history.append(Turn(question, answer))
