"""Helpers for the server-mode tests: start a real ``chroma run`` server, run the CLI, small documents."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
CHROMA = Path(sys.executable).with_name("chroma")

LAW = """标题: 乡村振兴促进办法
发文机关: 某省人民政府
日期: 2024-05-31
---
乡村振兴促进办法

第一章 总则

第一条 为了全面实施乡村振兴战略，促进农业全面升级、农村全面进步、农民全面发展，制定本办法。

第二章 产业发展

第三条 各级人民政府应当支持乡村振兴重点帮扶县发展特色产业，带动农民稳定增收。
"""

OPINION = """关于做好春耕生产确保粮食安全的意见

一、确保国家粮食安全

（一）抓好粮食生产。扎实推进新一轮千亿斤粮食产能提升行动，稳定粮食播种面积。

二、巩固拓展脱贫攻坚成果

（一）落实防止返贫监测帮扶机制。对存在返贫致贫风险的农户，及时纳入监测范围，确保两不愁三保障。
"""

GUIDE = "# 宅基地管理办法\n\n## 申请条件\n\n农村村民一户只能拥有一处宅基地，面积不得超过本省规定的标准。\n"

SEED = "# 种业振兴办法\n\n## 种质资源\n\n国家加强种业振兴，县级人民政府建立种质资源库，保护地方特色品种。\n"

WATER = (
    "# 农田水利条例\n\n## 灌溉设施\n\n乡镇人民政府负责小型农田水利设施的日常管护，所需经费列入本级预算。\n"
)

DOCS = {"law.txt": LAW, "opinion.txt": OPINION, "guide.md": GUIDE}


def write_docs(folder: Path, docs: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in docs.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _alive(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1) as resp:
            return bool(resp.status == 200)
    except OSError:
        return False


def cli_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICY_ASSISTANT_")}
    return {**env, "ANONYMIZED_TELEMETRY": "False", "PYTHONPATH": str(REPO)}


def run_cli(
    *args: str | Path, env: dict[str, str] | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """``policy-assistant <args>`` in a fresh process, like a user (or a second machine) would run it."""
    proc = subprocess.run(
        [sys.executable, "-m", "assistant.cli", *map(str, args)],
        cwd=REPO,
        env={**cli_env(), **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
    )
    if check:
        assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def cli_json(*args: str | Path, env: dict[str, str] | None = None) -> Any:
    return json.loads(run_cli(*args, "--json", env=env).stdout)


@contextmanager
def chroma_server(root: Path) -> Iterator[str]:
    """``chroma run`` on a free loopback port with its data under ``root``; stopped on exit."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = root / "server.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [str(CHROMA), "run", "--path", str(root / "data"), "--host", "127.0.0.1", "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
        )
        try:
            deadline = time.monotonic() + 30
            while not _alive(url):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"chroma run did not start: {log_path.read_text(errors='replace')[-2000:]}"
                    )
                time.sleep(0.1)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=15)


# A writer process: opens the knowledge base, waits for "go", ingests its folder, waits for "search",
# then reports which documents its keyword and dense searches find (each on its own line, as JSON).
WRITER = """
import json, sys
from pathlib import Path
from index.knowledge_base import KnowledgeBase

url, index, name, folder, *questions = sys.argv[1:]
kb = KnowledgeBase(Path(index), chroma_url=url, name=name)
kb.embedder.embed_query("预热")
_ = kb.bm25  # built before the other writer commits: it must notice the change by itself
print(json.dumps({"ready": True}), flush=True)
sys.stdin.readline()
report = kb.ingest([Path(folder)])
print(json.dumps({"added": list(report.added), "failed": [f.reason for f in report.failed]}), flush=True)
sys.stdin.readline()
def sources(hits):
    stored = kb.chunks([cid for cid, _ in hits])
    return [stored[cid].chunk.source for cid, _ in hits if cid in stored]
print(json.dumps({q: {"keyword": sources(kb.keyword_search(q, 3)), "dense": sources(kb.dense_search(q, 3))}
                  for q in questions}, ensure_ascii=False), flush=True)
kb.close()
"""


class Writer:
    """A :data:`WRITER` process driven line by line."""

    def __init__(self, url: str, index: Path, name: str, folder: Path, questions: list[str]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, url, str(index), name, str(folder), *questions],
            cwd=REPO,
            env=cli_env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def read(self) -> Any:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            self.proc.wait(timeout=30)
            assert self.proc.stderr is not None
            raise AssertionError(f"writer exited: {self.proc.stderr.read()[-3000:]}")
        return json.loads(line)

    def send(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write("\n")
        self.proc.stdin.flush()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=30)
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()
