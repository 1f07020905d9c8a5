"""Several processes writing through one Chroma server (多进程写入) at the same time."""

from __future__ import annotations

from pathlib import Path

import pytest
from server_testkit import SEED, WATER, Writer, write_docs

from index.knowledge_base import KnowledgeBase

pytestmark = pytest.mark.slow

QUESTIONS = ["种质资源库", "小型农田水利设施的管护"]


def test_two_processes_ingesting_at_once_both_land_and_both_see_everything(
    chroma_url: str, tmp_path: Path
) -> None:
    name = "two-writers"
    folders = {
        "seed.md": write_docs(tmp_path / "a", {"seed.md": SEED}),
        "water.md": write_docs(tmp_path / "b", {"water.md": WATER}),
    }
    writers = [
        Writer(chroma_url, tmp_path / f"index-{i}", name, folder, QUESTIONS)
        for i, folder in enumerate(folders.values())
    ]
    try:
        assert [w.read() for w in writers] == [{"ready": True}] * 2
        for w in writers:  # both start their ingest together
            w.send()
        reports = [w.read() for w in writers]
        assert [r["added"] for r in reports] == [["seed.md"], ["water.md"]]
        for w in writers:
            w.send()
        # Each process's own keyword index picked up the other's document (dense search too).
        for found in (w.read() for w in writers):
            assert found["种质资源库"]["keyword"][0] == "seed.md", found
            assert found["小型农田水利设施的管护"]["keyword"][0] == "water.md", found
            assert found["种质资源库"]["dense"][0] == "seed.md", found
            assert found["小型农田水利设施的管护"]["dense"][0] == "water.md", found
    finally:
        for w in writers:
            w.close()

    kb = KnowledgeBase(tmp_path / "index-check", chroma_url=chroma_url, name=name)
    try:
        assert sorted(d.source for d in kb.documents()) == sorted(folders)
        stats = kb.stats()
        assert stats["chunks"] == stats["vectors"] == stats["keyword"] > 0
        assert kb.vectors.all_ids() == set(kb.catalog.chunk_ids())
    finally:
        kb.close()


def test_two_processes_writing_the_same_document_leave_one_whole_version(
    chroma_url: str, tmp_path: Path
) -> None:
    name = "same-document"
    versions = {
        "a": "# 种业振兴办法\n\n## 种质资源\n\n县级人民政府建立种质资源库，保护地方特色品种。\n",
        "b": "# 种业振兴办法\n\n## 种质资源\n\n省级人民政府建立种质资源圃，收集濒危品种。\n\n## 附则\n\n本办法自公布之日起施行。\n",
    }
    writers = [
        Writer(chroma_url, tmp_path / f"index-{v}", name, write_docs(tmp_path / v, {"seed.md": text}), [])
        for v, text in versions.items()
    ]
    try:
        assert [w.read() for w in writers] == [{"ready": True}] * 2
        for w in writers:
            w.send()
        assert [w.read()["added"] for w in writers] != [[], []]
        for w in writers:
            w.send()
            w.read()
    finally:
        for w in writers:
            w.close()
    kb = KnowledgeBase(tmp_path / "index-check", chroma_url=chroma_url, name=name)
    try:
        (rec,) = kb.documents()
        text = kb.catalog.document_text(rec.doc_id)
        assert text is not None and text in {t.rstrip("\n") for t in versions.values()} | set(
            versions.values()
        )
        stored = list(kb.catalog.iter_chunks())
        assert stored and all(text[s.chunk.start : s.chunk.end] == s.chunk.text for s in stored)
        # Every committed chunk has its vector (restored if the other writer had deleted it).
        assert set(kb.catalog.chunk_ids()) <= kb.vectors.all_ids()
        assert kb.stats()["keyword"] == len(stored)
    finally:
        kb.close()
