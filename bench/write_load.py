"""Questions during an upload (写入时的问答延迟): do answers keep coming while a manager uploads ~500 chunks?

    python bench/write_load.py [--index DIR] [--users 4] [--before 15] [--timeout 1800]

Runs the web service (:class:`ui.service.WebService`, the object behind every Gradio handler) in this
process on a copy of the shared-corpus index, with ``--users`` threads asking dev-set questions back to
back. After ``--before`` seconds of questions alone it uploads ~500 chunks through ``WebService.upload``
(``../shared/corpus-validation/dongwu-fangyi-fa.md``, 120 chunks, and the first three quarters of
刑法.md from ``../shared/scale``, ~380 chunks) while the users keep asking, and stops when the upload
ends. The question-embedding cache is switched off so that every question is embedded (the worst case).
Prints a markdown table: answer latency p50/p95/max and answers per 15 s before and during the upload,
from the same run. Target: p95 under 1 s during the upload. Exit status 1 when it is missed.

The index: ``--index``, else ``$POLICY_ASSISTANT_TEST_INDEX`` (the test cache), else one is built in a
temporary folder (embeds ../shared/corpus once: a few minutes).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tarfile
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _scale_common as common

TARGET_P95_MS = 1000.0
WINDOW = 15.0  # seconds: the issue counted answers per 15 s
LAW_MEMBER = "cn-laws/刑法/刑法.md"


def upload_files(folder: Path) -> list[Path]:
    """One validation law and three quarters of 刑法 (cut at a line end): about 500 chunks."""
    folder.mkdir(parents=True, exist_ok=True)
    law = common.SHARED / "corpus-validation" / "dongwu-fangyi-fa.md"
    shutil.copyfile(law, folder / law.name)
    with tarfile.open(common.SCALE_TARBALL) as tar:
        member = tar.extractfile(LAW_MEMBER)
        assert member is not None, LAW_MEMBER
        text = member.read().decode("utf-8")
    cut = text.index("\n", len(text) * 3 // 4)
    (folder / "xingfa-part.md").write_text(text[:cut] + "\n", encoding="utf-8")
    return [folder / law.name, folder / "xingfa-part.md"]


def source_index(arg: Path | None, work: Path) -> Path:
    if arg is not None:
        return arg
    cached = os.environ.get("POLICY_ASSISTANT_TEST_INDEX")
    if cached and (Path(cached) / "catalog.sqlite").exists():
        return Path(cached)
    from assistant.config import Settings
    from assistant.engine import Assistant

    target = work / "built-index"
    common.log(f"building {target} from ../shared/corpus (a few minutes) …")
    assistant = Assistant(Settings(index_dir=target))
    assistant.ingest([common.SHARED / "corpus"])
    assistant.close()
    return target


def summarize(latencies: list[float], seconds: float) -> dict[str, float]:
    stats = common.percentiles([x * 1000 for x in latencies])
    return {
        "n": stats["n"],
        "p50": stats["p50"],
        "p95": stats["p95"],
        "max": max(latencies, default=float("nan")) * 1000,
        "per15": len(latencies) * WINDOW / max(seconds, 1e-9),
    }


def worst_window(done_at: list[float], start: float, end: float) -> int:
    """The fewest answers completed in any 15 s window of [start, end) (whole windows only)."""
    counts = []
    t = start
    while t + WINDOW <= end:
        counts.append(sum(1 for d in done_at if t <= d < t + WINDOW))
        t += WINDOW
    return min(counts) if counts else -1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--index", type=Path, help="index to copy (default: the test cache or a fresh build)")
    ap.add_argument("--users", type=int, default=4)
    ap.add_argument("--before", type=float, default=15.0, help="seconds of questions before the upload")
    ap.add_argument("--timeout", type=float, default=1800.0, help="give up on the upload after this long")
    args = ap.parse_args()

    from assistant.config import Settings
    from ui.service import WebService

    facts = common.machine_facts()
    work = Path(tempfile.mkdtemp(prefix="pa-write-load-"))
    try:
        index = work / "index"
        shutil.copytree(source_index(args.index, work), index, ignore=shutil.ignore_patterns("write.lock"))
        files = upload_files(work / "upload")
        service = WebService(Settings(index_dir=index), work / "web")
        cache = getattr(service.assistant.retriever, "query_cache", None)
        if cache is not None:
            cache.size = 0  # every question is embedded: the case an upload competes with
        questions = common.dev_questions()
        for q in questions[:3]:  # warm: tokenizer, keyword index, reader, embedder
            service.ask(q)

        phase = {"name": "before"}
        records: list[tuple[str, float, float]] = []  # (phase at start, latency s, completion time)
        errors: list[str] = []
        stop = threading.Event()
        lock = threading.Lock()

        def user(i: int) -> None:
            n = i
            while not stop.is_set():
                question = questions[n % len(questions)]
                n += args.users
                started_in = phase["name"]
                t0 = time.perf_counter()
                try:
                    service.ask(question)
                except Exception as exc:  # reported, never hidden
                    errors.append(f"{type(exc).__name__}: {exc}")
                t1 = time.perf_counter()
                with lock:
                    records.append((started_in, t1 - t0, t1))

        common.log(
            f"{args.users} users asking for {args.before:.0f} s, then uploading {[f.name for f in files]}"
        )
        threads = [threading.Thread(target=user, args=(i,), daemon=True) for i in range(args.users)]
        t_start = time.perf_counter()
        for t in threads:
            t.start()
        time.sleep(args.before)
        phase["name"] = "during"
        t_up = time.perf_counter()
        result: dict[str, object] = {}
        uploader = threading.Thread(
            target=lambda: result.update(r=service.upload([(f.name, f) for f in files], user="bench")),
            daemon=True,
        )
        uploader.start()
        uploader.join(args.timeout)
        t_end = time.perf_counter()
        phase["name"] = "after"
        stop.set()
        for t in threads:
            t.join(60)
        if uploader.is_alive():
            service.cancel()
            uploader.join(600)
        load_after = os.getloadavg()[0]
        upload = result.get("r")
        summary = upload.summary() if upload is not None else "upload did not finish"  # type: ignore[attr-defined]
        service.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)

    before = summarize([lat for p, lat, _ in records if p == "before"], t_up - t_start)
    during = summarize([lat for p, lat, _ in records if p == "during"], t_end - t_up)
    worst = worst_window([done for p, _, done in records if p == "during"], t_up, t_end)
    print(f"\n{common.facts_line(facts, load_after)}")
    print(f"{args.users} users asking back to back (question cache off); upload: {summary.splitlines()[0]}")
    print(f"upload took {t_end - t_up:.0f} s; errors: {len(errors)}{' ' + errors[0] if errors else ''}\n")
    print("| phase | answers | per 15 s | p50 ms | p95 ms | max ms |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, s in (("before upload", before), ("during upload", during)):
        print(f"| {name} | {s['n']} | {s['per15']:.0f} | {s['p50']:.0f} | {s['p95']:.0f} | {s['max']:.0f} |")
    print(f"\nFewest answers in a 15 s window during the upload: {worst}")
    print(
        f"Target p95 < {TARGET_P95_MS:.0f} ms during the upload: {common.verdict(during['p95'], TARGET_P95_MS)}"
    )
    return 0 if during["p95"] < TARGET_P95_MS and upload is not None and not errors else 1


if __name__ == "__main__":
    sys.exit(main())
