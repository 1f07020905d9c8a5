"""Progress inside a document (文档内进度): an ingest reports each embedding batch of a long document,
between its reading and its writing, so a web upload of a big file shows a fraction that moves.

Real jieba, Chroma under ``tmp_path`` and the bundled embedder; the embedder's batch size is set to two
passages so that a small document is embedded in several batches.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from index.embedder import DEFAULT_EMBEDDER, make_embedder
from index.knowledge_base import IngestStep, KnowledgeBase

SEED = "种业振兴办法\n\n" + "".join(
    f"第{n}条 国家加强种业振兴，保护第{n}类种质资源，支持育种创新。\n\n" for n in "一二三四五六七八"
)
WATER = "农田水利办法\n\n第一条 县级人民政府负责农田水利设施的建设和管护，保障灌溉用水。\n"


def test_each_embedding_batch_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(make_embedder(DEFAULT_EMBEDDER), "batch_size", 2)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a-seed.txt").write_text(SEED, encoding="utf-8")
    (docs / "b-water.txt").write_text(WATER, encoding="utf-8")
    steps: list[IngestStep] = []
    files: list[tuple[str, int, int, int]] = []
    kb = KnowledgeBase(tmp_path / "index")
    try:
        report = kb.ingest([docs], step=steps.append, progress=lambda *a: files.append(a))
    finally:
        kb.close()
    assert report.ok and report.chunks_total > 2
    seed = [s for s in steps if s.name == "a-seed.txt"]
    embeds = [(s.done, s.total) for s in seed if s.phase == "embed"]
    total = embeds[-1][1]
    assert total > 2, "the document must need several batches"
    assert embeds == [(min(i, total), total) for i in range(2, total + 2, 2)]
    # Phases in order: read, each batch, store; the file number and the number of files are given.
    assert [s.phase for s in seed] == ["read", *["embed"] * len(embeds), "store"]
    assert {(s.file_no, s.files) for s in seed} == {(1, 2)}
    assert next(s.phase for s in steps if s.name == "b-water.txt") == "read"
    assert {(s.file_no, s.files) for s in steps if s.name == "b-water.txt"} == {(2, 2)}
    # The per-file callback the command line uses is told as before.
    assert [f[:3] for f in files] == [("a-seed.txt", 1, 2), ("b-water.txt", 2, 2)]
