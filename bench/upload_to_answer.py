"""Upload to first answer (导入到可问): how soon a long law answers keyword questions, and how long
until its vectors are all filled in, on a fresh local index.

    python bench/upload_to_answer.py [--chars 70000] [--baseline]

The law is read at run time from ``../shared/scale/cn-laws-corpus.tar.xz`` (unpacked to a temporary
folder): the one whose text length is nearest ``--chars`` (70,000 characters ≈ 100 printed pages at
about 700 characters a page). Timed in one process, each from a fresh index:

1. ``Assistant.ingest(..., wait=False)`` (what ``policy-assistant ingest`` does): load, chunk, tokenize,
   commit with the vectors queued, keyword index rebuilt;
2. the first question about an article of that law (cold: the first question also loads the
   question embedder), checked to be answered with a citation of the law;
3. ``Assistant.embed_pending()`` until the queue is empty (what ``policy-assistant embed`` or the web
   server does), with its passages/s;
4. with ``--baseline``: ``ingest(wait=True)`` of the same law into another fresh index, i.e. the time a
   user waited before this change for the first answer (vectors computed before the commit);
5. with ``--web``: the same through the launched web app over HTTP (:func:`web_upload`): ``/upload`` of
   the file (what the 导入知识库 button calls) then ``POST /api/ask``, on a running server whose question
   embedder is loaded, its background filler embedding meanwhile; then until the filler has the
   vectors N/N.

Prints a markdown section (the lead copies it to docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import json
import re
import socket
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _scale_common as common

TARGET_S = 10.0
CHARS_PER_PAGE = 700


def pick_law(chars: int) -> tuple[Path, int]:
    """The scale-corpus law whose length is nearest ``chars`` (and within the chunk limit)."""
    from corpus.loaders import load_file

    best: tuple[int, Path, int] | None = None
    for path in common.scale_files(common.scale_corpus()):
        size = path.stat().st_size // 3  # UTF-8 Chinese: ~3 bytes a character; refined below
        if abs(size - chars) > chars // 2:
            continue
        n = len(load_file(path).text)
        if best is None or abs(n - chars) < best[0]:
            best = (abs(n - chars), path, n)
    if best is None:
        raise SystemExit(f"no law of about {chars} characters in {common.SCALE_TARBALL}")
    return best[1], best[2]


def question_for(text: str) -> tuple[str, str]:
    """A question on one article of the law (its subject, asked back) and the phrase the answer must quote."""
    articles = re.findall(r"第[一二三四五六七八九十百零]+条\s*([^。\n]{12,60})。", text)
    if not articles:
        raise SystemExit("the law has no 第…条 articles to ask about")
    clause = articles[len(articles) // 2]
    return f"{clause[:24]}是怎么规定的？", clause[:12]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def web_upload(doc: Path, question: str, phrase: str, workdir: Path, *, fill: bool = True) -> dict[str, Any]:
    """Upload ``doc`` through the launched web app (gradio_client ``/upload``), ask ``question`` over
    ``POST /api/ask`` and (``fill``) wait for the background filler: seconds from the upload's start."""
    from gradio_client import Client, handle_file

    from assistant import Settings
    from index.embedder import DEFAULT_EMBEDDER, make_embedder
    from ui.app import launch
    from ui.service import WebService

    make_embedder(DEFAULT_EMBEDDER).embed_query("预热")  # a running server has its question embedder loaded
    service = WebService(Settings(index_dir=workdir / "index"), workdir / "web")
    port = _free_port()
    demo = launch(service, port=port, prevent_thread_lock=True, quiet=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        client = Client(url, verbose=False)
        t0 = time.perf_counter()
        status, _table, _choices = client.predict([handle_file(doc)], api_name="/upload")
        t_upload = time.perf_counter() - t0
        req = urllib.request.Request(
            url + "api/ask",
            data=json.dumps({"question": question}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=600) as resp:
            answer = json.loads(resp.read())
        t_answer = time.perf_counter() - t0
        cited = [c for c in answer["citations"] if c["source"] == doc.name and phrase in c["quote"]]
        left = sum(v.pending for v in service.vector_status().values())
        if fill and not service.filler.wait_idle(3600):
            raise SystemExit("the background filler did not finish within an hour")
        t_full = time.perf_counter() - t0 if fill else None
        (vectors,) = service.vector_status().values()
    finally:
        demo.close()
        service.close()
    common.log(f"web: {status.splitlines()[0]}; answer after {t_answer:.1f} s, vectors after {t_full} s")
    return {
        "upload_s": t_upload, "answer_s": t_answer, "found": bool(answer["found"]), "cited": bool(cited),
        "pending_at_answer": left, "full_s": t_full, "vectors": f"{vectors.total - vectors.pending}/{vectors.total}",
    }  # fmt: skip


def web_rows(web: dict[str, Any]) -> list[tuple[str, str]]:
    """Table rows of :func:`web_upload`'s figures."""
    rows = [
        ("web: /upload returns (file sent over HTTP, committed, keyword index rebuilt)", f"{web['upload_s']:.1f} s"),
        (
            "web: upload → first keyword answer over /api/ask (warm server, filler running)",
            f"{web['answer_s']:.1f} s — target ≤ {TARGET_S:.0f} s: {common.verdict(web['answer_s'], TARGET_S)}",
        ),
        ("web: answer found / quotes the asked article", f"{web['found']} / {web['cited']}"),
        ("web: passages still without vectors when answered", str(web["pending_at_answer"])),
    ]  # fmt: skip
    if web["full_s"] is not None:
        rows.append(
            ("web: upload → vectors N/N (background filler)", f"{web['full_s']:.0f} s ({web['vectors']})")
        )
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--chars", type=int, default=70_000, help="law length to pick (characters)")
    ap.add_argument("--baseline", action="store_true", help="also time ingest --wait (before this change)")
    ap.add_argument("--web", action="store_true", help="also time the upload through the launched web app")
    args = ap.parse_args()

    from assistant import Assistant, Settings

    facts = common.machine_facts()
    law, n_chars = pick_law(args.chars)
    common.log(f"law: {law.name} ({n_chars:,} characters ≈ {n_chars / CHARS_PER_PAGE:.0f} pages)")
    with tempfile.TemporaryDirectory(prefix="pa-upload-") as tmp:
        folder = Path(tmp) / "docs"
        folder.mkdir()
        doc = folder / law.name
        doc.write_bytes(law.read_bytes())
        assistant = Assistant(Settings(index_dir=Path(tmp) / "index"))
        try:
            t0 = time.perf_counter()
            report = assistant.ingest([doc], wait=False)
            t_ingest = time.perf_counter() - t0
            question, phrase = question_for(assistant.document_text(assistant.documents()[0].doc_id) or "")
            answer = assistant.ask(question)
            t_answer = time.perf_counter() - t0
            cited = [c for c in answer.citations if c.source == law.name and phrase in c.quote]
            common.log(f"first answer after {t_answer:.1f} s: found={answer.found}, {len(cited)} citations")
            t1 = time.perf_counter()
            filled = assistant.embed_pending(
                on_batch=lambda p: common.log(p.line()) if p.done % 128 < 32 else None
            )
            t_embed = time.perf_counter() - t1
        finally:
            assistant.close()
        t_wait = None
        if args.baseline:
            waited = Assistant(Settings(index_dir=Path(tmp) / "index-wait"))
            try:
                t2 = time.perf_counter()
                waited.ingest([doc], wait=True)
                waited.ask(question)
                t_wait = time.perf_counter() - t2
            finally:
                waited.close()
        web = web_upload(doc, question, phrase, Path(tmp) / "web") if args.web else None

    rate = filled.done / t_embed if t_embed else 0.0
    rows = [
        ("ingest returns (searchable by keyword; vectors queued)", f"{t_ingest:.1f} s"),
        (
            "upload → first keyword answer (incl. a cold first question)",
            f"{t_answer:.1f} s — target ≤ {TARGET_S:.0f} s: {common.verdict(t_answer, TARGET_S)}",
        ),
        ("first answer found / quotes the asked article", f"{answer.found} / {bool(cited)} (`{question}`)"),
        ("vectors filled after (embed worker)", f"{t_embed:.0f} s for {filled.done} passages ({rate:.1f}/s)"),
        ("upload → fully embedded", f"{t_ingest + t_embed:.0f} s"),
    ]
    if t_wait is not None:
        rows.append(
            (
                "before this change: ingest --wait → first answer",
                f"{t_wait:.0f} s ({t_wait / t_answer:.0f}× longer)",
            )
        )
    if web is not None:
        rows += web_rows(web)
    lines = [
        "## Upload to first answer (searchable at once)",
        "",
        f"`python bench/upload_to_answer.py --chars {args.chars}{' --baseline' if args.baseline else ''}"
        f"{' --web' if args.web else ''}` — "
        f"law `{law.name}` from the scale corpus: {n_chars:,} characters ≈ {n_chars / CHARS_PER_PAGE:.0f} pages, "
        f"{report.chunks_total} passages. {common.facts_line(facts, common.machine_facts()['load'])}",
        "",
        "| step | time |",
        "|---|---|",
        *[f"| {name} | {value} |" for name, value in rows],
    ]
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
