"""The reference row (基线): the plain LangChain RAG recipe a user would otherwise assemble.

RecursiveCharacterTextSplitter(chunk_size=750, chunk_overlap=150) over each document's text, the
chunks embedded with the same embedder as the assistant and stored in Chroma (through
:class:`index.chroma_store.ChromaStore`, the project's only chromadb import), dense top-10
retrieval, and as the "answer" the top passage, which is what a RAG pipeline without an LLM shows.

Passages are content-addressed (``sha256(source, start, text)``), so rebuilding over unchanged
documents embeds nothing; their text and offsets are kept beside the vectors in ``passages.json``.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from assistant import Assistant
from index.chroma_store import ChromaStore, collection_name
from index.embedder import DEFAULT_EMBEDDER, Embedder, make_embedder

__all__ = ["BaselineDoc", "BaselineStats", "LangChainBaseline", "Passage", "docs_from_knowledge_base"]


@dataclass(frozen=True, slots=True)
class BaselineDoc:
    """A document as the recipe sees it: its file name, title and full text (原文)."""

    doc_id: str
    source: str
    title: str
    text: str


@dataclass(frozen=True, slots=True)
class Passage:
    """A character-split chunk with its ``[start, end)`` span in the document text."""

    chunk_id: str
    doc_id: str
    source: str
    title: str
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class BaselineStats:
    """What a build did: passages in the store, how many were embedded, characters, seconds."""

    documents: int
    passages: int
    embedded: int
    chars: int
    seconds: float


def docs_from_knowledge_base(assistant: Assistant) -> list[BaselineDoc]:
    """Every document of a knowledge base with its text as loaded (the catalog keeps it)."""
    docs = []
    for rec in assistant.documents():
        text = assistant.document_text(rec.doc_id)
        if text:
            docs.append(BaselineDoc(rec.doc_id, rec.source, rec.title, text))
    return docs


def _chunk_id(source: str, start: int, text: str) -> str:
    return hashlib.sha256(f"{source}\x1f{start}\x1f{text}".encode()).hexdigest()[:32]


class LangChainBaseline:
    """Character chunks + Chroma + the project's embedder, stored under ``directory``."""

    def __init__(
        self,
        directory: Path,
        *,
        chunk_size: int = 750,
        chunk_overlap: int = 150,
        embedder: str | Embedder = DEFAULT_EMBEDDER,
        top_k: int = 10,
    ) -> None:
        self.directory = directory
        self.chunk_size = chunk_size
        self.chunk_overlap = chunk_overlap
        self.top_k = top_k
        self._embedder_spec = embedder
        self._embedder: Embedder | None = None if isinstance(embedder, str) else embedder
        self._passages: dict[str, Passage] = {}
        directory.mkdir(parents=True, exist_ok=True)
        self._store = ChromaStore(
            path=directory / "chroma",
            collection=collection_name(f"lc-{chunk_size}-{chunk_overlap}", self.embedder_name),
        )
        self._load_passages()

    @property
    def embedder_name(self) -> str:
        spec = self._embedder_spec
        return spec if isinstance(spec, str) else spec.name

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            assert isinstance(self._embedder_spec, str)
            self._embedder = make_embedder(self._embedder_spec)
        return self._embedder

    @property
    def name(self) -> str:
        return f"langchain-{self.chunk_size}/{self.chunk_overlap}"

    def describe(self) -> dict[str, Any]:
        """The recipe's settings, for reports."""
        return {
            "splitter": "RecursiveCharacterTextSplitter",
            "chunk_size": self.chunk_size,
            "chunk_overlap": self.chunk_overlap,
            "store": "chroma (cosine)",
            "embedder": self.embedder_name,
            "retrieval": f"dense top-{self.top_k}",
            "answer": "top passage",
        }

    # -- building ---------------------------------------------------------------------------------------
    def split(self, doc: BaselineDoc) -> list[Passage]:
        """The recipe's chunks of one document, with their character spans."""
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        splitter = RecursiveCharacterTextSplitter(
            chunk_size=self.chunk_size, chunk_overlap=self.chunk_overlap, add_start_index=True
        )
        passages = []
        for piece in splitter.create_documents([doc.text]):
            start = int(piece.metadata["start_index"])
            text = piece.page_content
            if start < 0 or doc.text[start : start + len(text)] != text:  # never cite a wrong span
                found = doc.text.find(text)
                if found < 0:
                    continue
                start = found
            cid = _chunk_id(doc.source, start, text)
            passages.append(Passage(cid, doc.doc_id, doc.source, doc.title, start, start + len(text), text))
        return passages

    def build(self, docs: Iterable[BaselineDoc]) -> BaselineStats:
        """Index ``docs`` (replacing whatever was indexed before); unchanged passages are not re-embedded."""
        t0 = time.perf_counter()
        doc_list = list(docs)
        passages = [p for doc in doc_list for p in self.split(doc)]
        ids = [p.chunk_id for p in passages]
        have = self._store.existing(ids)
        todo = [p for p in passages if p.chunk_id not in have]
        if todo:
            vectors = self.embedder.embed_documents([p.text for p in todo])
            self._store.upsert([p.chunk_id for p in todo], vectors, [p.doc_id for p in todo])
        stale = sorted(self._store.all_ids() - set(ids))
        if stale:
            self._store.delete(stale)
        self._passages = {p.chunk_id: p for p in passages}
        self._save_passages()
        chars = sum(len(d.text) for d in doc_list)
        return BaselineStats(len(doc_list), len(passages), len(todo), chars, time.perf_counter() - t0)

    def _save_passages(self) -> None:
        path = self.directory / "passages.json"
        tmp = path.with_suffix(".json.tmp")
        rows = [asdict(p) for p in self._passages.values()]
        tmp.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)

    def _load_passages(self) -> None:
        path = self.directory / "passages.json"
        if path.exists():
            rows = json.loads(path.read_text(encoding="utf-8"))
            self._passages = {r["chunk_id"]: Passage(**r) for r in rows}

    def __len__(self) -> int:
        return len(self._passages)

    # -- asking -----------------------------------------------------------------------------------------
    def search(self, question: str, k: int | None = None) -> list[tuple[Passage, float]]:
        """Dense top-``k`` passages with their cosine similarity, best first."""
        if not self._passages:
            return []
        hits = self._store.query(self.embedder.embed_query(question), k or self.top_k)
        return [(self._passages[cid], s) for cid, s in hits if cid in self._passages]

    def ask(self, question: str, qid: Any = None) -> dict[str, Any]:
        """One answer in the assistant's JSON contract: the top passage, cited, as the answer."""
        t0 = time.perf_counter()
        hits = self.search(question)
        retrieved = [_passage_dict(p, s) for p, s in hits]
        if not hits:
            answer, found, citations = "现有文件中未找到相关规定。", False, []
        else:
            top = hits[0][0]
            answer, found = top.text + "[1]", True
            citations = [
                {"n": 1, "doc_id": top.doc_id, "source": top.source, "title": top.title, "section": "",
                 "start": top.start, "end": top.end, "quote": top.text}
            ]  # fmt: skip
        return {
            "id": qid,
            "question": question,
            "found": found,
            "answer": answer,
            "short_answer": None,
            "question_type": None,
            "citations": citations,
            "retrieved": retrieved,
            "latency_ms": round((time.perf_counter() - t0) * 1000, 2),
        }


def _passage_dict(p: Passage, score: float) -> dict[str, Any]:
    return {
        "chunk_id": p.chunk_id,
        "doc_id": p.doc_id,
        "source": p.source,
        "title": p.title,
        "section": "",
        "start": p.start,
        "end": p.end,
        "score": round(score, 6),
        "text": p.text,
    }
