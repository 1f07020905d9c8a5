"""An in-memory knowledge base for unit tests of the reader and the answerer (no Chroma, no embedder).

Documents are written in the test; each paragraph is one chunk whose offsets point into the document
text, as the real chunker's do. Term statistics come from a real BM25 store over the real jieba
tokens; retrieval is a plain token-overlap ranking (the reader and answerer are what is tested).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from assistant.config import Settings
from assistant.reader import Reader
from assistant.retrieve import Filters
from assistant.types import Hit
from corpus.tokenize import Tokenizer, default_tokenizer
from corpus.types import Chunk
from index.bm25_store import BM25Store
from index.catalog import DocRecord


@dataclass(frozen=True, slots=True)
class Doc:
    doc_id: str
    title: str
    text: str
    issuer: str = "某某县人民政府"
    date: str = "2024-01-01"


def chunks_of(doc: Doc) -> list[Chunk]:
    """One chunk per non-empty paragraph, with exact offsets into ``doc.text``."""
    out, pos = [], 0
    for n, part in enumerate(doc.text.split("\n")):
        if part.strip():
            out.append(
                Chunk(f"{doc.doc_id}-{n}", doc.doc_id, f"{doc.doc_id}.txt", "", pos, pos + len(part), part, n)
            )
        pos += len(part) + 1
    return out


@dataclass
class FakeKnowledgeBase:
    """What the answerer needs of a knowledge base (documents, tokenizer) plus a keyword ranking."""

    docs: Sequence[Doc]
    tokenizer: Tokenizer = field(default_factory=default_tokenizer)
    retrieve_calls: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.chunks = [c for d in self.docs for c in chunks_of(d)]
        self.by_doc = {d.doc_id: d for d in self.docs}
        self.bm25 = BM25Store.build((c.chunk_id, self.tokenizer.tokens(c.text)) for c in self.chunks)

    def documents(self) -> list[DocRecord]:
        return [
            DocRecord(d.doc_id, f"{d.doc_id}.txt", d.title, d.issuer, d.date, "", "fp", 1, 0.0)
            for d in self.docs
        ]

    def text(self, doc_id: str) -> str:
        return self.by_doc[doc_id].text

    def retrieve(
        self,
        question: str,
        k: int = 10,
        filters: Filters | None = None,
        doc_weights: Mapping[str, float] | None = None,
    ) -> list[Hit]:
        """Chunks sharing at least one token with the question, most shared tokens first."""
        self.retrieve_calls.append(question)
        asked = set(self.tokenizer.tokens(question))
        hits = []
        for c in self.chunks:
            shared = len(asked & set(self.tokenizer.tokens(c.text)))
            if shared:
                d = self.by_doc[c.doc_id]
                weight = (doc_weights or {}).get(c.doc_id, 1.0)
                hits.append(Hit(c, d.title, d.issuer, d.date, shared * weight))
        hits.sort(key=lambda h: (-h.score, h.chunk.chunk_id))
        return hits[:k]

    def reader(self) -> Reader:
        return Reader(self.tokenizer, lambda: self.bm25)


SETTINGS = Settings()


def records(*titles: str) -> list[DocRecord]:
    """Catalog records d0, d1, … for documents with these titles (for document matching alone)."""
    return [
        DocRecord(f"d{i}", f"d{i}.txt", t, "", "2024-01-01", "", "fp", 1, 0.0) for i, t in enumerate(titles)
    ]


# A small regulation: a figure with its unit, a responsible body, a prohibition, a date.
DIBAO = Doc(
    "dibao",
    "某某县农村最低生活保障实施办法",
    "某某县农村最低生活保障实施办法\n"
    "第一条 为了规范农村最低生活保障工作，制定本办法。\n"
    "第二条 农村最低生活保障标准由县级人民政府民政部门确定，每人每月不低于500元。\n"
    "第三条 申请最低生活保障，应当向户籍所在地的乡镇人民政府提出书面申请。\n"
    "第四条 最低生活保障资金应当专款专用，不得挤占挪用。\n"
    "第五条 本办法自2024年3月1日起施行。",
)
FANGXUN = Doc(
    "fangxun",
    "某某镇防汛物资管理规定",
    "某某镇防汛物资管理规定\n第一条 防汛物资由镇防汛办公室统一采购，各村设立储备点。\n第二条 储备点每年汛期前检查一次。",
    issuer="某某镇人民政府",
)
