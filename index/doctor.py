"""Index health check and repair (索引体检与修复): ``policy-assistant doctor [--repair]``.

The catalog is the source of truth (:mod:`index.catalog`). The doctor checks that everything else
agrees with it: Chroma holds exactly one vector per catalog chunk (no orphans, none missing), the
keyword index on disk was built from the current catalog, the manifest's counts and corpus
fingerprint are those of the catalog, and every chunk is the exact span ``text[start:end]`` of its
document (so every citation quotes what the document says). :func:`check` only reads. Repair does
what a finished ingest does, through the same public :meth:`KnowledgeBase.repair` that crash recovery
(:mod:`index.recovery`, run when a local knowledge base is opened) uses: delete orphan vectors, embed
missing ones, rebuild the keyword index and rewrite the manifest; dangling chunk rows are deleted. A
chunk that is not its document's span, or a manifest built with another embedder or chunker, cannot be
repaired here: the report says which command to run.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from corpus.ids import chunk_id_for
from index.bm25_store import BM25Store
from index.catalog import Catalog
from index.errors import ManifestMismatch
from index.fingerprint import corpus_fingerprint
from index.layout import MANIFEST

if TYPE_CHECKING:
    from index.knowledge_base import KnowledgeBase

__all__ = ["Health", "Problem", "check", "repair"]

_SHOW = 5  # ids quoted in a message


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding (问题): a stable code, a message that says what to do, and whether repair fixes it."""

    code: str
    message: str
    repairable: bool = True


@dataclass(frozen=True, slots=True)
class Health:
    """What :func:`check` found (体检结果)."""

    documents: int
    chunks: int
    vectors: int
    keyword: int | None  # ids in the keyword index on disk; None when there is none (server mode)
    manifest_documents: int | None
    manifest_chunks: int | None
    problems: tuple[Problem, ...] = ()
    repaired: tuple[str, ...] = field(default=())  # codes fixed by the repair that preceded this check

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        manifest = (
            "无"
            if self.manifest_documents is None
            else f"{self.manifest_documents} 文件 / {self.manifest_chunks} 块"
        )
        keyword = "（服务器模式，不落盘）" if self.keyword is None else str(self.keyword)
        lines = [
            f"目录：{self.documents} 个文件，{self.chunks} 块；向量：{self.vectors}；关键词索引：{keyword}；"
            f"清单：{manifest}"
        ]
        lines += [f"已修复：{code}" for code in self.repaired]
        lines += [
            f"{'问题' if p.repairable else '问题（无法自动修复）'} [{p.code}]：{p.message}"
            for p in self.problems
        ]
        lines.append("结论：健康" if self.ok else f"结论：发现 {len(self.problems)} 个问题")
        return "\n".join(lines)


def _few(ids: set[str] | list[str]) -> str:
    shown = sorted(ids)[:_SHOW]
    more = f" 等 {len(ids)} 个" if len(ids) > _SHOW else ""
    return "、".join(shown) + more


def _dangling(kb: KnowledgeBase) -> list[tuple[str, str]]:
    catalog = kb.catalog
    return catalog.dangling_chunks() if isinstance(catalog, Catalog) else []


def _span_problems(kb: KnowledgeBase) -> Iterator[Problem]:
    """Chunks that are not the exact span of their document, or whose id does not match their content."""
    text: str | None = None
    current = ""
    bad_span: dict[str, list[str]] = {}
    bad_id: dict[str, list[str]] = {}
    for stored in kb.catalog.iter_chunks():
        c = stored.chunk
        if c.doc_id != current:
            current, text = c.doc_id, kb.catalog.document_text(c.doc_id)
        if text is None or not 0 <= c.start <= c.end <= len(text) or text[c.start : c.end] != c.text:
            bad_span.setdefault(c.source, []).append(c.chunk_id)
        elif chunk_id_for(c.doc_id, c.section, c.start, c.text) != c.chunk_id:
            bad_id.setdefault(c.source, []).append(c.chunk_id)
    for source, ids in sorted(bad_span.items()):
        yield Problem(
            "span-mismatch",
            f"{source} 的 {len(ids)} 个文本块与原文 text[start:end] 不一致（{_few(ids)}），引用会出错；"
            f"请重新导入该文件：policy-assistant remove {source} 后再 ingest",
            repairable=False,
        )
    for source, ids in sorted(bad_id.items()):
        yield Problem(
            "chunk-id-mismatch",
            f"{source} 的 {len(ids)} 个文本块编号与内容不符（{_few(ids)}），目录可能被改动；请重新导入该文件",
            repairable=False,
        )


