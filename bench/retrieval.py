"""Retrieval benchmark (检索基准): dev-set hit@1/hit@5/doc@1 for bm25, dense and hybrid beside the
plain LangChain recipe, ingest throughput, search and answer latency, peak memory; one run.

    python bench/retrieval.py [--corpus ../shared/corpus] [--gold ../shared/datasets/dev_qa.jsonl]

Builds every index afresh in a temporary folder (a few minutes: ~800 passages are embedded for the
assistant, the same documents again for each LangChain row), prints the table and writes it to
``docs/benchmarks.md`` between ``<!-- bench:retrieval -->`` and ``<!-- /bench:retrieval -->``,
leaving the other sections of that file alone. A passage counts as a hit when it comes from the gold
document and holds the gold evidence (an overlap of 12+ characters counts, as in the evaluator).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # run from a checkout without installing
sys.path.insert(0, str(REPO / "bench"))
import _scale_common as common  # noqa: E402

from assistant.config import Settings  # noqa: E402
from assistant.engine import Assistant  # noqa: E402
from evaluation.baseline import LangChainBaseline, docs_from_knowledge_base  # noqa: E402
from evaluation.gold import GoldItem, load_gold  # noqa: E402
from evaluation.report import git_commit  # noqa: E402
from evaluation.scoring import percentile, score  # noqa: E402

Search = Callable[[str], list[dict[str, Any]]]


def measure(gold: Sequence[GoldItem], search: Search) -> dict[str, Any]:
    """Retrieval scores of ``search`` on the answerable questions, and its latency after a warm-up."""
    answerable = [g for g in gold if g.answerable]
    search(answerable[0].question)
    preds, times = {}, []
    for item in answerable:
        t0 = time.perf_counter()
        passages = search(item.question)
        times.append((time.perf_counter() - t0) * 1000)
        preds[item.id] = {"id": item.id, "found": True, "answer": "", "citations": [], "retrieved": passages}
    r = score(answerable, preds).retrieval
    return {**r, "p50_ms": percentile(times, 50), "p95_ms": percentile(times, 95), "n": len(answerable)}


def _f(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def run(corpus: Path, gold_path: Path, workdir: Path, log: Callable[[str], None]) -> dict[str, Any]:
    gold = load_gold(gold_path)
    load_avg = os.getloadavg()
    facts: dict[str, Any] = {
        "date": dt.datetime.now().astimezone().isoformat(timespec="minutes"),
        "cpu": common.cpu_model(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "git": git_commit(REPO),
        "load_before": load_avg,
    }

    log("ingesting a fresh index …")
    settings = Settings(index_dir=workdir / "index")
    assistant = Assistant(settings)
    ingest = assistant.ingest([corpus])
    if not ingest.ok:
        raise SystemExit(f"ingest failed: {[f.reason for f in ingest.failed]}")
    kb = assistant.kb
    rows: list[dict[str, Any]] = []
    for mode, label in (
        ("bm25", "bm25 (jieba)"),
        ("dense", "dense (e5-small)"),
        ("hybrid", "hybrid (RRF k=60)"),
    ):
        log(f"searching: {mode} …")
        asker = Assistant(settings.with_(mode=mode), kb=kb)

        def search(q: str, asker: Assistant = asker) -> list[dict[str, Any]]:
            return [h.to_dict() for h in asker.search(q, 10)]

        rows.append({"name": label, "chunks": ingest.chunks_total, **measure(gold, search)})

    docs = docs_from_knowledge_base(kb)
    builds = {}
    for size, overlap in ((750, 150), (300, 60)):
        log(f"LangChain recipe {size}/{overlap}: splitting and embedding …")
        baseline = LangChainBaseline(workdir / f"lc-{size}", chunk_size=size, chunk_overlap=overlap)
        stats = baseline.build(docs)
        builds[size] = stats

        def lc_search(q: str, baseline: LangChainBaseline = baseline) -> list[dict[str, Any]]:
            return baseline.ask(q)["retrieved"]

        name = f"LangChain {size}/{overlap} + Chroma"
        rows.append({"name": name, "chunks": stats.passages, **measure(gold, lc_search)})

    log("answering (extractive, hybrid) …")
    questions = [g.question for g in gold]
    assistant.ask(questions[0])
    answer_ms = []
    for q in questions:
        answer_ms.append(assistant.ask(q).latency_ms)
    assistant.close()

    return {
        "facts": facts,
        "gold": {"path": str(gold_path), "n": len(gold), "answerable": sum(g.answerable for g in gold)},
        "ingest": {
            "documents": len(ingest.added),
            "chunks": ingest.chunks_total,
            "chars": ingest.chars,
            "seconds": ingest.seconds,
            "chunks_per_s": ingest.chunks_total / ingest.seconds,
            "chars_per_s": ingest.chars / ingest.seconds,
        },
        "baseline_builds": {k: {"passages": v.passages, "seconds": v.seconds} for k, v in builds.items()},
        "rows": rows,
        "answer": {
            "n": len(answer_ms),
            "p50_ms": percentile(answer_ms, 50),
            "p95_ms": percentile(answer_ms, 95),
        },
        "peak_rss_mb": common.peak_rss_mb(),
        "load_after": os.getloadavg(),
    }


def render(result: dict[str, Any]) -> str:
    f, g, ing = result["facts"], result["gold"], result["ingest"]
    reference = next(r for r in result["rows"] if r["name"].startswith("LangChain 750"))
    commit = f["git"]["commit"][:12] + (" + uncommitted changes" if f["git"].get("dirty") else "")
    lines = [
        "## Retrieval (`python bench/retrieval.py`)",
        "",
        f"Measured {f['date']} on {f['cpu']} ({f['cores']} cores), Python {f['python']}, commit `{commit}`; "
        f"load average before/after {f['load_before'][0]:.1f}/{result['load_after'][0]:.1f} "
        "(latencies are only comparable between runs on a quiet machine).",
        f"Dev set `{Path(g['path']).name}`: {g['answerable']} answerable questions of {g['n']}; "
        f"corpus: {ing['documents']} documents, {ing['chars']:,} characters.",
        "",
        "| retriever | chunks | hit@1 | hit@5 | doc@1 | MRR | hit@1 vs LangChain 750 | search p50 ms | search p95 ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in result["rows"]:
        ratio = r["hit_at_1"] / reference["hit_at_1"] if reference["hit_at_1"] else None
        lines.append(
            f"| {r['name']} | {r['chunks']} | {_f(r['hit_at_1'])} | {_f(r['hit_at_5'])} | {_f(r['doc_at_1'])} | "
            f"{_f(r['mrr'])} | {_f(ratio, 2)}× | {_f(r['p50_ms'], 1)} | {_f(r['p95_ms'], 1)} |"
        )
    lines += [
        "",
        f"- Ingest of a fresh index: {ing['chunks']} chunks, {ing['chars']:,} characters in {ing['seconds']:.1f} s: "
        f"**{ing['chunks_per_s']:.2f} chunks/s, {ing['chars_per_s']:.0f} chars/s** (embedding dominates).",
        f"- Extractive answer (`ask`, hybrid, after warm-up, all {result['answer']['n']} questions): "
        f"p50 **{_f(result['answer']['p50_ms'], 0)} ms**, p95 **{_f(result['answer']['p95_ms'], 0)} ms**.",
        f"- Peak RSS of the whole run: {result['peak_rss_mb']:.0f} MB.",
        "- hit@k: a passage among the first k comes from the gold document and holds the gold evidence "
        "(12+ characters of overlap); doc@1: the first passage comes from the gold document.",
        "- LangChain rows: RecursiveCharacterTextSplitter (750/150 and 300/60 characters) + Chroma + the "
        "same embedder, dense top-10, as `evaluation/baseline.py` builds them.",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--gold", type=Path, default=REPO.parent / "shared" / "datasets" / "dev_qa.jsonl")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "benchmarks.md")
    parser.add_argument("--workdir", type=Path, help="keep the indexes here instead of a temporary folder")
    args = parser.parse_args(argv)

    def log(msg: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)

    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
        result = run(args.corpus, args.gold, args.workdir, log)
    else:
        with tempfile.TemporaryDirectory(prefix="pa-bench-") as tmp:
            result = run(args.corpus, args.gold, Path(tmp), log)
    text = render(result)
    print(text)
    common.replace_section("retrieval", text, args.out)
    log(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
