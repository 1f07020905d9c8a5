"""Open API vs Gradio under load (开放接口压测): simulated users through ``/v1/chat/completions`` and Gradio.

    python bench/api_load.py [--index DIR] [--users 20 50] [--seconds 60] [--think 2-5] [--out FILE]

Starts ``policy-assistant serve`` on a free loopback port over a copy of the shared-corpus index
(``--index``, default the test cache ``/work/cache/test-index``, copied to a temporary folder so the
cache is never written), then for each user count runs two phases in the same server: the users
ask dev-set questions through the OpenAI-compatible API (``POST /v1/chat/completions``,
non-streaming, no key: loopback) and through Gradio's HTTP API (``POST /gradio_api/call/ask`` then
its event stream, as ``bench/load.py``), each thinking ``--think`` seconds between questions. The
order of the two alternates between user counts so neither always runs on a warmer server.
Reports p50/p95/p99 client latency, errors, answers/s, the server's CPU per answer (from
``/proc/<pid>/stat``) and the 1-minute load average (the machine is shared). Prints a Markdown table
and writes the JSON results to ``--out``; it never edits ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _scale_common as common
import load

TARGET_USERS, TARGET_P95_MS = 20, 300.0
DEFAULT_INDEX = Path("/work/cache/test-index")
Ask = Callable[[httpx.AsyncClient, str], Awaitable[str]]


async def ask_openai(client: httpx.AsyncClient, question: str) -> str:
    body = {"model": "policy-assistant", "messages": [{"role": "user", "content": question}]}
    r = await client.post("/v1/chat/completions", json=body)
    r.raise_for_status()
    content = r.json()["choices"][0]["message"]["content"]
    if not content:
        raise RuntimeError("empty answer")
    return str(content)


async def ask_gradio(client: httpx.AsyncClient, question: str) -> str:
    payload = await load.ask(client, question)
    return str(payload["answer"])


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


async def phase(port: int, via: str, users: int, seconds: float, think: tuple[float, float],
                questions: list[str], seed: int) -> dict[str, Any]:  # fmt: skip
    ask: Ask = ask_openai if via == "openai" else ask_gradio
    rng = random.Random(seed)
    lat: list[float] = []
    errors: dict[str, int] = {}
    stop_at = time.monotonic() + seconds
    # Idle connections expire before uvicorn's 5 s keep-alive does, so a reused one is never half-closed.
    limits = httpx.Limits(
        max_connections=users * 2, max_keepalive_connections=users * 2, keepalive_expiry=4.0
    )
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60, limits=limits) as client:

        async def user(uid: int) -> None:
            await asyncio.sleep(rng.uniform(0, think[1] or 1.0))  # users arrive spread over one think time
            i = uid * 7
            while time.monotonic() < stop_at:
                q = questions[i % len(questions)]
                i += 1
                t0 = time.perf_counter()
                try:
                    await ask(client, q)
                except Exception as exc:
                    key = f"{type(exc).__name__}: {str(exc)[:80]}"
                    errors[key] = errors.get(key, 0) + 1
                else:
                    lat.append((time.perf_counter() - t0) * 1000)
                await asyncio.sleep(rng.uniform(*think))

        t0 = time.perf_counter()
        await asyncio.gather(*(user(u) for u in range(users)))
        wall = time.perf_counter() - t0
    return {"via": via, "users": users, "think": list(think), "wall_s": wall, "ok": len(lat),
            "errors": sum(errors.values()), "error_kinds": errors, "throughput": len(lat) / wall,
            "latency": common.percentiles(lat)}  # fmt: skip


def run(args: argparse.Namespace) -> dict[str, Any]:
    facts = common.machine_facts()
    questions = common.dev_questions()
    think = load.parse_think(args.think)
    phases = []
    with tempfile.TemporaryDirectory(prefix="pa-bench-api-") as tmp:
        index = Path(tmp) / "index"
        common.log(f"copying {args.index} → {index}")
        shutil.copytree(args.index, index, ignore=shutil.ignore_patterns("write.lock", "in-use.lock"))
        port = load.free_port()
        common.log(f"starting the web app on 127.0.0.1:{port} …")
        proc = load.start_server(index, port)
        try:
            for via in ("openai", "gradio"):  # warm-up, not reported
                warm = asyncio.run(phase(port, via, 2, 10, (0.2, 0.5), questions, 0))
                common.log(f"warm-up {via}: {warm['ok']} ok, {warm['errors']} errors")
            for n, users in enumerate(args.users):
                order = ("openai", "gradio") if n % 2 == 0 else ("gradio", "openai")
                for via in order:
                    common.log(f"{users} users via {via}, think {args.think} s, {args.seconds:.0f} s …")
                    cpu0, load0 = cpu_seconds(proc.pid), os.getloadavg()[0]
                    res = asyncio.run(phase(port, via, users, args.seconds, think, questions, users))
                    cpu = cpu_seconds(proc.pid) - cpu0
                    res["server_cpu_ms_per_answer"] = 1000 * cpu / res["ok"] if res["ok"] else float("nan")
                    res["load_before"], res["load_after"] = round(load0, 2), round(os.getloadavg()[0], 2)
                    lat = res["latency"]
                    common.log(f"  {res['ok']} ok, {res['errors']} errors, p50 {lat['p50']:.0f} ms, "
                               f"p95 {lat['p95']:.0f} ms, {res['throughput']:.1f}/s, "
                               f"{res['server_cpu_ms_per_answer']:.0f} core-ms/answer, load {res['load_after']}")  # fmt: skip
                    phases.append(res)
                    time.sleep(3)
        finally:
            load.stop_server(proc)
    return {"facts": facts, "phases": phases, "seconds": args.seconds, "think": args.think,
            "index": str(args.index), "load_after": round(os.getloadavg()[0], 2)}  # fmt: skip


def render(res: dict[str, Any], command: str) -> str:
    head = (
        "| users | via | answers | errors | answers/s | p50 ms | p95 ms | p99 ms | server core-ms/answer | load 1 min |\n"
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    )
    rows = []
    for p in sorted(res["phases"], key=lambda p: (p["users"], p["via"] != "openai")):
        lat = p["latency"]
        via = (
            "OpenAI API (`/v1/chat/completions`)"
            if p["via"] == "openai"
            else "Gradio (`/gradio_api/call/ask`)"
        )
        rows.append(
            f"| {p['users']} | {via} | {p['ok']} | {p['errors']} | {p['throughput']:.1f} | {lat['p50']:.0f} | "
            f"{lat['p95']:.0f} | {lat['p99']:.0f} | {p['server_cpu_ms_per_answer']:.0f} | "
            f"{p['load_before']}→{p['load_after']} |"
        )
    target = [p for p in res["phases"] if p["via"] == "openai" and p["users"] == TARGET_USERS]
    verdict = ""
    if target:
        p = target[0]
        ok = p["latency"]["p95"] <= TARGET_P95_MS and p["errors"] == 0
        verdict = (
            f"\nTarget ({TARGET_USERS} users through the OpenAI API, p95 ≤ {TARGET_P95_MS:.0f} ms, no errors): "
            f"{'met' if ok else 'NOT met'} (p95 {p['latency']['p95']:.0f} ms, {p['errors']} errors)."
        )
    return (
        f"`{command}` — {common.facts_line(res['facts'], res['load_after']).rstrip('.')}; think time {res['think']} s, "
        f"{res['seconds']:.0f} s per phase, one server process, both paths measured in the same run.\n\n"
        + head
        + "\n"
        + "\n".join(rows)
        + "\n"
        + verdict
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--index", type=Path, default=DEFAULT_INDEX, help="a built index (copied, not written)"
    )
    parser.add_argument("--users", type=int, nargs="+", default=[20, 50])
    parser.add_argument("--seconds", type=float, default=60.0, help="length of each phase")
    parser.add_argument(
        "--think", default="2-5", help="think time between a user's questions (lo-hi seconds)"
    )
    parser.add_argument("--out", type=Path, default=common.CACHE_DIR / "results" / "api_load.json")
    args = parser.parse_args(argv)
    if not (args.index / "catalog.sqlite").exists():
        load.ensure_index(args.index)
    res = run(args)
    command = ("python bench/api_load.py " + " ".join(argv if argv is not None else sys.argv[1:])).strip()
    res["command"] = command
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(res, indent=1))
    print(render(res, command))
    return 0


if __name__ == "__main__":
    sys.exit(main())
