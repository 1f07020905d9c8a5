"""Every command against a real ``chroma run`` server (服务器模式), as separate CLI processes.

Each process gets its own ``--index`` folder, as a second machine would: nothing about the
knowledge base may come from the local folder, only from the server.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from server_testkit import DOCS, SEED, WATER, cli_json, run_cli, write_docs

from corpus.chunker import ChunkSettings
from corpus.ids import doc_id_for
from index.catalog_chroma import ChromaCatalog
from index.chroma_store import collection_name
from index.embedder import DEFAULT_EMBEDDER
from index.errors import ManifestMismatch
from index.knowledge_base import KnowledgeBase
from index.manifest import Manifest

pytestmark = pytest.mark.slow


def sources(answer: dict[str, Any], key: str = "citations") -> set[str]:
    return {c["source"] for c in answer[key]}


def test_ingest_then_list_ask_search_remove_from_other_processes(chroma_url: str, tmp_path: Path) -> None:
    corpus = write_docs(tmp_path / "corpus", DOCS)
    out = run_cli("ingest", corpus, "--quiet", "--chroma-url", chroma_url, "--index", tmp_path / "writer")
    assert "新增 3" in out.stdout
    # Nothing of the knowledge base is kept in the local folder in server mode.
    assert not (tmp_path / "writer" / "catalog.sqlite").exists()
    assert not (tmp_path / "writer" / "manifest.json").exists()

    server = ("--chroma-url", chroma_url, "--index", tmp_path / "reader")
    listed = cli_json("list", *server)
    assert sorted(d["source"] for d in listed) == sorted(DOCS)
    law = next(d for d in listed if d["source"] == "law.txt")
    assert law["title"] == "乡村振兴促进办法" and law["date"] == "2024-05-31" and law["n_chunks"] > 0

    # A process started after the ingest finds the new documents by keyword and by meaning alone.
    text = (tmp_path / "corpus" / "opinion.txt").read_text(encoding="utf-8")
    for mode in ("bm25", "dense"):
        answer = cli_json("ask", "如何防止农户返贫？", *server, env={"POLICY_ASSISTANT_MODE": mode})
        assert answer["retrieved"][0]["doc_id"] == doc_id_for("opinion.txt"), mode
        assert answer["found"] and sources(answer) == {"opinion.txt"}, mode
        for c in answer["citations"]:
            assert text[c["start"] : c["end"]] == c["quote"]  # offsets point into the original text

    hits = cli_json("search", "宅基地面积标准", *server)
    assert hits and hits[0]["source"] == "guide.md"

    # A re-ingest from a third folder finds everything unchanged and embeds nothing.
    again = run_cli("ingest", corpus, "--quiet", "--chroma-url", chroma_url, "--index", tmp_path / "third")
    assert "未变 3" in again.stdout and "新嵌入 0 块" in again.stdout

    removed = run_cli("remove", "guide.md", *server)
    assert "已删除 guide.md" in removed.stdout
    assert sorted(d["source"] for d in cli_json("list", *server)) == ["law.txt", "opinion.txt"]
    after = cli_json("search", "宅基地面积标准", *server)
    assert "guide.md" not in {h["source"] for h in after}


def test_another_chunker_is_refused_with_advice_for_the_server(chroma_url: str, tmp_path: Path) -> None:
    # The manifest is in the server, so a machine that never ingested is checked against it too.
    ChromaCatalog(chroma_url).write_manifest(
        Manifest(
            DEFAULT_EMBEDDER, 384, ChunkSettings().to_dict(), collection_name("default", DEFAULT_EMBEDDER)
        )
    )
    with pytest.raises(ManifestMismatch) as info:
        KnowledgeBase(
            tmp_path / "elsewhere", chroma_url=chroma_url, chunk_settings=ChunkSettings(max_tokens=40)
        )
    message = str(info.value)
    assert f"policy-assistant ingest <文件夹> --chroma-url {chroma_url} --rebuild" in message
    assert chroma_url in message and "40" in message and str(tmp_path) not in message


def test_one_server_holds_knowledge_bases_side_by_side(chroma_url: str, tmp_path: Path) -> None:
    """``--kb-name`` (or POLICY_ASSISTANT_KB_NAME) picks the knowledge base; the others never see its documents."""
    seeds = write_docs(tmp_path / "seeds", {"seed.md": SEED})
    water = write_docs(tmp_path / "water", {"water.md": WATER})
    server = ("--chroma-url", chroma_url, "--index", tmp_path / "local")
    run_cli("ingest", seeds, "--quiet", *server, "--kb-name", "zhongye")
    run_cli("ingest", water, "--quiet", *server, env={"POLICY_ASSISTANT_KB_NAME": "shuili"})

    assert [d["source"] for d in cli_json("list", *server, "--kb-name", "zhongye")] == ["seed.md"]
    assert [d["source"] for d in cli_json("list", *server, env={"POLICY_ASSISTANT_KB_NAME": "shuili"})] == [
        "water.md"
    ]
    assert not {"seed.md", "water.md"} & {d["source"] for d in cli_json("list", *server)}  # "default"
    answer = cli_json("ask", "小型农田水利设施由谁管护？", *server, "--kb-name", "zhongye")
    assert not answer["found"]  # that knowledge base has no such document
    answer = cli_json("ask", "小型农田水利设施由谁管护？", *server, "--kb-name", "shuili")
    assert answer["found"] and sources(answer) == {"water.md"}