def check(kb: KnowledgeBase) -> Health:
    """Compare every store of ``kb`` with its catalog; read-only."""
    problems: list[Problem] = []
    docs = kb.catalog.documents()
    stored_ids = set(kb.catalog.chunk_ids())
    joined = {s.chunk.chunk_id for s in kb.catalog.iter_chunks()}
    dangling = _dangling(kb)
    if dangling or stored_ids - joined:
        ids = {cid for cid, _ in dangling} | (stored_ids - joined)
        problems.append(
            Problem(
                "dangling-chunks",
                f"目录中有 {len(ids)} 个文本块不属于任何文件（{_few(ids)}）；修复会删除它们",
            )
        )
    try:
        vector_ids = kb.vectors.all_ids()
    except Exception as exc:  # a corrupt Chroma folder: say so instead of crashing the doctor
        problems.append(
            Problem(
                "vectors-unreadable",
                f"向量库无法读取（{type(exc).__name__}: {exc}）；请从备份恢复或重建索引",
                False,
            )
        )
        vector_ids = set()
    else:
        # Chunks queued for vectors (index.embed_queue) are not missing: `embed` or the server fills them.
        queued = kb.queue.queued_ids() if kb.queue is not None else set()
        orphans, missing = vector_ids - joined, joined - vector_ids - queued
        if orphans:
            problems.append(
                Problem(
                    "orphan-vectors", f"向量库中有 {len(orphans)} 个向量不属于任何文本块（{_few(orphans)}）"
                )
            )
        if missing:
            problems.append(
                Problem(
                    "missing-vectors",
                    f"{len(missing)} 个文本块没有向量（{_few(missing)}），语义检索找不到它们",
                )
            )

    keyword: int | None = None
    if not kb.chroma_url:
        folder = kb.layout.bm25
        on_disk = BM25Store.load(folder)
        if on_disk is None:
            keyword = 0
            if joined:
                problems.append(
                    Problem("keyword-missing", f"关键词索引 {folder} 缺失或无法读取；修复会从目录重建")
                )
        else:
            keyword = len(on_disk)
            if set(on_disk.ids) != joined or on_disk.stamp != kb.catalog.stamp():
                problems.append(
                    Problem(
                        "keyword-stale",
                        f"关键词索引（{len(on_disk)} 块）与目录（{len(joined)} 块）不一致；修复会从目录重建",
                    )
                )
        leftovers = [p.name for p in kb.layout.bm25_leftovers if p.exists()]
        if leftovers:
            problems.append(
                Problem("keyword-leftovers", f"关键词索引有中断写入留下的临时目录 {'、'.join(leftovers)}")
            )

    manifest = kb.catalog.read_manifest()
    if manifest is None:
        if docs or vector_ids:
            problems.append(Problem("manifest-missing", f"索引清单 {MANIFEST} 缺失；修复会按目录重写"))
    else:
        try:
            manifest.check_compatible(kb.embedder_name, None, kb.chunk_settings.to_dict(), kb.index_dir)
        except ManifestMismatch as exc:
            problems.append(Problem("manifest-settings", str(exc), repairable=False))
        fingerprint = corpus_fingerprint(d.fingerprint for d in docs)
        if (manifest.documents, manifest.chunks) != (len(docs), len(joined)):
            problems.append(
                Problem(
                    "manifest-counts",
                    f"清单记录 {manifest.documents} 个文件 / {manifest.chunks} 块，目录实有 {len(docs)} / {len(joined)}",
                )
            )
        elif manifest.corpus_fingerprint != fingerprint:
            problems.append(Problem("manifest-fingerprint", "清单中的语料指纹与目录不符；修复会重写清单"))
    problems.extend(_span_problems(kb))
    return Health(
        documents=len(docs),
        chunks=len(joined),
        vectors=len(vector_ids),
        keyword=keyword,
        manifest_documents=manifest.documents if manifest else None,
        manifest_chunks=manifest.chunks if manifest else None,
        problems=tuple(problems),
    )


def repair(kb: KnowledgeBase) -> Health:
    """Fix what can be fixed, then check again; the result lists what was repaired."""
    before = check(kb)
    fixable = [p for p in before.problems if p.repairable]
    if not fixable:
        return before
    if any(p.code == "manifest-settings" for p in before.problems):
        # Rewriting the manifest would claim the current settings built chunks they did not build.
        return before
    doc_ids = sorted({doc_id for _, doc_id in _dangling(kb)})
    for doc_id in doc_ids:
        if kb.catalog.fingerprint(doc_id) is None:
            kb.catalog.remove_document(doc_id)
    kb.repair()
    after = check(kb)
    fixed = tuple(sorted({p.code for p in fixable} - {p.code for p in after.problems}))
    return Health(
        after.documents, after.chunks, after.vectors, after.keyword, after.manifest_documents,
        after.manifest_chunks, after.problems, fixed,
    )  # fmt: skip
