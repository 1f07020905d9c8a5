"""Sessions the web app keeps in memory (会话状态上限), over real HTTP against the launched app.

Gradio keeps a state per session, a copy of every component's config (about 250 KB for this page); API
clients open a new session with each call. Its default of 10,000 sessions let memory grow by some 5 MB/s
under load; the app keeps the most recently used :data:`ui.app.SESSIONS_KEPT`.
"""

from __future__ import annotations

import json

import httpx
from ui_testkit import Server

from ui.app import SESSIONS_KEPT


def ask_over_http(base: str, question: str) -> list[object]:
    """One question through Gradio's HTTP API (a new session each call, as scripts and load tests ask)."""
    with httpx.Client(base_url=base, timeout=60) as client:
        r = client.post("/gradio_api/call/ask", json={"data": [question, []]})
        r.raise_for_status()
        event = None
        with client.stream("GET", f"/gradio_api/call/ask/{r.json()['event_id']}") as resp:
            for line in resp.iter_lines():
                if line.startswith("event:"):
                    event = line.split(":", 1)[1].strip()
                elif line.startswith("data:") and event in ("complete", "error"):
                    assert event == "complete", line
                    return list(json.loads(line.split(":", 1)[1]))
    raise AssertionError("the event stream ended without a result")


def test_the_app_keeps_the_most_recent_sessions_only(ui_server: Server) -> None:
    holder = ui_server.demo.state_holder
    assert SESSIONS_KEPT < 10_000 and holder.capacity == SESSIONS_KEPT  # set at launch, not Gradio's default
    saved = holder.capacity
    # Gradio drops the least recently used session when one more is stored: room for two more here.
    holder.capacity = len(holder.session_data) + 2
    try:
        for n in range(6):
            answer = ask_over_http(ui_server.url, f"低保标准由谁确定？（第{n}次）")
            assert answer and "低保" in json.dumps(answer, ensure_ascii=False)
        assert len(holder.session_data) <= holder.capacity
    finally:
        holder.capacity = saved
