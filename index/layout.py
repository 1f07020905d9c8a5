"""The files of a local index folder (索引目录布局), named in one place.

Every module that reads or writes a file of the index folder asks :class:`IndexLayout` for its path,
so the names below are the only place they are spelled. A Chroma server keeps the catalog and the
manifest in the server instead (:mod:`index.catalog_chroma`); the folder then holds only the locks,
the audit log and the jieba cache.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from index.errors import IndexMissing

__all__ = ["TRANSIENT_NAMES", "IndexLayout", "require_local_index"]

CATALOG = "catalog.sqlite"  # the source of truth: documents, chunks, tokens (index.catalog)
DOC_STATE_TABLE = "doc_state"  # disabled documents, a table in the catalog (index.doc_state)
DOC_STATE = "doc-state.sqlite"  # the same table when the catalog is in a Chroma server (index.doc_state)
MANIFEST = "manifest.json"  # how the index was built (index.manifest)
BM25 = "bm25"  # the keyword index folder (index.bm25_store)
CHROMA = "chroma"  # Chroma's persistent folder (index.chroma_store)
SENTENCES = "sentences.sqlite"  # sentence vectors of a local index, read by id (index.sentence_vectors)
CACHE = "cache"  # the tokenizer's cache, derived (corpus.tokenize)
WRITE_LOCK = "write.lock"  # single-writer lock, names its holder (index.lock.WriteLock)
IN_USE_LOCK = "in-use.lock"  # shared hold while a knowledge base is open (index.lock.InUse)
AUDIT_LOG = "audit.jsonl"  # one line per change (index.audit)
CONVERSATIONS = "conversations.sqlite"  # the web chat's saved conversations, per user (index.conversations)
CURATED = "curated.sqlite"  # curated answers (精选答案) a manager saved (index.curated)
TMP_SUFFIX = ".tmp"  # a half-written file or folder, replaced atomically when complete
OLD_SUFFIX = ".old"  # the previous keyword index during the swap (index.bm25_store.BM25Store.save)

# Names a backup leaves out: locks, derived caches and half-written temporaries (index.backup).
TRANSIENT_NAMES = frozenset(
    {WRITE_LOCK, IN_USE_LOCK, CACHE, BM25 + TMP_SUFFIX, BM25 + OLD_SUFFIX, MANIFEST + TMP_SUFFIX}
)


@dataclass(frozen=True, slots=True)
class IndexLayout:
    """Paths of the files in the index folder ``root`` (索引目录)."""

    root: Path

    @property
    def catalog(self) -> Path:
        return self.root / CATALOG

    @property
    def doc_state(self) -> Path:
        """Disabled documents of a knowledge base whose catalog is in a Chroma server."""
        return self.root / DOC_STATE

    @property
    def manifest(self) -> Path:
        return self.root / MANIFEST

    @property
    def manifest_tmp(self) -> Path:
        return self.root / (MANIFEST + TMP_SUFFIX)

    @property
    def bm25(self) -> Path:
        return self.root / BM25

    @property
    def bm25_leftovers(self) -> tuple[Path, Path]:
        """The folders an interrupted keyword-index save leaves (``bm25.tmp``, ``bm25.old``)."""
        return self.root / (BM25 + TMP_SUFFIX), self.root / (BM25 + OLD_SUFFIX)

    @property
    def chroma(self) -> Path:
        return self.root / CHROMA

    @property
    def sentences(self) -> Path:
        return self.root / SENTENCES

    @property
    def cache(self) -> Path:
        return self.root / CACHE

    @property
    def write_lock(self) -> Path:
        return self.root / WRITE_LOCK

    @property
    def in_use_lock(self) -> Path:
        return self.root / IN_USE_LOCK

    @property
    def audit_log(self) -> Path:
        return self.root / AUDIT_LOG

    @property
    def conversations(self) -> Path:
        return self.root / CONVERSATIONS

    @property
    def curated(self) -> Path:
        return self.root / CURATED

    def is_index(self) -> bool:
        """Whether ``root`` holds a built local index (a manifest and a catalog)."""
        return self.manifest.is_file() and self.catalog.is_file()

    def missing_message(self) -> str:
        """The refusal for a folder that is not an index, naming the two files looked for."""
        return f"{self.root} 不是知识库索引目录（缺少 {MANIFEST} 或 {CATALOG}）"


def require_local_index(index_dir: Path) -> None:
    """Refuse (:class:`IndexMissing`) to read from ``index_dir`` when it holds no knowledge base yet.

    Opening a knowledge base creates its folder, so without this a mistyped ``--index`` would answer
    "not found" from a new empty index instead of saying the path is wrong. The catalog is what is
    looked for, not the manifest: a folder whose manifest a crash lost is recovered when it is opened.
    """
    layout = IndexLayout(index_dir)
    if not layout.catalog.is_file():
        what = "不存在" if not index_dir.exists() else f"中没有知识库（缺少 {CATALOG}）"
        raise IndexMissing(
            f"索引目录 {index_dir} {what}；请检查 --index，或先导入文件：policy-assistant ingest <文件夹> --index {index_dir}"
        )
