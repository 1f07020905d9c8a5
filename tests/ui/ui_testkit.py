"""Shared helpers of the web-chat tests (imported by conftest and the test modules)."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "artifacts" / "screenshots"
CORPUS = REPO.parent / "shared" / "corpus"
HOSTILE_QUESTION = "防汛物资储备点设在哪里？"
UNCOVERED_QUESTION = "火星基地的氧气配额标准是多少？"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Listener:
    """A local HTTP server that records every request it receives (nothing may reach it)."""

    port: int
    requests: list[str] = field(default_factory=list)
    server: Any = None


def hostile_text(port: int) -> str:
    return (
        "title: 村级防汛工作安排\nissuer: 某某镇人民政府\ndate: 2024-06-01\n---\n"
        "村级防汛工作安排\n\n"
        "一、物资储备\n\n"
        "防汛物资储备点设在村委会西侧仓库<script>window.__pwned=1</script>"
        '<img src=x onerror="window.__pwned=2">'
        f"![x](http://127.0.0.1:{port}/leak)，由村会计负责登记。"
        f'汛期前各村应当检查储备物资<img src="http://127.0.0.1:{port}/img">并建立台账。\n\n'
        "二、值班制度\n\n汛期实行二十四小时值班，值班人员不得擅自离岗。\n"
    )


@dataclass
class Server:
    url: str
    service: Any
    demo: Any
